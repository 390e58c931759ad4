// The DARTS space for REA: compact genomes, a direct SED scorer equal to `sedValue`, exact costs.
//
// Genome (32 bytes): ops[16] then inputs[16]; entry k = role · 8 + j (role 0 normal, 1 reduce),
// pair j feeds node 2 + ⌊j/2⌋; ops index DARTS_GENOTYPE_OPS (no `none`); the two inputs of a node
// are distinct and stored ascending (a node sums its pairs, so their order carries nothing).
// Every genome concatenates all four intermediate nodes, as DARTS / NAS-Bench-301 cells do.
import type { Architecture } from '../types';
import type { Rng } from '../space/random';
import { dartsArchitecture, DARTS_GENOTYPE_OPS, type DartsGenotype, type DartsPair } from '../space/dartsSpace';
import { opEntropyByName } from '../sed/terms';
import { unitCapacity } from '../sed/gaussian';
import { cellMultiplicity } from '../sed/score';
import { dartsText } from '../parsers/darts';
import { dartsCostTable } from './costTables';
import { TermClasses } from './termClasses';
import type { ReaCodec } from './rea';

export const DARTS_GENOME = 32;
const N_OPS = DARTS_GENOTYPE_OPS.length;
const IN = 16;

const PROJECTION = unitCapacity(1);
const PLAIN = DARTS_GENOTYPE_OPS.map((o) => opEntropyByName(o, false).nats);
const STRIDED = DARTS_GENOTYPE_OPS.map((o) => opEntropyByName(o, true).nats);
const classes = new TermClasses([...PLAIN, ...STRIDED, PROJECTION]);
const PLAIN_CLASS = Int8Array.from(PLAIN, (v) => classes.classOf(v));
const STRIDED_CLASS = Int8Array.from(STRIDED, (v) => classes.classOf(v));
const PROJECTION_CLASS = classes.classOf(PROJECTION);
const TOTAL = cellMultiplicity('darts', 'normal') + cellMultiplicity('darts', 'reduce');
const W_NORMAL = cellMultiplicity('darts', 'normal') / TOTAL;
const W_REDUCE = cellMultiplicity('darts', 'reduce') / TOTAL;

/** Per-cell SED of one half of a genome (role 0 normal, 1 reduce), as `scoreCell`. */
function halfSed(g: Int8Array, off: number, role: number): number {
  classes.reset();
  const counts = classes.counts;
  let used = 0;
  const o = off + role * 8;
  for (let j = 0; j < 8; j++) {
    const op = g[o + j];
    const input = g[o + IN + j];
    if (input < 2) {
      used |= 1 << input;
      counts[role === 1 ? STRIDED_CLASS[op] : PLAIN_CLASS[op]]++;
    } else {
      counts[PLAIN_CLASS[op]]++;
    }
  }
  // ReLU-conv1x1-BN preprocessing of each used cell input.
  counts[PROJECTION_CLASS] += (used & 1) + (used >> 1);
  return classes.sum();
}

/** Network SED of a genome: equals `sedValue(dartsArchitecture(genotype))` exactly. */
export function dartsGenomeSed(g: Int8Array, off = 0): number {
  let sed = 0;
  sed += W_NORMAL * halfSed(g, off, 0);
  sed += W_REDUCE * halfSed(g, off, 1);
  return sed;
}

/** Params and FLOPs (M) of a genome into out[1], out[2]: equal to `costOf` exactly. */
export function dartsGenomeCost(g: Int8Array, off: number, out: Float64Array): void {
  const t = dartsCostTable();
  let p = t.baseParams;
  let f = t.baseFlops;
  for (let k = 0; k < 16; k++) {
    const role = k >> 3;
    const fromInput = g[off + IN + k] < 2 ? 1 : 0;
    const i = (role * 2 + fromInput) * N_OPS + g[off + k];
    p += t.params[i];
    f += t.flops[i];
  }
  out[1] = p / 1e6;
  out[2] = f / 1e6;
}

export function dartsGenomeGenotype(g: Int8Array, off = 0): DartsGenotype {
  const half = (role: number): DartsPair[] =>
    Array.from({ length: 8 }, (_, j) => [DARTS_GENOTYPE_OPS[g[off + role * 8 + j]], g[off + IN + role * 8 + j]] as const);
  return { normal: half(0), normalConcat: [2, 3, 4, 5], reduce: half(1), reduceConcat: [2, 3, 4, 5] };
}

