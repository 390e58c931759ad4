// Remote backend: scores text through an OpenAI-compatible HTTP server.
//
// Scoring *existing* text needs p(· | x<t) at every position of the text (teacher forcing), which
// most servers do not expose. On connect the source detects which of these the server supports:
//
// 1. `vllm-prompt-logprobs` (vLLM): POST /v1/completions with `prompt_logprobs: K`, `echo: true`,
//    `logprobs: 0`, `max_tokens: 1` → per prompt position the top-K (+ actual token) logprobs keyed
//    by token id, with vocabulary ranks; `echo` adds the token strings and actual-token logprobs.
// 2. `openai-echo-logprobs` (legacy OpenAI completions semantics): `echo: true, logprobs: K` →
//    `choices[0].logprobs.top_logprobs` for prompt tokens, keyed by token *string*.
// 3. `llamacpp-per-position` (llama.cpp `llama-server`, which rejects `echo` and has no prompt
//    logprobs): POST /tokenize, then one POST /completion per position with the token-id prefix
//    as `prompt`, `n_predict: 1`, `n_probs: K`, `cache_prompt: true`; thanks to the prompt cache
//    each request evaluates one new token. `n_probs` are pre-sampling full-softmax probabilities.
//
// A server offering none of these (Ollama, LM Studio, OpenAI chat models: log-probabilities for
// *generated* tokens only) is rejected with an error saying so.
//
// Every protocol yields only the top K probabilities per position, so entropies are bounded, not
// exact: see topKEntropyBounds in edu/entropy.ts. `entropy` is the max-entropy completion (upper
// bound) unless `tailEstimate` says otherwise; `entropyBounds` carries [lower, upper].
//
// The API key is passed in by the caller (the extension keeps it in SecretStorage) and is only
// ever sent as an `Authorization: Bearer` header; it never appears in errors.

import { alignPieces, type Piece } from '../edu/align';
import { topKEntropyBounds, topKEntropyEstimate, type TailEstimate, type TopKBoundOptions } from '../edu/entropy';
import type { TokenAlternative, TokenEntropy } from '../edu/types';
import {
  abortError, EntropySourceError,
  type EntropyRequestOptions, type EntropySource, type SourceDescription, type SourceProtocol,
} from './types';

export interface OpenAiSourceOptions {
  /** Server base URL, with or without a trailing `/v1` (e.g. http://127.0.0.1:8000/v1). */
  endpoint: string;
  /** Bearer token; passed in by the caller, never read from settings or the environment here. */
  apiKey?: string;
  /** Model id; default: the first model listed by GET /v1/models. */
  model?: string;
  /** Top-K logprobs per position (default 20, vLLM's default `--max-logprobs`). */
  topK?: number;
  /** Vocabulary size for the tail bound; default: llama-server's `meta.n_vocab`, else 152 064 (assumed). */
  vocabSize?: number;
  /** Which value of the [lower, upper] bound is reported as `entropy` (default 'upper'). */
  tailEstimate?: TailEstimate;
  /** Alternatives reported per position in `top` (default 5). */
  topAlternatives?: number;
  /** Timeout per HTTP request in ms (default 120 000). */
  timeoutMs?: number;
  /** Skip detection and use this protocol. */
  protocol?: SourceProtocol;
  /** Injected fetch (tests); default: the global fetch of Node ≥ 18. */
  fetch?: typeof fetch;
}

/** Assumed vocabulary size when the server does not report one (Qwen2.5's 152 064 covers Llama 3's 128 256). */
export const ASSUMED_VOCAB_SIZE = 152_064;

const PROBE_TEXT = 'The answer is 42. Therefore, we are done.';

interface ModelInfo {
  id?: string;
  ownedBy?: string;
  nVocab?: number;
  contextTokens?: number;
}

interface HttpResult {
  status: number;
  json: unknown;
  text: string;
}

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** Connects to the server, detects its capabilities and returns a ready source. */
export async function connectOpenAiSource(options: OpenAiSourceOptions, signal?: AbortSignal): Promise<OpenAiEntropySource> {
  const source = new OpenAiEntropySource(options);
  await source.connect(signal);
  return source;
}

export class OpenAiEntropySource implements EntropySource {
  private readonly root: string;
  private readonly fetchImpl: typeof fetch;
  private readonly topK: number;
  private protocol: SourceProtocol | undefined;
  private info: ModelInfo = {};
  private bosId: number | null | undefined;
  private disposed = false;
  private readonly detection: string[] = [];

