// Single-edit neighbours of an architecture, scored with the reference scorer and cost model.
//   every space:   one edge op changed to another op of the space's vocabulary
//   DARTS:         also one (op, input) pair re-wired to another earlier node (the node's two
//                  inputs stay distinct); the concatenation edges are not edited
//   NAS-Bench-101: one interior node op changed, or one edge added / removed, valid specs only
//   generic cells: edge ops and node ops changed within a generic vocabulary
import type { ArchFormat, Architecture, Cell, Edge, NamedCell, Span } from '../types';
import { NB101_OPS, NB201_OPS, opInfo } from '../ops';
import { sedValue } from '../sed/score';
import { costOf } from '../cost/cost';
import { DARTS_GENOTYPE_OPS } from '../space/dartsSpace';
import { isValidNb101 } from '../space/nb101Space';
import { defaultFormat, formatArchitecture } from './format';

export interface NeighbourEdit {
  kind: 'op' | 'input' | 'node-op' | 'add-edge' | 'remove-edge';
  role: NamedCell['role'];
  /** Index of the cell in `arch.cells`. */
  cell: number;
  from?: number;
  to?: number;
  node?: number;
  /** Previous op / input (as text). */
  before?: string;
  after?: string;
  /** Source span of the edited edge, when the architecture came from a parser. */
  span?: Span;
  /** E.g. "normal cell: edge 0→2 sep_conv_3x3 → sep_conv_5x5". */
  description: string;
}

export interface Neighbour {
  arch: Architecture;
  /** Canonical text in the requested format (absent when the format cannot hold it). */
  text?: string;
  edit: NeighbourEdit;
  sed: number;
  /** sed − SED of the original (+∞ when the original's output was disconnected and this one's is not). */
  gain: number;
  /** Millions; absent for generic cells (no evaluation network). */
  params?: number;
  paramsChange?: number;
  flops?: number;
}

/** Ops tried on the edges of generic cells (canonical names the cell format accepts). */
export const GENERIC_NEIGHBOUR_OPS: readonly string[] = [
  'none', 'skip_connect', 'conv_1x1', 'conv_3x3', 'conv_5x5', 'sep_conv_3x3', 'sep_conv_5x5',
  'dil_conv_3x3', 'dil_conv_5x5', 'avg_pool_3x3', 'max_pool_3x3',
];

function edgeVocabulary(space: Architecture['space']): readonly string[] {
  switch (space) {
    case 'nb201': return NB201_OPS;
    case 'darts': return DARTS_GENOTYPE_OPS;
    case 'nb101': return [];
    default: return GENERIC_NEIGHBOUR_OPS;
  }
}

function cloneCell(cell: Cell): Cell {
  return {
    nodeCount: cell.nodeCount,
    inputs: [...cell.inputs],
    output: cell.output,
    edges: cell.edges.map((e) => ({ from: e.from, to: e.to, op: e.op })),
    aggregation: [...cell.aggregation],
    nodeOps: [...cell.nodeOps],
  };
}

function withCell(arch: Architecture, index: number, cell: Cell): Architecture {
  return {
    space: arch.space,
    cells: arch.cells.map((c, i) => ({ role: c.role, cell: i === index ? cell : cloneCell(c.cell) })),
  };
}

const ROLE: Record<NamedCell['role'], string> = { cell: '', normal: 'normal cell: ', reduce: 'reduce cell: ' };

function isZero(op: string): boolean {
  return opInfo(op)?.kind === 'zero';
}

/** The NB101 spec view of a cell (undefined when the cell is not NB101-shaped). */
function nb101Valid(cell: Cell): boolean {
  const n = cell.nodeCount;
  if (cell.inputs.length !== 1 || cell.inputs[0] !== 0 || cell.output !== n - 1) return false;
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const e of cell.edges) if (!isZero(e.op) && e.from < e.to && e.to < n) matrix[e.from][e.to] = 1;
  const ops = cell.nodeOps.map((o, v) => (v === 0 ? 'input' : v === n - 1 ? 'output' : o ?? ''));
  return isValidNb101({ matrix, ops });
}

interface Candidate { arch: Architecture; edit: NeighbourEdit }

