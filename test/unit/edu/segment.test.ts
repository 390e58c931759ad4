import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeIgnorePredicate, percentileCutoff, resolveSegmentParams, segment, DEFAULT_SEGMENT_PARAMS } from '../../../server/src/edu/segment';
import type { TokenEntropy } from '../../../server/src/edu/types';

/** Builds contiguous tokens from [text, entropy] pairs. */
function toks(pairs: [string, number][]): TokenEntropy[] {
  let pos = 0;
  return pairs.map(([text, entropy]) => {
    const t: TokenEntropy = { text, start: pos, end: pos + text.length, entropy, logprob: -1, top: [] };
    pos += text.length;
    return t;
  });
}

const join = (ts: TokenEntropy[]) => ts.map((t) => t.text).join('');

// "We have 3x = 9. So x = 3. However, check: 3*3 = 9."
const SAMPLE = toks([
  ['We', 0.2], [' have', 0.4], [' 3', 1.8], ['x', 0.1], [' =', 0.3], [' 9', 0.2], ['.', 0.1],
  [' So', 2.4], [' x', 0.3], [' =', 0.2], [' 3', 0.1], ['.', 1.5],
  [' However', 3.1], [',', 2.0], [' check', 0.6], [':', 1.2], [' 3', 0.3], ['*', 0.1], ['3', 0.1], [' =', 0.2], [' 9', 0.1], ['.', 0.2],
]);

test('defaults: τ = 1.0 nats, minGap 8, punctuation/symbols ignored, word boundary', () => {
  assert.equal(DEFAULT_SEGMENT_PARAMS.threshold, 1.0);
  assert.equal(DEFAULT_SEGMENT_PARAMS.minGap, 8);
  assert.equal(DEFAULT_SEGMENT_PARAMS.percentile, null);
  assert.equal(DEFAULT_SEGMENT_PARAMS.ignore.punctuationAndSymbols, true);
  assert.equal(DEFAULT_SEGMENT_PARAMS.boundary, 'word');
});

test('threshold: boundary before every token with H > τ when minGap is 1', () => {
  const r = segment(SAMPLE, { minGap: 1 });
  // candidates > 1.0 and not punctuation: ' 3'(2), ' So'(7), ' However'(12); '.'(11) ',' ':' are ignored
  assert.deepEqual(r.anchors, [2, 7, 12]);
  assert.deepEqual(r.steps.map((s) => s.text), ['We have ', '3x = 9. ', 'So x = 3. ', 'However, check: 3*3 = 9.']);
  assert.equal(r.steps.map((s) => s.text).join(''), join(SAMPLE));
  assert.equal(r.threshold, 1.0);
});

test('H must be strictly greater than τ', () => {
  const r = segment(SAMPLE, { minGap: 1, threshold: 2.4 });
  assert.deepEqual(r.anchors, [12]);
  const r2 = segment(SAMPLE, { minGap: 1, threshold: 2.39 });
  assert.deepEqual(r2.anchors, [7, 12]);
});

test('ignore set: punctuation and symbol tokens never anchor; can be disabled; extra tokens and patterns', () => {
  const all = segment(SAMPLE, { minGap: 1, ignore: { punctuationAndSymbols: false } });
  assert.deepEqual(all.anchors, [2, 7, 11, 12, 13, 15]);
  const extra = segment(SAMPLE, { minGap: 1, ignore: { tokens: ['So'] } });
  assert.deepEqual(extra.anchors, [2, 12]);
  const digits = segment(SAMPLE, { minGap: 1, ignore: { digits: true } });
  assert.deepEqual(digits.anchors, [7, 12]);
  const pattern = segment(SAMPLE, { minGap: 1, ignore: { pattern: '^How' } });
  assert.deepEqual(pattern.anchors, [2, 7]);
  const ignored = makeIgnorePredicate(resolveSegmentParams().ignore);
  for (const t of ['.', ',', ' =', '\n', '\n\n', ' ', '', '$', '\\(', ' +', '→', '“']) assert.equal(ignored(t), true, JSON.stringify(t));
  for (const t of [' So', 'However', ' 3', 'x', ' é']) assert.equal(ignored(t), false, JSON.stringify(t));
});

