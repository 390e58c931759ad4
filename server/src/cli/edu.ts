// `entropy-lens edu segment|bench`: EDU segmentation of a text file and the inference benchmark.
// Exit codes: 0 ok, 1 input or backend failure, 2 usage error.

import { readFile } from 'node:fs/promises';
import { segment, type SegmentParamsInput } from '../edu/segment';
import type { TokenEntropy } from '../edu/types';
import type { TailEstimate } from '../edu/entropy';
import { runBench, type BenchResult } from '../inference/bench';
import { LlamaEntropySource } from '../inference/llamaSource';
import { connectOpenAiSource } from '../inference/openaiSource';
import type { EntropySource } from '../inference/types';
import { parseArgs, UsageError, type CliIo, type ParsedArgs } from './io';

const USAGE = `usage:
  entropy-lens edu segment [FILE|-] (--model GGUF | --endpoint URL) [--threshold T] [--min-gap N]
                           [--percentile Q] [--boundary word|token] [--ignore-digits] [--no-ignore-symbols]
                           [--ignore-tokens A,B,...] [--top-k K] [--vocab-size V] [--tail upper|midpoint|lower]
                           [--api-key-env VAR] [--threads N] [--fast K] [--window N] [--json]
  entropy-lens edu bench --model GGUF [--tokens N] [--threads N] [--top-k K1,K2] [--repeats N] [--json]

  segment reads FILE (or stdin for "-" or no FILE), scores every token with the model
  (--model: local GGUF, exact; --endpoint: vLLM or llama.cpp server, top-k bounded) and splits
  the text before tokens with entropy above the threshold (default 1.0 nats, min gap 8 tokens).
  The API key for --endpoint is read from the environment variable named by --api-key-env
  (default ENTROPY_LENS_API_KEY), never from the command line.
`;


