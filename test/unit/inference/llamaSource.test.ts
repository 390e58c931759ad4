// Real node-llama-cpp on generated GGUF models (and stories260K when present).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAlignment } from '../../../server/src/edu/align';
import { makeIgnorePredicate, resolveSegmentParams, segment } from '../../../server/src/edu/segment';
import type { TokenEntropy } from '../../../server/src/edu/types';
import { LlamaEntropySource } from '../../../server/src/inference/llamaSource';
import { findNativeBinary } from '../../../server/src/inference/nativeEntropy';
import { EntropySourceError } from '../../../server/src/inference/types';
import { writeGguf, type GgufModelInfo } from '../../fixtures/gguf/makeGguf';
import { readGguf, ReferenceLlama } from './referenceLlama';

// The bundle runs from out/test/unit/inference; the model lives next to the repository in ../shared.
const STORIES_CANDIDATES = [
  process.env.ENTROPY_LENS_STORIES_GGUF,
  join(__dirname, '../../../../../shared/models/stories260K.gguf'),
  join(process.cwd(), '../shared/models/stories260K.gguf'),
].filter((p): p is string => typeof p === 'string' && p !== '');
const storiesPath = STORIES_CANDIDATES.find((p) => existsSync(p)) ?? null;

let dir: string;
let randomPath: string, smallPath: string, bigramPath: string, shortCtxPath: string;
let bigramInfo: GgufModelInfo;
const V = 4096;

const REASONING = [
  'Let x be the number of apples. Then 3x + 2 = 11, so 3x = 9 and x = 3.',
  'However, we must check the answer. Since 3 * 3 + 2 = 11, the answer is correct.',
  'Therefore the total is 55. Thus the mean is 5.5, because 55 / 10 = 5.5.',
].join('\n');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-lens-gguf-'));
  randomPath = join(dir, 'random.gguf');
  bigramPath = join(dir, 'bigram.gguf');
  smallPath = join(dir, 'random-v1024.gguf');
  shortCtxPath = join(dir, 'random-v1024-ctx64.gguf');
  writeGguf(randomPath, { seed: 3, vocabSize: V });
  // Cheaper models (cost per position ∝ vocabulary) for the chunking and window tests.
  writeGguf(smallPath, { seed: 5, vocabSize: 1024 });
  bigramInfo = writeGguf(bigramPath, { seed: 7, vocabSize: V, bigram: true });
  writeGguf(shortCtxPath, { seed: 5, vocabSize: 1024, contextLength: 64 });
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function assertCovers(text: string, toks: TokenEntropy[]): void {
  assert.equal(checkAlignment(text, toks), null);
  assert.equal(toks.map((t) => t.text).join(''), text);
  for (const t of toks) assert.equal(t.text, text.slice(t.start, t.end));
}

test('generated GGUF files are deterministic', async () => {
  const { makeGguf } = await import('../../fixtures/gguf/makeGguf');
  const a = makeGguf({ seed: 11, vocabSize: 600, layers: 1 });
  const b = makeGguf({ seed: 11, vocabSize: 600, layers: 1 });
  const c = makeGguf({ seed: 12, vocabSize: 600, layers: 1 });
  assert.deepEqual(a.bytes, b.bytes);
  assert.notDeepEqual(a.bytes, c.bytes);
  assert.equal(a.headDim, 16);
  assert.equal(a.tokens.length, 600);
});

test('exact distributions: Σp = 1 within 1e-4, 0 ≤ H ≤ ln V, random weights give H near ln V', async () => {
  const source = new LlamaEntropySource({ modelPath: randomPath, native: false }); // Σp is read from the full distribution
  try {
    const toks = await source.tokenEntropies(REASONING);
    assert.ok(toks.length > 50);
    assertCovers(REASONING, toks);
    for (const t of toks) {
      assert.ok(Math.abs(t.mass! - 1) < 1e-4, `Σp = ${t.mass}`);
      assert.ok(t.entropy >= 0 && t.entropy <= Math.log(V) + 1e-9);
      assert.ok(t.entropy > Math.log(V) - 1, `random model: H = ${t.entropy}`);
      assert.ok(t.logprob <= 0 && Number.isFinite(t.logprob));
      assert.equal(t.top.length, 5);
    }
    const d = source.describe();
    assert.equal(d.capabilities.exactness, 'exact');
    assert.equal(d.capabilities.vocabSize, V);
    assert.equal(d.capabilities.contextTokens, 2048);
    assert.equal(d.capabilities.longText, 'sliding-window');
  } finally {
    await source.dispose();
  }
});

