// Regularised (aging) evolution, Real et al. 2019 (docs/search.md §3):
//   fill a population of P random valid candidates; then, until the budget is spent:
//   sample S members uniformly (with replacement), mutate the fittest of the sample into a child
//   (fitness: less constraint violation, then higher SED, then fewer params),
//   evaluate it, add it and remove the *oldest* member (not the worst).
// Genomes are small Int8Array slices of one flat buffer; the space codec scores them directly
// (no Architecture objects, no strings) and only builds text for the final results.
import type { Rng } from '../space/random';
import { createRng } from '../space/random';
import { CandidateSample, ParetoFront, TopList, sedHistogram, type ResolvedOptions } from './common';
import { RANK_SAMPLE_SIZE, RANK_SEED } from '../sed/rank';
import { constraintsOf, describeConstraints } from './nb201';
import type { SearchRun } from './run';
import type { SearchResult, SearchSpace } from './types';

/** What the REA needs from a search space. */
export interface ReaCodec {
  space: SearchSpace;
  /** Human name for messages. */
  name: string;
  genomeSize: number;
  /** Default population P and tournament size S. */
  population: number;
  sampleSize: number;
  /** Write a uniformly drawn valid genome at `g[off…]`. */
  random(rng: Rng, g: Int8Array, off: number): void;
  /** Write a valid mutant of `src[so…]` (different from it) at `dst[doff…]`. */
  mutate(rng: Rng, src: Int8Array, so: number, dst: Int8Array, doff: number): void;
  /** Score `g[off…]`: writes [sed, params (M), flops (M)] into `out`. */
  evaluate(g: Int8Array, off: number, out: Float64Array): void;
  /** Key of the isomorphism class (equal keys = same network). */
  key(g: Int8Array, off: number): string | number;
  /** Canonical text of a genome (parsed back by the space's parser). */
  text(g: Int8Array): string;
  /** Exact smallest params and FLOPs (M) over the space, for the impossible-constraint check. */
  minimum(): { params: number; flops: number };
}

