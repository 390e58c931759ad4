// The NAS-Bench-101 cell space: a DAG of at most 7 nodes (input, up to 5 interior ops, output)
// given by an upper-triangular 0/1 adjacency matrix with at most 9 edges.
import type { Architecture, Cell, Edge } from '../types';
import { NB101_OPS } from '../ops';
import type { Rng } from './random';

export interface Nb101Spec {
  /** matrix[i][j] = 1 for an edge i → j (i < j). */
  matrix: number[][];
  /** 'input', interior ops from NB101_OPS, 'output'. */
  ops: string[];
}

export const NB101_MAX_NODES = 7;
export const NB101_MAX_EDGES = 9;

export function nb101EdgeCount(spec: Nb101Spec): number {
  let n = 0;
  for (const row of spec.matrix) for (const x of row) if (x) n++;
  return n;
}

/** Nodes on some input→output path (input = 0, output = last). */
function onPath(matrix: number[][]): { fwd: boolean[]; bwd: boolean[] } {
  const n = matrix.length;
  const fwd = new Array<boolean>(n).fill(false);
  const bwd = new Array<boolean>(n).fill(false);
  fwd[0] = true;
  for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) if (matrix[i][j] && fwd[i]) fwd[j] = true;
  bwd[n - 1] = true;
  for (let i = n - 2; i >= 0; i--) for (let j = i + 1; j < n; j++) if (matrix[i][j] && bwd[j]) bwd[i] = true;
  return { fwd, bwd };
}

/** Problems with a spec (empty when valid). */
export function nb101SpecProblems(spec: Nb101Spec): string[] {
  const problems: string[] = [];
  const n = spec.ops.length;
  if (n < 2 || n > NB101_MAX_NODES) problems.push(`a cell has 2..${NB101_MAX_NODES} nodes, found ${n}`);
  if (spec.matrix.length !== n || spec.matrix.some((r) => r.length !== n)) {
    problems.push(`the matrix must be ${n}×${n} to match ${n} ops`);
    return problems;
  }
  if (spec.ops[0] !== 'input') problems.push(`the first op must be 'input', found '${spec.ops[0]}'`);
  if (spec.ops[n - 1] !== 'output') problems.push(`the last op must be 'output', found '${spec.ops[n - 1]}'`);
  for (let v = 1; v < n - 1; v++) {
    if (!(NB101_OPS as readonly string[]).includes(spec.ops[v])) problems.push(`node ${v}: unknown op '${spec.ops[v]}'`);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = spec.matrix[i][j];
      if (x !== 0 && x !== 1) problems.push(`matrix[${i}][${j}] must be 0 or 1`);
      else if (x === 1 && j <= i) problems.push(`matrix[${i}][${j}]: the matrix must be strictly upper triangular`);
    }
  }
  const edges = nb101EdgeCount(spec);
  if (edges > NB101_MAX_EDGES) problems.push(`at most ${NB101_MAX_EDGES} edges allowed, found ${edges}`);
  if (problems.length === 0) {
    const { fwd, bwd } = onPath(spec.matrix);
    if (!fwd[n - 1]) problems.push('the output is not reachable from the input');
    for (let v = 1; v < n - 1; v++) if (!(fwd[v] && bwd[v])) problems.push(`node ${v} is not on an input→output path`);
  }
  return problems;
}

export function isValidNb101(spec: Nb101Spec): boolean {
  return nb101SpecProblems(spec).length === 0;
}

/** Remove interior nodes that are not on an input→output path (as NAS-Bench-101's ModelSpec does). */
export function pruneNb101(spec: Nb101Spec): Nb101Spec {
  const n = spec.ops.length;
  const { fwd, bwd } = onPath(spec.matrix);
  if (!fwd[n - 1]) return { matrix: spec.matrix.map((r) => [...r]), ops: [...spec.ops] };
  const keep: number[] = [];
  for (let v = 0; v < n; v++) if (v === 0 || v === n - 1 || (fwd[v] && bwd[v])) keep.push(v);
  return {
    matrix: keep.map((i) => keep.map((j) => spec.matrix[i][j])),
    ops: keep.map((v) => spec.ops[v]),
  };
}

/** Cell DAG: edges are plain connections, interior nodes sum their inputs then apply their op; the output concatenates. */
export function nb101Cell(spec: Nb101Spec): Cell {
  const n = spec.ops.length;
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (spec.matrix[i][j]) edges.push({ from: i, to: j, op: 'skip_connect' });
  return {
    nodeCount: n, inputs: [0], output: n - 1, edges,
    aggregation: spec.ops.map((_, v) => (v === n - 1 ? 'concat' : 'sum')),
    nodeOps: spec.ops.map((op, v) => (v === 0 || v === n - 1 ? null : op)),
  };
}

export function nb101Architecture(spec: Nb101Spec): Architecture {
  return { space: 'nb101', cells: [{ role: 'cell', cell: nb101Cell(spec) }] };
}

/**
 * A random valid cell, drawn as NAS-Bench-101's random search does: each upper-triangular entry
 * of a 7×7 matrix is 1 with probability ½, interior ops are uniform; the spec is pruned and
 * rejected unless the output is reachable and at most 9 edges remain.
 */
export function randomNb101Spec(rng: Rng): Nb101Spec {
  for (;;) {
    const n = NB101_MAX_NODES;
    const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i && rng.next() < 0.5 ? 1 : 0)));
    const ops = Array.from({ length: n }, (_, v) => (v === 0 ? 'input' : v === n - 1 ? 'output' : rng.pick(NB101_OPS)));
    const pruned = pruneNb101({ matrix, ops });
    if (isValidNb101(pruned)) return pruned;
  }
}
