// Throughput of exact per-token entropy vs plain evaluation of the same tokens, plus the
// approximate top-K mode with its measured error against the exact entropies.

import { availableParallelism, loadavg } from 'node:os';
import { LlamaEntropySource } from './llamaSource';

export interface BenchOptions {
  modelPath: string;
  /** Tokens scored (default 1000; capped at the model's context minus 2). */
  tokens?: number;
  threads?: number;
  /** K values for the approximate mode (default [100, 1000]; values ≥ the vocabulary are skipped). */
  approximateTopK?: number[];
  /** Runs per measurement; the fastest is reported (default 2). Helps on a busy machine. */
  repeats?: number;
  signal?: AbortSignal;
}

export interface ApproximateBench {
  mode: 'topK';
  k: number;
  tokensPerSecond: number;
  /** plainTokensPerSecond / tokensPerSecond. */
  ratio: number;
  /** |H_approx − H_exact| over all positions, nats. */
  meanAbsError: number;
  maxAbsError: number;
}

export interface BenchResult {
  model: string;
  vocabSize: number;
  threads: number;
  tokens: number;
  /** Prefill of the same tokens without reading any distribution. */
  plainTokensPerSecond: number;
  /** Exact full-vocabulary entropy at every position. */
  exactTokensPerSecond: number;
  /** plainTokensPerSecond / exactTokensPerSecond. */
  ratio: number;
  /** Which exact path produced `exactTokensPerSecond`. */
  exactPath: 'native' | 'probabilities';
  /** When the native path ran: node-llama-cpp's probabilities path on the same tokens, side by side. */
  probabilitiesExact?: { tokensPerSecond: number; ratio: number; maxAbsDiffNats: number };
  /** Peak resident set size of the process (MB). */
  peakRssMB: number;
  approximate: ApproximateBench[];
  repeats: number;
  /** 1-minute load average at the start and the end (other processes competing for the CPU). */
  loadAverage: [number, number];
}

/** A reasoning passage; repeated until the benchmark has enough tokens. */
export const BENCH_TEXT = [
  'Let x be the number of apples in the basket. We know that 3x + 2 = 11.',
  'Subtracting 2 from both sides gives 3x = 9, so x = 3.',
  'However, we should check the answer: 3 * 3 + 2 = 9 + 2 = 11, which matches.',
  'Next, the total cost is 3 apples at $0.50 each, that is 3 * 0.5 = 1.5 dollars.',
  'Therefore the answer is x = 3 apples and the cost is $1.50.',
].join('\n');

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const threads = options.threads ?? Math.max(1, availableParallelism());
  const source = new LlamaEntropySource({ modelPath: options.modelPath, threads, idleTimeoutMs: Infinity });
  try {
    const { signal } = options;
    let ids = await source.tokenize(BENCH_TEXT, signal);
    const max = Math.max(8, source.windowTokens - 2);
    const wanted = Math.max(8, Math.min(options.tokens ?? 1000, max));
    const unit = ids;
    while (ids.length < wanted) ids = ids.concat(unit);
    ids = ids.slice(0, wanted);
    const V = source.vocabularySize;

    const load0 = loadavg()[0];
    const repeats = Math.max(1, Math.floor(options.repeats ?? 2));
    await source.scoreTokenIds(ids.slice(0, 16), { signal }); // warm-up: context creation, caches
    let plainMs = Infinity;
    for (let r = 0; r < repeats; r++) plainMs = Math.min(plainMs, await source.evaluatePlain(ids, signal));

    const timed = async (mode: 'exact' | { topK: number }) => {
      let best = Infinity;
      let result: Awaited<ReturnType<typeof source.scoreTokenIds>> | undefined;
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        result = await source.scoreTokenIds(ids, { signal, mode, topAlternatives: 0 });
        best = Math.min(best, performance.now() - t0);
      }
      return { ms: best, result: result! };
    };
    const exactRun = await timed('exact');
    const exact = exactRun.result;
    const plainTps = (ids.length / plainMs) * 1000;
    const exactTps = (ids.length / exactRun.ms) * 1000;

    const exactPath = /native/.test(source.describe().backend) ? 'native' as const : 'probabilities' as const;
    let probabilitiesExact: BenchResult['probabilitiesExact'];
    if (exactPath === 'native') {
      const map = new LlamaEntropySource({ modelPath: options.modelPath, threads, idleTimeoutMs: Infinity, native: false });
      try {
        await map.scoreTokenIds(ids.slice(0, 16), { signal });
        let best = Infinity;
        let result: Awaited<ReturnType<typeof map.scoreTokenIds>> | undefined;
        for (let r = 0; r < repeats; r++) {
          const t0 = performance.now();
          result = await map.scoreTokenIds(ids, { signal, mode: 'exact', topAlternatives: 0 });
          best = Math.min(best, performance.now() - t0);
        }
        let diff = 0;
        for (let i = 0; i < ids.length; i++) {
          const d = Math.abs(result!.entropy[i] - exact.entropy[i]);
          if (Number.isFinite(d) && d > diff) diff = d;
        }
        const tps = (ids.length / best) * 1000;
        probabilitiesExact = { tokensPerSecond: tps, ratio: plainTps / tps, maxAbsDiffNats: diff };
      } finally {
        await map.dispose();
      }
    }

    const approximate: ApproximateBench[] = [];
    for (const k of options.approximateTopK ?? [100, 1000]) {
      if (!(k >= 1 && k < V)) continue;
      const { ms, result: approx } = await timed({ topK: k });
      let sum = 0, maxErr = 0, n = 0;
      for (let i = 0; i < ids.length; i++) {
        const a = approx.entropy[i], b = exact.entropy[i];
        if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
        const d = Math.abs(a - b);
        sum += d; n++;
        if (d > maxErr) maxErr = d;
      }
      const tps = (ids.length / ms) * 1000;
      approximate.push({ mode: 'topK', k, tokensPerSecond: tps, ratio: plainTps / tps, meanAbsError: n > 0 ? sum / n : NaN, maxAbsError: maxErr });
    }
    return {
      model: source.describe().model,
      vocabSize: V,
      threads,
      tokens: ids.length,
      plainTokensPerSecond: plainTps,
      exactTokensPerSecond: exactTps,
      ratio: plainTps / exactTps,
      exactPath,
      ...(probabilitiesExact ? { probabilitiesExact } : {}),
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      approximate,
      repeats,
      loadAverage: [load0, loadavg()[0]],
    };
  } finally {
    await source.dispose();
  }
}
