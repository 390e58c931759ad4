import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAlignment } from '../../../server/src/edu/align';
import { segment } from '../../../server/src/edu/segment';
import type { TokenEntropy } from '../../../server/src/edu/types';
import { ASSUMED_VOCAB_SIZE, connectOpenAiSource, normaliseEndpoint } from '../../../server/src/inference/openaiSource';
import { EntropySourceError } from '../../../server/src/inference/types';
import { startGenerateOnlyMock, startLlamaServerMock, startVllmMock, TOY_BOS, TOY_VOCAB, type ToyModel } from './mockServers';

const TEXT = 'Let x be 3. Then 2x = 6, so the answer is 6.\nCheck: é ≥ 1 😀 done';

/** Exact entropy before each text token under the toy bigram model (BOS first). */
function truth(model: ToyModel, text: string, spmPrefix: boolean): number[] {
  const ids = [TOY_BOS, ...model.tokenize(text, spmPrefix).map((t) => t.id)];
  return ids.slice(0, -1).map((prev) => model.entropy(prev));
}

function assertCovers(text: string, toks: TokenEntropy[]): void {
  assert.equal(checkAlignment(text, toks), null);
  assert.equal(toks.map((t) => t.text).join(''), text);
  for (const t of toks) assert.equal(t.text, text.slice(t.start, t.end));
}

test('vLLM: detects prompt_logprobs, bounds contain the exact entropy, estimate is the upper bound', async () => {
  const server = await startVllmMock({ apiKey: 'sk-test' });
  try {
    const source = await connectOpenAiSource({ endpoint: `${server.url}/v1/`, apiKey: 'sk-test' });
    const d = source.describe();
    assert.equal(d.capabilities.protocol, 'vllm-prompt-logprobs');
    assert.equal(d.capabilities.exactness, 'topk-bounded');
    assert.equal(d.capabilities.topK, 20);
    assert.equal(d.capabilities.vocabSize, ASSUMED_VOCAB_SIZE);
    assert.equal(d.capabilities.vocabSizeAssumed, true);
    assert.equal(d.capabilities.contextTokens, 4096);
    assert.equal(d.model, 'mock/Qwen2.5-Math-1.5B-Instruct');
    const progress: [number, number][] = [];
    const toks = await source.tokenEntropies(TEXT, { onProgress: (a, b) => progress.push([a, b]) });
    assertCovers(TEXT, toks);
    const exact = truth(server.model, TEXT, false);
    assert.equal(toks.length, exact.length);
    for (let i = 0; i < toks.length; i++) {
      const [lo, hi] = toks[i].entropyBounds!;
      assert.ok(lo <= exact[i] + 1e-9 && exact[i] <= hi + 1e-9, `position ${i}: ${exact[i]} not in [${lo}, ${hi}]`);
      assert.equal(toks[i].entropy, hi);
      assert.ok(Number.isFinite(toks[i].logprob));
      assert.ok(toks[i].top.length === 5 && toks[i].top[0].logprob >= toks[i].top[1].logprob);
    }
    assert.deepEqual(progress.at(-1), [1, 1]);
    // One scoring request with the expected parameters; the key went in the Authorization header.
    const scoring = server.requests.filter((r) => r.path === '/v1/completions').at(-1)!;
    assert.equal(scoring.body?.prompt_logprobs, 20);
    assert.equal(scoring.body?.echo, true);
    assert.equal(scoring.body?.max_tokens, 1);
    assert.equal(scoring.body?.model, 'mock/Qwen2.5-Math-1.5B-Instruct');
    assert.ok(server.requests.every((r) => r.authorization === 'Bearer sk-test'));
    // Segmentation works on top-k entropies (percentile mode is per-backend-threshold free).
    const seg = segment(toks, { percentile: 20, minGap: 3 }, TEXT);
    assert.equal(seg.steps.map((s) => s.text).join(''), TEXT);
    await source.dispose();
  } finally {
    await server.close();
  }
});

test('vLLM: a known vocabulary size tightens the upper bound; midpoint and lower estimates', async () => {
  const server = await startVllmMock();
  try {
    const exact = truth(server.model, TEXT, false);
    const assumed = await connectOpenAiSource({ endpoint: server.url });
    const known = await connectOpenAiSource({ endpoint: server.url, vocabSize: TOY_VOCAB, tailEstimate: 'midpoint' });
    const a = await assumed.tokenEntropies(TEXT);
    const k = await known.tokenEntropies(TEXT);
    let errUpper = 0, errMid = 0;
    for (let i = 0; i < exact.length; i++) {
      const [lo, hi] = k[i].entropyBounds!;
      assert.ok(lo <= exact[i] + 1e-9 && exact[i] <= hi + 1e-9);
      assert.ok(hi <= a[i].entropyBounds![1] + 1e-9);
      assert.ok(Math.abs(k[i].entropy - (lo + hi) / 2) < 1e-12);
      errUpper += Math.abs(a[i].entropy - exact[i]);
      errMid += Math.abs(k[i].entropy - exact[i]);
    }
    assert.ok(errMid < errUpper, 'a real vocabulary size and the midpoint are closer to the truth');
    assert.equal(known.describe().capabilities.vocabSizeAssumed, undefined);
  } finally {
    await server.close();
  }
});

