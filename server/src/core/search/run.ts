// A search is a resumable `SearchRun`: `step(n)` evaluates up to n more candidates, `finish`
// assembles the result. The drivers below run it to completion synchronously, or in ~5 ms slices
// with an awaited tick in between (so a language server keeps answering requests mid-search).
import type { ResolvedOptions } from './common';
import { defaultNow, defaultTick } from './common';
import type { AsyncSearchOptions, SearchOptions, SearchResult } from './types';

export interface SearchRun {
  readonly budget: number;
  readonly evaluated: number;
  readonly done: boolean;
  /** Evaluate up to `n` more candidates (fewer when the budget runs out). */
  step(n: number): void;
  /** The result so far (`millis` is left 0 for the caller); `cancelled` when stopped early. */
  finish(cancelled: boolean): SearchResult;
}

const ASYNC_CHUNK = 256;

/** Run to completion on the current stack, polling cancellation / progress every `checkEvery`. */
export function driveSync(run: SearchRun, opts: SearchOptions, r: ResolvedOptions): SearchResult {
  let cancelled = false;
  while (!run.done) {
    if (opts.isCancelled?.()) { cancelled = true; break; }
    run.step(r.checkEvery);
    opts.onProgress?.(run.evaluated, run.budget);
  }
  return run.finish(cancelled);
}

/**
 * Run in slices of about `sliceMillis` (default 5 ms) of work, awaiting `tick` between slices.
 * Cancellation and progress are polled every `checkEvery` evaluations.
 */
export async function driveAsync(run: SearchRun, opts: AsyncSearchOptions, r: ResolvedOptions): Promise<SearchResult> {
  const now = opts.now ?? defaultNow;
  const tick = opts.tick ?? defaultTick;
  const slice = opts.sliceMillis ?? 5;
  // The clock is read every `chunk` evaluations so that a slice overshoots by well under a millisecond.
  const chunk = Math.min(r.checkEvery, ASYNC_CHUNK);
  let cancelled = false;
  let nextCheck = 0;
  outer: while (!run.done) {
    const sliceStart = now();
    do {
      if (run.evaluated >= nextCheck) {
        if (opts.isCancelled?.()) { cancelled = true; break outer; }
        nextCheck = run.evaluated + r.checkEvery;
      }
      run.step(Math.min(chunk, nextCheck - run.evaluated));
      if (run.evaluated >= nextCheck || run.done) opts.onProgress?.(run.evaluated, run.budget);
    } while (!run.done && now() - sliceStart < slice);
    if (!run.done) {
      await tick();
      if (opts.isCancelled?.()) { cancelled = true; break; }
    }
  }
  return run.finish(cancelled);
}
