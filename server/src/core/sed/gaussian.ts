// Gaussian-entropy primitives of the SED derivation (docs/sed.md §2).
// Every number the score uses is computed here from a closed form or a numerical integral;
// nothing is fitted to benchmark data.

/** Differential entropy of N(0, variance) in nats: ½ ln(2πe σ²). */
export function gaussianEntropy(variance: number): number {
  return 0.5 * Math.log(2 * Math.PI * Math.E * variance);
}

/**
 * Information (nats) carried by one output unit that sums `taps` independent unit-variance
 * inputs, each with weight `weight`, observed against a unit-variance noise floor:
 * the Gaussian channel capacity ½ ln(1 + taps·weight²). (docs/sed.md, eq. C)
 */
export function unitCapacity(taps: number, weight = 1): number {
  return 0.5 * Math.log1p(taps * weight * weight);
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF via the complementary error function (series + continued fraction, ~1e-14). */
export function normalCdf(x: number): number {
  if (x < 0) return 0.5 * erfc(-x / Math.SQRT2);
  return 1 - 0.5 * erfc(x / Math.SQRT2);
}

/** Complementary error function for z ≥ 0: Taylor series of erf for small z, continued fraction otherwise. */
function erfc(z: number): number {
  if (z < 2) {
    // erf(z) = 2/√π Σ (-1)^n z^(2n+1) / (n! (2n+1))
    let sum = 0;
    let term = z;
    for (let n = 0; n < 200; n++) {
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      term *= (-z * z) / (n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz evaluation of erfc(z) = exp(-z²)/√π · 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...))))
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    d = z + a * d;
    d = d === 0 ? tiny : d;
    c = z + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
}

const maxVarianceCache = new Map<number, number>();

/**
 * Variance of the maximum of n independent standard normal variables (the output of a max
 * pool over n = p² white-noise taps), by Simpson integration of the order-statistic density
 * n φ(x) Φ(x)^(n−1) over [−12, 12]. Cached per n. n = 1 gives 1.
 */
export function maxOfNormalsVariance(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`maxOfNormalsVariance: n must be a positive integer, got ${n}`);
  const cached = maxVarianceCache.get(n);
  if (cached !== undefined) return cached;
  const lo = -12;
  const hi = 12;
  const steps = 4800; // even
  const h = (hi - lo) / steps;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    const dens = n * normalPdf(x) * Math.pow(normalCdf(x), n - 1);
    m1 += w * x * dens;
    m2 += w * x * x * dens;
  }
  m1 *= h / 3;
  m2 *= h / 3;
  const v = m2 - m1 * m1;
  maxVarianceCache.set(n, v);
  return v;
}
