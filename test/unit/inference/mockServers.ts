// Mock HTTP servers on 127.0.0.1 speaking the wire formats of vLLM's OpenAI-compatible server,
// llama.cpp's llama-server and a generate-only server (Ollama-style /v1). Response shapes follow
// vllm/entrypoints/openai/serving_completion.py + protocol.py and llama.cpp tools/server/README.md.
//
// Behind them is a toy model with a known next-token distribution, so tests can compare the
// entropies a client derives from top-k lists with the exact ones.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TOY_VOCAB = 1000;
export const TOY_BOS = 1;

/** Toy tokenizer (words with their leading space, single punctuation/whitespace, UTF-8 bytes for non-ASCII) + bigram distribution. */
export class ToyModel {
  private readonly ids = new Map<string, number>();
  private readonly strings = new Map<number, string>();

  /** Units of text; `spmPrefix` prepends a space like SentencePiece's add_space_prefix. */
  tokenize(text: string, spmPrefix = false): { id: number; bytes: number[]; text: string }[] {
    const src = spmPrefix ? ' ' + text : text;
    const units = src.match(/ ?[A-Za-z0-9]+| ?[!-/:-@[-`{-~]|\s|[^\x00-\x7f]|[\x00-\x7f]/gu) ?? [];
    const out: { id: number; bytes: number[]; text: string }[] = [];
    for (const u of units) {
      if (/^[\x00-\x7f]+$/.test(u) && (u.length > 1 || /[\x21-\x7e\s]/.test(u))) {
        out.push({ id: this.wordId(u), bytes: [...Buffer.from(u, 'utf8')], text: u });
      } else {
        for (const b of Buffer.from(u, 'utf8')) out.push({ id: 3 + b, bytes: [b], text: '' });
      }
    }
    return out;
  }

  private wordId(w: string): number {
    let id = this.ids.get(w);
    if (id === undefined) {
      id = 259 + this.ids.size;
      if (id >= TOY_VOCAB) throw new Error('toy vocabulary full');
      this.ids.set(w, id);
      this.strings.set(id, w);
    }
    return id;
  }

  /** Decoded text of one token in isolation (byte tokens: U+FFFD unless ASCII). */
  pieceOf(id: number): string {
    if (id === TOY_BOS) return '<s>';
    if (id >= 3 && id < 259) return id - 3 < 0x80 ? String.fromCharCode(id - 3) : '\uFFFD';
    return this.strings.get(id) ?? `<tok${id}>`;
  }

  bytesOf(id: number): number[] {
    if (id >= 3 && id < 259) return [id - 3];
    return [...Buffer.from(this.pieceOf(id), 'utf8')];
  }

  /** p(next | prev): geometric over a prev-dependent permutation, with a prev-dependent decay. */
  distribution(prev: number): Float64Array {
    const a = 0.15 + (prev % 5) * 0.25;
    const p = new Float64Array(TOY_VOCAB);
    let z = 0;
    for (let j = 0; j < TOY_VOCAB; j++) {
      const id = (j * 7919 + prev * 31 + 17) % TOY_VOCAB;
      p[id] = Math.exp(-a * j);
      z += p[id];
    }
    for (let i = 0; i < TOY_VOCAB; i++) p[i] /= z;
    return p;
  }

  /** Ids sorted by probability, highest first, with their logprobs. */
  ranked(prev: number): { id: number; logprob: number }[] {
    const p = this.distribution(prev);
    return [...p].map((q, id) => ({ id, logprob: Math.log(q) })).sort((x, y) => y.logprob - x.logprob);
  }

  entropy(prev: number): number {
    let h = 0;
    for (const q of this.distribution(prev)) if (q > 0) h -= q * Math.log(q);
    return h;
  }
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

export interface MockServer {
  url: string;
  model: ToyModel;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface MockOptions {
  apiKey?: string;
  /** Delay before every response (ms). */
  delayMs?: number;
  /** vLLM: ignore `prompt_logprobs` (an older/other server that only supports echo). */
  noPromptLogprobs?: boolean;
  /** llama.cpp: answer /completion in the format before b4390 (`probs` with `tok_str`/`prob`). */
  legacyProbs?: boolean;
  maxLogprobs?: number;
}

type Handler = (req: RecordedRequest, model: ToyModel) => { status: number; body: unknown; contentType?: string };

async function serve(handler: Handler, options: MockOptions): Promise<MockServer> {
  const model = new ToyModel();
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | undefined;
      try { body = raw ? JSON.parse(raw) : undefined; } catch { body = undefined; }
      const rec: RecordedRequest = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], body, authorization: req.headers.authorization };
      requests.push(rec);
      const reply = () => {
        let out: { status: number; body: unknown; contentType?: string };
        if (options.apiKey !== undefined && rec.authorization !== `Bearer ${options.apiKey}`) {
          out = { status: 401, body: { error: 'Unauthorized' } };
        } else {
          try { out = handler(rec, model); } catch (e) { out = { status: 500, body: { error: { code: 500, message: String(e), type: 'server_error' } } }; }
        }
        const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
        res.writeHead(out.status, { 'content-type': out.contentType ?? 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (options.delayMs) setTimeout(reply, options.delayMs); else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    model,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const created = 1_733_000_000;

// -----------------------------------------------------------------------------------------------
// vLLM

export function startVllmMock(options: MockOptions = {}): Promise<MockServer> {
  const served = 'mock/Qwen2.5-Math-1.5B-Instruct';
  const maxLogprobs = options.maxLogprobs ?? 20;
  return serve((req, model) => {
    if (req.method === 'GET' && req.path === '/v1/models') {
      return { status: 200, body: { object: 'list', data: [{ id: served, object: 'model', created, owned_by: 'vllm', root: served, parent: null, max_model_len: 4096, permission: [] }] } };
    }
    if (req.method === 'POST' && req.path === '/v1/completions') {
      const b = req.body ?? {};
      if (b.model !== undefined && b.model !== served) {
        return { status: 404, body: { object: 'error', message: `The model \`${String(b.model)}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 } };
      }
      const prompt = String(b.prompt ?? '');
      const maxTokens = Number(b.max_tokens ?? 16);
      const echo = b.echo === true;
      const logprobs = b.logprobs === undefined || b.logprobs === null ? null : Number(b.logprobs);
      const promptLogprobs = options.noPromptLogprobs || b.prompt_logprobs === undefined || b.prompt_logprobs === null ? null : Number(b.prompt_logprobs);
      for (const [name, k] of [['logprobs', logprobs], ['prompt logprobs', promptLogprobs]] as const) {
        if (k !== null && k > maxLogprobs) {
          return { status: 400, body: { object: 'error', message: `Requested ${name} of ${k}, which is greater than max allowed: ${maxLogprobs}`, type: 'BadRequestError', param: null, code: 400 } };
        }
      }
      // HF-style tokenisation: BOS + tokens; incremental detokenisation gives "" for incomplete UTF-8.
      const toks = model.tokenize(prompt);
      const ids = [TOY_BOS, ...toks.map((t) => t.id)];
      const decoded: string[] = ['<s>'];
      let pending: number[] = [];
      for (const t of toks) {
        if (t.text !== '') { decoded.push(t.text); pending = []; continue; }
        pending.push(...t.bytes);
        const s = Buffer.from(pending).toString('utf8');
        if (s.endsWith('\uFFFD')) decoded.push('');
        else { decoded.push(s); pending = []; }
      }
      const logprobDict = (prev: number, actual: number, k: number, actualText: string) => {
        const ranked = model.ranked(prev);
        const rank = ranked.findIndex((e) => e.id === actual) + 1;
        const dict: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
        dict[String(actual)] = { logprob: ranked[rank - 1].logprob, rank, decoded_token: actualText };
        for (let j = 0; j < k; j++) dict[String(ranked[j].id)] ??= { logprob: ranked[j].logprob, rank: j + 1, decoded_token: model.pieceOf(ranked[j].id) };
        return dict;
      };
      const promptLp = promptLogprobs === null ? null : ids.map((id, i) => (i === 0 ? null : logprobDict(ids[i - 1], id, promptLogprobs, decoded[i])));
      // Generation: greedy.
      const gen: number[] = [];
      let prev = ids[ids.length - 1];
      for (let g = 0; g < maxTokens; g++) { const next = model.ranked(prev)[0].id; gen.push(next); prev = next; }
      const genText = gen.map((id) => model.pieceOf(id)).join('');
      let lp: unknown = null;
      if (logprobs !== null) {
        const allIds = echo ? [...ids, ...gen] : gen;
        const allText = echo ? [...decoded, ...gen.map((id) => model.pieceOf(id))] : gen.map((id) => model.pieceOf(id));
        const tokens: string[] = [], tokenLogprobs: (number | null)[] = [], top: (Record<string, number> | null)[] = [], offsets: number[] = [];
        let offset = 0;
        allIds.forEach((id, i) => {
          const prevId = echo ? (i === 0 ? null : allIds[i - 1]) : i === 0 ? ids[ids.length - 1] : allIds[i - 1];
          tokens.push(allText[i]);
          offsets.push(offset);
          offset += [...allText[i]].length;
          if (prevId === null) { tokenLogprobs.push(null); top.push(null); return; }
          const dict = logprobDict(prevId, id, logprobs, allText[i]);
          const entries = Object.values(dict);
          tokenLogprobs.push(Math.max(dict[String(id)].logprob, -9999));
          // OpenAI semantics: the top `logprobs` + 1 entries, keyed by decoded string (duplicates collapse).
          const d: Record<string, number> = {};
          entries.slice(0, logprobs + 1).forEach((e) => { d[e.decoded_token] = Math.max(e.logprob, -9999); });
          top.push(d);
        });
        lp = { text_offset: offsets, token_logprobs: tokenLogprobs, tokens, top_logprobs: top };
      }
      return {
        status: 200,
        body: {
          id: 'cmpl-mock', object: 'text_completion', created, model: served,
          choices: [{
            index: 0, text: echo ? prompt + genText : genText, logprobs: lp, finish_reason: 'length', stop_reason: null,
            prompt_logprobs: promptLp,
            ...(b.return_token_ids === true ? { prompt_token_ids: ids, token_ids: gen } : {}),
          }],
          usage: { prompt_tokens: ids.length, total_tokens: ids.length + gen.length, completion_tokens: gen.length, prompt_tokens_details: null },
          kv_transfer_params: null,
        },
      };
    }
    return { status: 404, body: { detail: 'Not Found' } };
  }, options);
}

// -----------------------------------------------------------------------------------------------
// llama.cpp llama-server

export function startLlamaServerMock(options: MockOptions = {}): Promise<MockServer> {
  let cached: number[] = [];
  let evaluated = 0;
  const mock = serve((req, model) => {
    const b = req.body ?? {};
    if (req.method === 'GET' && req.path === '/v1/models') {
      return { status: 200, body: { models: [{ name: 'toy.gguf', model: 'toy.gguf' }], object: 'list', data: [{ id: 'toy.gguf', object: 'model', created, owned_by: 'llamacpp', meta: { vocab_type: 1, n_vocab: TOY_VOCAB, n_ctx_train: 2048, n_embd: 64, n_params: 1_000_000, size: 4_000_000 } }] } };
    }
    if (req.method === 'POST' && req.path === '/tokenize') {
      const toks = model.tokenize(String(b.content ?? ''), true);
      const list = [...(b.add_special === true ? [{ id: TOY_BOS, bytes: [], text: '' }] : []), ...toks];
      if (b.with_pieces === true) {
        return { status: 200, body: { tokens: list.map((t) => ({ id: t.id, piece: t.id === TOY_BOS ? '<s>' : t.text !== '' ? t.text : t.bytes })) } };
      }
      return { status: 200, body: { tokens: list.map((t) => t.id) } };
    }
    if (req.method === 'POST' && req.path === '/detokenize') {
      const ids = (b.tokens as number[]) ?? [];
      return { status: 200, body: { content: Buffer.from(ids.flatMap((id) => model.bytesOf(id))).toString('utf8') } };
    }
    if (req.method === 'POST' && req.path === '/completion') {
      const prompt = b.prompt;
      if (!Array.isArray(prompt) || prompt.length === 0) return { status: 400, body: { error: { code: 400, message: 'empty prompt', type: 'invalid_request_error' } } };
      const ids = prompt as number[];
      let common = 0;
      if (b.cache_prompt !== false) while (common < ids.length && common < cached.length && cached[common] === ids[common]) common++;
      const nEval = ids.length - common;
      evaluated += nEval;
      const prev = ids[ids.length - 1];
      const ranked = model.ranked(prev);
      const next = ranked[0];
      cached = [...ids, next.id];
      const nProbs = Number(b.n_probs ?? 0);
      const entry = (e: { id: number; logprob: number }) => ({ id: e.id, token: model.pieceOf(e.id), bytes: model.bytesOf(e.id), logprob: e.logprob });
      const probs = nProbs > 0
        ? options.legacyProbs
          ? [{ content: model.pieceOf(next.id), probs: ranked.slice(0, nProbs).map((e) => ({ tok_str: model.pieceOf(e.id), prob: Math.exp(e.logprob) })) }]
          : [{ ...entry(next), top_logprobs: ranked.slice(0, nProbs).map(entry) }]
        : undefined;
      return {
        status: 200,
        body: {
          index: 0, content: model.pieceOf(next.id), tokens: [], id_slot: 0, stop: true, model: 'toy.gguf',
          tokens_predicted: 1, tokens_evaluated: ids.length,
          generation_settings: { n_predict: b.n_predict, n_probs: nProbs, temperature: b.temperature, post_sampling_probs: b.post_sampling_probs },
          prompt: '', has_new_line: false, truncated: false, stop_type: 'limit', stopping_word: '', tokens_cached: common,
          timings: { prompt_n: nEval, prompt_ms: 0.1, predicted_n: 1, predicted_ms: 0.1 },
          ...(probs ? { completion_probabilities: probs } : {}),
        },
      };
    }
    if (req.method === 'POST' && req.path === '/v1/completions') {
      if (b.echo === true) return { status: 500, body: { error: { code: 500, message: 'Only no echo is supported', type: 'server_error' } } };
      const ids = [TOY_BOS, ...model.tokenize(String(b.prompt ?? ''), true).map((t) => t.id)];
      const next = model.ranked(ids[ids.length - 1])[0];
      const k = typeof b.logprobs === 'number' ? b.logprobs : 0;
      return {
        status: 200,
        body: {
          choices: [{
            text: model.pieceOf(next.id), index: 0, finish_reason: 'length',
            logprobs: k > 0 ? { content: [{ id: next.id, token: model.pieceOf(next.id), bytes: model.bytesOf(next.id), logprob: next.logprob, top_logprobs: model.ranked(ids[ids.length - 1]).slice(0, k).map((e) => ({ id: e.id, token: model.pieceOf(e.id), bytes: model.bytesOf(e.id), logprob: e.logprob })) }] } : null,
          }],
          created, model: 'toy.gguf', system_fingerprint: 'b6000-mock', object: 'text_completion',
          usage: { completion_tokens: 1, prompt_tokens: ids.length, total_tokens: ids.length + 1 }, id: 'chatcmpl-mock',
        },
      };
    }
    return { status: 404, body: { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } } };
  }, options);
  return mock.then((m) => Object.assign(m, { get evaluated() { return evaluated; } }));
}

// -----------------------------------------------------------------------------------------------
// Generate-only (Ollama-style OpenAI compatibility: logprobs of generated tokens only)

export function startGenerateOnlyMock(options: MockOptions = {}): Promise<MockServer> {
  return serve((req) => {
    if (req.method === 'GET' && req.path === '/v1/models') {
      return { status: 200, body: { object: 'list', data: [{ id: 'llama3.2:1b', object: 'model', created, owned_by: 'library' }] } };
    }
    if (req.method === 'POST' && req.path === '/v1/completions') {
      const k = typeof req.body?.logprobs === 'number' ? req.body.logprobs : 0;
      return {
        status: 200,
        body: {
          id: 'cmpl-42', object: 'text_completion', created, model: 'llama3.2:1b', system_fingerprint: 'fp_ollama',
          choices: [{
            text: ' So', index: 0, finish_reason: 'length',
            logprobs: k > 0 ? { tokens: [' So'], token_logprobs: [-0.25], top_logprobs: [{ ' So': -0.25, ' Thus': -1.8 }], text_offset: [0] } : null,
          }],
          usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 },
        },
      };
    }
    return { status: 404, body: '404 page not found', contentType: 'text/plain' };
  }, options);
}
