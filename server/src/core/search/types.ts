// Public shapes of the SED architecture search (pure: no vscode, no LSP, no fs). See docs/search.md.
import type { ArchFormat } from '../types';

/** Spaces the search engine covers. NB201 is enumerated exhaustively, DARTS and NB101 by REA. */
export type SearchSpace = 'nb201' | 'darts' | 'nb101';
export const SEARCH_SPACES: readonly SearchSpace[] = ['nb201', 'darts', 'nb101'];

export interface SearchOptions {
  space: SearchSpace;
  /** Number of (isomorphism-distinct) results. Default 10, at most 1000. */
  top?: number;
  /**
   * Evaluated candidates for DARTS / NB101 (REA). Default 100,000; an integer in 1…10,000,000.
   * NB201 is exhaustive (always 15,625); a given budget is still validated there.
   */
  budget?: number;
  /** 32-bit seed of the REA (DARTS / NB101). Default 0. NB201 ignores it (exhaustive, deterministic). */
  seed?: number;
  /** Keep only architectures with at most this many parameters (millions, CIFAR-10 network). */
  maxParams?: number;
  /** Keep only architectures with at most this many FLOPs (millions, CIFAR-10 network). */
  maxFlops?: number;
  /** REA population size P. Default: DARTS 500, NB101 100. */
  population?: number;
  /** REA tournament (sample) size S. Default: DARTS 50, NB101 25. */
  sampleSize?: number;
  /** Most candidates returned for the scatter plot (plus the Pareto points). Default 2,000; 0 disables. */
  candidateCap?: number;
  /** Bins of the SED histogram. Default 24. */
  histogramBins?: number;
  /** Called every `checkEvery` evaluations and once at the end. */
  onProgress?(evaluated: number, budget: number): void;
  /** Polled every `checkEvery` evaluations; true stops the search (result has `cancelled: true`). */
  isCancelled?(): boolean;
  /** Evaluations between progress / cancellation checks. Default 1,000. */
  checkEvery?: number;
  /** Rebuild per-process caches (the NB201 space tables) instead of reusing them: for benchmarks. */
  noCache?: boolean;
}

export interface AsyncSearchOptions extends SearchOptions {
  /**
   * Awaited after about `sliceMillis` of work so that the caller's event loop can run (a language
   * server keeps answering hovers). Default: a `setImmediate` (or `setTimeout(0)`) promise.
   */
  tick?: () => Promise<void>;
  /** Work between ticks in milliseconds. Default 5. */
  sliceMillis?: number;
  /** Millisecond clock. Default `performance.now()`. */
  now?: () => number;
}

export interface SearchResultItem {
  /** Canonical text in the space's own format (parsed back by the project's parsers). */
  arch: string;
  format: ArchFormat;
  /** Network SED in nats (higher is better). */
  sed: number;
  /** Millions of parameters (CIFAR-10 evaluation network). */
  params: number;
  /** Millions of FLOPs (CIFAR-10 evaluation network). */
  flops: number;
}

export interface SearchCandidate {
  sed: number;
  params: number;
  /** Set on the Pareto points only: the canonical text. */
  arch?: string;
}

export interface SedHistogram {
  /** 'space': every architecture of the space (NB201); 'sample': 2,000 seeded uniform draws (DARTS, NB101). */
  of: 'space' | 'sample';
  population: number;
  /** Lower edge of the first bin and upper edge of the last (finite SED values only). */
  min: number;
  max: number;
  binWidth: number;
  counts: number[];
  /** Architectures whose output is disconnected (SED −∞): not in any bin. */
  minusInfinity: number;
}

export type SearchErrorCode = 'invalid-budget' | 'invalid-option' | 'impossible-constraint' | 'no-feasible';

export interface SearchError {
  code: SearchErrorCode;
  message: string;
}

export interface SearchResult {
  space: SearchSpace;
  /** Candidates evaluated (NB201: 15,625 unless cancelled). */
  evaluated: number;
  /** Requested evaluations (NB201: 15,625). */
  budget: number;
  /** Wall time of the search in milliseconds (excluding awaited ticks' idle time is not attempted). */
  millis: number;
  cancelled: boolean;
  seed?: number;
  constraints: { maxParams?: number; maxFlops?: number };
  /** Best first: SED descending, then params ascending; one representative per isomorphism class. */
  results: SearchResultItem[];
  /** A capped, evenly strided sample of the feasible evaluated candidates, Pareto points appended. */
  candidates: SearchCandidate[];
  /** Indices into `candidates` of the SED-vs-params Pareto front (max SED, min params), by params ascending. */
  pareto: number[];
  histogram?: SedHistogram;
  /** Feasible evaluated candidates (within the constraints). */
  feasible: number;
  /** NB201 only: isomorphism classes among the feasible cells. */
  classes?: number;
  /** Set when the search could not run or found nothing; `results` is then empty. */
  error?: SearchError;
}
