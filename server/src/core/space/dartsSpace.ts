// The DARTS / NAS-Bench-301 cell space. A genotype lists, for each of the 4 intermediate nodes
// (2..5), two (op, input) pairs; inputs 0 and 1 are the outputs of cells k−2 and k−1. The cell
// output (node 6) concatenates the nodes listed in *_concat.
import type { Architecture, Cell, Edge } from '../types';
import { DARTS_OPS } from '../ops';
import type { Rng } from './random';

export type DartsPair = readonly [op: string, input: number];

export interface DartsGenotype {
  normal: DartsPair[];
  normalConcat: number[];
  reduce: DartsPair[];
  reduceConcat: number[];
}

/** Ops a genotype may use: every DARTS op except `none`. */
export const DARTS_GENOTYPE_OPS: readonly string[] = DARTS_OPS.filter((o) => o !== 'none');
export const DARTS_INTERMEDIATE = 4;

/** DARTS (second order) from Liu et al. 2019, quark0/darts cnn/genotypes.py `DARTS_V2`. */
export const DARTS_V2: DartsGenotype = {
  normal: [
    ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 0], ['dil_conv_3x3', 2],
  ],
  normalConcat: [2, 3, 4, 5],
  reduce: [
    ['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 1],
    ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['max_pool_3x3', 1],
  ],
  reduceConcat: [2, 3, 4, 5],
};

/** Cell DAG of one half of a genotype: nodes 0,1 inputs, 2..5 intermediate (sum), 6 output (concat). */
export function dartsCell(pairs: readonly DartsPair[], concat: readonly number[]): Cell {
  const steps = Math.floor(pairs.length / 2);
  const output = steps + 2;
  const edges: Edge[] = pairs.map(([op, input], j) => ({ from: input, to: 2 + Math.floor(j / 2), op }));
  for (const c of concat) edges.push({ from: c, to: output, op: 'skip_connect' });
  const aggregation: Cell['aggregation'] = [];
  for (let v = 0; v <= output; v++) aggregation.push(v === output ? 'concat' : 'sum');
  return { nodeCount: output + 1, inputs: [0, 1], output, edges, aggregation, nodeOps: new Array(output + 1).fill(null) };
}

export function dartsArchitecture(g: DartsGenotype): Architecture {
  return {
    space: 'darts',
    cells: [
      { role: 'normal', cell: dartsCell(g.normal, g.normalConcat) },
      { role: 'reduce', cell: dartsCell(g.reduce, g.reduceConcat) },
    ],
  };
}

/** Problems with a genotype (empty when valid). */
export function dartsGenotypeProblems(g: DartsGenotype): string[] {
  const problems: string[] = [];
  const half = (name: string, pairs: readonly DartsPair[], concat: readonly number[]) => {
    if (pairs.length !== 2 * DARTS_INTERMEDIATE) problems.push(`${name}: expected ${2 * DARTS_INTERMEDIATE} (op, input) pairs, found ${pairs.length}`);
    pairs.forEach(([op, input], j) => {
      const node = 2 + Math.floor(j / 2);
      if (!DARTS_GENOTYPE_OPS.includes(op)) problems.push(`${name}[${j}]: unknown op '${op}'`);
      if (!Number.isInteger(input) || input < 0 || input >= node) problems.push(`${name}[${j}]: node ${node} cannot read input ${input}`);
    });
    for (let j = 0; j + 1 < pairs.length; j += 2) {
      if (pairs[j][1] === pairs[j + 1][1]) problems.push(`${name}: node ${2 + j / 2} reads input ${pairs[j][1]} twice`);
    }
    if (concat.length === 0 || concat.some((c) => !Number.isInteger(c) || c < 2 || c > DARTS_INTERMEDIATE + 1)) {
      problems.push(`${name}: concat must list intermediate nodes 2..${DARTS_INTERMEDIATE + 1}`);
    }
  };
  half('normal', g.normal, g.normalConcat);
  half('reduce', g.reduce, g.reduceConcat);
  return problems;
}

function randomHalf(rng: Rng): DartsPair[] {
  const pairs: DartsPair[] = [];
  for (let node = 2; node < 2 + DARTS_INTERMEDIATE; node++) {
    const [i, j] = rng.sample(node, 2).sort((x, y) => x - y);
    pairs.push([rng.pick(DARTS_GENOTYPE_OPS), i], [rng.pick(DARTS_GENOTYPE_OPS), j]);
  }
  return pairs;
}

/**
 * A random genotype as in DARTS / NAS-Bench-301 random search: each intermediate node reads two
 * distinct earlier nodes, each through a uniformly drawn non-`none` op; all intermediates are
 * concatenated.
 */
export function randomDartsGenotype(rng: Rng): DartsGenotype {
  const concat = Array.from({ length: DARTS_INTERMEDIATE }, (_, i) => i + 2);
  return { normal: randomHalf(rng), normalConcat: [...concat], reduce: randomHalf(rng), reduceConcat: [...concat] };
}

/** Python-style genotype text, e.g. `Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=[2, 3, 4, 5], ...)`. */
export function dartsGenotypeText(g: DartsGenotype): string {
  const pairs = (p: readonly DartsPair[]) => `[${p.map(([op, i]) => `('${op}', ${i})`).join(', ')}]`;
  return `Genotype(normal=${pairs(g.normal)}, normal_concat=[${g.normalConcat.join(', ')}], reduce=${pairs(g.reduce)}, reduce_concat=[${g.reduceConcat.join(', ')}])`;
}
