// Pieces shared by the exhaustive (NB201) and evolutionary (DARTS, NB101) searches: option
// validation, the ranking order, the best-K list with isomorphism dedup, the Pareto front, the
// candidate sample for the scatter plot and the SED histogram.
import type { SearchCandidate, SearchError, SearchOptions, SedHistogram } from './types';

export const DEFAULT_TOP = 10;
export const MAX_TOP = 1000;
export const DEFAULT_BUDGET = 100_000;
export const MAX_BUDGET = 10_000_000;
export const DEFAULT_POPULATION = 100;
export const DEFAULT_SAMPLE_SIZE = 25;
export const DEFAULT_CANDIDATE_CAP = 2000;
export const DEFAULT_HISTOGRAM_BINS = 24;
export const DEFAULT_CHECK_EVERY = 1000;

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  top: number;
  budget: number;
  budgetGiven: boolean;
  seed: number;
  maxParams: number;
  maxFlops: number;
  population: number;
  sampleSize: number;
  candidateCap: number;
  histogramBins: number;
  checkEvery: number;
}

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

/** Validate the options; a `SearchError` (never an exception) when something is wrong. */
export function resolveOptions(
  opts: SearchOptions,
  defaults: { population: number; sampleSize: number } = { population: DEFAULT_POPULATION, sampleSize: DEFAULT_SAMPLE_SIZE },
): ResolvedOptions | SearchError {
  const bad = (message: string): SearchError => ({ code: 'invalid-option', message });
  const budgetGiven = opts.budget !== undefined;
  const budget = opts.budget ?? DEFAULT_BUDGET;
  if (!isInt(budget) || budget < 1 || budget > MAX_BUDGET) {
    return { code: 'invalid-budget', message: `the budget must be an integer number of evaluated candidates in 1…${MAX_BUDGET.toLocaleString('en-US')}; got ${String(opts.budget)}` };
  }
  const top = opts.top ?? DEFAULT_TOP;
  if (!isInt(top) || top < 1 || top > MAX_TOP) return bad(`top must be an integer in 1…${MAX_TOP}; got ${String(opts.top)}`);
  const seed = opts.seed ?? 0;
  if (!isInt(seed) || Math.abs(seed) > 2 ** 53) return bad(`the seed must be an integer; got ${String(opts.seed)}`);
  for (const [name, v] of [['maxParams', opts.maxParams], ['maxFlops', opts.maxFlops]] as const) {
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) return bad(`${name} must be a number of millions; got ${String(v)}`);
  }
  const population = opts.population ?? defaults.population;
  if (!isInt(population) || population < 2 || population > 100_000) return bad(`the population must be an integer in 2…100,000; got ${String(opts.population)}`);
  const sampleSize = opts.sampleSize ?? Math.min(defaults.sampleSize, population);
  if (!isInt(sampleSize) || sampleSize < 1 || sampleSize > population) return bad(`the sample size must be an integer in 1…${population} (the population); got ${String(opts.sampleSize)}`);
  const candidateCap = opts.candidateCap ?? DEFAULT_CANDIDATE_CAP;
  if (!isInt(candidateCap) || candidateCap < 0 || candidateCap > 1_000_000) return bad(`candidateCap must be an integer in 0…1,000,000; got ${String(opts.candidateCap)}`);
  const histogramBins = opts.histogramBins ?? DEFAULT_HISTOGRAM_BINS;
  if (!isInt(histogramBins) || histogramBins < 1 || histogramBins > 1000) return bad(`histogramBins must be an integer in 1…1000; got ${String(opts.histogramBins)}`);
  const checkEvery = opts.checkEvery ?? DEFAULT_CHECK_EVERY;
  if (!isInt(checkEvery) || checkEvery < 1) return bad(`checkEvery must be a positive integer; got ${String(opts.checkEvery)}`);
  return {
    top, budget, budgetGiven, seed: seed >>> 0,
    maxParams: opts.maxParams ?? Infinity, maxFlops: opts.maxFlops ?? Infinity,
    population, sampleSize, candidateCap, histogramBins, checkEvery,
  };
}

export function isSearchError(x: unknown): x is SearchError {
  return typeof x === 'object' && x !== null && 'code' in x && 'message' in x && !('top' in x);
}

/** The ranking order: SED descending, then params ascending. */
export function better(sedA: number, paramsA: number, sedB: number, paramsB: number): boolean {
  return sedA > sedB || (sedA === sedB && paramsA < paramsB);
}

export interface Ranked<T> {
  sed: number;
  params: number;
  flops: number;
  key: string | number;
  payload: T;
}