  constructor(private readonly options: OpenAiSourceOptions) {
    this.root = normaliseEndpoint(options.endpoint);
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.topK = Math.max(1, Math.floor(options.topK ?? 20));
  }

  describe(): SourceDescription {
    const protocol = this.protocol ?? this.options.protocol ?? 'vllm-prompt-logprobs';
    const vocab = this.vocabSize();
    return {
      backend: protocol === 'vllm-prompt-logprobs' ? 'vLLM (prompt_logprobs)'
        : protocol === 'llamacpp-per-position' ? 'llama.cpp server (per-position n_probs)'
        : 'OpenAI-compatible server (echo + logprobs)',
      model: this.info.id ?? this.options.model ?? '(server default)',
      capabilities: {
        protocol,
        exactness: 'topk-bounded',
        topK: this.topK,
        vocabSize: vocab.size,
        ...(vocab.assumed ? { vocabSizeAssumed: true } : {}),
        ...(this.info.contextTokens !== undefined ? { contextTokens: this.info.contextTokens } : {}),
        longText: 'error',
      },
    };
  }

  /** GET /v1/models, then probes the protocols in order (see the file comment). */
  async connect(signal?: AbortSignal): Promise<void> {
    this.ensureUsable();
    const models = await this.request('GET', '/v1/models', undefined, signal, { allowError: true });
    if (models.status === 401 || models.status === 403) {
      throw new EntropySourceError(`${this.root} refused the credentials (HTTP ${models.status}): check the API key`, 'http');
    }
    if (models.status >= 200 && models.status < 300 && isObject(models.json) && Array.isArray(models.json.data)) {
      const first = models.json.data.find(isObject);
      const wanted = this.options.model !== undefined ? models.json.data.find((m) => isObject(m) && m.id === this.options.model) : first;
      const m = isObject(wanted) ? wanted : first;
      if (m) {
        const meta = isObject(m.meta) ? m.meta : {};
        this.info = {
          id: this.options.model ?? (typeof m.id === 'string' ? m.id : undefined),
          ownedBy: typeof m.owned_by === 'string' ? m.owned_by : undefined,
          nVocab: num(meta.n_vocab),
          contextTokens: num(m.max_model_len) ?? num(meta.n_ctx_train),
        };
      }
    } else {
      this.info = { id: this.options.model };
    }
    if (this.options.protocol) {
      this.protocol = this.options.protocol;
      return;
    }
    if (await this.probePromptLogprobs(signal)) { this.protocol = 'vllm-prompt-logprobs'; return; }
    if (await this.probeEcho(signal)) { this.protocol = 'openai-echo-logprobs'; return; }
    if (await this.probeLlamaCpp(signal)) { this.protocol = 'llamacpp-per-position'; return; }
    throw new EntropySourceError(
      `${this.root} cannot score existing text: it only returns log-probabilities of tokens it generates. ` +
      'EDU segmentation needs the next-token distribution at every position of the given text (teacher forcing), ' +
      'i.e. vLLM `prompt_logprobs`, completions `echo` with `logprobs`, or llama.cpp `/tokenize` + `/completion` `n_probs`. ' +
      `Detection: ${this.detection.join('; ')}. Use vLLM, llama.cpp llama-server, or a local GGUF model instead.`,
      'capability',
    );
  }

