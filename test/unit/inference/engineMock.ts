// Mock vLLM and llama.cpp servers on 127.0.0.1 whose distributions come from the REAL embedded
// engine (node-llama-cpp through LlamaEntropySource) instead of mockServers.ts's toy bigram model.
//
// The wire formats are those of mockServers.ts (vLLM: /v1/completions with `prompt_logprobs`,
// `echo`, `return_token_ids`; llama-server ≥ b4390: /tokenize with `with_pieces`, /completion
// with `n_probs` and `cache_prompt`, /v1/models with `meta.n_vocab`), re-implemented here because
// that file's handlers are synchronous and bound to its ToyModel.
//
// `EngineOracle` is the model behind both servers: token ids from the embedded tokenizer
// (`LlamaEntropySource.tokenize`), token pieces from the GGUF vocabulary (what llama.cpp's
// token_to_piece renders: "▁" → " ", "<0xHH>" → the byte HH), and per position the *full* sorted
// next-token distribution via `scoreTokenIds(..., {topAlternatives: V})`, from which the servers
// cut their top-k lists and vLLM its vocabulary ranks. Distributions are memoised by prefix; a
// llama-server /tokenize call pre-scores the tokenised text in one pass so that the client's n
// per-position /completion requests are answered from the memo (a pure function of the prompt,
// like a real server's, only cheaper than n full prefills).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LlamaEntropySource } from '../../../server/src/inference/llamaSource';
import type { RecordedRequest } from './mockServers';

export interface RankedToken {
  id: number;
  /** ln p, normalised by the distribution's mass (as LlamaEntropySource reports it). */
  logprob: number;
}

/** One next-token distribution: every vocabulary token, most likely first. */
export interface EngineDistribution {
  ranked: RankedToken[];
  /** The engine's exact entropy (nats) of this distribution. */
  entropy: number;
}

const SPACE = '\u2581';
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

export class EngineOracle {
  private readonly memo = new Map<string, EngineDistribution>();
  /** Number of scoreTokenIds calls (memo misses), for tests of the memo. */
  scoringCalls = 0;

  /**
   * @param source an embedded source on the same GGUF (used only for tokenize / scoreTokenIds)
   * @param vocab `tokenizer.ggml.tokens` of that GGUF (writeGguf's `tokens`)
   * @param specials ids of BOS and EOS, and which ids are control tokens (default: ids < 3, makeGguf's layout)
   */
  constructor(
    private readonly source: LlamaEntropySource,
    private readonly vocab: readonly string[],
    readonly specials: { bos: number; eos: number; control?: readonly number[] } = { bos: 1, eos: 2 },
  ) {}

  get vocabSize(): number {
    return this.vocab.length;
  }

  get bos(): number {
    return this.specials.bos;
  }

  /** The embedded tokenizer: no BOS, no special-token parsing, SentencePiece space prefix. */
  tokenize(text: string): Promise<number[]> {
    return this.source.tokenize(text);
  }

  private isControl(id: number): boolean {
    return (this.specials.control ?? [0, 1, 2]).includes(id);
  }

  /**
   * Bytes of one token as llama.cpp's token_to_piece renders it: control tokens as their text
   * when `special` (else nothing), byte tokens as the raw byte, others with "▁" → " ".
   */
  pieceBytes(id: number, special = true): Uint8Array {
    const s = this.vocab[id];
    if (s === undefined) throw new Error(`token id ${id} outside the vocabulary`);
    if (this.isControl(id)) return special ? Buffer.from(s, 'utf8') : new Uint8Array(0);
    const m = BYTE_TOKEN.exec(s);
    if (m) return Uint8Array.of(parseInt(m[1], 16));
    return Buffer.from(s.split(SPACE).join(' '), 'utf8');
  }

  /** The piece as a (lossy) string: invalid UTF-8 becomes U+FFFD. */
  pieceText(id: number, special = true): string {
    return Buffer.from(this.pieceBytes(id, special)).toString('utf8');
  }

