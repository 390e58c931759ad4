// Optional native scorer: exact full-vocabulary entropies computed in C++ from llama.cpp logits
// (server/native/entropy_lens_native.cpp, built by `bash server/native/build.sh` into
// .native-build/). It links the llama.cpp libraries of node-llama-cpp's prebuilt binary and
// owns its own model + context; node-llama-cpp is still used for tokenising (LlamaEntropySource
// loads node-llama-cpp's model vocabulary-only while this scorer holds the weights).
//
// Everything here degrades to `undefined` when the binary is absent or cannot be loaded, so
// callers keep the node-llama-cpp path (`controlledEvaluate` + probabilities Map).
//
// Semantics match LlamaEntropySource.scoreLoaded: the start token is prepended, index t of the
// result describes the distribution before text token t, and texts longer than the window are
// scored with the same overlapping windows.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { ScoredIds } from './llamaSource';
import { sharedLlama } from './llamaSource';
import { scoringWindows } from './windows';

export const NATIVE_BINARY_NAME = 'entropy_lens_native.node';

/** Opaque handle of a native model + context. */
export type NativeHandle = { readonly __nativeEntropyHandle: unique symbol };

export interface NativeModelInfo {
  vocabSize: number;
  trainContextSize: number;
  contextSize: number;
  batchSize: number;
  threads: number;
  bos: number;
  eos: number;
  params: number;
}

export interface NativeScoreResult {
  /** Entropy (nats) of each scored position. */
  entropy: Float64Array;
  /** ln p(target) per scored position (NaN where the target is < 0). */
  logprob: Float64Array;
  /** topK ids per scored position, highest first (−1 when the vocabulary is smaller). */
  topTokens: Int32Array;
  topLogprobs: Float64Array;
  topK: number;
  decodeMs: number;
  statsMs: number;
}

export interface NativeEntropyBinding {
  ensureBackends(dir?: string): number;
  loadModel(path: string, options: { threads?: number; contextSize?: number; batchSize?: number; flashAttention?: boolean }): Promise<NativeHandle>;
  score(h: NativeHandle, input: Int32Array, targets: Int32Array, outFrom: number, topK: number, pos0?: number): Promise<NativeScoreResult>;
  plain(h: NativeHandle, input: Int32Array): Promise<{ decodeMs: number; statsMs: number }>;
  info(h: NativeHandle): NativeModelInfo;
  dispose(h: NativeHandle): void;
  selfTest(vocab?: number, repeats?: number): { maxAbsError: number; usPerPosition: number; checksum: number };
}

