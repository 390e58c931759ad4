// SED score derived from the local-entropy theory of arXiv 2411.06236 (see docs/sed.md).
//
//   cell SED    = Σ over *effective* operations of their local-entropy term (terms.ts),
//                 −∞ when the output is not reachable from any input (constant output);
//   network SED = multiplicity-weighted mean of the cell SEDs (nats per cell of the
//                 evaluation network: NB201 15 cells, NB101 9, DARTS 18 normal + 2 reduce).
//
// An operation is effective when it lies on some input→output path of non-zero operations.
import type { Architecture, Cell, NamedCell, Span } from '../types';
import { opInfo } from '../ops';
import { type TermKind, NB201_TERMS, NB201_TERM_ORDER, opEntropyByName, sumTerms } from './terms';
import { unitCapacity } from './gaussian';

export interface SedTerm {
  /** Human-readable, e.g. "normal cell: sep_conv_3x3 0→2 (+2.303 nats: two fresh stages of 9 taps…)". */
  label: string;
  /** Contribution to `SedResult.sed` in nats: the per-cell term times the cell's weight. */
  value: number;
  /** The term inside its own cell (unweighted), in nats. */
  cellValue: number;
  role: NamedCell['role'];
  kind: TermKind | 'projection' | 'dead' | 'disconnected';
  op?: string;
  from?: number;
  to?: number;
  /** Node index for node operations (NAS-Bench-101) and input projections. */
  node?: number;
  span?: Span;
}

export interface CellSed {
  role: NamedCell['role'];
  /** Per-cell SED in nats (−∞ when the output is constant). */
  sed: number;
  /** Copies of this cell in the evaluation network. */
  multiplicity: number;
  /** multiplicity / total cells: the cell's weight in the network SED. */
  weight: number;
}

export interface SedResult {
  /** Network SED in nats per cell; higher is better; −∞ when some cell's output is constant. */
  sed: number;
  terms: SedTerm[];
  cells: CellSed[];
}

/** Which operations and nodes lie on an input→output path of non-zero operations. */
export interface CellLiveness {
  /** Node receives signal from some input. */
  fromInput: boolean[];
  /** Node's signal reaches the output. */
  toOutput: boolean[];
  /** Per edge (same order as `cell.edges`): non-zero op on an input→output path. */
  effectiveEdge: boolean[];
  /** Output reachable from some input. */
  connected: boolean;
}

function isZeroOp(name: string): boolean {
  return opInfo(name)?.kind === 'zero';
}

/** Reachability from the inputs and to the output through non-zero edges and node ops. */
export function cellLiveness(cell: Cell): CellLiveness {
  const n = cell.nodeCount;
  const passes = (v: number) => !(cell.nodeOps[v] && isZeroOp(cell.nodeOps[v] as string));
  const live = cell.edges.map((e) => !isZeroOp(e.op));
  const fromInput = new Array<boolean>(n).fill(false);
  for (const i of cell.inputs) if (i >= 0 && i < n) fromInput[i] = true;
  const toOutput = new Array<boolean>(n).fill(false);
  if (cell.output >= 0 && cell.output < n) toOutput[cell.output] = passes(cell.output);
  // Fixpoint iteration: robust to any edge order; nodeCount is small.
  for (let changed = true; changed;) {
    changed = false;
    cell.edges.forEach((e, k) => {
      if (!live[k]) return;
      if (fromInput[e.from] && passes(e.from) && !fromInput[e.to]) { fromInput[e.to] = true; changed = true; }
      if (toOutput[e.to] && passes(e.from) && !toOutput[e.from]) { toOutput[e.from] = true; changed = true; }
    });
  }
  const effectiveEdge = cell.edges.map((e, k) => live[k] && fromInput[e.from] && passes(e.from) && toOutput[e.to]);
  const connected = cell.output >= 0 && cell.output < n && fromInput[cell.output] && passes(cell.output);
  return { fromInput, toOutput, effectiveEdge, connected };
}

/** Evaluation-network multiplicity of a cell role in a space. */
export function cellMultiplicity(space: Architecture['space'], role: NamedCell['role']): number {
  switch (space) {
    case 'nb201': return 15;
    case 'nb101': return 9;
    case 'darts': return role === 'reduce' ? 2 : role === 'normal' ? 18 : 1;
    default: return 1;
  }
}

const ROLE_LABEL: Record<NamedCell['role'], string> = { cell: '', normal: 'normal cell: ', reduce: 'reduce cell: ' };

function fmt(x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(3);
}

/**
 * Score one cell. Terms are appended to `terms` with `weight` applied; returns the per-cell SED.
 * The cell SED is `sumTerms` of the effective terms (order-independent), which `scoreNb201Codes`
 * reproduces bit for bit.
 */