for (const native of ['auto', false] as const) test(`agrees with an independent float64 forward pass (generated model, 1e-3 nats, native ${native})`, async () => {
  const source = new LlamaEntropySource({ modelPath: randomPath, native });
  try {
    const text = REASONING.slice(0, 120);
    const ids = await source.tokenize(text);
    const scored = await source.scoreTokenIds(ids);
    const ref = new ReferenceLlama(readGguf(randomPath)).entropies([1, ...ids.slice(0, -1)]);
    for (let i = 0; i < ids.length; i++) assert.ok(Math.abs(ref[i] - scored.entropy[i]) < 1e-3, `position ${i}: ${ref[i]} vs ${scored.entropy[i]}`);
    // With the native scorer built, 'auto' must really use it (and false must not).
    assert.equal(/native/.test(source.describe().backend), native === 'auto' && findNativeBinary() !== undefined);
  } finally {
    await source.dispose();
  }
});

test('the native path keeps node-llama-cpp\'s model vocabulary-only; plain prefill and top-K reload its weights', { skip: findNativeBinary() === undefined ? 'native entropy binary not built' : false }, async () => {
  const source = new LlamaEntropySource({ modelPath: shortCtxPath });
  try {
    const text = REASONING + '\n' + REASONING;
    const a = await source.tokenEntropies(text);
    assert.match(source.describe().backend, /native/);
    assert.equal(source.loaded, true);
    assert.equal(source.weightsLoaded, false, 'the weights are resident once, in the native scorer');
    // A vocabulary-only LlamaModel reports trainContextSize 0: the window must come from the metadata.
    assert.equal(source.describe().capabilities.contextTokens, 64);
    const ids = await source.tokenize(text);
    await source.evaluatePlain(ids.slice(0, 20));
    assert.equal(source.weightsLoaded, true, 'plain prefill needs node-llama-cpp\'s context');
    const b = await source.tokenEntropies(text);
    assert.deepEqual(b.map((t) => [t.start, t.end]), a.map((t) => [t.start, t.end]));
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i].entropy - b[i].entropy) < 1e-9, `position ${i}`);
    const map = await source.scoreTokenIds(ids, { mode: { topK: 8 } });
    assert.ok(map.entropy.every((h) => h <= Math.log(8) + 1e-6));
  } finally {
    await source.dispose();
  }
});

for (const native of ['auto', false] as const) test(`stories260K: entropies agree with the float64 reference within 1e-2 nats at every position (native ${native})`, { skip: storiesPath === null ? 'stories260K.gguf not present' : false }, async () => {
  const source = new LlamaEntropySource({ modelPath: storiesPath!, native });
  try {
    const text = 'Once upon a time, there was a little girl named Lily. She loved to play outside. One day, she saw a big red ball.';
    const toks = await source.tokenEntropies(text);
    assertCovers(text, toks);
    const ids = await source.tokenize(text);
    assert.equal(ids.length, toks.length);
    const ref = new ReferenceLlama(readGguf(storiesPath!)).entropies([1, ...ids.slice(0, -1)]);
    let max = 0;
    for (let i = 0; i < ids.length; i++) max = Math.max(max, Math.abs(ref[i] - toks[i].entropy));
    assert.ok(max < 1e-2, `max |ΔH| = ${max}`);
    assert.ok(toks.some((t) => t.entropy < 0.1) && toks.some((t) => t.entropy > 1.5), 'a realistic entropy profile');
  } finally {
    await source.dispose();
  }
});

