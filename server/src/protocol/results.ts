// Host ↔ search results view messages, and the pure view-model built from a search result.
import type { SearchResult } from '../core/search/types';

export interface ResultsView {
  space: string;
  evaluated: number;
  millis: number;
  cancelled: boolean;
  constraints: string;
  rows: { rank: number; sed: number; params: number; flops: number; arch: string }[];
  scatter: { sed: number; params: number; pareto: boolean }[];
  histogram?: { of: string; min: number; binWidth: number; counts: number[]; minusInfinity: number };
  /** Index into `rows` of the architecture the user chose, marked in the histogram. */
  chosen?: number;
}

export type HostToResults = { type: 'results'; view: ResultsView };
export type ResultsToHost = { type: 'ready' } | { type: 'insert'; index: number };

export function isResultsToHost(v: unknown): v is ResultsToHost {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return m.type === 'ready' || (m.type === 'insert' && Number.isInteger(m.index) && (m.index as number) >= 0);
}

const SPACE_NAMES: Record<string, string> = { nb201: 'NAS-Bench-201', darts: 'DARTS', nb101: 'NAS-Bench-101' };

export function toResultsView(r: SearchResult, insertTexts?: (string | null)[], chosen?: number): ResultsView {
  const paretoSet = new Set(r.pareto);
  const c = r.constraints;
  return {
    space: SPACE_NAMES[r.space] ?? r.space,
    evaluated: r.evaluated,
    millis: r.millis,
    cancelled: r.cancelled,
    constraints: [c.maxParams !== undefined ? `params ≤ ${c.maxParams} M` : '', c.maxFlops !== undefined ? `FLOPs ≤ ${c.maxFlops} M` : ''].filter(Boolean).join(', ') || 'none',
    rows: r.results.map((x, i) => ({ rank: i + 1, sed: x.sed, params: x.params, flops: x.flops, arch: insertTexts?.[i] ?? x.arch })),
    scatter: r.candidates.map((p, i) => ({ sed: p.sed, params: p.params, pareto: paretoSet.has(i) })).filter((p) => Number.isFinite(p.sed)),
    histogram: r.histogram && { of: r.histogram.of, min: r.histogram.min, binWidth: r.histogram.binWidth, counts: r.histogram.counts, minusInfinity: r.histogram.minusInfinity },
    chosen,
  };
}
