// Exact per-candidate costs without building Architecture objects.
//
// Every count in cost.ts is an integer (weights, MACs, element operations on 32/16/8-pixel maps),
// so a network's raw totals are exact integers and `costOf` returns raw / 1e6. Where the cost is a
// sum of independent per-edge contributions (NB201, DARTS with the full concat), the contribution
// of one edge is measured once by probing `nb201Cost` / `dartsCost` with a single non-`none` edge
// and recovering the raw integers (Math.round(x · 1e6) is exact far below 2^53). Summing the
// contributions in integers and dividing by 1e6 at the end reproduces `costOf` bit for bit (the
// unit tests check this on every NB201 cell and on random DARTS / NB101 candidates).
import { NB101_OPS, NB201_OPS } from '../ops';
import { CostCounter } from '../cost/counter';
import { dartsCost, nb201Cost } from '../cost/cost';
import { nb201Cell } from '../space/nb201Space';
import { dartsCell, DARTS_GENOTYPE_OPS, type DartsPair } from '../space/dartsSpace';

function raw(x: number): number {
  return Math.round(x * 1e6);
}

export interface AdditiveCost {
  /** Raw (un-divided) params / FLOPs of the network with every edge `none`. */
  baseParams: number;
  baseFlops: number;
}

export interface Nb201CostTable extends AdditiveCost {
  /** Raw contribution of one edge, by NB201 op code (0 = none). */
  params: Float64Array;
  flops: Float64Array;
}

let nb201Table: Nb201CostTable | undefined;

/** Per-op raw cost contributions of one NB201 edge (CIFAR-10 network). */
export function nb201CostTable(): Nb201CostTable {
  if (nb201Table) return nb201Table;
  const base = nb201Cost(nb201Cell([0, 0, 0, 0, 0, 0]));
  const params = new Float64Array(NB201_OPS.length);
  const flops = new Float64Array(NB201_OPS.length);
  for (let op = 1; op < NB201_OPS.length; op++) {
    const c = nb201Cost(nb201Cell([op, 0, 0, 0, 0, 0]));
    params[op] = raw(c.params) - raw(base.params);
    flops[op] = raw(c.flops) - raw(base.flops);
  }
  nb201Table = { baseParams: raw(base.params), baseFlops: raw(base.flops), params, flops };
  return nb201Table;
}

export interface DartsCostTable extends AdditiveCost {
  /**
   * Raw contribution of one genotype edge, indexed `(role · 2 + fromInput) · 7 + op` with role
   * 0 = normal, 1 = reduce, fromInput 1 when the edge reads cell input 0 or 1, op an index into
   * DARTS_GENOTYPE_OPS.
   */
  params: Float64Array;
  flops: Float64Array;
}

let dartsTable: DartsCostTable | undefined;

const NONE_PAIRS: DartsPair[] = [
  ['none', 0], ['none', 1], ['none', 0], ['none', 1], ['none', 0], ['none', 1], ['none', 0], ['none', 1],
];
const FULL_CONCAT = [2, 3, 4, 5];

/** Per-(role, input kind, op) raw cost contributions of one DARTS edge (CIFAR-10 network, full concat). */
export function dartsCostTable(): DartsCostTable {
  if (dartsTable) return dartsTable;
  const noneCell = dartsCell(NONE_PAIRS, FULL_CONCAT);
  const base = dartsCost(noneCell, noneCell);
  const nOps = DARTS_GENOTYPE_OPS.length;
  const params = new Float64Array(4 * nOps);
  const flops = new Float64Array(4 * nOps);
  for (let role = 0; role < 2; role++) {
    for (let fromInput = 0; fromInput < 2; fromInput++) {
      for (let op = 0; op < nOps; op++) {
        const pairs = NONE_PAIRS.map((p) => [...p] as [string, number]);
        // Pair 0 feeds node 2 from input 0; pair 2 feeds node 3, here from node 2.
        if (fromInput) pairs[0] = [DARTS_GENOTYPE_OPS[op], 0];
        else pairs[2] = [DARTS_GENOTYPE_OPS[op], 2];
        const probe = dartsCell(pairs, FULL_CONCAT);
        const c = role === 0 ? dartsCost(probe, noneCell) : dartsCost(noneCell, probe);
        const i = (role * 2 + fromInput) * nOps + op;
        params[i] = raw(c.params) - raw(base.params);
        flops[i] = raw(c.flops) - raw(base.flops);
      }
    }
  }
  dartsTable = { baseParams: raw(base.params), baseFlops: raw(base.flops), params, flops };
  return dartsTable;
}