export function scoreCell(space: Architecture['space'], named: NamedCell, weight = 1, terms?: SedTerm[]): number {
  const { cell, role } = named;
  const live = cellLiveness(cell);
  const prefix = ROLE_LABEL[role];
  // Labels are only built when a breakdown is requested (`terms` given): bulk scoring stays cheap.
  const push = (make: () => Omit<SedTerm, 'value' | 'role'>) => {
    if (!terms) return;
    const t = make();
    const term: SedTerm = { ...t, value: t.cellValue * weight, role };
    for (const key of Object.keys(term) as (keyof SedTerm)[]) if (term[key] === undefined) delete term[key];
    terms.push(term);
  };
  if (!live.connected) {
    push(() => ({
      label: `${prefix}output node ${cell.output} is not reachable from any input: the output is a constant (local entropy −∞)`,
      cellValue: -Infinity, kind: 'disconnected',
    }));
    return -Infinity;
  }
  const isInput = (v: number) => cell.inputs.includes(v);
  const order = cell.edges.map((_, k) => k).sort((a, b) => cell.edges[a].to - cell.edges[b].to || cell.edges[a].from - cell.edges[b].from);
  const values: number[] = [];
  for (const k of order) {
    const e = cell.edges[k];
    if (isZeroOp(e.op)) continue;
    const where = `${e.from}→${e.to}`;
    if (!live.effectiveEdge[k]) {
      push(() => ({ label: `${prefix}${e.op} ${where}: 0 (on no input→output path)`, cellValue: 0, kind: 'dead', op: e.op, from: e.from, to: e.to, span: e.span }));
      continue;
    }
    // Identity edges into a concatenating output only wire nodes together (DARTS output node).
    const wiring = cell.aggregation[e.to] === 'concat' && opInfo(e.op)?.kind === 'identity' && !isInput(e.from);
    if (wiring) continue;
    if (space === 'nb101' && isInput(e.from)) {
      // NAS-Bench-101 feeds the cell input to a node through a 1×1 conv-BN-ReLU projection.
      const t = unitCapacity(1);
      values.push(t);
      push(() => ({ label: `${prefix}input projection ${where} (conv1x1-bn-relu): ${fmt(t)} nats, fresh component, 1 tap: ½ ln 2`, cellValue: t, kind: 'projection', from: e.from, to: e.to, span: e.span }));
      continue;
    }
    const strided = space === 'darts' && role === 'reduce' && isInput(e.from);
    const term = opEntropyByName(e.op, strided);
    values.push(term.nats);
    push(() => ({ label: `${prefix}${e.op} ${where}: ${fmt(term.nats)} nats (${term.why})`, cellValue: term.nats, kind: term.kind, op: e.op, from: e.from, to: e.to, span: e.span }));
  }
  for (let v = 0; v < cell.nodeCount; v++) {
    const name = cell.nodeOps[v];
    if (!name || isInput(v) || !live.fromInput[v] || !live.toOutput[v]) continue;
    const term = opEntropyByName(name);
    values.push(term.nats);
    push(() => ({ label: `${prefix}node ${v} ${name}: ${fmt(term.nats)} nats (${term.why})`, cellValue: term.nats, kind: term.kind, op: name, node: v }));
  }
  if (space === 'darts') {
    // Each used cell input passes through a ReLU-conv1x1-BN preprocessing stage.
    for (const i of cell.inputs) {
      const used = cell.edges.some((e, k) => e.from === i && live.effectiveEdge[k]);
      if (!used) continue;
      const t = unitCapacity(1);
      values.push(t);
      push(() => ({ label: `${prefix}input ${i} preprocessing (ReLU-conv1x1-BN): ${fmt(t)} nats, fresh component, 1 tap: ½ ln 2`, cellValue: t, kind: 'projection', node: i }));
    }
  }
  return sumTerms(values);
}

/** SED of an architecture with a per-operation breakdown. */
export function scoreArchitecture(arch: Architecture): SedResult {
  const terms: SedTerm[] = [];
  const mult = arch.cells.map((c) => cellMultiplicity(arch.space, c.role));
  const total = mult.reduce((a, b) => a + b, 0);
  const cells: CellSed[] = [];
  let sed = 0;
  arch.cells.forEach((named, i) => {
    const weight = mult[i] / total;
    const s = scoreCell(arch.space, named, weight, terms);
    cells.push({ role: named.role, sed: s, multiplicity: mult[i], weight });
    sed += weight * s;
  });
  if (arch.cells.length === 0) sed = NaN;
  return { sed, terms, cells };
}

/** Scratch counters of the fast path (module-level: no allocation per call). */
const NB201_COUNTS = new Int32Array(5);

/**
 * Fast path for NAS-Bench-201: `codes` are indices into NB201_OPS for the edges
 * (0→1, 0→2, 1→2, 0→3, 1→3, 2→3). Equals `scoreArchitecture(...).sed` exactly.
 */
export function scoreNb201Codes(codes: Int8Array): number {
  const a = codes[0], b = codes[1], c = codes[2], d = codes[3], e = codes[4], f = codes[5];
  const in1 = a !== 0;
  const in2 = b !== 0 || (in1 && c !== 0);
  const out2 = f !== 0;
  const out1 = e !== 0 || (c !== 0 && out2);
  if (!(d !== 0 || (in1 && e !== 0) || (in2 && out2))) return -Infinity;
  // Count the effective edges per op, then add count × term in ascending term order (= sumTerms).
  const n = NB201_COUNTS;
  n[1] = 0; n[2] = 0; n[3] = 0; n[4] = 0;
  if (in1 && out1) n[a]++;
  if (b !== 0 && out2) n[b]++;
  if (c !== 0 && in1 && out2) n[c]++;
  if (d !== 0) n[d]++;
  if (e !== 0 && in1) n[e]++;
  if (f !== 0 && in2) n[f]++;
  let s = 0;
  for (let k = 0; k < 4; k++) {
    const op = NB201_TERM_ORDER[k];
    if (n[op] > 0) s += n[op] * NB201_TERMS[op];
  }
  return s;
}

/** The network SED only (no breakdown): for bulk scoring. */
export function sedValue(arch: Architecture): number {
  const mult = arch.cells.map((c) => cellMultiplicity(arch.space, c.role));
  const total = mult.reduce((a, b) => a + b, 0);
  if (arch.cells.length === 0) return NaN;
  let sed = 0;
  arch.cells.forEach((named, i) => { sed += (mult[i] / total) * scoreCell(arch.space, named, mult[i] / total); });
  return sed;
}
