// The one interface every local or remote entropy backend implements (Node side).

import type { TokenEntropy } from '../edu/types';

/**
 * How exact the reported entropies are:
 * - `exact`: softmax over the full vocabulary (embedded node-llama-cpp, no sampling options);
 * - `topk-bounded`: only the top K probabilities per position are known; `entropy` is an estimate
 *   from the tail-mass bounds and `entropyBounds` brackets the true value (see edu/entropy.ts);
 * - `topk-renormalized`: top K renormalised to sum to 1 (node-llama-cpp fast mode); the tail is
 *   lost, so entropies are underestimated, without a bound.
 */
export type EntropyExactness = 'exact' | 'topk-bounded' | 'topk-renormalized';

export type SourceProtocol =
  | 'embedded-llama'
  | 'vllm-prompt-logprobs'
  | 'openai-echo-logprobs'
  | 'llamacpp-per-position';

export interface SourceCapabilities {
  protocol: SourceProtocol;
  exactness: EntropyExactness;
  /** Probabilities known per position for top-k modes. */
  topK?: number;
  /** Vocabulary size, when known. */
  vocabSize?: number;
  /** True when `vocabSize` is an assumption (used only for the tail upper bound). */
  vocabSizeAssumed?: boolean;
  /** Maximum tokens evaluated in one window (the model's train context), when known. */
  contextTokens?: number;
  /** Texts longer than `contextTokens`: scored with overlapping windows, or rejected. */
  longText: 'sliding-window' | 'error';
}

export interface SourceDescription {
  /** Human-readable backend name, e.g. "node-llama-cpp 3.21.1 (embedded)" or "vLLM". */
  backend: string;
  /** Model name or path. */
  model: string;
  capabilities: SourceCapabilities;
}

export interface EntropyRequestOptions {
  signal?: AbortSignal;
  /** Called with the number of positions scored so far and the total. */
  onProgress?(done: number, total: number): void;
}

export interface EntropySource {
  describe(): SourceDescription;
  /**
   * Scores `text` with teacher forcing and returns one TokenEntropy per token, contiguous and
   * covering the text exactly (see TokenEntropy). Rejects with an AbortError when `signal` fires.
   */
  tokenEntropies(text: string, options?: EntropyRequestOptions): Promise<TokenEntropy[]>;
  /** Releases the model / connections. The source must not be used afterwards. */
  dispose(): Promise<void>;
}

/** Error raised for backend problems with a message meant for the user. */
export class EntropySourceError extends Error {
  constructor(message: string, readonly code: 'load' | 'capability' | 'http' | 'protocol' | 'too-long' | 'disposed' = 'protocol') {
    super(message);
    this.name = 'EntropySourceError';
  }
}

/** The AbortError thrown when a request is cancelled. */
export function abortError(signal?: AbortSignal): unknown {
  if (signal?.reason !== undefined) return signal.reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}
