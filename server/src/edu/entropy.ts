// Entropy helpers (nats). Pure.

export interface DistributionEntropy {
  /** −Σ q ln q with q = p / Σp (the distribution renormalised to sum to exactly 1). */
  entropy: number;
  /** Σp as given (≈ 1 for a full softmax computed in float32). */
  mass: number;
}

/**
 * Entropy of a full probability list, accumulated in float64. The list is renormalised by its
 * sum (float32 softmax outputs sum to 1 ± 4e-5), using H(p/S) = (−Σ p ln p)/S + ln S.
 */
export function entropyOfProbabilities(probabilities: Iterable<number>): DistributionEntropy {
  let mass = 0;
  let plogp = 0;
  for (const p of probabilities) {
    if (p > 0) {
      mass += p;
      plogp += p * Math.log(p);
    }
  }
  if (mass <= 0) return { entropy: NaN, mass: 0 };
  return { entropy: Math.max(0, -plogp / mass + Math.log(mass)), mass };
}

/** Entropy of a full distribution given as natural-log probabilities. */
export function entropyOfLogprobs(logprobs: Iterable<number>): DistributionEntropy {
  function* exp(): Iterable<number> { for (const l of logprobs) yield Math.exp(l); }
  return entropyOfProbabilities(exp());
}

export interface TopKBounds {
  /** −Σ_{i≤K} p_i ln p_i over the returned entries (no tail). A valid lower bound. */
  head: number;
  /** Residual mass r = 1 − Σ_{i≤K} p_i (clamped to [0, 1]). */
  residual: number;
  /** Number of distinct entries used (K). */
  k: number;
  /** Lower bound on the full-vocabulary entropy (see `topKEntropyBounds`). */
  lower: number;
  /** Upper bound: the maximum-entropy completion (r spread uniformly over the other V − K tokens). */
  upper: number;
}

export interface TopKBoundOptions {
  /**
   * Largest probability any token *outside* the list can have. Defaults to the smallest listed
   * probability, which is right when the list is exactly the top K. If the list is the top K plus
   * the actual token (vLLM / OpenAI `logprobs`), pass the K-th largest instead. Pass `null` when
   * no cap is known (e.g. entries were lost to key collisions); the lower bound is then `head`.
   */
  tailCap?: number | null;
}

/**
 * Bounds on the entropy H of a V-token distribution of which only K probabilities
 * p_1 ≥ … ≥ p_K are known (given as logprobs), with residual mass r = 1 − Σ p_i on the other
 * V − K tokens, each of which is at most c (the tail cap, by default p_K):
 *
 *   H = H_head + H_tail,  H_head = −Σ_{i≤K} p_i ln p_i,  H_tail = −Σ_{tail} p ln p.
 *
 * Upper bound (max-entropy completion): for a fixed mass r on n = V − K tokens, H_tail is largest
 * when the mass is uniform, so H ≤ H_head − r ln(r / (V − K)).
 *
 * Lower bound: H_tail is Schur-concave, so under the constraint p ≤ c it is smallest when the
 * mass is packed as ⌊r/c⌋ tokens of probability c plus one token with the remainder ρ:
 *   H ≥ H_head − ⌊r/c⌋·c·ln c − ρ ln ρ   (≥ H_head − r ln c ≥ H_head).
 *
 * Both bounds are exact when r = 0. The gap grows like r·ln(V): with K = 20 and r = 0.05 at
 * V = 152k it is about 0.6 nats, so top-k entropies need their own threshold (or percentile mode).
 * Renormalising the K probabilities instead (what a sampler-side top-k does) drops the tail and
 * can underestimate flat distributions by several nats.
 */
export function topKEntropyBounds(logprobs: readonly number[], vocabSize: number, options: TopKBoundOptions = {}): TopKBounds {
  const ps = logprobs.filter((l) => Number.isFinite(l)).map((l) => Math.exp(l));
  let sum = 0;
  for (const p of ps) sum += p;
  // Σp can exceed 1 by rounding; renormalise in that case so the head is a proper sub-distribution.
  const scale = sum > 1 ? 1 / sum : 1;
  let head = 0;
  let minP = Infinity;
  for (const raw of ps) {
    const p = raw * scale;
    if (p > 0) head -= p * Math.log(p);
    if (p < minP) minP = p;
  }
  const k = ps.length;
  const residual = Math.min(1, Math.max(0, 1 - sum * scale));
  const tailCount = Math.max(0, vocabSize - k);
  if (residual <= 0 || tailCount === 0) return { head, residual, k, lower: head, upper: head };

  const upper = head - residual * Math.log(residual / tailCount);

  let lower = head;
  const cap = options.tailCap === undefined ? (k > 0 ? minP : 1) : options.tailCap === null ? null : options.tailCap * scale;
  if (cap !== null && cap > 0) {
    const c = Math.min(cap, 1);
    const full = Math.floor(residual / c);
    const rem = residual - full * c;
    if (full + (rem > 0 ? 1 : 0) <= tailCount) {
      lower = head - full * c * Math.log(c) - (rem > 0 ? rem * Math.log(rem) : 0);
    } else {
      // Inconsistent input (the tail cannot hold r under the cap): fall back to the safe bound.
      lower = head;
    }
  }
  return { head, residual, k, lower: Math.min(lower, upper), upper };
}

export type TailEstimate = 'upper' | 'midpoint' | 'lower';

/** A single entropy value from top-k logprobs: by default the max-entropy completion (upper bound). */
export function topKEntropyEstimate(bounds: TopKBounds, estimate: TailEstimate = 'upper'): number {
  switch (estimate) {
    case 'upper': return bounds.upper;
    case 'lower': return bounds.lower;
    case 'midpoint': return (bounds.lower + bounds.upper) / 2;
  }
}

/** Converts nats to bits. */
export function natsToBits(h: number): number {
  return h / Math.LN2;
}
