import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore, type Analysis } from '../../../server/src/lsp/analysisStore';

function setup() {
  const analysed: string[] = [];
  const published: Analysis[] = [];
  const store = new AnalysisStore(
    async (doc) => { analysed.push(`${doc.uri}@${doc.version}`); return []; },
    (_doc, a) => published.push(a),
  );
  return { store, analysed, published };
}

test('rapid edits of one document are debounced into one analysis of the newest version', async () => {
  const { store, analysed, published } = setup();
  for (let v = 1; v <= 5; v++) store.schedule(TextDocument.create('file:///a', 'markdown', v, `v${v}`), 20);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(analysed, ['file:///a@5']);
  assert.equal(published.length, 1);
  assert.equal(published[0].version, 5);
});

test('an edit reschedules only its own document', async () => {
  const { store, analysed } = setup();
  store.schedule(TextDocument.create('file:///a', 'markdown', 1, 'a'), 20);
  store.schedule(TextDocument.create('file:///b', 'markdown', 1, 'b'), 20);
  store.schedule(TextDocument.create('file:///b', 'markdown', 2, 'b2'), 20);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(analysed.sort(), ['file:///a@1', 'file:///b@2']);
});

test('get() runs a pending analysis at once and cancels its debounce timer', async () => {
  const { store, analysed } = setup();
  const doc = TextDocument.create('file:///a', 'markdown', 3, 'x');
  store.schedule(doc, 50);
  const a = await store.get(doc);
  assert.equal(a?.version, 3);
  assert.deepEqual(analysed, ['file:///a@3']);
  // The cached result serves the same version without re-analysing, and the debounce timer is gone.
  await store.get(doc);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(analysed.length, 1);
});

test('forget() cancels a pending analysis', async () => {
  const { store, analysed } = setup();
  store.schedule(TextDocument.create('file:///a', 'markdown', 1, 'x'), 20);
  store.forget('file:///a');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(analysed, []);
});
