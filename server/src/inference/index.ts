// Entry point for the language server: one factory for every backend.

import { LlamaEntropySource, type LlamaSourceOptions } from './llamaSource';
import { connectOpenAiSource, type OpenAiSourceOptions } from './openaiSource';
import type { EntropySource } from './types';

export * from './types';
export { LlamaEntropySource, sharedLlama, disposeSharedLlama, loadNodeLlamaCpp, type LlamaSourceOptions, type ScoredIds, type ScoreMode, type ScoreOptions } from './llamaSource';
export { OpenAiEntropySource, connectOpenAiSource, normaliseEndpoint, ASSUMED_VOCAB_SIZE, type OpenAiSourceOptions } from './openaiSource';
export { runBench, type BenchOptions, type BenchResult, type ApproximateBench } from './bench';

export type BackendConfig =
  | ({ kind: 'gguf' } & LlamaSourceOptions)
  | ({ kind: 'openai' } & OpenAiSourceOptions);

/**
 * Creates a source. GGUF sources load lazily on the first request; OpenAI-compatible sources
 * connect and detect the server's capabilities now (rejecting generate-only servers).
 */
export async function createEntropySource(config: BackendConfig, signal?: AbortSignal): Promise<EntropySource> {
  if (config.kind === 'gguf') {
    const { kind: _kind, ...options } = config;
    return new LlamaEntropySource(options);
  }
  const { kind: _kind, ...options } = config;
  return connectOpenAiSource(options, signal);
}
