// SED architecture search (pure). See docs/search.md.
//   searchSync(opts)          run to completion on the current stack
//   search(opts)              async: ~5 ms slices with an awaited tick in between
//   createSearch(opts)        the resumable run itself (step / finish), for custom drivers
//   bestNeighbours(arch, k)   single-edit neighbours ranked by SED gain
//   formatArchitecture(arch, format)
import { isSearchError, resolveOptions, defaultNow, type ResolvedOptions } from './common';
import { nb201Run } from './nb201';
import { reaRun, impossibleConstraint, type ReaCodec } from './rea';
import { dartsCodec } from './darts';
import { nb101Codec } from './nb101';
import { driveAsync, driveSync, type SearchRun } from './run';
import { SEARCH_SPACES, type AsyncSearchOptions, type SearchError, type SearchOptions, type SearchResult } from './types';

export * from './types';
export type { SearchRun } from './run';
export { bestNeighbours, GENERIC_NEIGHBOUR_OPS, type Neighbour, type NeighbourEdit } from './neighbours';
export { formatArchitecture, defaultFormat } from './format';
export { nb201CanonicalIndex, nb201Pruned } from './nb201';
export { DEFAULT_BUDGET, DEFAULT_TOP, MAX_BUDGET, DEFAULT_POPULATION, DEFAULT_SAMPLE_SIZE } from './common';

const CODECS: Record<'darts' | 'nb101', ReaCodec> = { darts: dartsCodec, nb101: nb101Codec };

/** A result carrying only an error (nothing evaluated). */
function errorResult(opts: SearchOptions, error: SearchError, r?: ResolvedOptions): SearchResult {
  return {
    space: opts.space, evaluated: 0, budget: r?.budget ?? (typeof opts.budget === 'number' ? opts.budget : 0), millis: 0,
    cancelled: false, constraints: {}, results: [], candidates: [], pareto: [], feasible: 0, error,
  };
}

/**
 * The resumable run of a search, or an error result (invalid options, impossible constraint).
 * Never throws for bad input.
 */
export function createSearch(opts: SearchOptions): { run: SearchRun; options: ResolvedOptions } | { error: SearchResult } {
  if (!(SEARCH_SPACES as readonly string[]).includes(opts.space)) {
    return { error: errorResult(opts, { code: 'invalid-option', message: `unknown search space '${String(opts.space)}': expected ${SEARCH_SPACES.join(', ')}` }) };
  }
  const codec = opts.space === 'nb201' ? undefined : CODECS[opts.space];
  const r = resolveOptions(opts, codec);
  if (isSearchError(r)) return { error: errorResult(opts, r) };
  if (!codec) return { run: nb201Run(r, opts.noCache === true), options: r };
  const impossible = impossibleConstraint(codec, r);
  if (impossible) return { error: errorResult(opts, { code: 'impossible-constraint', message: impossible }, r) };
  return { run: reaRun(codec, r), options: r };
}

/** Run a search to completion synchronously (progress / cancellation polled every `checkEvery`). */
export function searchSync(opts: SearchOptions): SearchResult {
  const t0 = defaultNow();
  const made = createSearch(opts);
  if ('error' in made) return made.error;
  const result = driveSync(made.run, opts, made.options);
  result.millis = defaultNow() - t0;
  return result;
}

/**
 * Run a search, yielding to the event loop (`await tick()`) after about every `sliceMillis` (5 ms)
 * of work. A cancelled search resolves with `cancelled: true` and the best found so far.
 */
export async function search(opts: AsyncSearchOptions): Promise<SearchResult> {
  const now = opts.now ?? defaultNow;
  const t0 = now();
  const made = createSearch(opts);
  if ('error' in made) return made.error;
  const result = await driveAsync(made.run, opts, made.options);
  result.millis = now() - t0;
  return result;
}
