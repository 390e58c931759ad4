// The HTTP backends against local vLLM / llama.cpp mock servers whose top-k log-probabilities come
// from the real embedded engine (node-llama-cpp on generated GGUFs, see engineMock.ts): both
// routes must tokenise identically and agree within the documented top-k bound (docs/edu.md §3.2).
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAlignment } from '../../../server/src/edu/align';
import { entropyOfLogprobs } from '../../../server/src/edu/entropy';
import type { TokenEntropy } from '../../../server/src/edu/types';
import { disposeSharedLlama, LlamaEntropySource } from '../../../server/src/inference/llamaSource';
import { ASSUMED_VOCAB_SIZE, connectOpenAiSource, type OpenAiEntropySource } from '../../../server/src/inference/openaiSource';
import { writeGguf, type GgufModelInfo } from '../../fixtures/gguf/makeGguf';
import { EngineOracle, startEngineLlamaServer, startEngineVllm, type EngineDistribution, type VllmPieceStyle } from './engineMock';

const TEXT = [
  'Let x be the number of apples. Then 3x + 2 = 11, so 3x = 9 and x = 3.',
  'However, we must check the answer: 3 * 3 + 2 = 11, so it is correct.',
  'Next, é ≥ 1 and 😀 done.',
].join('\n');

/** Top-k asked of the servers (vLLM's default --max-logprobs). */
const K = 20;
/**
 * Slack on bound containment and on the mock's vs the embedded route's exact entropy: the mock's
 * lists come from node-llama-cpp's probabilities Map, the embedded route may use the native
 * scorer; both are float32 softmaxes of the same logits (docs/edu.md §3: ≤ 6e-6 nats from a
 * float64 reference on V = 4096).
 */
const BOUND_EPS = 1e-5;
/** Agreement of the actual tokens' (and the top alternatives') log-probabilities. */
const LOGPROB_EPS = 1e-4;

interface ModelCase {
  name: string;
  vocab: number;
  path: string;
  info: GgufModelInfo;
}

