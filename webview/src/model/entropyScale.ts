// Pure: entropy → colour bucket (CSS classes h0…h{n-1}, defined with theme variables in styles.css).

export const BUCKETS = 8;

/** Bucket of an entropy on a scale from 0 to `max` nats (the largest entropy shown). */
export function entropyBucket(entropy: number, max: number, buckets = BUCKETS): number {
  if (!(max > 0) || !Number.isFinite(entropy) || entropy <= 0) return 0;
  return Math.min(buckets - 1, Math.floor((entropy / max) * buckets));
}

/** Upper end of the scale: the largest entropy, at least 1 nat so flat texts are not all hot. */
export function scaleMax(entropies: readonly number[]): number {
  let m = 1;
  for (const h of entropies) if (Number.isFinite(h) && h > m) m = h;
  return m;
}

/** Legend labels: the lower bound of each bucket in nats. */
export function legendStops(max: number, buckets = BUCKETS): number[] {
  return Array.from({ length: buckets }, (_, i) => (i * max) / buckets);
}

export function formatNats(h: number): string {
  return `${h.toFixed(2)} nats`;
}

export function formatProb(logprob: number): string {
  const p = Math.exp(logprob);
  return p >= 0.01 ? `${(p * 100).toFixed(1)}%` : p.toExponential(1);
}
