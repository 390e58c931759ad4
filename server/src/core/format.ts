// Human-readable renderings of scores, shared by code lenses, hovers and the CLI.
import type { AnalyzedDefinition } from './analyze';

const SPACE_NAMES: Record<string, string> = {
  nb201: 'NAS-Bench-201', darts: 'DARTS', nb101: 'NAS-Bench-101', generic: 'generic cells',
};

export function spaceName(space: string): string {
  return SPACE_NAMES[space] ?? space;
}

export function formatParams(millions: number): string {
  return `${millions.toFixed(millions >= 0.1 ? 2 : 3)} M params`;
}

export function formatFlops(mflops: number): string {
  return mflops >= 1000 ? `${(mflops / 1000).toFixed(2)} GFLOPs` : `${mflops.toFixed(1)} MFLOPs`;
}

export function formatTopPercent(p: number): string {
  return p < 10 ? p.toFixed(1) : p.toFixed(0);
}

/** SED with `digits` decimals; −∞ is a disconnected output (the network's output is constant). */
export function formatSed(sed: number, digits: number): string {
  return Number.isFinite(sed) ? sed.toFixed(digits) : sed < 0 ? '−∞ (output disconnected)' : String(sed);
}

/** `SED 12.34 · top 3.2% of NAS-Bench-201 · 1.07 M params` */
export function lensTitle(def: AnalyzedDefinition): string | undefined {
  if (!def.score) return undefined;
  const parts = [`SED ${formatSed(def.score.sed, 2)}`];
  if (def.rank) parts.push(`top ${formatTopPercent(def.rank.topPercent)}% of ${spaceName(def.rank.space)}${def.rank.exact ? '' : ' (sampled)'}`);
  if (def.cost) parts.push(formatParams(def.cost.params));
  return parts.join(' · ');
}