let dir: string;
const MODELS = [
  // Bigram: sharp positions (residual ≈ 0, tight bounds) and near-flat ones (wide bounds).
  { name: 'bigram V=2048', opts: { seed: 7, vocabSize: 2048, bigram: true } },
  // Random weights: near-flat everywhere (residual ≈ 1 − K/V).
  { name: 'random V=1024', opts: { seed: 5, vocabSize: 1024 } },
] as const;
const models = new Map<string, ModelCase>();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-lens-engine-mock-'));
  for (const { name, opts } of MODELS) {
    const path = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.gguf`);
    models.set(name, { name, vocab: opts.vocabSize, path, info: writeGguf(path, opts) });
  }
});

after(async () => {
  for (const h of harnesses.values()) await (await h.catch(() => undefined))?.dispose();
  await disposeSharedLlama();
  rmSync(dir, { recursive: true, force: true });
});

function assertCovers(text: string, toks: TokenEntropy[]): void {
  assert.equal(checkAlignment(text, toks), null);
  assert.equal(toks.map((t) => t.text).join(''), text);
  for (const t of toks) assert.equal(t.text, text.slice(t.start, t.end));
}

/** Maximal runs [from, to) of byte-fallback tokens (the UTF-8 bytes of multi-byte characters). */
function byteRuns(ids: readonly number[], vocab: readonly string[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < ids.length; i++) {
    if (!/^<0x[0-9A-F]{2}>$/.test(vocab[ids[i]])) continue;
    const from = i;
    while (i + 1 < ids.length && /^<0x[0-9A-F]{2}>$/.test(vocab[ids[i + 1]])) i++;
    runs.push([from, i + 1]);
  }
  return runs;
}

interface GapStats {
  positions: number;
  /** max(upper − H), max(H − lower), max(upper − lower), min(H − lower, upper − H). */
  maxAboveExact: number;
  maxBelowExact: number;
  maxWidth: number;
  meanWidth: number;
  minSlack: number;
  /** Positions where the bounds collapse (residual ≈ 0: upper − lower < 1e-6). */
  tight: number;
  maxLogprobDiff: number;
  logprobsCompared: number;
  /** Byte-fallback tokens whose (empty or not) range differs from the embedded one, inside a run with the same span. */
  byteAttributionDiffs: number;
}

interface CompareOptions {
  /** Top-k the route asked for. */
  k: number;
  /** vLLM lists the actual token at every position; llama-server only inside its top n_probs. */
  actualAlwaysKnown: boolean;
  /**
   * Byte-fallback runs in which only the span of the run must match (which of its tokens carries
   * the character may differ); undefined: every token's range must match.
   */
  runs?: [number, number][];
}

/**
 * Compares an OpenAI-route tokenisation with the embedded one position by position: same ranges
 * and texts, the exact entropy inside [lower, upper], the reported entropy = upper, and the
 * actual token's and the top alternatives' log-probabilities equal within LOGPROB_EPS.
 */
function compareRoutes(label: string, text: string, embedded: TokenEntropy[], route: TokenEntropy[], truth: EngineDistribution[], ids: number[], opts: CompareOptions): GapStats {
  assertCovers(text, route);
  assert.equal(route.length, embedded.length, `${label}: token count`);
  const s: GapStats = { positions: 0, maxAboveExact: 0, maxBelowExact: 0, maxWidth: 0, meanWidth: 0, minSlack: Infinity, tight: 0, maxLogprobDiff: 0, logprobsCompared: 0, byteAttributionDiffs: 0 };
  const inRun = new Array<boolean>(route.length).fill(false);
  for (const [a, b] of opts.runs ?? []) {
    for (let i = a; i < b; i++) inRun[i] = true;
    assert.deepEqual([route[a].start, route[b - 1].end], [embedded[a].start, embedded[b - 1].end], `${label}: span of the byte tokens ${a}..${b - 1}`);
  }
  for (let i = 0; i < route.length; i++) {
    const e = embedded[i], r = route[i];
    const at = `${label}, token ${i} ${JSON.stringify(e.text)}`;
    if (inRun[i]) {
      if (r.start !== e.start || r.end !== e.end) s.byteAttributionDiffs++;
    } else {
      assert.deepEqual([r.start, r.end, r.text], [e.start, e.end, e.text], `${at}: range`);
    }
    // The mock served the distribution the embedded route scored.
    const H = e.entropy;
    assert.ok(Number.isFinite(H), `${at}: embedded entropy`);
    assert.ok(Math.abs(truth[i].entropy - H) <= BOUND_EPS, `${at}: mock H ${truth[i].entropy} vs embedded ${H}`);
    assert.ok(r.entropyBounds, `${at}: bounds`);
    const [lo, hi] = r.entropyBounds;
    assert.ok(lo <= hi, `${at}: lower ${lo} > upper ${hi}`);
    assert.ok(lo - BOUND_EPS <= H && H <= hi + BOUND_EPS, `${at}: exact H = ${H} not in [${lo}, ${hi}]`);
    assert.equal(r.entropy, hi, `${at}: the default estimate is the upper bound`);
    s.positions++;
    s.maxAboveExact = Math.max(s.maxAboveExact, hi - H);
    s.maxBelowExact = Math.max(s.maxBelowExact, H - lo);
    s.maxWidth = Math.max(s.maxWidth, hi - lo);
    s.meanWidth += (hi - lo) / route.length;
    s.minSlack = Math.min(s.minSlack, H - lo, hi - H);
    if (hi - lo < 1e-6) s.tight++;
    const rank = truth[i].ranked.findIndex((x) => x.id === ids[i]) + 1;
    const known = opts.actualAlwaysKnown || rank <= opts.k;
    assert.equal(Number.isFinite(r.logprob), known, `${at}: logprob known iff listed (rank ${rank})`);
    if (known) {
      const d = Math.abs(r.logprob - e.logprob);
      assert.ok(d <= LOGPROB_EPS, `${at}: logprob ${r.logprob} vs embedded ${e.logprob}`);
      s.maxLogprobDiff = Math.max(s.maxLogprobDiff, d);
      s.logprobsCompared++;
    }
    assert.equal(r.top.length, e.top.length, `${at}: alternatives`);
    for (let j = 0; j < r.top.length; j++) {
      assert.ok(Math.abs(r.top[j].logprob - e.top[j].logprob) <= LOGPROB_EPS, `${at}: alternative ${j}: ${r.top[j].logprob} vs ${e.top[j].logprob}`);
    }
  }
  return s;
}

function fmt(s: GapStats): string {
  const f = (x: number) => x.toExponential(2);
  return `${s.positions} positions (${s.tight} with collapsed bounds): upper − H ≤ ${f(s.maxAboveExact)}, H − lower ≤ ${f(s.maxBelowExact)}, ` +
    `width ≤ ${f(s.maxWidth)} (mean ${f(s.meanWidth)}), min slack ${f(s.minSlack)}; ` +
    `|Δ logprob| ≤ ${f(s.maxLogprobDiff)} over ${s.logprobsCompared} positions` +
    (s.byteAttributionDiffs > 0 ? `; ${s.byteAttributionDiffs} byte tokens attributed differently` : '');
}

interface Harness {
  m: ModelCase;
  oracle: EngineOracle;
  emb: TokenEntropy[];
  embeddedBackend: string;
  ids: number[];
  truth: EngineDistribution[];
  dispose(): Promise<void>;
}

const harnesses = new Map<string, Promise<Harness>>();

/** The embedded route on TEXT (native scorer when built, as by default) and the mock's engine; one per model. */
function harness(name: string): Promise<Harness> {
  let h = harnesses.get(name);
  if (!h) harnesses.set(name, h = makeHarness(name));
  return h;
}

async function makeHarness(name: string): Promise<Harness> {
  const m = models.get(name)!;
  const embedded = new LlamaEntropySource({ modelPath: m.path, topAlternatives: 5, threads: 1 });
  // The mock needs full distributions (ranks, any k): node-llama-cpp's probabilities Map.
  const engine = new LlamaEntropySource({ modelPath: m.path, native: false, threads: 1 });
  const dispose = async () => { await embedded.dispose(); await engine.dispose(); };
  try {
    const oracle = new EngineOracle(engine, m.info.tokens);
    const emb = await embedded.tokenEntropies(TEXT);
    assertCovers(TEXT, emb);
    assert.equal(embedded.describe().capabilities.exactness, 'exact');
    assert.equal(embedded.describe().capabilities.vocabSize, m.vocab);
    const ids = await oracle.tokenize(TEXT);
    assert.equal(ids.length, emb.length);
    // The pieces the servers send spell the text (SentencePiece space prefix) byte for byte.
    assert.equal(Buffer.concat(ids.map((id) => Buffer.from(oracle.pieceBytes(id)))).toString('utf8'), ' ' + TEXT);
    const truth = await oracle.score(ids);
    for (const [i, d] of truth.entries()) {
      assert.equal(d.ranked.length, m.vocab, 'topAlternatives: V gives the full distribution');
      const full = entropyOfLogprobs(d.ranked.map((x) => x.logprob));
      assert.ok(Math.abs(full.entropy - d.entropy) < 1e-9 && Math.abs(full.mass - 1) < 1e-9, `position ${i}: the full list reproduces H`);
    }
    return { m, oracle, emb, embeddedBackend: embedded.describe().backend, ids, truth, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

for (const { name } of MODELS) {
  test(`vLLM and llama.cpp mocks backed by the embedded engine agree with it within the top-k bound (${name})`, { timeout: 60_000 }, async (t: TestContext) => {
    const h = await harness(name);
    const { m, oracle, emb, ids, truth } = h;
    const vllm = await startEngineVllm(oracle, { model: `mock/${m.name}` });
    const llama = await startEngineLlamaServer(oracle, { model: 'engine.gguf' });
    try {
      const runs = byteRuns(ids, m.info.tokens);
      assert.ok(runs.length >= 3, 'the text exercises byte-fallback tokens');

      // vLLM, vocabulary size given (vLLM does not report it). Its pieces put a multi-byte
      // character on the last byte token (see the todo test below): spans compared per run.
      const v = await connectOpenAiSource({ endpoint: `${vllm.url}/v1`, topK: K, vocabSize: m.vocab });
      assert.equal(v.describe().capabilities.protocol, 'vllm-prompt-logprobs');
      assert.equal(v.describe().capabilities.vocabSize, m.vocab);
      const vToks = await v.tokenEntropies(TEXT);
      const vStats = compareRoutes('vLLM', TEXT, emb, vToks, truth, ids, { k: K, actualAlwaysKnown: true, runs });
      const scoring = vllm.requests.filter((r) => r.path === '/v1/completions').at(-1)!;
      assert.equal(scoring.body?.prompt_logprobs, K);
      assert.equal(scoring.body?.echo, true);

      // vLLM with the assumed vocabulary (152 064): the upper bound only grows and stays valid.
      const va = await connectOpenAiSource({ endpoint: vllm.url, topK: K });
      assert.equal(va.describe().capabilities.vocabSize, ASSUMED_VOCAB_SIZE);
      const vaToks = await va.tokenEntropies(TEXT);
      const vaStats = compareRoutes('vLLM (assumed V)', TEXT, emb, vaToks, truth, ids, { k: K, actualAlwaysKnown: true, runs });
      for (let i = 0; i < vToks.length; i++) assert.ok(vaToks[i].entropyBounds![1] >= vToks[i].entropyBounds![1] - 1e-12);

      // llama.cpp: n_vocab from /v1/models, one cached /completion per position, byte pieces:
      // every token's range identical to the embedded route's.
      const l = await connectOpenAiSource({ endpoint: llama.url, topK: K });
      const ld = l.describe().capabilities;
      assert.equal(ld.protocol, 'llamacpp-per-position');
      assert.equal(ld.vocabSize, m.vocab);
      assert.equal(ld.vocabSizeAssumed, undefined);
      const before = llama.promptEvaluated.length;
      const lToks = await l.tokenEntropies(TEXT);
      const lStats = compareRoutes('llama.cpp', TEXT, emb, lToks, truth, ids, { k: K, actualAlwaysKnown: false });
      const evaluated = llama.promptEvaluated.slice(before);
      assert.equal(evaluated.length, ids.length, 'one /completion per position');
      assert.ok(evaluated.every((n) => n === 1), `the prompt cache leaves one new token per request: ${evaluated.join(',')}`);
      for (const r of llama.requests.filter((q) => q.path === '/completion').slice(-ids.length)) {
        assert.equal(r.body?.n_probs, K);
        assert.equal(r.body?.cache_prompt, true);
        assert.equal(r.body?.post_sampling_probs, false);
      }

      // The two HTTP routes: identical bounds where the actual token is in the top K (both lists
      // are exactly the top K); elsewhere vLLM also lists the actual token, which only tightens them.
      let outside = 0;
      for (let i = 0; i < vToks.length; i++) {
        const [vl, vh] = vToks[i].entropyBounds!, [ll, lh] = lToks[i].entropyBounds!;
        const rank = truth[i].ranked.findIndex((x) => x.id === ids[i]) + 1;
        if (rank <= K) {
          assert.ok(Math.abs(vl - ll) < 1e-9 && Math.abs(vh - lh) < 1e-9, `token ${i}: the two routes' bounds`);
        } else {
          assert.ok(vl >= ll - 1e-9 && vh <= lh + 1e-9, `token ${i}: vLLM [${vl}, ${vh}] inside llama.cpp [${ll}, ${lh}]`);
          outside++;
        }
      }

      // llama.cpp with K = V (llama-server does not cap n_probs; the smaller model only, to keep
      // the test fast): the whole distribution is listed, the bounds collapse to the exact entropy
      // and every actual logprob is known.
      let full: OpenAiEntropySource | undefined;
      let fullStats: GapStats | undefined;
      if (m.vocab <= 1024) {
        full = await connectOpenAiSource({ endpoint: llama.url, topK: m.vocab });
        const fullToks = await full.tokenEntropies(TEXT);
        fullStats = compareRoutes('llama.cpp K=V', TEXT, emb, fullToks, truth, ids, { k: m.vocab, actualAlwaysKnown: false });
        assert.equal(fullStats.tight, ids.length, 'K = V: every bound collapses');
        assert.equal(fullStats.logprobsCompared, ids.length, 'K = V: every actual logprob is known');
        for (const [i, x] of fullToks.entries()) assert.ok(Math.abs(x.entropy - emb[i].entropy) <= BOUND_EPS, `K = V, token ${i}: H ${x.entropy} vs ${emb[i].entropy}`);
      }

      t.diagnostic(`${m.name}, K = ${K}, ${ids.length} tokens (${outside} with the actual token outside the top K); embedded: ${h.embeddedBackend}`);
      t.diagnostic(`  vLLM (V known):   ${fmt(vStats)}`);
      t.diagnostic(`  vLLM (V assumed): ${fmt(vaStats)}`);
      t.diagnostic(`  llama.cpp:        ${fmt(lStats)}`);
      if (fullStats) t.diagnostic(`  llama.cpp K=V:    ${fmt(fullStats)}`);
      await v.dispose();
      await va.dispose();
      await l.dispose();
      await full?.dispose();
    } finally {
      await vllm.close();
      await llama.close();
    }
  });
}

