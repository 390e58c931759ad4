// Topology checks that follow from the SED derivation (docs/sed.md §6).
import type { Architecture, Cell, Finding, NamedCell, Span } from '../types';
import { opInfo } from '../ops';
import { cellLiveness } from './score';

const ROLE_NAME: Record<NamedCell['role'], string> = { cell: 'the cell', normal: 'the normal cell', reduce: 'the reduction cell' };

function kindOf(op: string) {
  return opInfo(op)?.kind;
}

function isLearnable(op: string | null | undefined): boolean {
  if (!op) return false;
  const k = kindOf(op);
  return k === 'conv' || k === 'separable' || k === 'dilated';
}

/**
 * Identity edges that act as skip connections: an identity edge into a summing node that has no
 * node op. Identity edges into a concatenating output (DARTS) or into a node followed by its own
 * op (NAS-Bench-101) only wire the graph; strided DARTS skips from the cell inputs are
 * FactorizedReduce convolutions.
 */
function isSkipEdge(arch: Architecture, named: NamedCell, k: number): boolean {
  const { cell } = named;
  const e = cell.edges[k];
  if (kindOf(e.op) !== 'identity') return false;
  if (cell.aggregation[e.to] !== 'sum' || cell.nodeOps[e.to]) return false;
  if (arch.space === 'darts' && named.role === 'reduce' && cell.inputs.includes(e.from)) return false;
  if (arch.space === 'nb101' && cell.inputs.includes(e.from)) return false;
  return true;
}

/** Is there an input→output path through effective edges that passes a learnable op? */
function hasLearnablePath(cell: Cell, effective: boolean[]): boolean {
  // learnableTo[v]: some effective path input→v contains a learnable edge op or node op.
  const n = cell.nodeCount;
  const reach = new Array<boolean>(n).fill(false);
  const learn = new Array<boolean>(n).fill(false);
  for (const i of cell.inputs) reach[i] = true;
  for (let changed = true; changed;) {
    changed = false;
    cell.edges.forEach((e, k) => {
      if (!effective[k] || !reach[e.from]) return;
      const viaLearnable = learn[e.from] || isLearnable(e.op) || isLearnable(cell.nodeOps[e.to]);
      if (!reach[e.to]) { reach[e.to] = true; changed = true; }
      if (viaLearnable && !learn[e.to]) { learn[e.to] = true; changed = true; }
    });
  }
  return learn[cell.output];
}

function edgeName(cell: Cell, k: number): string {
  const e = cell.edges[k];
  return `${e.op} ${e.from} → ${e.to}`;
}

/**
 * Warnings and information about the topology of `arch`:
 *  - sed/disconnected-output (warning): no input reaches the output through non-zero ops.
 *  - sed/no-learnable-path (warning): every input→output path is only pooling and identity
 *    (declared ops only: implicit 1×1 input projections do not count).
 *  - sed/excessive-skip (information): skip connections outnumber the learnable ops they sit beside.
 *  The last two are not applied to DARTS reduction cells.
 *  - sed/dead-edge (information): a non-zero edge that no input→output path uses.
 * Findings are placed on the edge's span when it has one, otherwise on `fallback`.
 */
export function topologyFindings(arch: Architecture, fallback: Span): Finding[] {
  const out: Finding[] = [];
  const spanOf = (s: Span | undefined) => s ?? fallback;
  for (const named of arch.cells) {
    const { cell } = named;
    const where = arch.cells.length > 1 ? `In ${ROLE_NAME[named.role]}, ` : '';
    const cap = (s: string) => (where ? s : s.charAt(0).toUpperCase() + s.slice(1));
    const live = cellLiveness(cell);
    if (!live.connected) {
      out.push({
        span: fallback, severity: 'warning', code: 'sed/disconnected-output',
        message: `${where}${cap(`the output (node ${cell.output}) is not connected to any input through non-zero operations, so the network's output is a constant and it cannot learn. SED is −∞. Replace a 'none' on some input→output path with a real operation.`)}`,
      });
      continue; // every edge is trivially unused; the other checks would only repeat this
    }
    // A DARTS reduction cell exists to downsample; parameter-free reduction cells (all pooling, like
    // DARTS_V2's) are a deliberate design and weigh only 2/20 of the network SED: not flagged.
    const downsampling = arch.space === 'darts' && named.role === 'reduce';
    if (!downsampling && !hasLearnablePath(cell, live.effectiveEdge)) {
      out.push({
        span: fallback, severity: 'warning', code: 'sed/no-learnable-path',
        message: `${where}${cap('every input→output path consists only of pooling and identity (skip) operations: the cell has no learnable operation on any path, so it only copies or smooths its input. Pooling lowers local entropy and identity adds none. Put a convolution on at least one path.')}`,
      });
    }
    const skips: number[] = [];
    let learnable = 0;
    cell.edges.forEach((e, k) => {
      if (!live.effectiveEdge[k]) return;
      if (isSkipEdge(arch, named, k)) skips.push(k);
      else if (isLearnable(e.op)) learnable++;
    });
    for (let v = 0; v < cell.nodeCount; v++) if (live.fromInput[v] && live.toOutput[v] && isLearnable(cell.nodeOps[v])) learnable++;
    if (!downsampling && skips.length >= 2 && skips.length > learnable) {
      out.push({
        span: spanOf(cell.edges[skips[0]].span), severity: 'info', code: 'sed/excessive-skip',
        message: `${where}${cap(`${skips.length} skip connections (${skips.map((k) => `${cell.edges[k].from} → ${cell.edges[k].to}`).join(', ')}) outnumber the ${learnable} learnable operation${learnable === 1 ? '' : 's'} on input→output paths. A skip copies its input and adds no local entropy (0 nats in SED), so a cell made mostly of copies stays close to the identity and behaves like a shallower network; too many skips is the failure mode behind DARTS' skip-connection collapse. Consider replacing a skip with a convolution.`)}`,
      });
    }
    cell.edges.forEach((e, k) => {
      if (kindOf(e.op) === 'zero' || live.effectiveEdge[k]) return;
      const reason = !live.fromInput[e.from]
        ? `node ${e.from} receives nothing from the inputs`
        : `node ${e.to} does not lead to the output`;
      out.push({
        span: spanOf(e.span), severity: 'info', code: 'sed/dead-edge',
        message: `${where}${cap(`edge ${edgeName(cell, k)} is not on any input→output path (${reason}), so it cannot affect the output: removing it or setting it to 'none' changes nothing, including the SED score.`)}`,
      });
    });
  }
  return out;
}