function candidates(arch: Architecture): Candidate[] {
  const out: Candidate[] = [];
  const vocab = edgeVocabulary(arch.space);
  arch.cells.forEach(({ role, cell }, ci) => {
    const prefix = ROLE[role];
    const concatOutput = cell.aggregation[cell.output] === 'concat';
    cell.edges.forEach((e: Edge, k) => {
      const where = `${e.from}→${e.to}`;
      const wiring = arch.space === 'darts' && e.to === cell.output && concatOutput;
      if (arch.space !== 'nb101' && !wiring) {
        for (const op of vocab) {
          if (op === e.op) continue;
          const c = cloneCell(cell);
          c.edges[k].op = op;
          out.push({
            arch: withCell(arch, ci, c),
            edit: { kind: 'op', role, cell: ci, from: e.from, to: e.to, before: e.op, after: op, span: e.span, description: `${prefix}edge ${where} ${e.op} → ${op}` },
          });
        }
      }
      if (arch.space === 'darts' && !wiring && !cell.inputs.includes(e.to)) {
        const taken = new Set(cell.edges.filter((x) => x.to === e.to).map((x) => x.from));
        for (let u = 0; u < e.to; u++) {
          if (taken.has(u)) continue;
          const c = cloneCell(cell);
          c.edges[k].from = u;
          out.push({
            arch: withCell(arch, ci, c),
            edit: { kind: 'input', role, cell: ci, from: u, to: e.to, before: String(e.from), after: String(u), span: e.span, description: `${prefix}${e.op} into node ${e.to}: input ${e.from} → ${u}` },
          });
        }
      }
    });
    // Node ops: NB101 interior nodes, and any node op of a generic cell.
    cell.nodeOps.forEach((name, v) => {
      if (!name) return;
      const nodeVocab = arch.space === 'nb101' ? NB101_OPS : arch.space === 'generic' ? GENERIC_NEIGHBOUR_OPS.filter((o) => !isZero(o)) : [];
      for (const op of nodeVocab) {
        if (op === name) continue;
        const c = cloneCell(cell);
        c.nodeOps[v] = op;
        out.push({
          arch: withCell(arch, ci, c),
          edit: { kind: 'node-op', role, cell: ci, node: v, before: name, after: op, description: `${prefix}node ${v} ${name} → ${op}` },
        });
      }
    });
    if (arch.space === 'nb101' && nb101Valid(cell)) {
      for (let i = 0; i < cell.nodeCount; i++) {
        for (let j = i + 1; j < cell.nodeCount; j++) {
          const k = cell.edges.findIndex((e) => e.from === i && e.to === j && !isZero(e.op));
          const c = cloneCell(cell);
          if (k >= 0) c.edges.splice(k, 1);
          else {
            c.edges.push({ from: i, to: j, op: 'skip_connect' });
            c.edges.sort((a, b) => a.from - b.from || a.to - b.to);
          }
          if (!nb101Valid(c)) continue;
          const kind = k >= 0 ? 'remove-edge' : 'add-edge';
          out.push({
            arch: withCell(arch, ci, c),
            edit: { kind, role, cell: ci, from: i, to: j, span: k >= 0 ? cell.edges[k].span : undefined, description: `${prefix}${k >= 0 ? 'remove' : 'add'} edge ${i}→${j}` },
          });
        }
      }
    }
  });
  return out;
}

function gainOf(sed: number, base: number): number {
  if (sed === base) return 0;
  return sed - base;
}

/**
 * All single-edit neighbours of `arch`, scored with `sedValue` and `costOf`, best `k` first:
 * SED gain descending, then params change ascending, then generation order. `format` sets the
 * text of each neighbour (default: the space's own format).
 */
export function bestNeighbours(arch: Architecture, k = Infinity, format: ArchFormat = defaultFormat(arch)): Neighbour[] {
  const base = sedValue(arch);
  const baseCost = costOf(arch);
  const scored = candidates(arch).map((c, order) => {
    const sed = sedValue(c.arch);
    const cost = costOf(c.arch);
    const n: Neighbour & { order: number } = { arch: c.arch, edit: c.edit, sed, gain: gainOf(sed, base), order };
    if (cost) {
      n.params = cost.params;
      n.flops = cost.flops;
      if (baseCost) n.paramsChange = cost.params - baseCost.params;
    }
    if (n.edit.span === undefined) delete n.edit.span;
    return n;
  });
  scored.sort((a, b) => (b.gain - a.gain) || ((a.paramsChange ?? 0) - (b.paramsChange ?? 0)) || (a.order - b.order));
  const top = scored.slice(0, Math.max(0, k));
  return top.map(({ order: _order, ...n }) => {
    try {
      n.text = formatArchitecture(n.arch, format);
    } catch {
      // The format cannot hold this neighbour: leave `text` out.
    }
    return n;
  });
}
