import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentForPanel, toSegmentationView, toTokenViews, DEFAULT_PANEL_PARAMS } from '../../../server/src/edu/viewModel';
import type { TokenEntropy } from '../../../server/src/edu/types';

function tokens(text: string, entropies: number[]): TokenEntropy[] {
  const words = text.match(/\s*\S+/g)!;
  let pos = 0;
  return words.map((w, i) => {
    const t = { text: w, start: pos, end: pos + w.length, entropy: entropies[i], logprob: -entropies[i] / 2, top: [] };
    pos += w.length;
    return t;
  });
}

const text = 'We add 3 and 4 to get 7 . Therefore the total is 7 apples in the basket .';
const H = [0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 3.5, 0.2, 0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.1, 0.1];

test('re-segmenting from cached entropies follows the panel parameters', () => {
  const toks = tokens(text, H);
  const seg = segmentForPanel(toks, text, { ...DEFAULT_PANEL_PARAMS, minGap: 2 });
  const view = toSegmentationView(seg, { ...DEFAULT_PANEL_PARAMS, minGap: 2 });
  assert.equal(view.steps.length, 2);
  assert.equal(view.steps[0].anchor, -1);
  assert.equal(view.steps[1].anchor, 9);
  assert.equal(view.steps.map((s) => text.slice(s.start, s.end)).join(''), text);
  assert.match(view.steps[1].preview, /^Therefore the total/);
  assert.equal(view.effectiveThreshold, 1);
  const none = toSegmentationView(segmentForPanel(toks, text, { ...DEFAULT_PANEL_PARAMS, threshold: 5, minGap: 2 }), DEFAULT_PANEL_PARAMS);
  assert.equal(none.steps.length, 1);
});

test('percentile mode uses the percentile level as its threshold', () => {
  const toks = tokens(text, H);
  const seg = segmentForPanel(toks, text, { mode: 'percentile', threshold: 99, percentile: 10, minGap: 2 });
  assert.ok(seg.threshold < 3.5 && seg.threshold >= 0.2, `level ${seg.threshold}`);
  assert.ok(seg.steps.length >= 2);
});

test('token views carry no NaN (JSON-safe)', () => {
  const views = toTokenViews([{ text: 'a', start: 0, end: 1, entropy: NaN, logprob: NaN, top: [] }]);
  assert.equal(views[0].entropy, 0);
  assert.equal(views[0].logprob, 0);
});