export function dartsGenomeArchitecture(g: Int8Array, off = 0): Architecture {
  return dartsArchitecture(dartsGenomeGenotype(g, off));
}

/** Genome of a genotype with the full concat and no `none` op; undefined otherwise. */
export function dartsGenomeOf(genotype: DartsGenotype): Int8Array | undefined {
  const g = new Int8Array(DARTS_GENOME);
  const full = (c: number[]) => c.length === 4 && [2, 3, 4, 5].every((x) => c.includes(x));
  if (!full(genotype.normalConcat) || !full(genotype.reduceConcat)) return undefined;
  for (const [role, pairs] of [[0, genotype.normal], [1, genotype.reduce]] as const) {
    if (pairs.length !== 8) return undefined;
    for (let j = 0; j < 8; j++) {
      const op = DARTS_GENOTYPE_OPS.indexOf(pairs[j][0]);
      const input = pairs[j][1];
      if (op < 0 || !Number.isInteger(input) || input < 0 || input >= 2 + (j >> 1)) return undefined;
      g[role * 8 + j] = op;
      g[IN + role * 8 + j] = input;
    }
    for (let j = 0; j < 8; j += 2) {
      const a = role * 8 + j;
      if (g[IN + a] === g[IN + a + 1]) return undefined;
      if (g[IN + a] > g[IN + a + 1]) swapPair(g, 0, a);
    }
  }
  return g;
}

function swapPair(g: Int8Array, off: number, a: number): void {
  let t = g[off + a]; g[off + a] = g[off + a + 1]; g[off + a + 1] = t;
  t = g[off + IN + a]; g[off + IN + a] = g[off + IN + a + 1]; g[off + IN + a + 1] = t;
}

/** Permutations of the intermediate nodes 2…5 (as offsets 0…3). */
const PERMS: number[][] = (() => {
  const out: number[][] = [];
  const rec = (prefix: number[]) => {
    if (prefix.length === 4) { out.push(prefix); return; }
    for (let v = 0; v < 4; v++) if (!prefix.includes(v)) rec([...prefix, v]);
  };
  rec([]);
  return out;
})();

/**
 * Canonical code of one half under isomorphism: relabel the intermediate nodes by every
 * permutation that keeps each edge pointing from a lower to a higher node (inputs 0, 1 fixed),
 * sort each node's two pairs by input, and take the smallest 48-bit code.
 */
function halfCanonical(g: Int8Array, off: number, role: number): number {
  let best = Infinity;
  const o = off + role * 8;
  const pairIn = [0, 0];
  const pairOp = [0, 0];
  outer: for (const perm of PERMS) {
    // perm[v] = new offset of old node 2 + v.
    for (let j = 0; j < 8; j++) {
      const input = g[o + IN + j];
      if (input >= 2 && perm[input - 2] >= perm[j >> 1]) continue outer;
    }
    const code = new Array<number>(4);
    for (let v = 0; v < 4; v++) {
      for (let s = 0; s < 2; s++) {
        const input = g[o + IN + 2 * v + s];
        pairIn[s] = input < 2 ? input : 2 + perm[input - 2];
        pairOp[s] = g[o + 2 * v + s];
      }
      const lo = pairIn[0] < pairIn[1] ? 0 : 1;
      code[perm[v]] = ((pairIn[lo] * 8 + pairOp[lo]) * 64) + pairIn[1 - lo] * 8 + pairOp[1 - lo];
    }
    const value = ((code[0] * 4096 + code[1]) * 4096 + code[2]) * 4096 + code[3];
    if (value < best) best = value;
  }
  return best;
}

/** Isomorphism-class key of a genome (normal and reduce halves canonicalised independently). */
export function dartsGenomeKey(g: Int8Array, off = 0): string {
  return `${halfCanonical(g, off, 0)}:${halfCanonical(g, off, 1)}`;
}

let minimum: { params: number; flops: number } | undefined;

