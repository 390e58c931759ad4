import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoringWindows } from '../../../server/src/inference/windows';

test('windows score every position exactly once, each within the context limit', () => {
  for (const [n, o, W, overlap] of [[1, 1, 8, undefined], [7, 1, 8, undefined], [50, 1, 8, undefined], [50, 0, 8, 2], [1000, 1, 64, 10]] as [number, 0 | 1, number, number | undefined][]) {
    const ws = scoringWindows(n, o, W, overlap);
    assert.equal(ws[0].scoreStart, 0);
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      if (i > 0) assert.equal(w.scoreStart, ws[i - 1].end, 'contiguous');
      assert.ok(w.contextStart <= w.scoreStart && w.scoreStart < w.end);
      assert.ok(o + (w.end - 1 - w.contextStart) <= W - 1, `window of ${o + w.end - 1 - w.contextStart} items exceeds ${W - 1}`);
    }
    assert.equal(ws.at(-1)!.end, n);
  }
});

test('later windows re-read the overlap as context; a lone token without a start token has no window', () => {
  const ws = scoringWindows(40, 1, 16, 4);
  assert.deepEqual(ws.slice(0, 2), [{ contextStart: 0, scoreStart: 0, end: 15 }, { contextStart: 11, scoreStart: 15, end: 26 }]);
  assert.deepEqual(scoringWindows(1, 0, 16), []);
  assert.equal(scoringWindows(0, 1, 16).length, 0);
});