/**
 * The best `cap` entries, one per isomorphism class (`key`), each class represented by its best
 * member seen so far. Ties keep the earlier entry, so results are deterministic.
 */
export class TopList<T> {
  readonly items: Ranked<T>[] = [];

  constructor(readonly cap: number) {}

  /** Cheap pre-check (no key needed): could an entry with this score enter the list? */
  admits(sed: number, params: number): boolean {
    if (this.items.length < this.cap) return true;
    const w = this.items[this.items.length - 1];
    return better(sed, params, w.sed, w.params);
  }

  /** Offer an entry; `key` and `payload` are computed only when the entry may enter. */
  offer(sed: number, params: number, flops: number, key: () => string | number, payload: () => T): void {
    if (!this.admits(sed, params)) return;
    const k = key();
    const items = this.items;
    const same = items.findIndex((e) => e.key === k);
    if (same >= 0) {
      if (!better(sed, params, items[same].sed, items[same].params)) return;
      items.splice(same, 1);
    }
    let pos = items.length;
    while (pos > 0 && better(sed, params, items[pos - 1].sed, items[pos - 1].params)) pos--;
    items.splice(pos, 0, { sed, params, flops, key: k, payload: payload() });
    if (items.length > this.cap) items.pop();
  }
}

/** The SED-vs-params Pareto front (maximise SED, minimise params), kept sorted by params ascending. */
export class ParetoFront<T> {
  readonly params: number[] = [];
  readonly sed: number[] = [];
  readonly payload: T[] = [];

  /** Would (sed, params) enter the front? Equal points do not (the first one stays). */
  admits(sed: number, params: number): boolean {
    if (!(sed > -Infinity) || Number.isNaN(params)) return false;
    const j = this.upperBound(params) - 1;
    return !(j >= 0 && this.sed[j] >= sed);
  }

  offer(sed: number, params: number, payload: () => T): void {
    if (!this.admits(sed, params)) return;
    let pos = this.upperBound(params);
    if (pos > 0 && this.params[pos - 1] === params) {
      // Same params, lower SED: replaced by the new point.
      pos--;
      this.params.splice(pos, 1);
      this.sed.splice(pos, 1);
      this.payload.splice(pos, 1);
    }
    let end = pos;
    while (end < this.params.length && this.sed[end] <= sed) end++;
    this.params.splice(pos, end - pos, params);
    this.sed.splice(pos, end - pos, sed);
    this.payload.splice(pos, end - pos, payload());
  }

  get size(): number {
    return this.params.length;
  }

  private upperBound(params: number): number {
    let lo = 0;
    let hi = this.params.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.params[mid] > params) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
}

/** Keeps every `stride`-th feasible candidate, at most `cap`. */
export class CandidateSample {
  readonly sed: number[] = [];
  readonly params: number[] = [];
  private seen = 0;
  private readonly stride: number;

  constructor(private readonly cap: number, expected: number) {
    this.stride = cap > 0 ? Math.max(1, Math.ceil(expected / cap)) : Infinity;
  }

  add(sed: number, params: number): void {
    if (this.seen++ % this.stride !== 0 || this.sed.length >= this.cap) return;
    this.sed.push(sed);
    this.params.push(params);
  }

  /** The sample with the Pareto points appended; `pareto` indexes into `candidates`. */
  finish<T>(front: ParetoFront<T>, text: (payload: T) => string): { candidates: SearchCandidate[]; pareto: number[] } {
    const candidates: SearchCandidate[] = this.sed.map((sed, i) => ({ sed, params: this.params[i] }));
    const pareto: number[] = [];
    for (let i = 0; i < front.size; i++) {
      pareto.push(candidates.length);
      candidates.push({ sed: front.sed[i], params: front.params[i], arch: text(front.payload[i]) });
    }
    return { candidates, pareto };
  }
}

/** Equal-width histogram of the finite values; −∞ values are counted apart. */
export function sedHistogram(values: ArrayLike<number>, bins: number, of: SedHistogram['of']): SedHistogram {
  let min = Infinity;
  let max = -Infinity;
  let minusInfinity = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === -Infinity) { minusInfinity++; continue; }
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min > max) return { of, population: values.length, min: 0, max: 0, binWidth: 0, counts, minusInfinity };
  const width = max > min ? (max - min) / bins : 1;
  if (max === min) max = min + width * bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  return { of, population: values.length, min, max, binWidth: width, counts, minusInfinity };
}

/** Round to 6 significant decimals for display (the raw values stay exact in the result). */
export function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(6)) : x;
}

export function defaultNow(): number {
  return performance.now();
}

/** Yield to the event loop (macrotask), so pending I/O such as LSP requests can run. */
export function defaultTick(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}
