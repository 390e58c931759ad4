// NAS-Bench-201: exhaustive search over all 15,625 cells, one result per isomorphism class.
//
// Isomorphism (docs/search.md §2). Two cells are the same network when their *effective* graphs
// are isomorphic as labelled DAGs with the input (0) and the output (3) fixed:
//  1. drop `none` edges (a zero op is no edge) and every edge on no input→output path of non-zero
//     edges (its output never reaches the cell output, or its source only ever holds zeros) —
//     exactly the edges the SED scorer calls dead;
//  2. the only non-trivial relabelling of the intermediate nodes is 1 ↔ 2. It maps edge 1→2 to
//     2→1, so it is an isomorphism *of this DAG family* only when the effective graph has no 1→2
//     edge; then (0→1, 0→2, 1→3, 2→3) = (a, b, e, f) becomes (b, a, f, e). With a live 1→2 edge the
//     two intermediate nodes play different roles (one feeds the other) and nothing is merged.
// Nodes sum their inputs, so the order of a node's incoming edges never matters: the labelled edge
// *set* is the whole identity, and the canonical form is the smaller base-5 index of the pruned
// codes and of their 1↔2 image. Not merged on purpose: cells that are only functionally equal
// through an identity (e.g. skip 0→1 then conv 1→3 vs conv 0→3) — that is NB201's own
// skip-contracting `to_unique_str`, a statement about functions, not about graphs.
import { NB201_SPACE_SIZE, nb201Cell } from '../space/nb201Space';
import { scoreNb201Codes } from '../sed/score';
import { nb201Text } from '../parsers/nb201';
import { nb201CostTable, type Nb201CostTable } from './costTables';
import { CandidateSample, ParetoFront, TopList, sedHistogram, type ResolvedOptions } from './common';
import type { SearchRun } from './run';
import type { SearchResult } from './types';

/** Zero the ineffective edges of `codes` (edge order 0→1, 0→2, 1→2, 0→3, 1→3, 2→3) into `out`. */
export function nb201Pruned(codes: ArrayLike<number>, out: Int8Array = new Int8Array(6)): Int8Array {
  const a = codes[0], b = codes[1], c = codes[2], d = codes[3], e = codes[4], f = codes[5];
  const in1 = a !== 0;
  const in2 = b !== 0 || (in1 && c !== 0);
  const out2 = f !== 0;
  const out1 = e !== 0 || (c !== 0 && out2);
  out[0] = in1 && out1 ? a : 0;
  out[1] = b !== 0 && out2 ? b : 0;
  out[2] = c !== 0 && in1 && out2 ? c : 0;
  out[3] = d;
  out[4] = e !== 0 && in1 ? e : 0;
  out[5] = f !== 0 && in2 ? f : 0;
  // A disconnected output (constant cell) keeps no effective edge at all.
  if (!(d !== 0 || (in1 && e !== 0) || (in2 && out2))) out.fill(0);
  return out;
}

const PRUNED = new Int8Array(6);

/**
 * Base-5 index of the canonical representative of the isomorphism class of `codes`:
 * the pruned cell, or its 1↔2 mirror when that is smaller and valid (no effective 1→2 edge).
 */
export function nb201CanonicalIndex(codes: ArrayLike<number>): number {
  const p = nb201Pruned(codes, PRUNED);
  const idx = ((((p[0] * 5 + p[1]) * 5 + p[2]) * 5 + p[3]) * 5 + p[4]) * 5 + p[5];
  if (p[2] !== 0) return idx;
  const mirror = ((((p[1] * 5 + p[0]) * 5 + 0) * 5 + p[3]) * 5 + p[5]) * 5 + p[4];
  return Math.min(idx, mirror);
}

/** Decode index i (base 5, edge 0→1 most significant) into `out`. */
function decode(i: number, out: Int8Array): Int8Array {
  let r = i;
  for (let k = 5; k >= 0; k--) { out[k] = r % 5; r = (r - out[k]) / 5; }
  return out;
}

export function nb201TextOfIndex(i: number): string {
  return nb201Text(nb201Cell(decode(i, new Int8Array(6))));
}

/** The per-cell SED, params and FLOPs of the whole space (computed once, cached). */
export interface Nb201Tables {
  sed: Float64Array;
  params: Float64Array;
  flops: Float64Array;
  canonical: Int32Array;
}

let tables: Nb201Tables | undefined;

/** SED, params (M), FLOPs (M) and canonical class of all 15,625 cells, by base-5 index. */
export function nb201Tables(): Nb201Tables {
  if (tables) return tables;
  const t: Nb201Tables = {
    sed: new Float64Array(NB201_SPACE_SIZE), params: new Float64Array(NB201_SPACE_SIZE),
    flops: new Float64Array(NB201_SPACE_SIZE), canonical: new Int32Array(NB201_SPACE_SIZE),
  };
  fillTables(t, nb201CostTable(), 0, NB201_SPACE_SIZE, new Int8Array(6));
  tables = t;
  return t;
}