test('chunked evaluation equals one-shot evaluation', async () => {
  const a = new LlamaEntropySource({ modelPath: smallPath, chunkSize: 256, native: false });
  const b = new LlamaEntropySource({ modelPath: smallPath, chunkSize: 7, native: false });
  try {
    const x = await a.tokenEntropies(REASONING);
    const y = await b.tokenEntropies(REASONING);
    assert.equal(x.length, y.length);
    for (let i = 0; i < x.length; i++) {
      assert.ok(Math.abs(x[i].entropy - y[i].entropy) < 1e-6, `position ${i}`);
      assert.equal(x[i].start, y[i].start);
    }
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('texts longer than the train context are scored with overlapping windows', async () => {
  const short = new LlamaEntropySource({ modelPath: shortCtxPath });
  const long = new LlamaEntropySource({ modelPath: smallPath });
  try {
    const text = REASONING + '\n' + REASONING;
    const toks = await short.tokenEntropies(text);
    assertCovers(text, toks);
    assert.equal(short.describe().capabilities.contextTokens, 64);
    const ids = await long.tokenize(text);
    const n = ids.length;
    assert.ok(n > 150);
    // Same weights (same seed), 2048 context: the first window (start token + 62 tokens) scores
    // positions 0..62 exactly like one-shot scoring.
    const full = await long.scoreTokenIds(ids);
    for (let t = 0; t < 63; t++) assert.ok(Math.abs(full.entropy[t] - toks[t].entropy) < 1e-5, `position ${t}`);
    // Later windows re-read W/2 = 32 tokens of context and score up to 63 − 32 new positions.
    let s = 63;
    let windows = 1;
    while (s < n) {
      const c = s - 32;
      const e = Math.min(n, c + 63);
      const windowScores = await long.scoreTokenIds(ids.slice(c, e));
      for (let t = s; t < e; t++) assert.ok(Math.abs(windowScores.entropy[t - c] - toks[t].entropy) < 1e-5, `position ${t}`);
      s = e;
      windows++;
    }
    assert.ok(windows >= 4);
    // An explicit smaller window and overlap.
    const custom = new LlamaEntropySource({ modelPath: smallPath, windowTokens: 40, overlapTokens: 10 });
    const w = await custom.tokenEntropies(text);
    await custom.dispose();
    assertCovers(text, w);
    for (let t = 0; t < 39; t++) assert.ok(Math.abs(full.entropy[t] - w[t].entropy) < 1e-5);
    const second = await long.scoreTokenIds(ids.slice(29, 29 + 39));
    for (let t = 39; t < 68; t++) assert.ok(Math.abs(second.entropy[t - 29] - w[t].entropy) < 1e-5, `custom window position ${t}`);
  } finally {
    await short.dispose();
    await long.dispose();
  }
});

test('bigram model: known-answer anchors after ".", ",", newline and lone spaces', async () => {
  const source = new LlamaEntropySource({ modelPath: bigramPath });
  try {
    const toks = await source.tokenEntropies(REASONING);
    assertCovers(REASONING, toks);
    const ids = await source.tokenize(REASONING);
    const uncertain = new Set(bigramInfo.uncertainTokens);
    const afterUncertain = (t: number) => t > 0 && uncertain.has(ids[t - 1]);
    for (let t = 0; t < toks.length; t++) {
      if (afterUncertain(t)) assert.ok(toks[t].entropy > 4, `H after ${JSON.stringify(toks[t - 1].text)} at ${t} = ${toks[t].entropy}`);
      else assert.ok(toks[t].entropy < 0.1, `H at ${t} (${JSON.stringify(toks[t].text)}) = ${toks[t].entropy}`);
    }
    // The uncertain tokens are exactly ".", ",", newline and the lone SentencePiece space.
    for (let t = 1; t < toks.length; t++) if (afterUncertain(t)) assert.ok(['.', ',', '\n', ' ', ''].includes(toks[t - 1].text));
    const ignored = makeIgnorePredicate(resolveSegmentParams().ignore);
    // (An anchor at character 0 — after the SentencePiece prefix token — would open an empty step.)
    const expected = toks.map((_, t) => t).filter((t) => afterUncertain(t) && !ignored(toks[t].text) && toks[t].start > 0);
    assert.ok(expected.length >= 5);
    const r = segment(toks, { threshold: 1.0, minGap: 1 }, REASONING);
    assert.deepEqual(r.anchors, expected);
    assert.equal(r.steps.map((s) => s.text).join(''), REASONING);
    // Sentence starts are among the anchors.
    for (const word of ['However', 'Therefore']) assert.ok(r.steps.some((s) => s.text.startsWith(word)), word);
    const gap = segment(toks, { minGap: 8 }, REASONING);
    for (let i = 1; i < gap.anchors.length; i++) assert.ok(gap.anchors[i] - gap.anchors[i - 1] >= 8);
    assert.ok(gap.anchors.every((a) => expected.includes(a)));
  } finally {
    await source.dispose();
  }
});

test('character ranges round-trip on awkward texts', async () => {
  const texts = [
    ' leading and trailing spaces  ', 'tabs\tand\r\nCRLF\n\nblank lines', 'café naïve — “quotes” ≥ ∑ 😀👍🏽 中文',
    'literal \u2581 piece marker and <s> </s> tags', 'x', ' ', '\n', '', 'a\u0000b',
  ];
  const paths = [bigramPath, ...(storiesPath ? [storiesPath] : [])];
  for (const p of paths) {
    const source = new LlamaEntropySource({ modelPath: p });
    try {
      for (const text of texts) {
        const toks = await source.tokenEntropies(text);
        assertCovers(text, toks);
        if (text !== '') assert.ok(toks.length > 0);
      }
    } finally {
      await source.dispose();
    }
  }
});

test('cancellation: an AbortSignal stops a running request between chunks and a queued one at once', async () => {
  const source = new LlamaEntropySource({ modelPath: smallPath, chunkSize: 16, native: false }); // the controlledEvaluate path's chunking
  try {
    const text = REASONING.repeat(8);
    const ac = new AbortController();
    let last = 0;
    await assert.rejects(
      source.tokenEntropies(text, { signal: ac.signal, onProgress: (done) => { last = done; if (done >= 32) ac.abort(); } }),
      (e: unknown) => (e as Error).name === 'AbortError',
    );
    assert.ok(last < 64, `stopped after ${last} positions`);
    // Queued behind a running request: rejected as soon as the signal fires.
    const running = source.tokenEntropies(REASONING);
    const ac2 = new AbortController();
    const queued = source.tokenEntropies(REASONING, { signal: ac2.signal });
    ac2.abort();
    await assert.rejects(queued, (e: unknown) => (e as Error).name === 'AbortError');
    const ok = await running;
    assertCovers(REASONING, ok);
    await assert.rejects(source.tokenEntropies('x', { signal: AbortSignal.abort() }), (e: unknown) => (e as Error).name === 'AbortError');
  } finally {
    await source.dispose();
  }
});

test('idle release unloads the model and the next request reloads it; dispose is final', async () => {
  const source = new LlamaEntropySource({ modelPath: bigramPath, idleTimeoutMs: 50 });
  assert.equal(source.loaded, false, 'lazy: nothing loaded before the first request');
  const a = await source.tokenEntropies('Then x = 3.');
  assert.equal(source.loaded, true);
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(source.loaded, false, 'released after the idle timeout');
  const b = await source.tokenEntropies('Then x = 3.');
  assert.equal(source.loaded, true);
  assert.deepEqual(b.map((t) => t.entropy), a.map((t) => t.entropy));
  await source.dispose();
  assert.equal(source.loaded, false);
  await assert.rejects(source.tokenEntropies('x'), (e: unknown) => e instanceof EntropySourceError && e.code === 'disposed');
});

test('top-K approximate mode is labelled and loses the tail', async () => {
  const source = new LlamaEntropySource({ modelPath: randomPath, approximateTopK: 50 });
  try {
    assert.equal(source.describe().capabilities.exactness, 'topk-renormalized');
    const toks = await source.tokenEntropies('Let x be 3.');
    for (const t of toks) assert.ok(t.entropy <= Math.log(50) + 1e-6, `renormalised over 50: ${t.entropy}`);
  } finally {
    await source.dispose();
  }
});

test('a missing model file gives a clear load error', async () => {
  const source = new LlamaEntropySource({ modelPath: join(dir, 'missing.gguf') });
  await assert.rejects(source.tokenEntropies('x'), (e: unknown) => e instanceof EntropySourceError && /could not load GGUF model .*missing\.gguf/.test(e.message));
  await source.dispose();
});