  async tokenEntropies(text: string, options: EntropyRequestOptions = {}): Promise<TokenEntropy[]> {
    this.ensureUsable();
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    if (!this.protocol) await this.connect(signal);
    if (text.length === 0) return [];
    switch (this.protocol) {
      case 'vllm-prompt-logprobs': return this.scoreVllm(text, options);
      case 'openai-echo-logprobs': return this.scoreEcho(text, options);
      case 'llamacpp-per-position': return this.scoreLlamaCpp(text, options);
      default: throw new EntropySourceError(`protocol ${String(this.protocol)} is not supported by the HTTP source`, 'capability');
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Detection

  private completionBody(extra: Json): Json {
    return { ...(this.info.id !== undefined ? { model: this.info.id } : {}), temperature: 0, ...extra };
  }

  private async probePromptLogprobs(signal?: AbortSignal): Promise<boolean> {
    const r = await this.request('POST', '/v1/completions', this.completionBody({ prompt: PROBE_TEXT, max_tokens: 1, prompt_logprobs: 1 }), signal, { allowError: true });
    const choice = firstChoice(r.json);
    const ok = r.status === 200 && choice !== undefined && Array.isArray(choice.prompt_logprobs) && choice.prompt_logprobs.some(isObject);
    this.detection.push(ok ? 'prompt_logprobs: yes' : `prompt_logprobs: ${r.status === 200 ? 'ignored' : `HTTP ${r.status}${errorDetail(r)}`}`);
    return ok;
  }

  private async probeEcho(signal?: AbortSignal): Promise<boolean> {
    const r = await this.request('POST', '/v1/completions', this.completionBody({ prompt: PROBE_TEXT, max_tokens: 1, echo: true, logprobs: 1 }), signal, { allowError: true });
    const choice = firstChoice(r.json);
    const lp = choice && isObject(choice.logprobs) ? choice.logprobs : undefined;
    const ok = r.status === 200 && lp !== undefined && typeof choice?.text === 'string' && choice.text.startsWith(PROBE_TEXT)
      && Array.isArray(lp.tokens) && lp.tokens.length >= 2 && Array.isArray(lp.top_logprobs)
      && lp.top_logprobs.slice(1, -1).some(isObject);
    this.detection.push(ok ? 'echo + logprobs: yes' : `echo + logprobs: ${r.status === 200 ? 'ignored (generated tokens only)' : `HTTP ${r.status}${errorDetail(r)}`}`);
    return ok;
  }

  private async probeLlamaCpp(signal?: AbortSignal): Promise<boolean> {
    const t = await this.request('POST', '/tokenize', { content: 'Hello', add_special: false, parse_special: false, with_pieces: true }, signal, { allowError: true });
    if (t.status !== 200 || !isObject(t.json) || !Array.isArray(t.json.tokens) || t.json.tokens.length === 0) {
      this.detection.push(`llama.cpp /tokenize: ${t.status === 200 ? 'unexpected response' : `HTTP ${t.status}`}`);
      return false;
    }
    const ids = t.json.tokens.map((x) => (isObject(x) ? num(x.id) : num(x)));
    if (ids.some((x) => x === undefined)) { this.detection.push('llama.cpp /tokenize: unexpected token format'); return false; }
    const c = await this.request('POST', '/completion', { prompt: ids, n_predict: 1, n_probs: 1, cache_prompt: true, temperature: 0, post_sampling_probs: false }, signal, { allowError: true });
    const probs = isObject(c.json) && Array.isArray(c.json.completion_probabilities) ? c.json.completion_probabilities[0] : undefined;
    const ok = c.status === 200 && isObject(probs) && (Array.isArray(probs.top_logprobs) || Array.isArray(probs.probs));
    this.detection.push(ok ? 'llama.cpp /completion n_probs: yes' : `llama.cpp /completion n_probs: ${c.status === 200 ? 'missing' : `HTTP ${c.status}`}`);
    return ok;
  }

  // ---------------------------------------------------------------------------------------------
  // vLLM: one request, prompt_logprobs keyed by token id

  private async scoreVllm(text: string, options: EntropyRequestOptions): Promise<TokenEntropy[]> {
    const { signal, onProgress } = options;
    onProgress?.(0, 1);
    const body = this.completionBody({ prompt: text, max_tokens: 1, prompt_logprobs: this.topK, echo: true, logprobs: 0, return_token_ids: true });
    const r = await this.request('POST', '/v1/completions', body, signal);
    const choice = firstChoice(r.json);
    if (!choice || !Array.isArray(choice.prompt_logprobs)) throw new EntropySourceError('vLLM response has no choices[0].prompt_logprobs', 'protocol');
    const plp = choice.prompt_logprobs as unknown[];
    const P = plp.length;
    const echo = isObject(choice.logprobs) ? choice.logprobs : undefined;
    const echoTokens = echo && Array.isArray(echo.tokens) ? (echo.tokens as unknown[]) : undefined;
    const echoLogprobs = echo && Array.isArray(echo.token_logprobs) ? (echo.token_logprobs as unknown[]) : undefined;
    const promptIds = Array.isArray(choice.prompt_token_ids) ? (choice.prompt_token_ids as unknown[]).map(num) : undefined;

    const positions: Position[] = [];
    for (let i = 0; i < P; i++) {
      const dict = plp[i];
      const entries: Entry[] = [];
      if (isObject(dict)) {
        for (const [id, v] of Object.entries(dict)) {
          if (!isObject(v)) continue;
          const lp = num(v.logprob);
          if (lp === undefined) continue;
          entries.push({ id: Number(id), logprob: lp, rank: num(v.rank), text: typeof v.decoded_token === 'string' ? v.decoded_token : undefined });
        }
      }
      const actualId = promptIds?.[i];
      let piece = typeof echoTokens?.[i] === 'string' ? (echoTokens[i] as string) : undefined;
      let logprob = num(echoLogprobs?.[i]);
      const actual = actualId !== undefined ? entries.find((e) => e.id === actualId) : logprob !== undefined ? entries.find((e) => e.logprob === logprob) : undefined;
      piece ??= actual?.text;
      if (logprob === undefined && actual) logprob = actual.logprob;
      positions.push({ piece: piece ?? '', entries: isObject(dict) ? entries : null, logprob, keyedById: true });
    }
    onProgress?.(1, 1);
    return this.finish(text, positions);
  }

  // ---------------------------------------------------------------------------------------------
  // Legacy echo: top_logprobs keyed by token string

  private async scoreEcho(text: string, options: EntropyRequestOptions): Promise<TokenEntropy[]> {
    const { signal, onProgress } = options;
    onProgress?.(0, 1);
    const r = await this.request('POST', '/v1/completions', this.completionBody({ prompt: text, max_tokens: 1, echo: true, logprobs: this.topK }), signal);
    const choice = firstChoice(r.json);
    const lp = choice && isObject(choice.logprobs) ? choice.logprobs : undefined;
    if (!lp || !Array.isArray(lp.tokens) || !Array.isArray(lp.top_logprobs)) throw new EntropySourceError('response has no choices[0].logprobs with echo', 'protocol');
    const tokens = lp.tokens as unknown[];
    const offsets = Array.isArray(lp.text_offset) ? (lp.text_offset as unknown[]).map(num) : [];
    // Prompt tokens: from `usage` when reported; else those that start inside the prompt
    // (offsets count code points; a listed BOS shifts them, so usage is preferred).
    const usage = isObject(r.json) && isObject(r.json.usage) ? r.json.usage : {};
    const promptTokens = num(usage.prompt_tokens);
    const completionTokens = num(usage.completion_tokens);
    let P: number;
    if (promptTokens !== undefined && promptTokens <= tokens.length) P = promptTokens;
    else if (completionTokens !== undefined && completionTokens <= tokens.length) P = tokens.length - completionTokens;
    else if (offsets.length === tokens.length) {
      const codePoints = [...text].length;
      P = 0;
      while (P < tokens.length && (offsets[P] ?? Infinity) < codePoints) P++;
    } else P = tokens.length - 1;
    const positions: Position[] = [];
    for (let i = 0; i < P; i++) {
      const dict = (lp.top_logprobs as unknown[])[i];
      const entries: Entry[] = [];
      if (isObject(dict)) for (const [t, v] of Object.entries(dict)) { const l = num(v); if (l !== undefined) entries.push({ logprob: l, text: t }); }
      positions.push({
        piece: typeof tokens[i] === 'string' ? (tokens[i] as string) : '',
        entries: isObject(dict) ? entries : null,
        logprob: num((lp.token_logprobs as unknown[] | undefined)?.[i]),
        keyedById: false,
      });
    }
    onProgress?.(1, 1);
    return this.finish(text, positions);
  }

  // ---------------------------------------------------------------------------------------------
  // llama.cpp server: /tokenize, then one /completion per position (prompt cache reuses the prefix)

  private async scoreLlamaCpp(text: string, options: EntropyRequestOptions): Promise<TokenEntropy[]> {
    const { signal, onProgress } = options;
    const t = await this.request('POST', '/tokenize', { content: text, add_special: false, parse_special: false, with_pieces: true }, signal);
    if (!isObject(t.json) || !Array.isArray(t.json.tokens)) throw new EntropySourceError('llama.cpp /tokenize returned no tokens', 'protocol');
    const raw = t.json.tokens as unknown[];
    const ids: number[] = [];
    const pieces: Piece[] = [];
    for (const x of raw) {
      if (isObject(x)) {
        ids.push(num(x.id) ?? -1);
        pieces.push(typeof x.piece === 'string' ? x.piece : Array.isArray(x.piece) ? (x.piece as number[]) : '');
      } else {
        ids.push(num(x) ?? -1);
        pieces.push('');
      }
    }
    if (raw.length > 0 && !isObject(raw[0])) {
      // Old servers without `with_pieces`: detokenize each token.
      for (let i = 0; i < ids.length; i++) {
        const d = await this.request('POST', '/detokenize', { tokens: [ids[i]] }, signal);
        pieces[i] = isObject(d.json) && typeof d.json.content === 'string' ? d.json.content : '';
      }
    }
    const bos = await this.llamaBos(signal);
    const prefix = bos !== null ? [bos] : [];
    const n = ids.length;
    const total = n;
    onProgress?.(0, total);
    const positions: Position[] = [];
    for (let i = 0; i < n; i++) {
      if (signal?.aborted) throw abortError(signal);
      const prompt = [...prefix, ...ids.slice(0, i)];
      if (prompt.length === 0) {
        positions.push({ piece: pieces[i], entries: null, logprob: undefined, keyedById: true });
        onProgress?.(i + 1, total);
        continue;
      }
      const r = await this.request('POST', '/completion', {
        prompt, n_predict: 1, n_probs: this.topK, cache_prompt: true, temperature: 0, post_sampling_probs: false,
      }, signal);
      const cp = isObject(r.json) && Array.isArray(r.json.completion_probabilities) ? r.json.completion_probabilities[0] : undefined;
      if (!isObject(cp)) throw new EntropySourceError('llama.cpp /completion returned no completion_probabilities', 'protocol');
      const entries: Entry[] = [];
      if (Array.isArray(cp.top_logprobs)) {
        for (const e of cp.top_logprobs) {
          if (!isObject(e)) continue;
          const l = num(e.logprob);
          if (l === undefined) continue;
          entries.push({ id: num(e.id), logprob: l, text: typeof e.token === 'string' ? e.token : undefined });
        }
      } else if (Array.isArray(cp.probs)) {
        // Format before llama.cpp b4390 (Dec 2024): probabilities in [0, 1], keyed by string.
        for (const e of cp.probs) {
          if (!isObject(e)) continue;
          const p = num(e.prob);
          if (p === undefined) continue;
          entries.push({ logprob: p > 0 ? Math.log(p) : -Infinity, text: typeof e.tok_str === 'string' ? e.tok_str : undefined });
        }
      }
      const actual = entries.find((e) => e.id === ids[i]) ?? (typeof pieces[i] === 'string' ? entries.find((e) => e.id === undefined && e.text === pieces[i]) : undefined);
      positions.push({ piece: pieces[i], entries, logprob: actual?.logprob, keyedById: true });
      onProgress?.(i + 1, total);
    }
    return this.finish(text, positions, false);
  }

  /** BOS id prepended by llama-server's tokenizer (`add_special`), or null if it adds none. */
  private async llamaBos(signal?: AbortSignal): Promise<number | null> {
    if (this.bosId !== undefined) return this.bosId;
    const plain = await this.request('POST', '/tokenize', { content: 'a', add_special: false, parse_special: false }, signal);
    const special = await this.request('POST', '/tokenize', { content: 'a', add_special: true, parse_special: false }, signal);
    const ids = (r: HttpResult) => (isObject(r.json) && Array.isArray(r.json.tokens) ? r.json.tokens.map((x) => (isObject(x) ? num(x.id) : num(x))) : []);
    const a = ids(plain), b = ids(special);
    this.bosId = b.length === a.length + 1 && b.slice(1).every((x, i) => x === a[i]) && b[0] !== undefined ? b[0] : null;
    return this.bosId;
  }

  // ---------------------------------------------------------------------------------------------
  // Shared

  private vocabSize(): { size: number; assumed: boolean } {
    if (this.options.vocabSize !== undefined) return { size: this.options.vocabSize, assumed: false };
    if (this.info.nVocab !== undefined) return { size: this.info.nVocab, assumed: false };
    return { size: ASSUMED_VOCAB_SIZE, assumed: true };
  }

  /**
   * Drops a leading special token (BOS) that is not part of the text, aligns pieces to the text
   * and turns top-k lists into bounded entropies.
   */
  private finish(text: string, positions: Position[], mayStartWithSpecial = true): TokenEntropy[] {
    // vLLM / echo list the prompt's own tokens, BOS included (decoded as "<s>", "<|begin_of_text|>" or "").
    const first = positions[0];
    if (mayStartWithSpecial && positions.length > 1 && first.entries === null && typeof first.piece === 'string'
      && (first.piece === '' || !text.trimStart().startsWith(first.piece.trim()))) {
      positions = positions.slice(1);
    }
    const ranges = alignPieces(text, positions.map((p) => p.piece));
    const V = this.vocabSize().size;
    const estimate = this.options.tailEstimate ?? 'upper';
    const keepTop = this.options.topAlternatives ?? 5;
    return positions.map((pos, i): TokenEntropy => {
      const r = ranges[i];
      const base = { text: text.slice(r.start, r.end), start: r.start, end: r.end };
      if (pos.entries === null || pos.entries.length === 0) return { ...base, entropy: NaN, logprob: pos.logprob ?? NaN, top: [] };
      const sorted = [...pos.entries].sort((x, y) => y.logprob - x.logprob);
      const lps = sorted.map((e) => e.logprob);
      const boundOptions: TopKBoundOptions = {};
      const ranked = sorted.filter((e) => e.rank !== undefined && e.rank <= this.topK);
      if (ranked.length > 0) {
        // vLLM reports vocabulary ranks: the cap is the smallest probability of the real top K
        // (the actual token may be listed in addition, with a larger rank).
        boundOptions.tailCap = Math.exp(ranked[ranked.length - 1].logprob);
      } else if (sorted.length > this.topK) {
        // Top K plus the actual token: the cap is the K-th largest.
        boundOptions.tailCap = Math.exp(lps[this.topK - 1]);
      } else if (!pos.keyedById && sorted.length < Math.min(this.topK, V)) {
        // String-keyed lists with fewer entries than asked: entries may have collided, no cap.
        boundOptions.tailCap = null;
      }
      const b = topKEntropyBounds(lps, V, boundOptions);
      const top: TokenAlternative[] = sorted.slice(0, keepTop).map((e) => ({ text: e.text ?? (e.id !== undefined ? `#${e.id}` : ''), logprob: e.logprob }));
      let mass = 0;
      for (const l of lps) mass += Math.exp(l);
      return {
        ...base,
        entropy: topKEntropyEstimate(b, estimate),
        logprob: pos.logprob ?? NaN,
        top,
        entropyBounds: [b.lower, b.upper],
        mass,
      };
    });
  }

  private ensureUsable(): void {
    if (this.disposed) throw new EntropySourceError('the entropy source was disposed', 'disposed');
  }

  private async request(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined, opts: { allowError?: boolean } = {}): Promise<HttpResult> {
    const url = this.root + path;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 120_000);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: combined });
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      if (timeout.aborted) throw new EntropySourceError(`${method} ${url} timed out after ${this.options.timeoutMs ?? 120_000} ms`, 'http');
      throw new EntropySourceError(`cannot reach ${url}: ${causeMessage(e)}`, 'http');
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      throw new EntropySourceError(`${method} ${url}: failed to read the response: ${causeMessage(e)}`, 'http');
    }
    let json: unknown;
    try { json = text === '' ? undefined : JSON.parse(text); } catch { json = undefined; }
    const result = { status: res.status, json, text };
    if (!opts.allowError && (res.status < 200 || res.status >= 300)) {
      if (res.status === 401 || res.status === 403) throw new EntropySourceError(`${url} refused the credentials (HTTP ${res.status}): check the API key`, 'http');
      throw new EntropySourceError(`${method} ${url} failed with HTTP ${res.status}${errorDetail(result)}`, 'http');
    }
    if (!opts.allowError && json === undefined) throw new EntropySourceError(`${method} ${url} did not return JSON`, 'protocol');
    return result;
  }
}

