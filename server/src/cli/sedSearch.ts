// `entropy-lens sed search --space nb201|darts|nb101 [--top K] [--budget N] [--seed S] [--max-params M] [--max-flops M] [--json]`
// `entropy-lens sed search-bench [--nb201 CSV] [--repeats N] [--rea-repeats N] [--budget N] [--json]`
import { readFile } from 'node:fs/promises';
import { SEARCH_SPACES, searchSync, type SearchResult, type SearchSpace } from '../core/search';
import { formatSearchBench, runSearchBench } from '../core/search/bench';
import { formatFlops, formatParams, spaceName } from '../core/format';
import { parseArgs, UsageError, type CliIo } from './io';

/** A numeric flag: undefined when absent; NaN (left for the search to reject) when not a number. */
function numberFlag(values: Map<string, string>, name: string): number | undefined {
  const v = values.get(name);
  if (v === undefined) return undefined;
  return v.trim() === '' ? NaN : Number(v);
}

/** The JSON record of a search (the fields `sed score` users need, plus the error when there is one). */
export function searchJson(r: SearchResult): object {
  const out: Record<string, unknown> = {
    space: r.space,
    evaluated: r.evaluated,
    millis: Math.round(r.millis * 10) / 10,
    results: r.results.map((x) => ({ arch: x.arch, sed: x.sed, params: x.params, flops: x.flops })),
  };
  if (r.error) out.error = r.error;
  return out;
}

function formatSearch(r: SearchResult): string {
  const lines: string[] = [];
  const how = r.space === 'nb201' ? `exhaustive, ${r.classes ?? 0} isomorphism classes` : `regularised evolution, seed ${r.seed ?? 0}`;
  const constraint = [
    r.constraints.maxParams !== undefined ? `params ≤ ${r.constraints.maxParams} M` : '',
    r.constraints.maxFlops !== undefined ? `FLOPs ≤ ${r.constraints.maxFlops} M` : '',
  ].filter(Boolean).join(', ');
  lines.push(`${spaceName(r.space)}: ${r.evaluated.toLocaleString('en-US')} candidates in ${r.millis.toFixed(0)} ms (${how}${constraint ? `; ${constraint}` : ''})`);
  r.results.forEach((x, i) => {
    lines.push(`${String(i + 1).padStart(3)}. SED ${x.sed.toFixed(3)} · ${formatParams(x.params)} · ${formatFlops(x.flops)}`);
    lines.push(`     ${x.arch}`);
  });
  return lines.join('\n');
}

export async function runSedSearchCli(args: string[], io: CliIo): Promise<number> {
  const { values, flags, positional } = parseArgs(args, ['space', 'top', 'budget', 'seed', 'max-params', 'max-flops'], ['json']);
  if (positional.length > 0) throw new UsageError(`sed search takes no positional arguments (got '${positional[0]}')`);
  const space = values.get('space');
  if (!space) throw new UsageError(`sed search needs --space (${SEARCH_SPACES.join(', ')})`);
  if (!(SEARCH_SPACES as readonly string[]).includes(space)) throw new UsageError(`unknown space '${space}': expected ${SEARCH_SPACES.join(', ')}`);
  const result = searchSync({
    space: space as SearchSpace,
    top: numberFlag(values, 'top'),
    budget: numberFlag(values, 'budget'),
    seed: numberFlag(values, 'seed'),
    maxParams: numberFlag(values, 'max-params'),
    maxFlops: numberFlag(values, 'max-flops'),
  });
  if (result.error) {
    if (result.error.code === 'invalid-budget' || result.error.code === 'invalid-option') throw new UsageError(result.error.message);
    io.stderr(`entropy-lens: ${result.error.message}\n`);
    if (flags.has('json')) io.stdout(JSON.stringify(searchJson(result), null, 2) + '\n');
    return 1;
  }
  io.stdout((flags.has('json') ? JSON.stringify(searchJson(result), null, 2) : formatSearch(result)) + '\n');
  return 0;
}

export async function runSearchBenchCli(args: string[], io: CliIo): Promise<number> {
  const { values, flags, positional } = parseArgs(args, ['nb201', 'repeats', 'rea-repeats', 'budget'], ['json']);
  if (positional.length > 0) throw new UsageError(`sed search-bench takes no positional arguments (got '${positional[0]}')`);
  const int = (name: string, dflt: number, max: number) => {
    const v = values.has(name) ? Number(values.get(name)) : dflt;
    if (!Number.isInteger(v) || v < 1 || v > max) throw new UsageError(`--${name} must be an integer in 1…${max}`);
    return v;
  };
  const repeats = int('repeats', 21, 1000);
  const reaRepeats = int('rea-repeats', 5, 100);
  const budget = int('budget', 100_000, 10_000_000);
  const csvPath = values.get('nb201');
  let nb201Csv: string | undefined;
  if (csvPath !== undefined) {
    try {
      nb201Csv = await readFile(csvPath, 'utf8');
    } catch (e) {
      io.stderr(`${csvPath}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return 1;
    }
  }
  const report = runSearchBench({ nb201Csv, repeats, reaRepeats, budget, now: () => performance.now() });
  io.stdout((flags.has('json') ? JSON.stringify(report, null, 2) : formatSearchBench(report)) + '\n');
  return 0;
}