// ── NAS-Bench-101: the cost depends on the topology (vertex channels), so it is computed directly
// from a compact spec with the same CostCounter calls as cost.ts `nb101Cost`.

/** Scratch result of `nb101RawCost`. */
export const NB101_COST_OUT = new Float64Array(2);
const CH = new Int32Array(7);
const CELL = new CostCounter();

/** The nine cells of the network as (cin, cout, h, copies): cells 2 and 3 of a stack are equal. */
const NB101_CELLS: readonly (readonly [number, number, number, number])[] = [
  [128, 128, 32, 3],
  [128, 256, 16, 1], [256, 256, 16, 2],
  [256, 512, 8, 1], [512, 512, 8, 2],
];

let nb101Base: { params: number; flops: number } | undefined;

/** Raw cost of the NB101 network outside the cells: stem, stack pools, classifier (cost.ts nb101Cost). */
function nb101BaseCost(): { params: number; flops: number } {
  if (nb101Base) return nb101Base;
  const k = new CostCounter();
  k.convBnRelu(3, 128, 3, 32);
  let c = 128;
  let h = 32;
  for (let stack = 1; stack < 3; stack++) {
    h = h / 2;
    k.pool(c, 2, h);
    c *= 2;
  }
  k.globalPool(c, h).linear(c, 10);
  nb101Base = { params: k.params, flops: k.flops };
  return nb101Base;
}

/**
 * Raw params / FLOPs (written to `out`) of the NB101 CIFAR-10 network for a pruned spec of `n`
 * nodes: `rows[i]` has bit j set for an edge i → j; `ops[v]` is an index into NB101_OPS for the
 * interior nodes 1…n−2. All terms are integers, so regrouping them (equal cells counted once and
 * multiplied) keeps the totals exact.
 */
export function nb101RawCost(n: number, rows: Int32Array, ops: Int8Array, out: Float64Array = NB101_COST_OUT): Float64Array {
  const base = nb101BaseCost();
  let params = base.params;
  let flops = base.flops;
  for (const [cin, cout, h, copies] of NB101_CELLS) {
    CELL.params = 0;
    CELL.flops = 0;
    nb101CellRaw(CELL, n, rows, ops, cin, cout, h);
    params += copies * CELL.params;
    flops += copies * CELL.flops;
  }
  out[0] = params;
  out[1] = flops;
  return out;
}

function nb101CellRaw(k: CostCounter, n: number, rows: Int32Array, ops: Int8Array, cin: number, cout: number, h: number): void {
  const last = n - 1;
  const outBit = 1 << last;
  // Vertex channels (nasbench model_builder.compute_vertex_channels), as cost.ts nb101VertexChannels.
  CH[0] = cin;
  CH[last] = cout;
  if (n > 2) {
    let inDegreeOut = 0;
    for (let v = 1; v < last; v++) if (rows[v] & outBit) inDegreeOut++;
    const interior = Math.floor(cout / inDegreeOut);
    let correction = cout % inDegreeOut;
    for (let v = 1; v < last; v++) {
      CH[v] = 0;
      if (!(rows[v] & outBit)) continue;
      CH[v] = interior;
      if (correction > 0) { CH[v]++; correction--; }
    }
    for (let v = n - 3; v > 0; v--) {
      if (rows[v] & outBit) continue;
      for (let dst = v + 1; dst < last; dst++) if (rows[v] & (1 << dst)) CH[v] = Math.max(CH[v], CH[dst]);
    }
  }
  for (let t = 1; t < last; t++) {
    if (rows[0] & (1 << t)) k.convBnRelu(cin, CH[t], 1, h);
    const op = ops[t];
    if (op === NB101_CONV3) k.convBnRelu(CH[t], CH[t], 3, h);
    else if (op === NB101_CONV1) k.convBnRelu(CH[t], CH[t], 1, h);
    else k.pool(CH[t], 3, h);
  }
  if (rows[0] & outBit) k.convBnRelu(cin, cout, 1, h);
}

export const NB101_CONV3 = (NB101_OPS as readonly string[]).indexOf('conv3x3-bn-relu');
export const NB101_CONV1 = (NB101_OPS as readonly string[]).indexOf('conv1x1-bn-relu');
export const NB101_POOL = (NB101_OPS as readonly string[]).indexOf('maxpool3x3');

/** Raw (un-divided) params / FLOPs of an NB201 code vector. */
export function nb201RawCost(codes: ArrayLike<number>): { params: number; flops: number } {
  const t = nb201CostTable();
  let p = t.baseParams;
  let f = t.baseFlops;
  for (let e = 0; e < 6; e++) { p += t.params[codes[e]]; f += t.flops[codes[e]]; }
  return { params: p, flops: f };
}