/** Enumerate cells [from, to) and score them into `t`. */
function fillTables(t: Nb201Tables, cost: Nb201CostTable, from: number, to: number, codes: Int8Array): void {
  for (let i = from; i < to; i++) {
    decode(i, codes);
    t.sed[i] = scoreNb201Codes(codes);
    let p = cost.baseParams;
    let f = cost.baseFlops;
    for (let e = 0; e < 6; e++) { p += cost.params[codes[e]]; f += cost.flops[codes[e]]; }
    t.params[i] = p / 1e6;
    t.flops[i] = f / 1e6;
    t.canonical[i] = nb201CanonicalIndex(codes);
  }
}

/**
 * Exhaustive NB201 search as a resumable run. Each `step` enumerates, scores and ranks the next
 * cells; a cold run fills the space tables as it goes (so a sliced run stays responsive) and
 * caches them once complete. `cold` drops the cache first (for benchmarks).
 */
export function nb201Run(r: ResolvedOptions, cold = false): SearchRun {
  if (cold) tables = undefined;
  const cached = tables;
  const cost = nb201CostTable();
  const t: Nb201Tables = cached ?? {
    sed: new Float64Array(NB201_SPACE_SIZE), params: new Float64Array(NB201_SPACE_SIZE),
    flops: new Float64Array(NB201_SPACE_SIZE), canonical: new Int32Array(NB201_SPACE_SIZE),
  };
  const top = new TopList<number>(r.top);
  const front = new ParetoFront<number>();
  const sample = new CandidateSample(r.candidateCap, NB201_SPACE_SIZE);
  const seenClass = new Uint8Array(NB201_SPACE_SIZE);
  const codes = new Int8Array(6);
  const { maxParams, maxFlops } = r;
  let classes = 0;
  let feasible = 0;
  let evaluated = 0;

  const run: SearchRun = {
    budget: NB201_SPACE_SIZE,
    get evaluated() { return evaluated; },
    get done() { return evaluated >= NB201_SPACE_SIZE; },
    step(n: number) {
      const end = Math.min(NB201_SPACE_SIZE, evaluated + n);
      if (!cached) fillTables(t, cost, evaluated, end, codes);
      const { sed: sedT, params: paramsT, flops: flopsT, canonical } = t;
      for (let i = evaluated; i < end; i++) {
        const params = paramsT[i];
        const flops = flopsT[i];
        if (params > maxParams || flops > maxFlops) continue;
        const sed = sedT[i];
        feasible++;
        const canon = canonical[i];
        if (seenClass[canon] === 0) { seenClass[canon] = 1; classes++; }
        sample.add(sed, params);
        if (front.admits(sed, params)) front.offer(sed, params, () => i);
        if (top.admits(sed, params)) top.offer(sed, params, flops, () => canon, () => i);
      }
      evaluated = end;
      if (!cached && evaluated === NB201_SPACE_SIZE) tables = t;
    },
    finish(cancelled: boolean): SearchResult {
      const base: SearchResult = {
        space: 'nb201', evaluated, budget: NB201_SPACE_SIZE, millis: 0, cancelled,
        constraints: constraintsOf(r), results: [], candidates: [], pareto: [], feasible, classes,
      };
      if (evaluated === NB201_SPACE_SIZE) base.histogram = sedHistogram(t.sed, r.histogramBins, 'space');
      if (feasible === 0 && !cancelled) {
        base.error = {
          code: 'impossible-constraint',
          message: `no NAS-Bench-201 cell satisfies ${describeConstraints(r)}: the smallest cell has ${min(t.params).toFixed(4)} M params and the cheapest ${min(t.flops).toFixed(2)} M FLOPs`,
        };
        return base;
      }
      base.results = top.items.map((e) => ({ arch: nb201TextOfIndex(e.payload), format: 'nb201', sed: e.sed, params: e.params, flops: e.flops }));
      const { candidates, pareto } = sample.finish(front, nb201TextOfIndex);
      base.candidates = candidates;
      base.pareto = pareto;
      return base;
    },
  };
  return run;
}

export function constraintsOf(r: ResolvedOptions): { maxParams?: number; maxFlops?: number } {
  const c: { maxParams?: number; maxFlops?: number } = {};
  if (r.maxParams !== Infinity) c.maxParams = r.maxParams;
  if (r.maxFlops !== Infinity) c.maxFlops = r.maxFlops;
  return c;
}

export function describeConstraints(r: ResolvedOptions): string {
  const parts: string[] = [];
  if (r.maxParams !== Infinity) parts.push(`params ≤ ${r.maxParams} M`);
  if (r.maxFlops !== Infinity) parts.push(`FLOPs ≤ ${r.maxFlops} M`);
  return parts.join(' and ') || 'no constraint';
}

function min(xs: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] < m) m = xs[i];
  return m;
}