// Known gap: vLLM spells byte-fallback prompt tokens "" ("incremental", vLLM V0 and mockServers.ts:
// the character on its last byte token; "isolated", vLLM V1: "" for every byte token, so the
// character lands on the next token with text, e.g. "é" on the following " "). alignPieces then
// cannot put a multi-byte character on its first byte token as TokenEntropy documents and the
// embedded and llama.cpp routes do. Entropies and bounds are per position and unaffected; only
// which token carries the character differs.
test('vLLM: every token\'s range equals the embedded route\'s, multi-byte characters included', {
  timeout: 60_000,
  todo: 'openaiSource/alignPieces: vLLM pieces do not say which byte token starts a multi-byte character',
}, async () => {
  const h = await harness('bigram V=2048');
  try {
    const failures: string[] = [];
    for (const style of ['incremental', 'isolated'] as VllmPieceStyle[]) {
      const vllm = await startEngineVllm(h.oracle, { pieces: style });
      try {
        const v = await connectOpenAiSource({ endpoint: vllm.url, topK: K, vocabSize: h.m.vocab });
        const toks = await v.tokenEntropies(TEXT);
        assertCovers(TEXT, toks);
        const wrong = toks.map((x, i) => [i, x, h.emb[i]] as const).filter(([, x, e]) => x.start !== e.start || x.end !== e.end);
        if (wrong.length > 0) {
          failures.push(`${style} pieces: ${wrong.length} tokens differ, e.g. ` +
            wrong.slice(0, 4).map(([i, x, e]) => `#${i} ${JSON.stringify(x.text)} vs ${JSON.stringify(e.text)}`).join(', '));
        }
      } finally {
        await vllm.close();
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await h.dispose();
    harnesses.delete('bigram V=2048');
  }
});