  /**
   * Distributions before each of `ids` (the start token prepended): element t is p(· | BOS, ids[<t]).
   * Always scores (no memo lookup) so that the values are those of one pass over exactly `ids`,
   * like the embedded route's; stores every prefix in the memo.
   */
  async score(ids: readonly number[]): Promise<EngineDistribution[]> {
    if (ids.length === 0) return [];
    this.scoringCalls++;
    const V = this.vocabSize;
    const scored = await this.source.scoreTokenIds(ids, { topAlternatives: V });
    const out: EngineDistribution[] = [];
    for (let t = 0; t < ids.length; t++) {
      const top = scored.top[t];
      if (top.length !== V) throw new Error(`position ${t}: the engine returned ${top.length} of ${V} probabilities`);
      // node-llama-cpp sorts by logit already; sort again (stable) so ranks never depend on it.
      const ranked = top.map((e) => ({ id: e.token, logprob: e.logprob })).sort((a, b) => b.logprob - a.logprob);
      const d: EngineDistribution = { ranked, entropy: scored.entropy[t] };
      out.push(d);
      this.memo.set(key(ids.slice(0, t)), d);
    }
    return out;
  }

  /** p(· | BOS, prefix), from the memo or by scoring `prefix` + a placeholder token. */
  async next(prefix: readonly number[]): Promise<EngineDistribution> {
    const k = key(prefix);
    const hit = this.memo.get(k);
    if (hit) return hit;
    const all = await this.score([...prefix, this.specials.eos]);
    return all[prefix.length];
  }
}

function key(ids: readonly number[]): string {
  return ids.join(',');
}

/** vLLM's rank: 1 + the number of tokens strictly more likely. */
function rankOf(d: EngineDistribution, id: number): { rank: number; logprob: number } {
  const e = d.ranked.find((x) => x.id === id);
  if (!e) throw new Error(`token ${id} missing from the distribution`);
  let rank = 1;
  for (const x of d.ranked) { if (x.logprob > e.logprob) rank++; else break; }
  return { rank, logprob: e.logprob };
}

// -----------------------------------------------------------------------------------------------
// HTTP plumbing (async handlers)

export interface EngineServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown; contentType?: string };
type AsyncHandler = (req: RecordedRequest) => Promise<Reply>;

