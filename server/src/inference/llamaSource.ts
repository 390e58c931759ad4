// Embedded GGUF backend: exact full-vocabulary next-token entropies with node-llama-cpp 3.21.1.
//
// - node-llama-cpp is ESM-only and ships native binaries, so it stays external in the bundle and
//   is loaded with a real dynamic `import()` the first time it is needed.
// - One model, context and sequence are created lazily, reused across requests (requests are
//   serialised) and released after `idleTimeoutMs` without requests.
// - Entropy: the start token (BOS, else EOS) is prepended, every position is evaluated with
//   `controlledEvaluate(..., {generateNext: {probabilities: true}})` and *no sampling options*, so
//   the Map is the softmax over the whole vocabulary; H is computed in float64 immediately and
//   the Map dropped (chunks of ≤ 256 positions keep memory flat).
// - Texts longer than the model's train context are scored with overlapping windows of
//   `windowTokens − 1` evaluated tokens: each window restarts from the start token, re-reads
//   `overlapTokens` tokens of left context without scoring them, and scores the next positions.
//   Positions in later windows therefore see between `overlapTokens` and `windowTokens − 2`
//   tokens of left context (the model was never trained on more than its train context).
// - Character ranges come from detokenising each token in isolation behind the start token
//   (which keeps its SentencePiece leading space), aligned to the text by edu/align.ts.
// - With the native scorer available (exact mode), node-llama-cpp's model is loaded
//   vocabulary-only (tokenising, detokenising, metadata): the weights are resident once, in the
//   native scorer. The first request that needs node-llama-cpp's own context (plain prefill,
//   top-K mode, fallback when the native scorer fails) reloads it with its weights. A vocab-only
//   LlamaModel reports trainContextSize 0 (llama.cpp skips the hyperparameters), so the train
//   context is read from the GGUF metadata instead.

import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { alignTokens } from '../edu/align';
import { loadNativeEntropy, NativeEntropyModel } from './nativeEntropy';
import { scoringWindows } from './windows';
import { entropyOfProbabilities } from '../edu/entropy';
import type { TokenAlternative, TokenEntropy } from '../edu/types';
import {
  abortError, EntropySourceError,
  type EntropyRequestOptions, type EntropySource, type SourceDescription,
} from './types';

type NodeLlamaCpp = typeof import('node-llama-cpp');

let libPromise: Promise<NodeLlamaCpp> | undefined;

/** Loads node-llama-cpp once (dynamic import of the ESM package). */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  libPromise ??= import('node-llama-cpp').catch((e: unknown) => {
    libPromise = undefined;
    throw new EntropySourceError(`could not load node-llama-cpp (is the package installed next to the extension?): ${errorMessage(e)}`, 'load');
  });
  return libPromise;
}

let llamaPromise: Promise<Llama> | undefined;

/**
 * The process-wide llama.cpp binding (CPU prebuilt, errors-only logging), created on first use.
 * Creating one costs 0.4–1 s, so all sources share it; models and contexts are per source.
 */
export function sharedLlama(): Promise<Llama> {
  llamaPromise ??= (async () => {
    const lib = await loadNodeLlamaCpp();
    try {
      return await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error, progressLogs: false });
    } catch (e) {
      throw new EntropySourceError(`could not initialise llama.cpp (CPU prebuilt binary): ${errorMessage(e)}`, 'load');
    }
  })();
  const p = llamaPromise;
  p.catch(() => { if (llamaPromise === p) llamaPromise = undefined; });
  return p;
}

/** Disposes the shared binding (after every source is disposed), e.g. before a CLI exits. */
export async function disposeSharedLlama(): Promise<void> {
  const p = llamaPromise;
  llamaPromise = undefined;
  if (!p) return;
  const llama = await p.catch(() => undefined);
  if (llama && !llama.disposed) await llama.dispose();
}

