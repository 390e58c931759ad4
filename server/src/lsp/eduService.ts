// EDU requests in the server process: one entropy source per backend configuration, created
// lazily and reused; a different configuration replaces (and disposes) the old one.
import { createEntropySource, type BackendConfig, type EntropySource } from '../inference';
import type { EduEntropiesResult, EduSourceConfig } from '../protocol/lsp';

export interface Progress {
  report(done: number, total: number): void;
}

export class EduService {
  private current: { key: string; source: Promise<EntropySource> } | undefined;

  async entropies(text: string, config: EduSourceConfig, signal: AbortSignal, progress?: Progress): Promise<EduEntropiesResult> {
    const source = await this.sourceFor(config, signal);
    const tokens = await source.tokenEntropies(text, { signal, onProgress: (d, t) => progress?.report(d, t) });
    const d = source.describe();
    const c = d.capabilities;
    const capabilities = [
      c.exactness === 'exact' ? 'exact full-vocabulary entropy' : c.exactness === 'topk-bounded' ? `top-${c.topK} entropy with tail bound` : `top-${c.topK} (renormalised, approximate)`,
      ...(c.vocabSize ? [`vocabulary ${c.vocabSize.toLocaleString('en-US')}${c.vocabSizeAssumed ? ' (assumed)' : ''}`] : []),
      ...(c.contextTokens ? [`context ${c.contextTokens} tokens`] : []),
    ];
    return {
      backend: { backend: d.backend, model: d.model, capabilities },
      tokens: tokens.map((t) => ({ text: t.text, start: t.start, end: t.end, entropy: t.entropy, logprob: t.logprob, top: t.top })),
    };
  }

  async dispose(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    if (old) await old.source.then((s) => s.dispose(), () => undefined);
  }

  private sourceFor(config: EduSourceConfig, signal: AbortSignal): Promise<EntropySource> {
    const key = JSON.stringify(config);
    if (this.current?.key !== key) {
      void this.dispose();
      const backend: BackendConfig = config.kind === 'gguf'
        ? { kind: 'gguf', modelPath: config.modelPath, idleTimeoutMs: config.idleTimeoutMs, threads: config.threads }
        : { kind: 'openai', endpoint: config.endpoint, apiKey: config.apiKey, model: config.model, topK: config.topK, vocabSize: config.vocabSize };
      const source = createEntropySource(backend, signal);
      this.current = { key, source };
      // A failed connection must not be cached.
      source.catch(() => { if (this.current?.source === source) this.current = undefined; });
    }
    return this.current.source;
  }
}
