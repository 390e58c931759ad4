import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyInsertions, processBenchRecord, separatorInsertions } from '../../../server/src/edu/annotate';

const text = 'We have 3 apples. Then we buy 2 more, so 5. Thus the answer is 5.';
const b1 = text.indexOf('Then');
const b2 = text.indexOf('Thus');
const steps = [{ start: 0, end: b1 }, { start: b1, end: b2 }, { start: b2, end: text.length }];

test('blank-line separators split steps onto paragraphs and keep every character', () => {
  const out = applyInsertions(text, separatorInsertions(text, steps, 'blankLine'));
  assert.equal(out, 'We have 3 apples. \n\nThen we buy 2 more, so 5. \n\nThus the answer is 5.');
  assert.equal(out.replace(/\n/g, ''), text);
});

test('blank-line separators are idempotent where a blank line already exists', () => {
  const t = 'Step one.\n\nStep two.';
  const s = [{ start: 0, end: 11 }, { start: 11, end: t.length }];
  assert.deepEqual(separatorInsertions(t, s, 'blankLine'), []);
  const t2 = 'Step one.\nStep two.';
  assert.equal(applyInsertions(t2, separatorInsertions(t2, [{ start: 0, end: 10 }, { start: 10, end: t2.length }], 'blankLine')), 'Step one.\n\nStep two.');
});

test('Step k: labels number the steps from 1 and start each on its own line', () => {
  const out = applyInsertions(text, separatorInsertions(text, steps, 'stepLabel'));
  assert.equal(out, 'Step 1: We have 3 apples. \nStep 2: Then we buy 2 more, so 5. \nStep 3: Thus the answer is 5.');
});

test('Math-Shepherd and Qwen PRM tags close every step after its last visible character', () => {
  assert.equal(applyInsertions(text, separatorInsertions(text, steps, 'mathShepherd')),
    'We have 3 apples. ки Then we buy 2 more, so 5. ки Thus the answer is 5. ки');
  assert.equal(applyInsertions(text, separatorInsertions(text, steps, 'qwenPrm')),
    'We have 3 apples.<extra_0> Then we buy 2 more, so 5.<extra_0> Thus the answer is 5.<extra_0>');
});

test('whitespace-only steps get no separator', () => {
  const t = 'A.   B.';
  const s = [{ start: 0, end: 2 }, { start: 2, end: 5 }, { start: 5, end: 7 }];
  assert.equal(separatorInsertions(t, s, 'qwenPrm').length, 2);
});

test('ProcessBench record: steps trimmed, labelled problem paragraph split off', () => {
  assert.deepEqual(processBenchRecord(text, steps), {
    problem: '', steps: ['We have 3 apples.', 'Then we buy 2 more, so 5.', 'Thus the answer is 5.'],
  });
  const t = 'Problem: How many apples?\n\nWe have 3. So 3.';
  const s = [{ start: 0, end: t.indexOf('So') }, { start: t.indexOf('So'), end: t.length }];
  assert.deepEqual(processBenchRecord(t, s), { problem: 'How many apples?', steps: ['We have 3.', 'So 3.'] });
});