async function serveAsync(handler: AsyncHandler): Promise<EngineServer> {
  const requests: RecordedRequest[] = [];
  // Requests are answered one at a time, like a single-slot server.
  let queue: Promise<void> = Promise.resolve();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | undefined;
      try { body = raw ? JSON.parse(raw) : undefined; } catch { body = undefined; }
      const rec: RecordedRequest = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], body, authorization: req.headers.authorization };
      requests.push(rec);
      queue = queue.then(async () => {
        let out: Reply;
        try { out = await handler(rec); } catch (e) { out = { status: 500, body: { error: { code: 500, message: String(e), type: 'server_error' } } }; }
        const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
        if (!res.destroyed) {
          res.writeHead(out.status, { 'content-type': out.contentType ?? 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const created = 1_733_000_000;

/**
 * How the server spells the prompt tokens (`decoded_token`, echo `tokens`):
 * - 'incremental': incremental detokenisation (vLLM V0, and mockServers.ts): "" while the bytes so
 *   far end in an incomplete character, the whole character on its last byte token;
 * - 'isolated': each token decoded on its own (vLLM V1 `convert_ids_list_to_tokens`, SentencePiece
 *   leading spaces restored), and a piece ending in U+FFFD replaced by "" (V1 `_verify_tokens`,
 *   which at a prompt position has no earlier sampled token to join with), so every byte token of
 *   a multi-byte character is "".
 */
export type VllmPieceStyle = 'incremental' | 'isolated';

function promptPieces(oracle: EngineOracle, ids: readonly number[], style: VllmPieceStyle): string[] {
  const out: string[] = [];
  let pending: number[] = [];
  for (const id of ids) {
    if (id === oracle.bos) { out.push(oracle.pieceText(id)); pending = []; continue; }
    if (style === 'isolated') {
      const s = oracle.pieceText(id, false);
      out.push(s.endsWith('\uFFFD') ? '' : s);
      continue;
    }
    pending.push(...oracle.pieceBytes(id, false));
    const s = Buffer.from(pending).toString('utf8');
    if (s.endsWith('\uFFFD')) out.push('');
    else { out.push(s); pending = []; }
  }
  return out;
}

// -----------------------------------------------------------------------------------------------
// vLLM (OpenAI-compatible server, /v1/completions with prompt_logprobs)

export interface EngineVllmOptions {
  /** Served model name (default "mock/engine"). */
  model?: string;
  /** `max_model_len` reported by /v1/models (default 2048). */
  maxModelLen?: number;
  /** vLLM `--max-logprobs` (default 20). */
  maxLogprobs?: number;
  /** Spelling of the prompt tokens (default 'incremental', like mockServers.ts). */
  pieces?: VllmPieceStyle;
}

export function startEngineVllm(oracle: EngineOracle, options: EngineVllmOptions = {}): Promise<EngineServer> {
  const served = options.model ?? 'mock/engine';
  const maxLogprobs = options.maxLogprobs ?? 20;
  return serveAsync(async (req) => {
    if (req.method === 'GET' && req.path === '/v1/models') {
      return { status: 200, body: { object: 'list', data: [{ id: served, object: 'model', created, owned_by: 'vllm', root: served, parent: null, max_model_len: options.maxModelLen ?? 2048, permission: [] }] } };
    }
    if (req.method !== 'POST' || req.path !== '/v1/completions') return { status: 404, body: { detail: 'Not Found' } };
    const b = req.body ?? {};
    if (b.model !== undefined && b.model !== served) {
      return { status: 404, body: { object: 'error', message: `The model \`${String(b.model)}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 } };
    }
    const prompt = String(b.prompt ?? '');
    const maxTokens = Number(b.max_tokens ?? 16);
    const echo = b.echo === true;
    const logprobs = b.logprobs === undefined || b.logprobs === null ? null : Number(b.logprobs);
    const promptLogprobs = b.prompt_logprobs === undefined || b.prompt_logprobs === null ? null : Number(b.prompt_logprobs);
    for (const [name, k] of [['logprobs', logprobs], ['prompt logprobs', promptLogprobs]] as const) {
      if (k !== null && k > maxLogprobs) {
        return { status: 400, body: { object: 'error', message: `Requested ${name} of ${k}, which is greater than max allowed: ${maxLogprobs}`, type: 'BadRequestError', param: null, code: 400 } };
      }
    }
    // HF-style: BOS + the text's tokens.
    const textIds = await oracle.tokenize(prompt);
    const ids = [oracle.bos, ...textIds];
    const decoded = promptPieces(oracle, ids, options.pieces ?? 'incremental');
    // Distributions before every prompt token after BOS (one pass over exactly the text's ids).
    const dists = await oracle.score(textIds);
    const logprobDict = (d: EngineDistribution, actual: number, k: number, actualText: string) => {
      const a = rankOf(d, actual);
      const dict: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
      dict[String(actual)] = { logprob: a.logprob, rank: a.rank, decoded_token: actualText };
      for (let j = 0; j < k; j++) {
        const e = d.ranked[j];
        dict[String(e.id)] ??= { logprob: e.logprob, rank: j + 1, decoded_token: oracle.pieceText(e.id, false) };
      }
      return dict;
    };
    const promptLp = promptLogprobs === null ? null : ids.map((id, i) => (i === 0 ? null : logprobDict(dists[i - 1], id, promptLogprobs, decoded[i])));
    // Greedy generation after the prompt.
    const gen: number[] = [];
    const genDists: EngineDistribution[] = [];
    for (let g = 0; g < maxTokens; g++) {
      const d = await oracle.next([...textIds, ...gen]);
      genDists.push(d);
      gen.push(d.ranked[0].id);
    }
    const genPieces = gen.map((id) => oracle.pieceText(id, false));
    let lp: unknown = null;
    if (logprobs !== null) {
      const allIds = echo ? [...ids, ...gen] : gen;
      const allText = echo ? [...decoded, ...genPieces] : genPieces;
      const allDists: (EngineDistribution | null)[] = echo ? [null, ...dists, ...genDists] : genDists;
      const tokens: string[] = [], tokenLogprobs: (number | null)[] = [], top: (Record<string, number> | null)[] = [], offsets: number[] = [];
      let offset = 0;
      allIds.forEach((id, i) => {
        tokens.push(allText[i]);
        offsets.push(offset);
        offset += [...allText[i]].length;
        const d = allDists[i];
        if (d === null) { tokenLogprobs.push(null); top.push(null); return; }
        const dict = logprobDict(d, id, logprobs, allText[i]);
        tokenLogprobs.push(Math.max(dict[String(id)].logprob, -9999));
        // OpenAI semantics: the top `logprobs` + 1 entries, keyed by decoded string (duplicates collapse).
        const o: Record<string, number> = {};
        Object.values(dict).slice(0, logprobs + 1).forEach((e) => { o[e.decoded_token] = Math.max(e.logprob, -9999); });
        top.push(o);
      });
      lp = { text_offset: offsets, token_logprobs: tokenLogprobs, tokens, top_logprobs: top };
    }
    return {
      status: 200,
      body: {
        id: 'cmpl-engine', object: 'text_completion', created, model: served,
        choices: [{
          index: 0, text: echo ? prompt + genPieces.join('') : genPieces.join(''), logprobs: lp, finish_reason: 'length', stop_reason: null,
          prompt_logprobs: promptLp,
          ...(b.return_token_ids === true ? { prompt_token_ids: ids, token_ids: gen } : {}),
        }],
        usage: { prompt_tokens: ids.length, total_tokens: ids.length + gen.length, completion_tokens: gen.length, prompt_tokens_details: null },
        kv_transfer_params: null,
      },
    };
  });
}

// -----------------------------------------------------------------------------------------------
// llama.cpp llama-server (≥ b4390 `top_logprobs` format)

export interface EngineLlamaServer extends EngineServer {
  /** Per /completion request: tokens evaluated after the prompt cache (`timings.prompt_n`). */
  promptEvaluated: number[];
}

export interface EngineLlamaOptions {
  /** Model file name reported by /v1/models (default "engine.gguf"). */
  model?: string;
  /** `meta.n_ctx_train` (default 2048). */
  trainContext?: number;
}

export async function startEngineLlamaServer(oracle: EngineOracle, options: EngineLlamaOptions = {}): Promise<EngineLlamaServer> {
  const name = options.model ?? 'engine.gguf';
  let cached: number[] = [];
  const promptEvaluated: number[] = [];
  const entry = (e: RankedToken) => ({ id: e.id, token: oracle.pieceText(e.id), bytes: [...oracle.pieceBytes(e.id)], logprob: e.logprob });
  const pieceJson = (id: number): string | number[] => {
    const bytes = oracle.pieceBytes(id);
    const s = Buffer.from(bytes).toString('utf8');
    return Buffer.from(s, 'utf8').equals(Buffer.from(bytes)) ? s : [...bytes];
  };
  const server = await serveAsync(async (req) => {
    const b = req.body ?? {};
    if (req.method === 'GET' && req.path === '/v1/models') {
      return {
        status: 200,
        body: {
          models: [{ name, model: name }], object: 'list',
          data: [{ id: name, object: 'model', created, owned_by: 'llamacpp', meta: { vocab_type: 1, n_vocab: oracle.vocabSize, n_ctx_train: options.trainContext ?? 2048, n_embd: 64, n_params: 1_000_000, size: 4_000_000 } }],
        },
      };
    }
    if (req.method === 'POST' && req.path === '/tokenize') {
      const ids = await oracle.tokenize(String(b.content ?? ''));
      // Pre-score the text so that the per-position /completion requests that follow hit the memo.
      if (ids.length > 1) await oracle.score(ids);
      const list = [...(b.add_special === true ? [oracle.bos] : []), ...ids];
      if (b.with_pieces === true) return { status: 200, body: { tokens: list.map((id) => ({ id, piece: pieceJson(id) })) } };
      return { status: 200, body: { tokens: list } };
    }
    if (req.method === 'POST' && req.path === '/detokenize') {
      const ids = Array.isArray(b.tokens) ? (b.tokens as number[]) : [];
      return { status: 200, body: { content: Buffer.concat(ids.map((id) => Buffer.from(oracle.pieceBytes(id)))).toString('utf8') } };
    }
    if (req.method === 'POST' && req.path === '/completion') {
      let ids: number[];
      if (Array.isArray(b.prompt)) ids = (b.prompt as unknown[]).map(Number);
      else if (typeof b.prompt === 'string' && b.prompt !== '') ids = [oracle.bos, ...(await oracle.tokenize(b.prompt))];
      else return { status: 400, body: { error: { code: 400, message: 'empty prompt', type: 'invalid_request_error' } } };
      if (ids.length === 0) return { status: 400, body: { error: { code: 400, message: 'empty prompt', type: 'invalid_request_error' } } };
      // The engine always evaluates behind BOS: a prompt without it (only the client's capability
      // probe sends one) is answered as if BOS had been prepended.
      const withBos = ids[0] === oracle.bos ? ids : [oracle.bos, ...ids];
      let common = 0;
      if (b.cache_prompt !== false) while (common < ids.length && common < cached.length && cached[common] === ids[common]) common++;
      // A fully cached prompt still re-evaluates its last token to get logits.
      const nEval = Math.max(1, ids.length - common);
      promptEvaluated.push(nEval);
      const d = await oracle.next(withBos.slice(1));
      const next = d.ranked[0];
      cached = [...ids, next.id];
      const nProbs = Number(b.n_probs ?? 0);
      const probs = nProbs > 0 ? [{ ...entry(next), top_logprobs: d.ranked.slice(0, nProbs).map(entry) }] : undefined;
      return {
        status: 200,
        body: {
          index: 0, content: oracle.pieceText(next.id), tokens: [], id_slot: 0, stop: true, model: name,
          tokens_predicted: 1, tokens_evaluated: ids.length,
          generation_settings: { n_predict: b.n_predict, n_probs: nProbs, temperature: b.temperature, post_sampling_probs: b.post_sampling_probs },
          prompt: '', has_new_line: false, truncated: false, stop_type: 'limit', stopping_word: '', tokens_cached: ids.length - nEval,
          timings: { prompt_n: nEval, prompt_ms: 0.1, predicted_n: 1, predicted_ms: 0.1 },
          ...(probs ? { completion_probabilities: probs } : {}),
        },
      };
    }
    if (req.method === 'POST' && req.path === '/v1/completions') {
      if (b.echo === true) return { status: 500, body: { error: { code: 500, message: 'Only no echo is supported', type: 'server_error' } } };
      const d = await oracle.next(await oracle.tokenize(String(b.prompt ?? '')));
      const next = d.ranked[0];
      const k = typeof b.logprobs === 'number' ? b.logprobs : 0;
      return {
        status: 200,
        body: {
          choices: [{
            text: oracle.pieceText(next.id), index: 0, finish_reason: 'length',
            logprobs: k > 0 ? { content: [{ ...entry(next), top_logprobs: d.ranked.slice(0, k).map(entry) }] } : null,
          }],
          created, model: name, system_fingerprint: 'b6000-engine-mock', object: 'text_completion',
          usage: { completion_tokens: 1, prompt_tokens: 1, total_tokens: 2 }, id: 'chatcmpl-engine',
        },
      };
    }
    return { status: 404, body: { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } } };
  });
  return Object.assign(server, { promptEvaluated });
}