function number(p: ParsedArgs, name: string, check: (x: number) => boolean, what: string): number | undefined {
  const v = p.values.get(name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(v)}`);
  return x;
}

const finite = (x: number) => Number.isFinite(x);
const positiveInt = (x: number) => Number.isInteger(x) && x >= 1;

/** JSON with NaN/±Infinity written as null. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

function round(x: number, digits = 6): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function runEduCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'segment') return await segmentCommand(rest, io);
    if (command === 'bench') return await benchCommand(rest, io);
    if (command === '--help' || command === '-h' || command === 'help') { io.stdout(USAGE); return 0; }
    throw new UsageError(command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`entropy-lens edu: ${e.message}\n${USAGE}`);
      return 2;
    }
    io.stderr(`entropy-lens edu: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

async function segmentCommand(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args,
    ['model', 'endpoint', 'threshold', 'min-gap', 'percentile', 'boundary', 'ignore-tokens', 'top-k', 'vocab-size', 'tail', 'api-key-env', 'threads', 'fast', 'window'],
    ['json', 'ignore-digits', 'no-ignore-symbols']);
  if (p.positional.length > 1) throw new UsageError(`expected at most one FILE, got ${p.positional.length}`);
  const model = p.values.get('model');
  const endpoint = p.values.get('endpoint');
  if ((model === undefined) === (endpoint === undefined)) throw new UsageError('give exactly one of --model GGUF or --endpoint URL');

  const params: SegmentParamsInput = { ignore: {} };
  const threshold = number(p, 'threshold', finite, 'a number of nats');
  if (threshold !== undefined) params.threshold = threshold;
  const minGap = number(p, 'min-gap', positiveInt, 'an integer ≥ 1');
  if (minGap !== undefined) params.minGap = minGap;
  const percentile = number(p, 'percentile', (x) => x > 0 && x <= 100, 'in (0, 100]');
  if (percentile !== undefined) params.percentile = percentile;
  const boundary = p.values.get('boundary');
  if (boundary !== undefined) {
    if (boundary !== 'word' && boundary !== 'token') throw new UsageError('--boundary must be word or token');
    params.boundary = boundary;
  }
  if (p.flags.has('ignore-digits')) params.ignore!.digits = true;
  if (p.flags.has('no-ignore-symbols')) params.ignore!.punctuationAndSymbols = false;
  const extra = p.values.get('ignore-tokens');
  if (extra !== undefined) params.ignore!.tokens = extra.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const tail = p.values.get('tail');
  if (tail !== undefined && tail !== 'upper' && tail !== 'midpoint' && tail !== 'lower') throw new UsageError('--tail must be upper, midpoint or lower');
  const topK = number(p, 'top-k', positiveInt, 'an integer ≥ 1');
  const vocabSize = number(p, 'vocab-size', positiveInt, 'an integer ≥ 1');
  const threads = number(p, 'threads', positiveInt, 'an integer ≥ 1');
  const fast = number(p, 'fast', positiveInt, 'an integer ≥ 1');
  const windowTokens = number(p, 'window', (x) => Number.isInteger(x) && x >= 8, 'an integer ≥ 8');
  if (endpoint !== undefined && (fast !== undefined || threads !== undefined || windowTokens !== undefined)) throw new UsageError('--fast, --threads and --window apply to --model only');
  if (model !== undefined && (topK !== undefined || vocabSize !== undefined || tail !== undefined || p.values.has('api-key-env'))) {
    throw new UsageError('--top-k, --vocab-size, --tail and --api-key-env apply to --endpoint only');
  }

  const file = p.positional[0];
  let text: string;
  if (file === undefined || file === '-') {
    text = await io.readStdin();
  } else {
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.stderr(`entropy-lens edu: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }

  const t0 = performance.now();
  let source: EntropySource | undefined;
  try {
    if (model !== undefined) {
      source = new LlamaEntropySource({ modelPath: model, threads, approximateTopK: fast, windowTokens, idleTimeoutMs: Infinity });
    } else {
      const keyVar = p.values.get('api-key-env') ?? 'ENTROPY_LENS_API_KEY';
      const apiKey = process.env[keyVar];
      source = await connectOpenAiSource({
        endpoint: endpoint!, apiKey: apiKey !== undefined && apiKey !== '' ? apiKey : undefined,
        topK, vocabSize, tailEstimate: tail as TailEstimate | undefined,
      });
    }
    const tokens = await source.tokenEntropies(text);
    const seg = segment(tokens, params, text);
    const millis = Math.round(performance.now() - t0);
    const d = source.describe();
    if (p.flags.has('json')) {
      io.stdout(toJson({
        model: d.model,
        backend: d.backend,
        capabilities: d.capabilities,
        threshold: round(seg.threshold),
        tokens: tokens.map((t) => ({ text: t.text, start: t.start, end: t.end, entropy: round(t.entropy), logprob: round(t.logprob) })),
        steps: seg.steps.map((s) => ({ start: s.start, end: s.end, text: s.text, meanEntropy: round(s.meanEntropy), maxEntropy: round(s.maxEntropy) })),
        millis,
      }) + '\n');
    } else {
      io.stdout(formatSegmentation(d.model, d.backend, d.capabilities.exactness, tokens, seg.steps, seg.threshold, p.values.has('percentile'), millis));
    }
    return 0;
  } finally {
    await source?.dispose();
  }
}

function formatSegmentation(
  model: string, backend: string, exactness: string, tokens: TokenEntropy[],
  steps: ReturnType<typeof segment>['steps'], threshold: number, percentile: boolean, millis: number,
): string {
  const lines: string[] = [];
  const finiteH = tokens.map((t) => t.entropy).filter(Number.isFinite);
  const mean = finiteH.reduce((a, b) => a + b, 0) / Math.max(1, finiteH.length);
  lines.push(`model: ${model} — ${backend} (${exactness})`);
  lines.push(`${tokens.length} tokens, mean H ${mean.toFixed(3)} nats; ${steps.length} steps at H ${percentile ? '≥' : '>'} ${threshold.toFixed(3)} nats; ${millis} ms`);
  for (const s of steps) {
    const anchor = s.anchor === null ? 'start' : `anchor ${JSON.stringify(tokens[s.anchor].text)} H=${tokens[s.anchor].entropy.toFixed(2)}`;
    lines.push('');
    lines.push(`step ${s.index + 1}  [${s.start}, ${s.end})  ${anchor}  mean ${s.meanEntropy.toFixed(2)}  max ${s.maxEntropy.toFixed(2)}`);
    lines.push(`  ${JSON.stringify(s.text)}`);
  }
  return lines.join('\n') + '\n';
}

async function benchCommand(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args, ['model', 'tokens', 'threads', 'top-k', 'repeats'], ['json']);
  if (p.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(p.positional[0])}`);
  const model = p.values.get('model');
  if (model === undefined) throw new UsageError('bench needs --model GGUF');
  const tokens = number(p, 'tokens', (x) => Number.isInteger(x) && x >= 8, 'an integer ≥ 8');
  const threads = number(p, 'threads', positiveInt, 'an integer ≥ 1');
  const ks = p.values.get('top-k');
  let approximateTopK: number[] | undefined;
  if (ks !== undefined) {
    approximateTopK = ks.split(',').filter((s) => s.trim() !== '').map((s) => Number(s));
    if (approximateTopK.some((k) => !positiveInt(k))) throw new UsageError('--top-k must be a comma-separated list of integers ≥ 1');
  }
  const repeats = number(p, 'repeats', positiveInt, 'an integer ≥ 1');
  const r = await runBench({ modelPath: model, tokens, threads, approximateTopK, repeats });
  io.stdout(p.flags.has('json') ? toJson(roundBench(r)) + '\n' : formatBench(r));
  return 0;
}

function roundBench(r: BenchResult): BenchResult {
  return {
    ...r,
    plainTokensPerSecond: round(r.plainTokensPerSecond, 1),
    exactTokensPerSecond: round(r.exactTokensPerSecond, 1),
    ratio: round(r.ratio, 2),
    ...(r.probabilitiesExact ? { probabilitiesExact: { tokensPerSecond: round(r.probabilitiesExact.tokensPerSecond, 1), ratio: round(r.probabilitiesExact.ratio, 2), maxAbsDiffNats: r.probabilitiesExact.maxAbsDiffNats } } : {}),
    peakRssMB: round(r.peakRssMB, 1),
    loadAverage: [round(r.loadAverage[0], 2), round(r.loadAverage[1], 2)],
    approximate: r.approximate.map((a) => ({ ...a, tokensPerSecond: round(a.tokensPerSecond, 1), ratio: round(a.ratio, 2), meanAbsError: round(a.meanAbsError, 4), maxAbsError: round(a.maxAbsError, 4) })),
  };
}

function formatBench(r: BenchResult): string {
  const lines = [
    `model: ${r.model} (vocabulary ${r.vocabSize}), ${r.tokens} tokens, ${r.threads} threads`,
    `plain evaluation:        ${r.plainTokensPerSecond.toFixed(1)} tokens/s`,
    `exact entropy (${r.exactPath}):`.padEnd(25) + `${r.exactTokensPerSecond.toFixed(1)} tokens/s (${r.ratio.toFixed(2)}× the plain time)`,
  ];
  if (r.probabilitiesExact) {
    const m = r.probabilitiesExact;
    lines.push(`exact (probabilities):`.padEnd(25) + `${m.tokensPerSecond.toFixed(1)} tokens/s (${m.ratio.toFixed(2)}×), max |ΔH| vs native ${m.maxAbsDiffNats.toExponential(1)} nats`);
  }
  for (const a of r.approximate) {
    lines.push(`top-${a.k} approximate:`.padEnd(25) + `${a.tokensPerSecond.toFixed(1)} tokens/s (${a.ratio.toFixed(2)}×), |ΔH| mean ${a.meanAbsError.toFixed(4)} max ${a.maxAbsError.toFixed(4)} nats`);
  }
  lines.push(`peak RSS:                ${r.peakRssMB.toFixed(1)} MB`);
  lines.push(`best of ${r.repeats} runs; load average ${r.loadAverage[0].toFixed(2)} → ${r.loadAverage[1].toFixed(2)}`);
  return lines.join('\n') + '\n';
}
