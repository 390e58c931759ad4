// A small seeded PRNG (sfc32, seeded through splitmix32) and helpers. Deterministic across
// platforms: only 32-bit integer arithmetic.

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** `k` distinct integers from [0, n), in random order. */
  sample(n: number, k: number): number[];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32 generator seeded from a 32-bit integer seed. */
export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init(), b = init(), c = init(), d = init();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32(); // warm up
  const rng: Rng = {
    next: () => u32() / 4294967296,
    int: (n: number) => {
      if (!(n >= 1) || !Number.isInteger(n)) throw new Error(`rng.int: n must be a positive integer, got ${n}`);
      return Math.floor((u32() / 4294967296) * n);
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('rng.pick: empty array');
      return items[rng.int(items.length)];
    },
    sample: (n: number, k: number) => {
      if (k > n) throw new Error(`rng.sample: cannot draw ${k} distinct values from ${n}`);
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = i + rng.int(n - i);
        const t = pool[i]; pool[i] = pool[j]; pool[j] = t;
      }
      return pool.slice(0, k);
    },
  };
  return rng;
}