export function reaRun(codec: ReaCodec, r: ResolvedOptions): SearchRun {
  const G = codec.genomeSize;
  const P = Math.min(r.population, r.budget);
  const S = Math.min(r.sampleSize, P);
  const budget = r.budget;
  const rng = createRng(r.seed);
  const pop = new Int8Array(P * G);
  const popSed = new Float64Array(P);
  const popParams = new Float64Array(P);
  const popViol = new Float64Array(P);
  const child = new Int8Array(G);
  const score = new Float64Array(3);
  const top = new TopList<Int8Array>(r.top);
  const front = new ParetoFront<Int8Array>();
  const sample = new CandidateSample(r.candidateCap, budget);
  const hasMaxP = r.maxParams !== Infinity;
  const hasMaxF = r.maxFlops !== Infinity;
  let evaluated = 0;
  let feasible = 0;
  let oldest = 0;

  /** Relative constraint violation (0 = feasible). */
  const violation = (params: number, flops: number): number => {
    let v = 0;
    if (hasMaxP && params > r.maxParams) v += (params - r.maxParams) / Math.max(r.maxParams, 1e-9);
    if (hasMaxF && flops > r.maxFlops) v += (flops - r.maxFlops) / Math.max(r.maxFlops, 1e-9);
    return v;
  };

  /** Evaluate `g[off…]`, record it, and store its fitness in population slot `slot`. */
  const record = (g: Int8Array, off: number, slot: number): void => {
    codec.evaluate(g, off, score);
    const sed = score[0], params = score[1], flops = score[2];
    const viol = violation(params, flops);
    popSed[slot] = sed;
    popParams[slot] = params;
    popViol[slot] = viol;
    evaluated++;
    if (viol !== 0) return;
    feasible++;
    sample.add(sed, params);
    if (front.admits(sed, params)) front.offer(sed, params, () => g.slice(off, off + G));
    if (top.admits(sed, params)) top.offer(sed, params, flops, () => codec.key(g, off), () => g.slice(off, off + G));
  };

  const run: SearchRun = {
    budget,
    get evaluated() { return evaluated; },
    get done() { return evaluated >= budget; },
    step(n: number) {
      const end = Math.min(budget, evaluated + n);
      while (evaluated < end) {
        if (evaluated < P) {
          const slot = evaluated;
          codec.random(rng, pop, slot * G);
          record(pop, slot * G, slot);
          continue;
        }
        // Tournament: the fittest of S uniform draws (with replacement). Inlined `fitter`, and
        // Math.floor(next() · P), which is what rng.int(P) computes, without its argument checks.
        let best = Math.floor(rng.next() * P);
        let bv = popViol[best], bs = popSed[best], bp = popParams[best];
        for (let s = 1; s < S; s++) {
          const c = Math.floor(rng.next() * P);
          const cv = popViol[c], cs = popSed[c];
          if (cv < bv || (cv === bv && (cs > bs || (cs === bs && popParams[c] < bp)))) {
            best = c; bv = cv; bs = cs; bp = popParams[c];
          }
        }
        codec.mutate(rng, pop, best * G, child, 0);
        // The child replaces the oldest member (aging).
        const slot = oldest;
        oldest = oldest + 1 === P ? 0 : oldest + 1;
        pop.set(child, slot * G);
        record(pop, slot * G, slot);
      }
    },
    finish(cancelled: boolean): SearchResult {
      const base: SearchResult = {
        space: codec.space, evaluated, budget, millis: 0, cancelled, seed: r.seed,
        constraints: constraintsOf(r), results: [], candidates: [], pareto: [], feasible,
      };
      base.histogram = sedHistogram(referenceSample(codec), r.histogramBins, 'sample');
      if (feasible === 0 && !cancelled) {
        base.error = {
          code: 'no-feasible',
          message: `no ${codec.name} architecture satisfying ${describeConstraints(r)} was found in ${evaluated.toLocaleString('en-US')} evaluated candidates; raise the budget or relax the constraint`,
        };
        return base;
      }
      base.results = top.items.map((e) => ({ arch: codec.text(e.payload), format: codec.space, sed: e.sed, params: e.params, flops: e.flops }));
      const { candidates, pareto } = sample.finish(front, (g) => codec.text(g));
      base.candidates = candidates;
      base.pareto = pareto;
      return base;
    },
  };
  return run;
}

/** Impossible-constraint check against the space's exact minima; undefined when satisfiable. */
export function impossibleConstraint(codec: ReaCodec, r: ResolvedOptions): string | undefined {
  if (r.maxParams === Infinity && r.maxFlops === Infinity) return undefined;
  const min = codec.minimum();
  const tooSmall: string[] = [];
  if (r.maxParams < min.params) tooSmall.push(`the smallest ${codec.name} network has ${min.params.toFixed(4)} M params`);
  if (r.maxFlops < min.flops) tooSmall.push(`the cheapest has ${min.flops.toFixed(2)} M FLOPs`);
  if (tooSmall.length === 0) return undefined;
  return `no ${codec.name} architecture satisfies ${describeConstraints(r)}: ${tooSmall.join(' and ')}`;
}

const samples = new Map<SearchSpace, Float64Array>();

/**
 * SED of RANK_SAMPLE_SIZE uniformly drawn valid candidates (seed RANK_SEED, the size and seed of
 * the hover's space rank), scored by the codec: a few milliseconds, cached per space.
 */
export function referenceSample(codec: ReaCodec): Float64Array {
  let s = samples.get(codec.space);
  if (!s) {
    const rng = createRng(RANK_SEED);
    const g = new Int8Array(codec.genomeSize);
    const out = new Float64Array(3);
    s = new Float64Array(RANK_SAMPLE_SIZE);
    for (let i = 0; i < RANK_SAMPLE_SIZE; i++) {
      codec.random(rng, g, 0);
      codec.evaluate(g, 0, out);
      s[i] = out[0];
    }
    samples.set(codec.space, s);
  }
  return s;
}