/** Where the binary may be: $ENTROPY_LENS_NATIVE, else `.native-build/` in this file's ancestors or the cwd. */
export function nativeBinaryCandidates(): string[] {
  const out: string[] = [];
  const env = process.env.ENTROPY_LENS_NATIVE;
  if (env) out.push(resolve(env));
  let d = __dirname;
  for (let i = 0; i < 8; i++) {
    out.push(join(d, '.native-build', NATIVE_BINARY_NAME));
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  out.push(join(process.cwd(), '.native-build', NATIVE_BINARY_NAME));
  return [...new Set(out)];
}

export function findNativeBinary(): string | undefined {
  return nativeBinaryCandidates().find((p) => existsSync(p));
}

let bindingPromise: Promise<NativeEntropyBinding | undefined> | undefined;
let lastLoadError: string | undefined;

/** Why the binding is unavailable (after `loadNativeEntropy` resolved to undefined). */
export function nativeLoadError(): string | undefined {
  return lastLoadError;
}

/**
 * Loads the native binding once. node-llama-cpp's binding is initialised first (it loads the
 * llama.cpp libraries and registers the CPU backend, which the native scorer reuses).
 * Resolves to undefined when the binary is missing or fails to load.
 */
export function loadNativeEntropy(): Promise<NativeEntropyBinding | undefined> {
  bindingPromise ??= (async () => {
    const path = findNativeBinary();
    if (!path) {
      lastLoadError = `native binary not built (run: bash server/native/build.sh); looked in ${nativeBinaryCandidates().join(', ')}`;
      return undefined;
    }
    const stale = staleBuild(path);
    if (stale) {
      lastLoadError = stale;
      return undefined;
    }
    try {
      await sharedLlama();
      const mod = { exports: {} as unknown };
      process.dlopen(mod, path);
      const b = mod.exports as NativeEntropyBinding;
      if (typeof b.score !== 'function' || typeof b.loadModel !== 'function') throw new Error('unexpected exports');
      const devices = b.ensureBackends(nodeLlamaCppBinsDir());
      if (devices < 1) throw new Error('no ggml backend registered');
      lastLoadError = undefined;
      return b;
    } catch (e) {
      lastLoadError = `could not load ${path}: ${e instanceof Error ? e.message : String(e)}`;
      return undefined;
    }
  })();
  return bindingPromise;
}

/**
 * The binary is tied to the llama.cpp ABI of the node-llama-cpp version it was built against
 * (recorded by build.sh in build-stamp.txt): refuse it after node-llama-cpp changed.
 */
function staleBuild(binary: string): string | undefined {
  try {
    const stamp = readFileSync(join(dirname(binary), 'build-stamp.txt'), 'utf8');
    const built = /\bnlc=(\S+)/.exec(stamp)?.[1];
    let d = dirname(binary);
    for (let i = 0; i < 8; i++) {
      const pkg = join(d, 'node_modules', 'node-llama-cpp', 'package.json');
      if (existsSync(pkg)) {
        const installed = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
        return built && installed && built !== installed
          ? `native binary was built for node-llama-cpp ${built}, installed is ${installed}: rebuild with bash server/native/build.sh`
          : undefined;
      }
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  } catch {
    // no stamp (e.g. ENTROPY_LENS_NATIVE points to a binary built elsewhere): trust it
  }
  return undefined;
}

function nodeLlamaCppBinsDir(): string | undefined {
  try {
    const platform = `${process.platform}-${process.arch}`;
    const req = createRequire(join(process.cwd(), 'package.json'));
    const pkg = req.resolve(`@node-llama-cpp/${platform}/package.json`);
    return join(dirname(pkg), 'bins', platform);
  } catch {
    return undefined;
  }
}

export interface NativeModelOptions {
  threads?: number;
  /** KV cells (default: the model's train context). */
  contextSize?: number;
  /**
   * Tokens per llama_decode (default 256). Every scored position needs its logits, so the
   * context's output buffer and the compute buffer grow with the batch (at V = 32k, 512 costs
   * ≈ 70 MB more peak RSS than 256 for the same speed).
   */
  batchSize?: number;
  flashAttention?: boolean;
}

export interface NativeScoreOptions {
  /** Start token prepended to every window (BOS, else EOS); null: none. */
  start: number | null;
  /** Tokens per window, start token included (default and maximum: the model's train context, within the context size). */
  windowTokens?: number;
  /** Left context re-read by later windows (default: half a window). */
  overlapTokens?: number;
  /** Alternatives kept per position (default 5). */
  topAlternatives?: number;
  /** Positions per native call inside a window (progress and abort granularity; default 512). */
  chunk?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

/** A GGUF model loaded by the native scorer. Calls must not overlap (the caller serialises). */
export class NativeEntropyModel {
  private handle: NativeHandle | undefined;

  private constructor(private readonly binding: NativeEntropyBinding, handle: NativeHandle, readonly info: NativeModelInfo) {
    this.handle = handle;
  }

  /** Undefined when the native binary is unavailable; rejects when the model cannot be loaded. */
  static async load(modelPath: string, options: NativeModelOptions = {}): Promise<NativeEntropyModel | undefined> {
    const b = await loadNativeEntropy();
    if (!b) return undefined;
    const h = await b.loadModel(modelPath, {
      threads: options.threads,
      contextSize: options.contextSize ?? 0,
      batchSize: options.batchSize ?? 256,
      flashAttention: options.flashAttention ?? false,
    });
    return new NativeEntropyModel(b, h, b.info(h));
  }

  private requireHandle(): NativeHandle {
    if (!this.handle) throw new Error('native model disposed');
    return this.handle;
  }

  /** Raw call: decode `input` at positions pos0…, statistics for input indices ≥ outFrom. */
  scoreRaw(input: Int32Array, targets: Int32Array, outFrom: number, topK: number, pos0 = 0): Promise<NativeScoreResult> {
    return this.binding.score(this.requireHandle(), input, targets, outFrom, topK, pos0);
  }

  /** Plain prefill (logits of the last token only), for benchmarks. Returns decode milliseconds. */
  async plain(input: readonly number[]): Promise<number> {
    return (await this.binding.plain(this.requireHandle(), Int32Array.from(input))).decodeMs;
  }

  /** Exact entropies of a token-id sequence, same layout and windows as LlamaEntropySource. */
  async scoreIds(ids: readonly number[], options: NativeScoreOptions): Promise<ScoredIds & { decodeMs: number; statsMs: number }> {
    const { signal, onProgress } = options;
    const n = ids.length;
    const out = {
      entropy: new Float64Array(n).fill(NaN),
      logprob: new Float64Array(n).fill(NaN),
      mass: new Float64Array(n).fill(NaN),
      top: Array.from({ length: n }, () => [] as { token: number; logprob: number }[]),
      decodeMs: 0,
      statsMs: 0,
    };
    if (n === 0) return out;
    const prefix = options.start !== null ? [options.start] : [];
    const o = prefix.length;
    const maxW = Math.min(this.info.contextSize, this.info.trainContextSize > 0 ? this.info.trainContextSize : Infinity);
    const W = Math.max(4, Math.min(maxW, options.windowTokens ?? maxW));
    const k = Math.max(0, Math.min(256, options.topAlternatives ?? 5));
    const chunk = Math.max(1, options.chunk ?? 512);
    const total = o === 1 ? n : n - 1;
    let done = 0;
    onProgress?.(0, total);
    for (const { contextStart: c, scoreStart: s, end: e } of scoringWindows(n, o as 0 | 1, W, options.overlapTokens)) {
      signal?.throwIfAborted();
      const items = [...prefix, ...ids.slice(c, e - 1)];
      // Item i is followed by text token c − o + i + 1; items from `first` on are scored.
      const first = Math.max(0, s - c + o - 1);
      for (let a = 0; a < items.length; ) {
        signal?.throwIfAborted();
        const b = a < first ? first : Math.min(items.length, a + chunk);
        if (b === a) break;
        const outFrom = Math.max(0, first - a);
        const targets = new Int32Array(Math.max(0, b - a - outFrom));
        for (let q = 0; q < targets.length; q++) targets[q] = ids[c - o + a + outFrom + q + 1];
        const r = await this.scoreRaw(Int32Array.from(items.slice(a, b)), targets, outFrom, k, a);
        out.decodeMs += r.decodeMs;
        out.statsMs += r.statsMs;
        for (let q = 0; q < targets.length; q++) {
          const t = c - o + a + outFrom + q + 1;
          out.entropy[t] = r.entropy[q];
          out.logprob[t] = r.logprob[q];
          out.mass[t] = 1;
          if (k > 0) {
            const top: { token: number; logprob: number }[] = [];
            for (let j = 0; j < k; j++) {
              const tok = r.topTokens[q * k + j];
              if (tok >= 0) top.push({ token: tok, logprob: r.topLogprobs[q * k + j] });
            }
            out.top[t] = top;
          }
        }
        if (targets.length > 0) {
          done += targets.length;
          onProgress?.(Math.min(done, total), total);
        }
        a = b;
      }
    }
    return out;
  }

  dispose(): void {
    const h = this.handle;
    this.handle = undefined;
    if (h) this.binding.dispose(h);
  }

  get disposed(): boolean {
    return this.handle === undefined;
  }
}
