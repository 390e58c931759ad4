import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, correlate, kendallTauB, pearson, spearman } from '../../../server/src/core/stats/rankCorrelation';
import { createRng } from '../../../server/src/core/space/random';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

/** O(n²) τ-b straight from the definition, for cross-checking. */
function bruteTauB(x: number[], y: number[]): number {
  let c = 0, d = 0, tx = 0, ty = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const sx = Math.sign(x[i] < x[j] ? -1 : x[i] > x[j] ? 1 : 0);
      const sy = Math.sign(y[i] < y[j] ? -1 : y[i] > y[j] ? 1 : 0);
      if (sx === 0 && sy === 0) continue;
      if (sx === 0) tx++;
      else if (sy === 0) ty++;
      else if (sx === sy) c++;
      else d++;
    }
  }
  return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty));
}

test('averageRanks gives tied values the mean of their ranks', () => {
  assert.deepEqual([...averageRanks([10, 20, 20, 30])], [1, 2.5, 2.5, 4]);
  assert.deepEqual([...averageRanks([3, 1, 2])], [3, 1, 2]);
  assert.deepEqual([...averageRanks([5, 5, 5])], [2, 2, 2]);
  assert.deepEqual([...averageRanks([0, -Infinity, Infinity])], [2, 1, 3]);
});

test('Spearman on hand-computed examples', () => {
  close(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 0.8); // 1 − 6·4/(5·24)
  close(spearman([1, 2, 3], [30, 20, 10]), -1);
  // Ties: ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4] → 4.5 / √(4.5·5)
  close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), 4.5 / Math.sqrt(22.5));
});

test('Kendall τ-b on hand-computed examples', () => {
  close(kendallTauB([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 0.6); // 8 concordant, 2 discordant
  close(kendallTauB([1, 2, 3], [3, 2, 1]), -1);
  // One pair tied in x, five concordant: 5 / √(5·6)
  close(kendallTauB([1, 2, 2, 3], [1, 3, 2, 4]), 5 / Math.sqrt(30));
  // Ties on both sides, including a pair tied in both.
  close(kendallTauB([1, 1, 2, 2, 3], [1, 1, 1, 2, 2]), bruteTauB([1, 1, 2, 2, 3], [1, 1, 1, 2, 2]));
});

test('-Infinity is the lowest value, NaN pairs are dropped', () => {
  close(spearman([-Infinity, 1, 2], [0, 1, 2]), 1);
  close(kendallTauB([-Infinity, 1, 2], [0, 1, 2]), 1);
  close(kendallTauB([-Infinity, -Infinity, 2], [0, 0, 2]), 1);
  close(spearman([NaN, 1, 2, 3], [100, 1, 2, 3]), 1);
  close(kendallTauB([1, 2, 3, 4], [NaN, 3, 2, 1]), -1);
  // A -inf proxy value must count as worst, not vanish: the lowest-accuracy row is ranked last.
  close(spearman([-Infinity, 5, 6, 7], [1, 2, 3, 4]), 1);
});

test('degenerate inputs give NaN', () => {
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
  assert.ok(Number.isNaN(kendallTauB([1, 2, 3], [4, 4, 4])));
  assert.ok(Number.isNaN(kendallTauB([1], [1])));
  assert.ok(Number.isNaN(pearson([], [])));
  assert.throws(() => spearman([1, 2], [1]));
});

test('O(n log n) τ-b equals the O(n²) definition on random data with ties and infinities', () => {
  const rng = createRng(7);
  for (let trial = 0; trial < 30; trial++) {
    const n = 2 + rng.int(120);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      x.push(rng.next() < 0.05 ? -Infinity : rng.int(8));
      y.push(rng.int(trial % 2 ? 5 : 50) + (rng.next() < 0.5 ? 0.5 : 0));
    }
    const expected = bruteTauB(x, y);
    if (Number.isNaN(expected)) continue;
    close(kendallTauB(x, y), expected, 1e-12);
  }
});

test('Kendall τ-b on 15,625 values is fast', () => {
  const rng = createRng(11);
  const x = Array.from({ length: 15625 }, () => rng.int(500));
  const y = x.map((v) => v + rng.int(200));
  const t0 = performance.now();
  const c = correlate(x, y);
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `took ${ms.toFixed(1)} ms`);
  assert.ok(c.kendall > 0.5 && c.kendall < 1, `τ = ${c.kendall}`);
  assert.ok(c.spearman > c.kendall, 'ρ exceeds τ for a noisy monotone relation');
});
