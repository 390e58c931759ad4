// Pure: the search form's text fields → validated request options, with messages for the user.
import type { SedSearchParams } from '../../../server/src/protocol/lsp';

export interface SearchForm {
  space: 'nb201' | 'darts' | 'nb101';
  budget?: string;
  constraints?: string;
  top?: number;
  seed?: number;
}

export const SPACE_ITEMS: { label: string; description: string; space: SearchForm['space'] }[] = [
  { label: 'NAS-Bench-201', description: 'exhaustive: all 15,625 cells', space: 'nb201' },
  { label: 'DARTS', description: 'normal + reduction cell, regularised evolution', space: 'darts' },
  { label: 'NAS-Bench-101', description: '7 nodes, ≤ 9 edges, regularised evolution', space: 'nb101' },
];

const MAX_BUDGET = 10_000_000;

export function parseSearchForm(form: SearchForm): Omit<SedSearchParams, 'workDoneToken' | 'insertFormat'> | { error: string } {
  const out: Omit<SedSearchParams, 'workDoneToken' | 'insertFormat'> = { space: form.space, top: form.top ?? 10, seed: form.seed ?? 0 };
  const b = (form.budget ?? '').replace(/[_,\s]/g, '');
  if (b) {
    const n = Number(b);
    if (!Number.isInteger(n) || n < 1 || n > MAX_BUDGET) return { error: `budget must be a whole number of candidates from 1 to ${MAX_BUDGET.toLocaleString('en-US')} (got '${form.budget}')` };
    out.budget = n;
  }
  const c = (form.constraints ?? '').trim();
  if (c) {
    for (const part of c.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
      const m = /^(params|flops)\s*(?:<=|≤|<)\s*([0-9]*\.?[0-9]+)\s*(m|M)?$/.exec(part);
      if (!m) return { error: `constraint '${part}' not understood: write "params <= 1.5" or "flops <= 300" (millions)` };
      const v = Number(m[2]);
      if (!(v > 0)) return { error: `constraint '${part}' must be a positive number of millions` };
      if (m[1] === 'params') out.maxParams = v; else out.maxFlops = v;
    }
  }
  return out;
}
