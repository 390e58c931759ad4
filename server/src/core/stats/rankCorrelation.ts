// Rank correlations used to validate scores against benchmark accuracies.
//
// Conventions shared by both functions:
// - Values are compared with `<` / `>` only (never subtracted), so -Infinity and +Infinity are
//   ordinary, totally ordered values: `-inf` proxy scores rank below every finite score.
// - A pair (x[i], y[i]) where either value is NaN is dropped before anything is computed.
// - If fewer than two pairs remain, or one side is constant, the correlation is NaN.

/** Keep the pairs where neither side is NaN. */
function dropNaN(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] {
  if (x.length !== y.length) throw new Error(`length mismatch: ${x.length} vs ${y.length}`);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) n++;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    a[k] = x[i];
    b[k] = y[i];
    k++;
  }
  return [a, b];
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Ranks 1..n with ties sharing the average of the ranks they span
 * (e.g. [10, 20, 20, 30] -> [1, 2.5, 2.5, 4]). NaN is not allowed here.
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => cmp(values[i], values[j]));
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && !(values[order[i]] < values[order[j]])) j++;
    const avg = (i + 1 + j) / 2; // mean of ranks i+1 .. j
    for (let t = i; t < j; t++) ranks[order[t]] = avg;
    i = j;
  }
  return ranks;
}

/** Pearson correlation of two finite arrays. NaN when either side has zero variance. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`length mismatch: ${n} vs ${y.length}`);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ: Pearson correlation of average ranks (the standard tie correction). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = dropNaN(x, y);
  if (a.length < 2) return NaN;
  return pearson(averageRanks(a), averageRanks(b));
}

/** Number of unordered pairs among groups of equal values in a sorted run structure. */
function tiedPairs(sorted: ArrayLike<number>): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) run++;
    else { pairs += (run * (run - 1)) / 2; run = 1; }
  }
  return pairs + (run * (run - 1)) / 2;
}

/**
 * Kendall's τ-b in O(n log n) (Knight 1966): sort by (x, y), count ties, then count the
 * discordant pairs as the number of inversions a merge sort on y removes.
 *
 *   τ_b = (n0 − n1 − n2 + n3 − 2·swaps) / sqrt((n0 − n1)(n0 − n2))
 *
 * with n0 = n(n−1)/2, n1 = pairs tied in x, n2 = pairs tied in y, n3 = pairs tied in both.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = dropNaN(x, y);
  const n = a.length;
  if (n < 2) return NaN;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => cmp(a[i], a[j]) || cmp(b[i], b[j]));
  const xs = new Float64Array(n);
  let ys = new Float64Array(n);
  for (let i = 0; i < n; i++) { xs[i] = a[order[i]]; ys[i] = b[order[i]]; }

  const n0 = (n * (n - 1)) / 2;
  const n1 = tiedPairs(xs);
  // Pairs tied in both x and y: runs equal in x and y (adjacent after the lexicographic sort).
  let n3 = 0;
  let run = 1;
  for (let i = 1; i < n; i++) {
    if (xs[i] === xs[i - 1] && ys[i] === ys[i - 1]) run++;
    else { n3 += (run * (run - 1)) / 2; run = 1; }
  }
  n3 += (run * (run - 1)) / 2;

  // Bottom-up merge sort of ys, counting the inversions (strictly greater elements jumped over).
  let swaps = 0;
  let buf = new Float64Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (ys[j] < ys[i]) { buf[k++] = ys[j++]; swaps += mid - i; }
        else buf[k++] = ys[i++];
      }
      while (i < mid) buf[k++] = ys[i++];
      while (j < hi) buf[k++] = ys[j++];
    }
    const t = ys; ys = buf; buf = t;
  }
  const n2 = tiedPairs(ys);
  const denom = Math.sqrt((n0 - n1) * (n0 - n2));
  if (denom === 0) return NaN;
  return (n0 - n1 - n2 + n3 - 2 * swaps) / denom;
}

export interface Correlation {
  spearman: number;
  kendall: number;
}

/** Both rank correlations at once. */
export function correlate(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  return { spearman: spearman(x, y), kendall: kendallTauB(x, y) };
}
