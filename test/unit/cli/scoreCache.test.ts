import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, ScoreCache } from '../../../server/src/core/analyze';

const WEAK = '|avg_pool_3x3~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|';

test('cached analysis equals fresh analysis, with spans moved to where each definition now is', () => {
  const cache = new ScoreCache();
  const a = `x ${WEAK}\n`;
  const b = `a longer prefix line\n\n   ${WEAK}\n`;
  analyzeText(a, 'markdown', cache);
  assert.equal(cache.size, 1);
  const cached = analyzeText(b, 'markdown', cache);
  assert.equal(cache.size, 1, 'the same definition text is not scored twice');
  assert.deepEqual(cached, analyzeText(b, 'markdown'));
  const topology = cached[0].findings.filter((f) => f.code.startsWith('sed/'));
  assert.ok(topology.length > 0);
  for (const f of topology) assert.ok(f.span.start >= b.indexOf(WEAK) && f.span.end <= b.indexOf(WEAK) + WEAK.length);
});

test('the cache is bounded', () => {
  const cache = new ScoreCache(2);
  const cells = ['nor_conv_3x3', 'nor_conv_1x1', 'avg_pool_3x3'].map((op) => `|${op}~0|+|none~0|none~1|+|none~0|none~1|${op}~2|`);
  for (const c of cells) analyzeText(c, 'plaintext', cache);
  assert.ok(cache.size <= 2);
});
