import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkText } from '../../../client/src/edu/textChecks';

test('empty, binary and oversized texts are refused with a reason; normal text passes', () => {
  assert.match(checkText('  \n ', 100, false)!, /selection is empty/);
  assert.match(checkText('', 100, true)!, /document is empty/);
  assert.match(checkText('a\u0000b', 100, false)!, /binary/);
  assert.match(checkText('x'.repeat(101), 100, false)!, /101 characters; the limit is 100/);
  assert.equal(checkText('2 + 2 = 4', 100, false), undefined);
});