export interface LlamaSourceOptions {
  /** Path to a GGUF model file. */
  modelPath: string;
  /** Release model and context after this many ms without requests (default 300 000; ≤ 0: after every request). */
  idleTimeoutMs?: number;
  /** CPU threads for evaluation (default: all available cores). */
  threads?: number;
  /** Alternatives reported per position in `top` (default 5). */
  topAlternatives?: number;
  /**
   * Fast approximate mode: keep only the top K tokens per position (sampler-side top-K,
   * renormalised; the tail is lost, entropies are underestimated). Default: exact.
   */
  approximateTopK?: number;
  /** Tokens per evaluation window, start token included (default and maximum: the model's train context). */
  windowTokens?: number;
  /** Tokens of left context re-read at the start of every window after the first (default: half a window). */
  overlapTokens?: number;
  /** Positions with distributions per controlledEvaluate call (default: ≈ 2M / vocabulary size, clamped to 16…256). */
  chunkSize?: number;
  /** Flash attention (default false: the standard path, fastest for tiny head dimensions on CPU). */
  flashAttention?: boolean;
  /**
   * Native exact scorer (entropy computed in C++ from the logits; `npm run native:build`):
   * 'auto' (default) uses it when it is built and loads, false never does.
   */
  native?: 'auto' | false;
}

export type ScoreMode = 'exact' | { topK: number };

export interface ScoreOptions extends EntropyRequestOptions {
  mode?: ScoreMode;
  /** Alternatives to keep per position (default: the source's `topAlternatives`). */
  topAlternatives?: number;
}

/** Per-position results for a token-id sequence; index t describes the distribution before token t. */
export interface ScoredIds {
  entropy: Float64Array;
  logprob: Float64Array;
  mass: Float64Array;
  top: { token: number; logprob: number }[][];
}

const DEFAULT_IDLE_MS = 300_000;

export class LlamaEntropySource implements EntropySource {
  private model: LlamaModel | undefined;
  /** The loaded LlamaModel is vocabulary-only (no weights; the native scorer holds them). */
  private vocabOnly = false;
  private context: LlamaContext | undefined;
  private sequence: LlamaContextSequence | undefined;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private releasing: Promise<void> | undefined;
  private disposed = false;
  private readonly options: LlamaSourceOptions;

  constructor(options: LlamaSourceOptions) {
    this.options = { ...options };
  }

  describe(): SourceDescription {
    const fast = this.options.approximateTopK;
    const name = this.model?.fileInfo.metadata?.general?.name;
    return {
      backend: this.native ? 'node-llama-cpp 3.21.1 (embedded) + native entropy' : 'node-llama-cpp 3.21.1 (embedded)',
      model: typeof name === 'string' && name !== '' ? `${name} (${basename(this.options.modelPath)})` : basename(this.options.modelPath),
      capabilities: {
        protocol: 'embedded-llama',
        exactness: fast === undefined ? 'exact' : 'topk-renormalized',
        ...(fast !== undefined ? { topK: fast } : {}),
        ...(this.model ? { vocabSize: this.vocabularySize, contextTokens: this.windowTokens } : {}),
        longText: 'sliding-window',
      },
    };
  }

  /** True while the model is loaded (between first use and idle release / dispose). */
  get loaded(): boolean {
    return this.model !== undefined;
  }

  /**
   * True while node-llama-cpp's model holds its weights. False while exact requests are served
   * by the native scorer with a vocabulary-only model (the weights are then resident once).
   */
  get weightsLoaded(): boolean {
    return this.model !== undefined && !this.vocabOnly;
  }

  get vocabularySize(): number {
    const m = this.requireModel();
    const fromTokens = m.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
    return typeof fromTokens === 'number' ? fromTokens : 0;
  }

  /** Tokens per window: the model's train context unless a smaller `windowTokens` is configured. */
  get windowTokens(): number {
    const train = this.trainContextSize();
    const w = this.options.windowTokens;
    return Math.max(4, Math.min(train, w ?? train));
  }