test('minGap counts tokens since the last boundary (and since the start)', () => {
  assert.deepEqual(segment(SAMPLE, { minGap: 3 }).anchors, [7, 12]); // 2 < 3 from the start
  assert.deepEqual(segment(SAMPLE, { minGap: 5 }).anchors, [7, 12]); // 12 − 7 = 5
  assert.deepEqual(segment(SAMPLE, { minGap: 6 }).anchors, [7]); // 12 − 7 = 5 < 6
  assert.deepEqual(segment(SAMPLE, { minGap: 8 }).anchors, [12]);
  assert.deepEqual(segment(SAMPLE, { minGap: 13 }).anchors, []);
  assert.deepEqual(segment(SAMPLE, { minGap: 13 }).steps.map((s) => s.text), [join(SAMPLE)]);
});

test('token 0 never anchors', () => {
  const ts = toks([['Hard', 5], [' start', 0.1], [' then', 4]]);
  assert.deepEqual(segment(ts, { minGap: 1 }).anchors, [2]);
});

test('percentile mode: top q% of eligible entropies, ties included, then minGap', () => {
  // Eligible (t ≥ 1, not punctuation/symbol): 12 tokens with entropies
  // .4 1.8 .1 .2 2.4 .3 .1 3.1 .6 .3 .1 .1
  const r5 = segment(SAMPLE, { percentile: 5, minGap: 1 }); // ⌈0.6⌉ = 1 → 3.1
  assert.equal(r5.threshold, 3.1);
  assert.deepEqual(r5.anchors, [12]);
  const r10 = segment(SAMPLE, { percentile: 10, minGap: 1 }); // ⌈1.2⌉ = 2 → 2.4
  assert.equal(r10.threshold, 2.4);
  assert.deepEqual(r10.anchors, [7, 12]);
  const r20 = segment(SAMPLE, { percentile: 20, minGap: 1 }); // ⌈2.4⌉ = 3 → 1.8
  assert.equal(r20.threshold, 1.8);
  assert.deepEqual(r20.anchors, [2, 7, 12]);
  const r100 = segment(SAMPLE, { percentile: 100, minGap: 4 }); // every eligible token, thinned by minGap
  assert.equal(r100.threshold, 0.1);
  assert.deepEqual(r100.anchors, [5, 10, 14, 18]);
  assert.equal(percentileCutoff([1, 5, 3, 3, 2], 40), 3);
  assert.equal(percentileCutoff([1, 5, 3, 3, 2], 1), 5);
  assert.equal(percentileCutoff([], 50), Infinity);
  // Percentile mode ignores τ.
  assert.deepEqual(segment(SAMPLE, { percentile: 10, minGap: 1, threshold: 100 }).anchors, [7, 12]);
});

test('percentile cutoff counts only eligible tokens', () => {
  const ts = toks([['a', 0], ['.', 9], [' b', 1], [' c', 2], [' d', 3], [' e', 4]]);
  // eligible: b c d e (the '.' is ignored, token 0 cannot anchor) → top 25% = 1 value = 4
  const r = segment(ts, { percentile: 25, minGap: 1 });
  assert.equal(r.threshold, 4);
  assert.deepEqual(r.anchors, [5]);
});

test('steps: exact character ranges that join back to the text, token ranges, anchor, mean and max', () => {
  const r = segment(SAMPLE, { minGap: 1 });
  let pos = 0;
  for (const s of r.steps) {
    assert.equal(s.start, pos);
    pos = s.end;
  }
  assert.equal(pos, join(SAMPLE).length);
  assert.deepEqual(r.steps.map((s) => [s.tokenStart, s.tokenEnd, s.anchor]), [[0, 2, null], [2, 7, 2], [7, 12, 7], [12, 22, 12]]);
  const s1 = r.steps[1];
  assert.ok(Math.abs(s1.meanEntropy - (1.8 + 0.1 + 0.3 + 0.2 + 0.1) / 5) < 1e-12);
  assert.equal(s1.maxEntropy, 1.8);
  assert.deepEqual(r.steps.map((s) => s.index), [0, 1, 2, 3]);
});

