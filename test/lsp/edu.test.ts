// The EDU request on the real built server with a generated GGUF: exact entropies arrive with
// character ranges, work-done progress is reported, and cancellation and bad input end cleanly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LspHarness } from '../../server/src/cli/lspHarness';
import { writeGguf } from '../fixtures/gguf/makeGguf';

const SERVER = resolve(process.cwd(), 'dist', 'server.js');
const TEXT = 'Let x be 3. Then 2x = 6, so x = 3.\nHowever, we check it: 2 * 3 = 6.';
let dir: string;
let model: string;
let h: LspHarness;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-lens-lsp-edu-'));
  model = join(dir, 'bigram.gguf');
  writeGguf(model, { seed: 7, bigram: true });
  h = await LspHarness.start(SERVER);
});
after(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('entropies for every token, covering the text exactly, with progress', async () => {
  const kinds: string[] = [];
  const { result } = h.eduEntropies(TEXT, { kind: 'gguf', modelPath: model }, (p) => kinds.push(p.kind));
  const r = await result;
  assert.equal(r.tokens.map((t) => t.text).join(''), TEXT);
  assert.equal(r.tokens[0].start, 0);
  assert.equal(r.tokens.at(-1)!.end, TEXT.length);
  for (const t of r.tokens) {
    assert.equal(TEXT.slice(t.start, t.end), t.text);
    assert.ok(t.entropy >= 0 && t.entropy <= Math.log(4096) + 1e-6, `entropy ${t.entropy}`);
    assert.ok(t.logprob <= 0);
  }
  // Bigram mode: near-flat distributions right after '.', ',', newline and space.
  const afterPeriod = r.tokens.findIndex((t, i) => i > 0 && r.tokens[i - 1].text.endsWith('.'));
  assert.ok(afterPeriod > 0);
  assert.ok(r.tokens[afterPeriod].entropy > 5, `high entropy after a period (${r.tokens[afterPeriod].entropy})`);
  assert.match(r.backend.model, /bigram\.gguf/);
  assert.ok(r.backend.capabilities.some((c) => c.includes('exact')));
  assert.equal(kinds[0], 'begin');
  assert.equal(kinds.at(-1), 'end');
});

test('a missing model file is a clear error and the server keeps serving', async () => {
  const { result } = h.eduEntropies(TEXT, { kind: 'gguf', modelPath: join(dir, 'missing.gguf') });
  await assert.rejects(result, /missing\.gguf/);
  const again = await h.eduEntropies('2 + 2 = 4.', { kind: 'gguf', modelPath: model }).result;
  assert.equal(again.tokens.map((t) => t.text).join(''), '2 + 2 = 4.');
});

test('cancelling a long request ends it early without killing the server', async () => {
  const long = TEXT.repeat(200);
  const { result, cancel } = h.eduEntropies(long, { kind: 'gguf', modelPath: model }, (p) => { if (p.kind === 'report') cancel(); });
  await assert.rejects(result);
  assert.ok(h.alive);
  const again = await h.eduEntropies('x = 1.', { kind: 'gguf', modelPath: model }).result;
  assert.equal(again.tokens.map((t) => t.text).join(''), 'x = 1.');
});