  async tokenEntropies(text: string, options: EntropyRequestOptions = {}): Promise<TokenEntropy[]> {
    return this.exclusive(options.signal, async () => {
      const ids = (await this.ensureModel()).tokenize(text, false);
      if (ids.length === 0) return [];
      const scored = await this.scoreLoaded(ids, options);
      // Re-read: a fallback to node-llama-cpp's context replaces a vocabulary-only model.
      const model = this.requireModel();
      const start = this.startToken();
      const decode = (a: number, b: number): string => {
        if (a === 0) return model.detokenize(ids.slice(0, b), false);
        if (start !== null) return model.detokenize([start, ...ids.slice(a, b)], false);
        return model.detokenize(ids.slice(a, b), false, ids.slice(Math.max(0, a - 16), a));
      };
      const ranges = alignTokens(text, ids.length, decode);
      const pieceCache = new Map<number, string>();
      const piece = (tok: number): string => {
        let s = pieceCache.get(tok);
        if (s === undefined) {
          s = start !== null ? model.detokenize([start, tok as Token], false) : model.detokenize([tok as Token], false);
          pieceCache.set(tok, s);
        }
        return s;
      };
      return ids.map((_, t): TokenEntropy => {
        const r = ranges[t];
        const top: TokenAlternative[] = scored.top[t].map((a) => ({ text: piece(a.token), logprob: a.logprob }));
        return {
          text: text.slice(r.start, r.end),
          start: r.start,
          end: r.end,
          entropy: scored.entropy[t],
          logprob: scored.logprob[t],
          top,
          mass: scored.mass[t],
        };
      });
    });
  }

  /** Tokenises like `tokenEntropies` does (no special-token parsing, no BOS). */
  async tokenize(text: string, signal?: AbortSignal): Promise<number[]> {
    return this.exclusive(signal, async () => [...(await this.ensureModel()).tokenize(text, false)]);
  }

  /** Scores a token-id sequence (no text alignment). Used by tokenEntropies and the benchmark. */
  async scoreTokenIds(ids: readonly number[], options: ScoreOptions = {}): Promise<ScoredIds> {
    return this.exclusive(options.signal, async () => {
      await this.ensureModel();
      return this.scoreLoaded(ids as Token[], options);
    });
  }