test("boundary 'token' keeps the anchor's leading whitespace in its step; 'word' leaves it to the previous step", () => {
  const word = segment(SAMPLE, { minGap: 1 });
  const token = segment(SAMPLE, { minGap: 1, boundary: 'token' });
  assert.deepEqual(token.steps.map((s) => s.text), ['We have', ' 3x = 9.', ' So x = 3.', ' However, check: 3*3 = 9.']);
  assert.deepEqual(word.anchors, token.anchors);
  for (const r of [word, token]) assert.equal(r.steps.map((s) => s.text).join(''), join(SAMPLE));
});

test('byte-exact join with unicode, CRLF, surrogate pairs, empty byte-fallback tokens and an explicit text', () => {
  const text = 'Soit x = 3.\r\n😀 Donc é ≥ 2.\r\nEnfin: fin';
  // Tokenise by hand, including an empty token (continuation byte of 😀) and tokens with a NaN entropy.
  const parts: [string, number][] = [
    ['Soit', NaN], [' x', 0.2], [' =', 0.1], [' 3', 0.3], ['.', 0.1], ['\r\n', 0.5], ['😀', 3], ['', 3], [' Donc', 2.5],
    [' é', 0.3], [' ≥', 0.2], [' 2', 0.1], ['.', 0.1], ['\r\n', 0.4], ['Enfin', 4], [':', 0.1], [' fin', 0.2],
  ];
  const ts = toks(parts);
  assert.equal(join(ts), text);
  for (const minGap of [1, 2, 3, 5, 20]) {
    for (const boundary of ['word', 'token'] as const) {
      const r = segment(ts, { minGap, boundary }, text);
      assert.equal(r.steps.map((s) => s.text).join(''), text);
      for (const s of r.steps) {
        assert.equal(s.text, text.slice(s.start, s.end));
        assert.ok(s.end > s.start, 'no empty steps');
      }
    }
  }
  const r = segment(ts, { minGap: 1 }, text);
  assert.deepEqual(r.anchors, [8, 14]); // ' Donc', 'Enfin': '😀' is a symbol (So) and the empty token is ignored
  assert.ok(Number.isFinite(r.steps[0].meanEntropy), 'NaN entropies are skipped in the mean');
});

test('empty input and a single token', () => {
  assert.deepEqual(segment([], {}).steps, []);
  const one = segment(toks([['x', 5]]));
  assert.equal(one.steps.length, 1);
  assert.equal(one.steps[0].text, 'x');
  assert.equal(one.steps[0].anchor, null);
});

test('re-segmentation is a pure function of cached tokens and params', () => {
  const frozen = Object.freeze(SAMPLE.map((t) => Object.freeze({ ...t, top: Object.freeze([]) as never })));
  const a = segment(frozen, { minGap: 1 });
  const b = segment(frozen, { minGap: 6 });
  const c = segment(frozen, { minGap: 1 });
  assert.deepEqual(a, c);
  assert.notDeepEqual(a.anchors, b.anchors);
  assert.equal(b.steps.map((s) => s.text).join(''), join(SAMPLE));
});

test('invalid parameters are rejected', () => {
  assert.throws(() => segment(SAMPLE, { minGap: 0 }), RangeError);
  assert.throws(() => segment(SAMPLE, { minGap: 1.5 }), RangeError);
  assert.throws(() => segment(SAMPLE, { percentile: 0 }), RangeError);
  assert.throws(() => segment(SAMPLE, { percentile: 101 }), RangeError);
  assert.throws(() => segment(SAMPLE, { threshold: NaN }), RangeError);
  assert.throws(() => segment(SAMPLE, { ignore: { pattern: '(' } }), SyntaxError);
});