interface Entry {
  id?: number;
  logprob: number;
  rank?: number;
  text?: string;
}

interface Position {
  piece: Piece;
  /** null: no distribution at this position (first token without BOS). */
  entries: Entry[] | null;
  logprob: number | undefined;
  keyedById: boolean;
}

function firstChoice(json: unknown): Json | undefined {
  if (!isObject(json) || !Array.isArray(json.choices)) return undefined;
  const c = json.choices[0];
  return isObject(c) ? c : undefined;
}

function errorDetail(r: HttpResult): string {
  const j = r.json;
  let msg: string | undefined;
  if (isObject(j)) {
    if (isObject(j.error) && typeof j.error.message === 'string') msg = j.error.message;
    else if (typeof j.error === 'string') msg = j.error;
    else if (typeof j.message === 'string') msg = j.message;
    else if (typeof j.detail === 'string') msg = j.detail;
  }
  msg ??= r.text.trim().slice(0, 200);
  return msg ? `: ${msg}` : '';
}

function causeMessage(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return `${e.message} (${cause.message})`;
    return e.message;
  }
  return String(e);
}

/** Strips trailing slashes and a trailing `/v1`. */
export function normaliseEndpoint(endpoint: string): string {
  let u = endpoint.trim().replace(/\/+$/, '');
  if (u.endsWith('/v1')) u = u.slice(0, -3);
  if (!/^https?:\/\//i.test(u)) throw new EntropySourceError(`endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`, 'http');
  return u;
}
