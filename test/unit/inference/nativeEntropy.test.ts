// The optional native scorer (server/native, built by `bash server/native/build.sh`) against the
// node-llama-cpp exact path (controlledEvaluate + probabilities Map) on generated GGUF models.
// Skipped, with the reason, when the binary has not been built.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disposeSharedLlama, LlamaEntropySource } from '../../../server/src/inference/llamaSource';
import {
  findNativeBinary, loadNativeEntropy, NativeEntropyModel, nativeBinaryCandidates, nativeLoadError,
} from '../../../server/src/inference/nativeEntropy';
import { writeGguf } from '../../fixtures/gguf/makeGguf';

const binary = findNativeBinary();
const skip = binary ? false : 'native entropy binary not built (npm run native:build)';
// `npm run build` builds it on this machine kind, so in CI its absence is a failure, not a skip.
if (!binary && process.env.CI === 'true') throw new Error(`native entropy binary missing: ${nativeLoadError() ?? 'not built'}`);
if (!binary) console.log(`# nativeEntropy: skipped, ${skip}`);

const TEXT = [
  'Let x be the number of apples. Then 3x + 2 = 11, so 3x = 9 and x = 3.',
  'However, we must check the answer. Since 3 * 3 + 2 = 11, the answer is correct.',
  'Therefore the total is 55. Thus the mean is 5.5, because 55 / 10 = 5.5.',
].join('\n');
const TOL = 1e-4;

let dir: string;
let randomPath: string, shortCtxPath: string;

before(() => {
  if (!binary) return;
  dir = mkdtempSync(join(tmpdir(), 'entropy-lens-native-'));
  randomPath = join(dir, 'random-v4096.gguf');
  shortCtxPath = join(dir, 'random-v1024-ctx64.gguf');
  writeGguf(randomPath, { seed: 3, vocabSize: 4096 });
  writeGguf(shortCtxPath, { seed: 5, vocabSize: 1024, contextLength: 64 });
});

after(async () => {
  await disposeSharedLlama();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the loader reports where it looked when the binary is absent', () => {
  const prev = process.env.ENTROPY_LENS_NATIVE;
  process.env.ENTROPY_LENS_NATIVE = '/nonexistent/entropy_lens_native.node';
  try {
    assert.equal(nativeBinaryCandidates()[0], '/nonexistent/entropy_lens_native.node');
  } finally {
    if (prev === undefined) delete process.env.ENTROPY_LENS_NATIVE;
    else process.env.ENTROPY_LENS_NATIVE = prev;
  }
});

test('native statistics kernel matches a float64 reference', { skip }, async () => {
  const b = await loadNativeEntropy();
  assert.ok(b, nativeLoadError());
  for (const v of [7, 1000, 32000, 151936]) {
    const r = b.selfTest(v, 5);
    assert.ok(r.maxAbsError < 1e-6, `V=${v}: ${r.maxAbsError}`);
  }
});

function assertClose(label: string, a: Float64Array, b: Float64Array, tol: number): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    assert.equal(Number.isNaN(a[i]), Number.isNaN(b[i]), `${label}[${i}]: ${a[i]} vs ${b[i]}`);
    if (Number.isNaN(a[i])) continue;
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    assert.ok(d <= tol, `${label}[${i}]: ${a[i]} vs ${b[i]} (|Δ| ${d})`);
  }
  return max;
}

test('native entropies, log-probabilities and top tokens equal the exact Map path', { skip }, async () => {
  const source = new LlamaEntropySource({ modelPath: randomPath, idleTimeoutMs: Infinity });
  const native = await NativeEntropyModel.load(randomPath, { threads: 2 });
  assert.ok(native, nativeLoadError());
  try {
    const ids = await source.tokenize(TEXT);
    assert.ok(ids.length > 40);
    const ref = await source.scoreTokenIds(ids, { mode: 'exact', topAlternatives: 5 });
    assert.equal(native.info.vocabSize, source.vocabularySize);
    const start = native.info.bos >= 0 ? native.info.bos : native.info.eos;
    const got = await native.scoreIds(ids, { start, topAlternatives: 5 });
    const dH = assertClose('entropy', got.entropy, ref.entropy, TOL);
    const dL = assertClose('logprob', got.logprob, ref.logprob, TOL);
    console.log(`# V=4096, ${ids.length} tokens: max |ΔH| ${dH.toExponential(2)}, max |Δ ln p| ${dL.toExponential(2)}`);
    for (let t = 0; t < ids.length; t++) {
      assert.equal(got.top[t].length, 5);
      // Same top tokens (a near-tie may swap neighbours: compare as sets and log-probabilities).
      assert.deepEqual(new Set(got.top[t].map((a) => a.token)), new Set(ref.top[t].map((a) => a.token)), `top at ${t}`);
      for (let j = 0; j < 5; j++) assert.ok(Math.abs(got.top[t][j].logprob - ref.top[t][j].logprob) <= TOL);
      assert.ok(Math.abs(ref.mass[t] - 1) < 1e-4 && got.mass[t] === 1);
    }
    // Chunked native calls (KV cache kept between calls) give the same numbers.
    const chunked = await native.scoreIds(ids, { start, topAlternatives: 0, chunk: 7 });
    assertClose('chunked entropy', chunked.entropy, got.entropy, 1e-5);
  } finally {
    native.dispose();
    await source.dispose();
  }
});

test('native windows beyond the train context match LlamaEntropySource', { skip }, async () => {
  const long = Array.from({ length: 2 }, () => TEXT).join('\n');
  for (const opts of [{}, { windowTokens: 40, overlapTokens: 10 }]) {
    const source = new LlamaEntropySource({ modelPath: shortCtxPath, idleTimeoutMs: Infinity, ...opts });
    const native = await NativeEntropyModel.load(shortCtxPath, { threads: 2 });
    assert.ok(native);
    try {
      const ids = await source.tokenize(long);
      const ref = await source.scoreTokenIds(ids, { mode: 'exact', topAlternatives: 0 });
      assert.ok(ids.length > 3 * source.windowTokens, `${ids.length} tokens`);
      const start = native.info.bos >= 0 ? native.info.bos : native.info.eos;
      let calls = 0;
      const got = await native.scoreIds(ids, { start, topAlternatives: 0, ...opts, onProgress: () => { calls++; } });
      assert.ok(calls > 1);
      assertClose('entropy', got.entropy, ref.entropy, TOL);
      assertClose('logprob', got.logprob, ref.logprob, TOL);
    } finally {
      native.dispose();
      await source.dispose();
    }
  }
});

test('native calls can be aborted and reject on a disposed model', { skip }, async () => {
  const native = await NativeEntropyModel.load(shortCtxPath, { threads: 1 });
  assert.ok(native);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(native.scoreIds([5, 6, 7], { start: native.info.bos, signal: ac.signal }), { name: 'AbortError' });
  native.dispose();
  assert.ok(native.disposed);
  await assert.rejects(native.scoreIds([5, 6, 7], { start: native.info.bos }), /disposed/);
});