  /**
   * Plain prefill of the start token + ids (no distributions read), for the benchmark.
   * Returns the elapsed milliseconds.
   */
  async evaluatePlain(ids: readonly number[], signal?: AbortSignal): Promise<number> {
    return this.exclusive(signal, async () => {
      await this.ensureModel();
      const start = this.startToken();
      const input = [...(start !== null ? [start] : []), ...(ids as Token[])];
      const W = this.windowTokens;
      if (input.length > W - 1) throw new EntropySourceError(`evaluatePlain: ${input.length} tokens exceed the window of ${W - 1}`, 'too-long');
      const seq = await this.ensureSequence(input.length + 1);
      await seq.clearHistory();
      const t0 = performance.now();
      await seq.evaluateWithoutGeneratingNewTokens(input);
      return performance.now() - t0;
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.clearIdleTimer();
    await this.queue;
    await this.release();
  }

  // -------------------------------------------------------------------------------------------

  private requireModel(): LlamaModel {
    if (!this.model) throw new EntropySourceError('model not loaded', 'load');
    return this.model;
  }

  /** The model's train context; from the GGUF metadata for a vocabulary-only model. */
  private trainContextSize(): number {
    const m = this.requireModel();
    if (!this.vocabOnly) return m.trainContextSize;
    return this.native?.info.trainContextSize ?? metadataTrainContext(m) ?? 0;
  }

  private startToken(): Token | null {
    const m = this.requireModel();
    return m.tokens.bos ?? m.tokens.eos ?? null;
  }

  private chunkSize(): number {
    if (this.options.chunkSize !== undefined) return Math.max(1, Math.floor(this.options.chunkSize));
    const v = Math.max(1, this.vocabularySize);
    return Math.min(256, Math.max(16, Math.round(2_097_152 / v)));
  }

  /** Runs `fn` after every earlier request; rejects at once if `signal` fires while queued. */
  private exclusive<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new EntropySourceError('the entropy source was disposed', 'disposed'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    this.pending++;
    this.clearIdleTimer();
    const run = this.queue.then(() => {
      if (signal?.aborted) throw abortError(signal);
      return fn();
    });
    const done = () => {
      this.pending--;
      if (this.pending === 0) this.scheduleIdle();
    };
    this.queue = run.then(done, done);
    if (!signal) return run;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      run.then(
        (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
        (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
      );
    });
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private scheduleIdle(): void {
    if (this.disposed || !this.model) return;
    this.clearIdleTimer();
    const ms = this.options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
    if (!Number.isFinite(ms)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.pending === 0) void this.release();
    }, Math.max(0, ms));
    this.idleTimer.unref();
  }

  /** Disposes sequence, context and model (the shared Llama binding stays). */
  private release(): Promise<void> {
    this.releasing ??= (async () => {
      const { sequence, context, model, native } = this;
      this.native = undefined;
      this.nativeTried = false;
      native?.dispose();
      this.sequence = undefined;
      this.context = undefined;
      this.model = undefined;
      this.vocabOnly = false;
      try {
        if (sequence && !sequence.disposed) await sequence.dispose();
        if (context && !context.disposed) await context.dispose();
        if (model && !model.disposed) await model.dispose();
      } finally {
        this.releasing = undefined;
      }
    })();
    return this.releasing;
  }

  private async ensureModel(): Promise<LlamaModel> {
    if (this.releasing) await this.releasing;
    if (this.model) return this.model;
    let llama = await sharedLlama();
    if (llama.disposed) {
      llamaPromise = undefined;
      llama = await sharedLlama();
    }
    // Exact requests served natively need node-llama-cpp's model only for its vocabulary.
    const vocabOnly = this.options.native !== false && this.options.approximateTopK === undefined
      && (await loadNativeEntropy()) !== undefined;
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: this.options.modelPath, gpuLayers: 0, vocabOnly });
    } catch (e) {
      throw new EntropySourceError(`could not load GGUF model ${this.options.modelPath}: ${errorMessage(e)}`, 'load');
    }
    if (vocabOnly && metadataTrainContext(model) === undefined) {
      // No train context in the metadata: only a fully loaded model knows it.
      await model.dispose();
      return this.loadFullModel(llama);
    }
    this.model = model;
    this.vocabOnly = vocabOnly;
    return model;
  }

  private async loadFullModel(llama: Llama): Promise<LlamaModel> {
    try {
      this.model = await llama.loadModel({ modelPath: this.options.modelPath, gpuLayers: 0 });
    } catch (e) {
      throw new EntropySourceError(`could not load GGUF model ${this.options.modelPath}: ${errorMessage(e)}`, 'load');
    }
    this.vocabOnly = false;
    return this.model;
  }

  /** node-llama-cpp's model with its weights (replaces a vocabulary-only one). */
  private async ensureWeights(): Promise<LlamaModel> {
    const model = this.requireModel();
    if (!this.vocabOnly) return model;
    this.model = undefined;
    this.vocabOnly = false;
    await model.dispose();
    return this.loadFullModel(await sharedLlama());
  }

  /** A sequence whose context holds at least `needed` tokens (re-created when too small). */
  private async ensureSequence(needed: number): Promise<LlamaContextSequence> {
    const model = await this.ensureWeights();
    if (this.context && this.sequence && this.context.contextSize >= needed) return this.sequence;
    if (this.sequence && !this.sequence.disposed) await this.sequence.dispose();
    if (this.context && !this.context.disposed) await this.context.dispose();
    this.sequence = undefined;
    this.context = undefined;
    const size = Math.min(this.windowTokens, Math.max(256, Math.ceil(needed / 256) * 256));
    this.context = await model.createContext({
      contextSize: Math.max(size, needed),
      batchSize: Math.min(512, Math.max(size, needed)),
      sequences: 1,
      threads: this.options.threads ?? Math.max(1, availableParallelism()),
      flashAttention: this.options.flashAttention ?? false,
    });
    this.sequence = this.context.getSequence();
    return this.sequence;
  }

  private native: NativeEntropyModel | undefined;
  private nativeTried = false;

  /** The native scorer, loaded once per model; undefined when not built or it fails to load. */
  private async ensureNative(): Promise<NativeEntropyModel | undefined> {
    if (this.native || this.nativeTried || this.options.native === false) return this.native;
    this.nativeTried = true;
    try {
      this.native = await NativeEntropyModel.load(this.options.modelPath, {
        threads: this.options.threads ?? Math.max(1, availableParallelism()),
        contextSize: this.windowTokens, flashAttention: this.options.flashAttention ?? false,
      });
    } catch {
      this.native = undefined; // the controlledEvaluate path below stays exact, only slower
    }
    return this.native;
  }

  private async scoreLoaded(ids: readonly Token[], options: ScoreOptions): Promise<ScoredIds> {
    const { signal, onProgress } = options;
    if ((options.mode ?? (this.options.approximateTopK !== undefined ? 'approx' : 'exact')) === 'exact') {
      const nat = await this.ensureNative();
      if (nat) {
        return nat.scoreIds(ids, {
          start: this.startToken(), windowTokens: this.windowTokens, overlapTokens: this.options.overlapTokens,
          topAlternatives: Math.max(0, options.topAlternatives ?? this.options.topAlternatives ?? 5), signal, onProgress,
        });
      }
    }
    const n = ids.length;
    const out: ScoredIds = {
      entropy: new Float64Array(n).fill(NaN),
      logprob: new Float64Array(n).fill(NaN),
      mass: new Float64Array(n).fill(NaN),
      top: Array.from({ length: n }, () => []),
    };
    if (n === 0) return out;
    const start = this.startToken();
    const prefix: Token[] = start !== null ? [start] : [];
    const o = prefix.length;
    const chunk = this.chunkSize();
    const mode = options.mode ?? (this.options.approximateTopK !== undefined ? { topK: this.options.approximateTopK } : 'exact');
    const exact = mode === 'exact';
    const keepTop = Math.max(0, options.topAlternatives ?? this.options.topAlternatives ?? 5);
    const generateNext = exact
      ? { probabilities: true as const }
      : { probabilities: true as const, options: { temperature: 1, topK: mode.topK, topP: 1, minP: 0 } };
    const total = o === 1 ? n : n - 1;
    let done = 0;
    onProgress?.(0, total);

    // Positions [s, e) are scored with context [c, e − 1) behind the start token. At most W − 1
    // items per window: node-llama-cpp needs a free cell for the last generateNext, otherwise its
    // context shift erases the beginning.
    for (const { contextStart: c, scoreStart: s, end: e } of scoringWindows(n, o as 0 | 1, this.windowTokens, this.options.overlapTokens)) {
      signal?.throwIfAborted();
      const items: Token[] = [...prefix, ...ids.slice(c, e - 1)];
      const seq = await this.ensureSequence(items.length + 1);
      await seq.clearHistory();
      // Item i is followed by text token c − o + i + 1.
      const target = (i: number) => c - o + i + 1;
      let i0 = 0;
      while (i0 < items.length) {
        signal?.throwIfAborted();
        // Take items until `chunk` of them need a distribution.
        let i1 = i0, wanted = 0;
        while (i1 < items.length && (wanted < chunk || target(i1) < s)) {
          if (target(i1) >= s && target(i1) < e) wanted++;
          i1++;
        }
        const input = items.slice(i0, i1).map((tok, k) => {
          const t = target(i0 + k);
          return t >= s && t < e ? ([tok, { generateNext }] as [Token, { generateNext: typeof generateNext }]) : tok;
        });
        const base = i0;
        await seq.controlledEvaluate(input, {
          onTokenResult: (k, result) => {
            const probs = result.next.probabilities;
            if (!probs) return;
            const t = target(base + k);
            const { entropy, mass } = entropyOfProbabilities(probs.values());
            out.entropy[t] = entropy;
            out.mass[t] = mass;
            const p = probs.get(ids[t]);
            out.logprob[t] = p !== undefined && p > 0 ? Math.log(p / mass) : exact ? Math.log(1e-45) : NaN;
            if (keepTop > 0) {
              const top: { token: number; logprob: number }[] = [];
              for (const [tok, q] of probs) {
                if (top.length >= keepTop) break;
                top.push({ token: tok, logprob: q > 0 ? Math.log(q / mass) : -Infinity });
              }
              out.top[t] = top;
            }
            result.next.probabilities = undefined; // keep memory flat
          },
        });
        done += wanted;
        onProgress?.(Math.min(done, total), total);
        i0 = i1;
      }
    }
    return out;
  }
}

/** `<arch>.context_length` from the GGUF metadata (undefined when absent or not positive). */
function metadataTrainContext(model: LlamaModel): number | undefined {
  let n: unknown;
  try {
    n = model.fileInsights.trainContextSize;
  } catch {
    return undefined;
  }
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