/** Exact smallest params / FLOPs of the space: the cost is a sum of independent per-edge terms. */
export function dartsMinimum(): { params: number; flops: number } {
  if (minimum) return minimum;
  const t = dartsCostTable();
  const best = (table: Float64Array, base: number): number => {
    let total = base;
    for (let role = 0; role < 2; role++) {
      const edgeMin = (fromInput: number) => {
        let m = Infinity;
        for (let op = 0; op < N_OPS; op++) m = Math.min(m, table[(role * 2 + fromInput) * N_OPS + op]);
        return m;
      };
      const inMin = edgeMin(1);
      const midMin = edgeMin(0);
      for (let node = 2; node < 6; node++) {
        let m = Infinity;
        for (let i = 0; i < node; i++) {
          for (let j = i + 1; j < node; j++) m = Math.min(m, (i < 2 ? inMin : midMin) + (j < 2 ? inMin : midMin));
        }
        total += m;
      }
    }
    return total / 1e6;
  };
  minimum = { params: best(t.params, t.baseParams), flops: best(t.flops, t.baseFlops) };
  return minimum;
}

function randomGenome(rng: Rng, g: Int8Array, off: number): void {
  for (let role = 0; role < 2; role++) {
    for (let node = 2; node < 6; node++) {
      const a = role * 8 + 2 * (node - 2);
      let i = rng.int(node);
      let j = rng.int(node - 1);
      if (j >= i) j++;
      if (i > j) { const t = i; i = j; j = t; }
      g[off + IN + a] = i;
      g[off + IN + a + 1] = j;
      g[off + a] = rng.int(N_OPS);
      g[off + a + 1] = rng.int(N_OPS);
    }
  }
}

/**
 * Probability of one more edit after each edit of a mutation (edits per child: 1 + geometric,
 * 3⅓ on average). Single edits stall under a params budget (docs/search.md §3.3).
 */
export const DARTS_EXTRA_EDIT = 0.7;
/** REA defaults for DARTS (docs/search.md §3.3). */
export const DARTS_POPULATION = 500;
export const DARTS_SAMPLE_SIZE = 50;

/**
 * One AmoebaNet-style edit: pick the normal or the reduce cell, then with probability ½ change one
 * pair's op to a different op, else change one pair's input to a different earlier node that the
 * node's other pair does not already read (node 2 has no such alternative, so input edits pick
 * among the pairs of nodes 3…5).
 */
function editGenome(rng: Rng, dst: Int8Array, doff: number): void {
  const role = rng.int(2);
  if (rng.int(2) === 0) {
    const k = role * 8 + rng.int(8);
    const op = rng.int(N_OPS - 1);
    dst[doff + k] = op >= dst[doff + k] ? op + 1 : op;
    return;
  }
  const j = 2 + rng.int(6);
  const node = 2 + (j >> 1);
  const k = role * 8 + j;
  const sibling = k ^ 1;
  const own = dst[doff + IN + k];
  const other = dst[doff + IN + sibling];
  // node − 2 alternatives: every earlier node except `own` and `other`.
  let pick = rng.int(node - 2);
  const lo = Math.min(own, other);
  const hi = Math.max(own, other);
  if (pick >= lo) pick++;
  if (pick >= hi) pick++;
  dst[doff + IN + k] = pick;
  const a = k & ~1;
  if (dst[doff + IN + a] > dst[doff + IN + a + 1]) swapPair(dst, doff, a);
}

/**
 * A mutation: one edit, then each further edit with probability DARTS_EXTRA_EDIT (0.7), so that
 * compound moves such as "one op up, another down" (what a params budget needs) are common.
 * Redrawn in the rare case the edits cancel out.
 */
function mutateGenome(rng: Rng, src: Int8Array, so: number, dst: Int8Array, doff: number): void {
  for (;;) {
    for (let i = 0; i < DARTS_GENOME; i++) dst[doff + i] = src[so + i];
    do editGenome(rng, dst, doff); while (rng.next() < DARTS_EXTRA_EDIT);
    for (let i = 0; i < DARTS_GENOME; i++) if (dst[doff + i] !== src[so + i]) return;
  }
}

export const dartsCodec: ReaCodec = {
  space: 'darts',
  name: 'DARTS',
  genomeSize: DARTS_GENOME,
  population: DARTS_POPULATION,
  sampleSize: DARTS_SAMPLE_SIZE,
  random: randomGenome,
  mutate: mutateGenome,
  evaluate(g, off, out) {
    out[0] = dartsGenomeSed(g, off);
    dartsGenomeCost(g, off, out);
  },
  key: dartsGenomeKey,
  text: (g) => dartsText(dartsGenomeArchitecture(g)),
  minimum: dartsMinimum,
};
