// The NAS-Bench-201 / NATS-Bench TSS cell space: 5 ops on each of the 6 edges of a 4-node cell.
import type { Architecture, Cell, Edge } from '../types';
import { NB201_OPS } from '../ops';
import type { Rng } from './random';

/** Edge order of an op-code vector: (0→1, 0→2, 1→2, 0→3, 1→3, 2→3), i.e. by destination then source. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]];
export const NB201_SPACE_SIZE = 15625; // 5^6

/** Cell of an op-code vector (indices into NB201_OPS). `none` edges are kept, as the parser does. */
export function nb201Cell(codes: ArrayLike<number>): Cell {
  const edges: Edge[] = NB201_EDGES.map(([from, to], k) => ({ from, to, op: NB201_OPS[codes[k]] }));
  return {
    nodeCount: 4, inputs: [0], output: 3, edges,
    aggregation: ['sum', 'sum', 'sum', 'sum'], nodeOps: [null, null, null, null],
  };
}

export function nb201Architecture(codes: ArrayLike<number>): Architecture {
  return { space: 'nb201', cells: [{ role: 'cell', cell: nb201Cell(codes) }] };
}

/** Op codes of a 4-node cell (edges absent from the cell count as `none`). */
export function nb201Codes(cell: Cell): Int8Array {
  const codes = new Int8Array(6);
  for (const e of cell.edges) {
    const k = NB201_EDGES.findIndex(([f, t]) => f === e.from && t === e.to);
    const idx = (NB201_OPS as readonly string[]).indexOf(e.op);
    if (k >= 0 && idx >= 0) codes[k] = idx;
  }
  return codes;
}

/** The op codes of the i-th cell in base-5 order (edge 0→1 is the most significant digit). */
export function nb201CodesAt(index: number, out = new Int8Array(6)): Int8Array {
  if (!Number.isInteger(index) || index < 0 || index >= NB201_SPACE_SIZE) throw new Error(`NB201 index out of range: ${index}`);
  let r = index;
  for (let k = 5; k >= 0; k--) { out[k] = r % 5; r = Math.floor(r / 5); }
  return out;
}

/** Inverse of nb201CodesAt. */
export function nb201IndexOf(codes: ArrayLike<number>): number {
  let idx = 0;
  for (let k = 0; k < 6; k++) idx = idx * 5 + codes[k];
  return idx;
}

/** All 15,625 cells as op-code vectors, in base-5 order. */
export function* enumerateNb201(): Generator<Int8Array> {
  for (let i = 0; i < NB201_SPACE_SIZE; i++) yield nb201CodesAt(i);
}

/** A uniformly random cell. */
export function randomNb201Codes(rng: Rng): Int8Array {
  return nb201CodesAt(rng.int(NB201_SPACE_SIZE));
}
