// Search, neighbours and quick fixes on the real built server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspHarness } from '../../server/src/cli/lspHarness';

const SERVER = resolve(process.cwd(), 'dist', 'server.js');
const WEAK = '|avg_pool_3x3~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|';
let h: LspHarness;
before(async () => { h = await LspHarness.start(SERVER, { analysisDelayMs: 0 }); });
after(async () => { await h.stop(); });

test('NB201 search ranks the whole space with progress, best first', async () => {
  const kinds: string[] = [];
  const r = await h.sedSearch({ space: 'nb201', top: 5 }, (p) => kinds.push(p.kind)).result;
  assert.equal(r.evaluated, 15625);
  assert.equal(r.results.length, 5);
  for (let i = 1; i < r.results.length; i++) assert.ok(r.results[i - 1].sed >= r.results[i].sed);
  assert.equal(kinds[0], 'begin');
  assert.equal(kinds.at(-1), 'end');
});

test('an impossible constraint and an invalid budget come back as clear errors', async () => {
  const r = await h.sedSearch({ space: 'darts', budget: 2000, maxParams: 0.001 }).result;
  assert.equal(r.results.length, 0);
  assert.match(r.error!.message, /param/i);
  const bad = await h.sedSearch({ space: 'nb101', budget: -3 }).result;
  assert.equal(bad.error?.code, 'invalid-budget');
});

test('a cancelled search stops early and says so; hovers are answered meanwhile', async () => {
  const uri = 'file:///w/mid-search.md';
  await h.open(uri, 'markdown', `- ${WEAK}\n`);
  await h.codeLens(uri);
  let cancelled = false;
  const { result, cancel } = h.sedSearch({ space: 'darts', budget: 5_000_000 }, (p) => {
    if (p.kind === 'report' && !cancelled) { cancelled = true; void h.hover(uri, { line: 0, character: 5 }).then(() => cancel()); }
  });
  // The engine stops and returns its best so far, marked cancelled.
  const r = await result;
  assert.equal(r.cancelled, true);
  assert.ok(r.evaluated < 5_000_000);
  assert.ok(r.results.length > 0);
  assert.ok(h.alive);
});

test('neighbours of a definition: single edits with gains, as document edits', async () => {
  const uri = 'file:///w/nb.md';
  const text = `- ${WEAK}\n`;
  await h.open(uri, 'markdown', text);
  const r = await h.neighbours(uri, 5, 30);
  assert.equal(r.format, 'nb201');
  assert.equal(r.neighbours.length, 24, '6 edges × 4 other operations');
  for (let i = 1; i < r.neighbours.length; i++) assert.ok(r.neighbours[i - 1].gain >= r.neighbours[i].gain);
  const best = r.neighbours[0];
  assert.ok(best.gain > 0);
  // Applying the edit gives a definition whose score is the neighbour's score.
  const doc = TextDocument.create(uri, 'markdown', 1, text);
  const edited = TextDocument.applyEdits(doc, [best.edit]);
  const uri2 = 'file:///w/nb-applied.md';
  await h.open(uri2, 'markdown', edited);
  const scores = await h.documentScores(uri2);
  assert.equal(scores.length, 1);
  assert.ok(Math.abs(scores[0].sed! - best.sed) < 1e-9);
  assert.equal((await h.neighbours(uri, text.length + 5)).message, 'No architecture definition at the cursor.');
});

test('quick fixes offer the best improving edits of the definition under the cursor', async () => {
  const uri = 'file:///w/qf.md';
  await h.open(uri, 'markdown', `- ${WEAK}\n`);
  const actions = (await h.codeActions(uri, { line: 0, character: 6 })) ?? [];
  assert.equal(actions.length, 3);
  for (const a of actions) {
    assert.ok('kind' in a && a.kind === 'quickfix');
    assert.match(a.title, /^Improve SED by \+\d+\.\d{3} nats: /);
    assert.equal(a.edit!.changes![uri].length, 1);
  }
  assert.deepEqual(await h.codeActions(uri, { line: 1, character: 0 }), []);
});
