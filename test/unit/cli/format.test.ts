import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../../server/src/core/analyze';
import { formatSed, lensTitle } from '../../../server/src/core/format';

test('a disconnected cell shows SED −∞ with the reason instead of "-Infinity"', () => {
  const [def] = analyzeText('|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|', 'plaintext');
  assert.equal(def.score!.sed, -Infinity);
  assert.match(lensTitle(def)!, /^SED −∞ \(output disconnected\) · top 100% of NAS-Bench-201 · 0\.32 M params$/);
  assert.equal(formatSed(1.23456, 2), '1.23');
});
