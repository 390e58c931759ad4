import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entropyOfLogprobs, entropyOfProbabilities, natsToBits, topKEntropyBounds, topKEntropyEstimate } from '../../../server/src/edu/entropy';

const H = (ps: number[]) => -ps.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);

/** A deterministic pseudo-random distribution over V tokens, sorted descending. */
function distribution(V: number, seed: number, sharpness: number): number[] {
  let a = seed;
  const rand = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
  const logits = Array.from({ length: V }, () => sharpness * Math.log(rand() + 1e-9));
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const z = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / z).sort((x, y) => y - x);
}

test('entropy of a probability list: uniform, point mass, renormalisation', () => {
  assert.ok(Math.abs(entropyOfProbabilities(new Array(512).fill(1 / 512)).entropy - Math.log(512)) < 1e-12);
  assert.equal(entropyOfProbabilities([1, 0, 0]).entropy, 0);
  const e = entropyOfProbabilities([0.5, 0.25, 0.25].map((p) => p * 1.00003));
  assert.ok(Math.abs(e.entropy - 1.5 * Math.LN2) < 1e-12, 'float32-style mass error is normalised away');
  assert.ok(Math.abs(e.mass - 1.00003) < 1e-12);
  assert.ok(Number.isNaN(entropyOfProbabilities([]).entropy));
  assert.ok(Math.abs(entropyOfLogprobs([Math.log(0.5), Math.log(0.5)]).entropy - Math.LN2) < 1e-12);
  assert.ok(Math.abs(natsToBits(Math.LN2) - 1) < 1e-15);
});

test('top-k bounds are exact when the list is the whole distribution', () => {
  const ps = [0.6, 0.3, 0.1];
  const b = topKEntropyBounds(ps.map(Math.log), 3);
  assert.ok(Math.abs(b.lower - H(ps)) < 1e-12 && Math.abs(b.upper - H(ps)) < 1e-12);
  assert.ok(b.residual < 1e-12);
});

test('top-k bounds: the upper bound spreads r uniformly over the other V − K tokens', () => {
  const top = [0.5, 0.2, 0.1];
  const V = 1000;
  const b = topKEntropyBounds(top.map(Math.log), V);
  const r = 0.2;
  assert.ok(Math.abs(b.residual - r) < 1e-12);
  assert.ok(Math.abs(b.head - H(top)) < 1e-12);
  assert.ok(Math.abs(b.upper - (H(top) - r * Math.log(r / (V - 3)))) < 1e-12);
  // It is attained: the max-entropy completion has exactly this entropy.
  const completion = [...top, ...new Array(V - 3).fill(r / (V - 3))];
  assert.ok(Math.abs(b.upper - H(completion)) < 1e-9);
  // Lower bound: tail packed at the cap p_K = 0.1 → two tokens of 0.1.
  assert.ok(Math.abs(b.lower - (H(top) - 2 * 0.1 * Math.log(0.1))) < 1e-12);
  assert.ok(Math.abs(b.lower - H([...top, 0.1, 0.1])) < 1e-12, 'attained by the most concentrated tail');
  assert.equal(topKEntropyEstimate(b), b.upper);
  assert.equal(topKEntropyEstimate(b, 'lower'), b.lower);
  assert.ok(Math.abs(topKEntropyEstimate(b, 'midpoint') - (b.lower + b.upper) / 2) < 1e-15);
});

test('top-k bounds bracket the true entropy of random distributions', () => {
  for (const V of [50, 512, 4096]) {
    for (const sharpness of [0.3, 1, 3, 10]) {
      for (const K of [1, 5, 20, 100]) {
        if (K >= V) continue;
        const ps = distribution(V, V * 31 + K + Math.round(sharpness * 10), sharpness);
        const truth = H(ps);
        const b = topKEntropyBounds(ps.slice(0, K).map(Math.log), V);
        assert.ok(b.lower <= truth + 1e-9, `lower ${b.lower} > H ${truth} (V=${V}, K=${K}, s=${sharpness})`);
        assert.ok(b.upper >= truth - 1e-9, `upper ${b.upper} < H ${truth} (V=${V}, K=${K}, s=${sharpness})`);
        assert.ok(b.lower >= b.head - 1e-12);
        assert.ok(b.upper <= Math.log(V) + 1e-9);
      }
    }
  }
});

test('top-k bounds: tail cap for top-k plus the actual token, unknown cap, and rounding above 1', () => {
  // List = top 2 (0.5, 0.3) + actual token 0.01 outside the top 2: tail tokens are ≤ 0.3, not ≤ 0.01.
  const lps = [0.5, 0.3, 0.01].map(Math.log);
  const loose = topKEntropyBounds(lps, 100, { tailCap: 0.3 });
  const wrong = topKEntropyBounds(lps, 100);
  assert.ok(loose.lower <= wrong.lower);
  // A tail of 0.19 = 0.3·0 + 0.19 → one token of 0.19 is possible, so lower = H(head) − 0.19 ln 0.19.
  assert.ok(Math.abs(loose.lower - (H([0.5, 0.3, 0.01]) - 0.19 * Math.log(0.19))) < 1e-12);
  const none = topKEntropyBounds(lps, 100, { tailCap: null });
  assert.equal(none.lower, none.head);
  const over = topKEntropyBounds([0.7, 0.30002].map(Math.log), 10);
  assert.equal(over.residual, 0);
  assert.ok(over.upper === over.lower && Number.isFinite(over.upper));
});
