import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKETS, entropyBucket, formatProb, legendStops, scaleMax } from '../../../webview/src/model/entropyScale';
import { downsampleMax, seriesPath, thresholdY } from '../../../webview/src/model/chart';

test('entropy buckets are monotone, clamp at both ends and cover every bucket', () => {
  const max = 4;
  let prev = -1;
  const seen = new Set<number>();
  for (let h = 0; h <= 5; h += 0.01) {
    const b = entropyBucket(h, max);
    assert.ok(b >= prev, `monotone at ${h}`);
    assert.ok(b >= 0 && b < BUCKETS);
    prev = b;
    seen.add(b);
  }
  assert.equal(seen.size, BUCKETS);
  assert.equal(entropyBucket(0, max), 0);
  assert.equal(entropyBucket(max, max), BUCKETS - 1);
  assert.equal(entropyBucket(NaN, max), 0);
  assert.equal(entropyBucket(1, 0), 0);
  assert.equal(entropyBucket(1.99, 4), 3);
  assert.equal(entropyBucket(2.0, 4), 4);
});

test('scale max is the largest finite entropy but at least one nat', () => {
  assert.equal(scaleMax([0.1, 0.2]), 1);
  assert.equal(scaleMax([0.1, 3.5, Infinity, NaN]), 3.5);
  assert.deepEqual(legendStops(4, 4), [0, 1, 2, 3]);
});

test('probabilities format as percentages or in scientific notation when tiny', () => {
  assert.equal(formatProb(Math.log(0.5)), '50.0%');
  assert.equal(formatProb(Math.log(0.0012)), '1.2e-3');
});

test('downsampling keeps every peak of a long series', () => {
  const values = Array.from({ length: 20000 }, (_, i) => (i % 997 === 0 ? 7 : 0.5));
  const d = downsampleMax(values, 600);
  assert.equal(d.length, 600);
  assert.equal(d.filter((v) => v === 7).length, values.filter((v) => v === 7).length);
  assert.deepEqual(downsampleMax([1, 2, 3], 10), [1, 2, 3]);
});

test('series path and threshold line map entropy to the box, top = max', () => {
  assert.equal(seriesPath([0, 2, 4], 100, 50, 4), 'M0.0,50.0 L50.0,25.0 L100.0,0.0');
  assert.equal(seriesPath([], 100, 50, 4), '');
  assert.equal(thresholdY(1, 80, 4), 60);
  assert.equal(thresholdY(9, 80, 4), 0);
});
