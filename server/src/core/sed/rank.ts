// Where a SED score stands within its search space.
//  - NAS-Bench-201: exact, against all 15,625 cells (scored once, lazily, then cached).
//  - DARTS and NAS-Bench-101: against a fixed seeded sample of random valid architectures.
import type { Architecture } from '../types';
import { scoreNb201Codes, sedValue } from './score';
import { NB201_SPACE_SIZE, nb201CodesAt } from '../space/nb201Space';
import { dartsArchitecture, randomDartsGenotype } from '../space/dartsSpace';
import { nb101Architecture, randomNb101Spec } from '../space/nb101Space';
import { createRng } from '../space/random';

export interface SpaceRank {
  space: string;
  /** Share of the reference population scoring at least as high, in percent (smaller is better). */
  topPercent: number;
  /** true: exact over the whole space; false: estimated against a seeded sample. */
  exact: boolean;
  /** Size of the reference population. */
  population: number;
}

export const RANK_SAMPLE_SIZE = 2000;
/** Seed of the reference samples (the date of arXiv 2411.06236v1, 2024-11-09). */
export const RANK_SEED = 20241109;

/** Sorted ascending reference scores per space, built on first use. */
const populations = new Map<string, Float64Array>();

function sortedScores(values: Float64Array): Float64Array {
  return values.sort(); // typed-array sort is numeric; −Infinity sorts first
}

/** The population of a space, computed on first use and kept for the process. */
function population(space: string, compute: () => Float64Array): Float64Array {
  let pop = populations.get(space);
  if (!pop) {
    pop = sortedScores(compute());
    populations.set(space, pop);
  }
  return pop;
}

/** All 15,625 NAS-Bench-201 SED values, ascending. */
export function nb201Population(): Float64Array {
  return population('nb201', () => {
    const scores = new Float64Array(NB201_SPACE_SIZE);
    const codes = new Int8Array(6);
    for (let i = 0; i < NB201_SPACE_SIZE; i++) scores[i] = scoreNb201Codes(nb201CodesAt(i, codes));
    return scores;
  });
}

/** SED values of RANK_SAMPLE_SIZE random DARTS genotypes (seed RANK_SEED), ascending. */
export function dartsPopulation(): Float64Array {
  return population('darts', () => {
    const rng = createRng(RANK_SEED);
    return Float64Array.from({ length: RANK_SAMPLE_SIZE }, () => sedValue(dartsArchitecture(randomDartsGenotype(rng))));
  });
}

/** SED values of RANK_SAMPLE_SIZE random valid NAS-Bench-101 cells (seed RANK_SEED), ascending. */
export function nb101Population(): Float64Array {
  return population('nb101', () => {
    const rng = createRng(RANK_SEED);
    return Float64Array.from({ length: RANK_SAMPLE_SIZE }, () => sedValue(nb101Architecture(randomNb101Spec(rng))));
  });
}

/** First index whose value is > x (values ascending). */
function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] > x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** First index whose value is ≥ x. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] >= x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/**
 * Percent of `population` scoring ≥ `sed`, counting the architecture itself once.
 * `member`: the architecture is already part of the population (exact NB201 enumeration).
 */
export function topPercentIn(population: Float64Array, sed: number, member: boolean): number {
  const n = population.length;
  const atLeast = n - lowerBound(population, sed);
  if (member) return (100 * Math.max(1, atLeast)) / n;
  return (100 * (atLeast + 1)) / (n + 1);
}

/** Count of population members strictly above and equal to `sed` (for tests and reports). */
export function countAround(population: Float64Array, sed: number): { above: number; equal: number } {
  const up = upperBound(population, sed);
  return { above: population.length - up, equal: up - lowerBound(population, sed) };
}

/** Rank of `sed` (the SED of `arch`) within the architecture's space; undefined for generic cells. */
export function rankInSpace(arch: Architecture, sed: number): SpaceRank | undefined {
  if (Number.isNaN(sed)) return undefined;
  switch (arch.space) {
    case 'nb201': {
      const pop = nb201Population();
      return { space: 'nb201', topPercent: topPercentIn(pop, sed, true), exact: true, population: pop.length };
    }
    case 'darts': {
      const pop = dartsPopulation();
      return { space: 'darts', topPercent: topPercentIn(pop, sed, false), exact: false, population: pop.length };
    }
    case 'nb101': {
      const pop = nb101Population();
      return { space: 'nb101', topPercent: topPercentIn(pop, sed, false), exact: false, population: pop.length };
    }
    default:
      return undefined;
  }
}