test('vLLM: wrong API key and too large top-k give clear errors', async () => {
  const server = await startVllmMock({ apiKey: 'right' });
  try {
    await assert.rejects(connectOpenAiSource({ endpoint: server.url, apiKey: 'wrong' }), (e: unknown) => {
      assert.ok(e instanceof EntropySourceError);
      assert.match(e.message, /refused the credentials \(HTTP 401\)/);
      assert.doesNotMatch(e.message, /wrong/, 'the key never appears in messages');
      return true;
    });
    const source = await connectOpenAiSource({ endpoint: server.url, apiKey: 'right', topK: 50, protocol: 'vllm-prompt-logprobs' });
    await assert.rejects(source.tokenEntropies(TEXT), /HTTP 400: Requested prompt logprobs of 50, which is greater than max allowed: 20/);
  } finally {
    await server.close();
  }
});

test('echo + logprobs (no prompt_logprobs): detected and bounded', async () => {
  const server = await startVllmMock({ noPromptLogprobs: true });
  try {
    const source = await connectOpenAiSource({ endpoint: server.url, topK: 5, vocabSize: TOY_VOCAB });
    assert.equal(source.describe().capabilities.protocol, 'openai-echo-logprobs');
    const text = 'Let x be 3. Then 2x = 6, so x = 3.';
    const toks = await source.tokenEntropies(text);
    assertCovers(text, toks);
    const exact = truth(server.model, text, false);
    assert.equal(toks.length, exact.length);
    for (let i = 0; i < toks.length; i++) {
      const [lo, hi] = toks[i].entropyBounds!;
      assert.ok(lo <= exact[i] + 1e-9 && exact[i] <= hi + 1e-9, `position ${i}`);
    }
  } finally {
    await server.close();
  }
});

test('llama.cpp server: /tokenize + one cached /completion per position, byte pieces, n_vocab from /v1/models', async () => {
  const server = await startLlamaServerMock();
  try {
    const source = await connectOpenAiSource({ endpoint: server.url, topK: 10 });
    const d = source.describe();
    assert.equal(d.capabilities.protocol, 'llamacpp-per-position');
    assert.equal(d.capabilities.vocabSize, TOY_VOCAB);
    assert.equal(d.capabilities.vocabSizeAssumed, undefined);
    assert.equal(d.capabilities.contextTokens, 2048);
    assert.match(d.backend, /llama\.cpp/);
    server.requests.length = 0;
    const progress: number[] = [];
    const toks = await source.tokenEntropies(TEXT, { onProgress: (done) => progress.push(done) });
    assertCovers(TEXT, toks);
    const exact = truth(server.model, TEXT, true);
    assert.equal(toks.length, exact.length);
    for (let i = 0; i < toks.length; i++) {
      const [lo, hi] = toks[i].entropyBounds!;
      assert.ok(lo <= exact[i] + 1e-9 && exact[i] <= hi + 1e-9, `position ${i}`);
      assert.equal(toks[i].entropy, hi);
    }
    // The multi-byte characters are whole on their first byte token.
    assert.ok(toks.some((t) => t.text === ' é' || t.text === 'é'));
    assert.ok(toks.some((t) => t.text === '😀'));
    const completions = server.requests.filter((r) => r.path === '/completion');
    assert.equal(completions.length, exact.length);
    for (const [i, r] of completions.entries()) {
      assert.equal(r.body?.cache_prompt, true);
      assert.equal(r.body?.n_predict, 1);
      assert.equal(r.body?.n_probs, 10);
      assert.equal(r.body?.post_sampling_probs, false);
      const prompt = r.body?.prompt as number[];
      assert.equal(prompt[0], TOY_BOS);
      assert.equal(prompt.length, i + 1);
    }
    assert.equal(progress.at(-1), exact.length);
  } finally {
    await server.close();
  }
});

test('llama.cpp server: the pre-b4390 `probs` format is understood', async () => {
  const server = await startLlamaServerMock({ legacyProbs: true });
  try {
    const source = await connectOpenAiSource({ endpoint: server.url, topK: 8 });
    const text = 'so x = 3. Then done';
    const toks = await source.tokenEntropies(text);
    assertCovers(text, toks);
    const exact = truth(server.model, text, true);
    for (let i = 0; i < toks.length; i++) {
      const [lo, hi] = toks[i].entropyBounds!;
      assert.ok(lo <= exact[i] + 1e-9 && exact[i] <= hi + 1e-9);
    }
  } finally {
    await server.close();
  }
});

test('a generate-only server is rejected with an error that says why', async () => {
  const server = await startGenerateOnlyMock();
  try {
    await assert.rejects(connectOpenAiSource({ endpoint: server.url }), (e: unknown) => {
      assert.ok(e instanceof EntropySourceError);
      assert.equal(e.code, 'capability');
      assert.match(e.message, /cannot score existing text/);
      assert.match(e.message, /only returns log-probabilities of tokens it generates/);
      assert.match(e.message, /prompt_logprobs: ignored/);
      assert.match(e.message, /llama\.cpp \/tokenize: HTTP 404/);
      return true;
    });
  } finally {
    await server.close();
  }
});

test('cancellation and connection errors', async () => {
  const server = await startLlamaServerMock({ delayMs: 5 });
  try {
    const source = await connectOpenAiSource({ endpoint: server.url });
    const ac = new AbortController();
    const p = source.tokenEntropies(TEXT, { signal: ac.signal, onProgress: (done) => { if (done === 3) ac.abort(); } });
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
    const calls = server.requests.filter((r) => r.path === '/completion').length;
    assert.ok(calls < 8, `stopped early (${calls} requests)`);
  } finally {
    await server.close();
  }
  await assert.rejects(connectOpenAiSource({ endpoint: server.url }), /cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/models/);
  assert.throws(() => normaliseEndpoint('localhost:8000'), /http\(s\) URL/);
  assert.equal(normaliseEndpoint('http://h:1/v1/'), 'http://h:1');
});
