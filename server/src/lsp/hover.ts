// Hover: the score's breakdown, params and FLOPs for the definition under the cursor.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysisStore';
import type { AnalyzedDefinition } from '../core/analyze';
import { formatFlops, formatParams, formatSed, formatTopPercent, spaceName } from '../core/format';
import { toRange } from './convert';

const MAX_TERMS = 12;

export function hoverAt(doc: TextDocument, analysis: Analysis, position: Position): Hover | undefined {
  const offset = doc.offsetAt(position);
  const def = analysis.definitions.find((d) => d.span.start <= offset && offset <= d.span.end);
  if (!def) return undefined;
  return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(def) }, range: toRange(doc, def.span) };
}

export function hoverMarkdown(def: AnalyzedDefinition): string {
  const lines: string[] = [];
  if (!def.score) {
    const errors = def.findings.filter((f) => f.severity === 'error').length;
    lines.push(`**Entropy Lens**: this ${def.format} definition has ${errors} error${errors === 1 ? '' : 's'} and cannot be scored yet.`);
    return lines.join('\n');
  }
  lines.push(`**SED ${formatSed(def.score.sed, 3)}** — derived from the stated theory of arXiv 2411.06236 (higher is better)`);
  if (def.rank) {
    lines.push('', `Top ${formatTopPercent(def.rank.topPercent)}% of ${spaceName(def.rank.space)} ${def.rank.exact ? '(exact, all architectures)' : '(against a fixed seeded sample)'}`);
  }
  if (def.cost) lines.push('', `${formatParams(def.cost.params)} · ${formatFlops(def.cost.flops)}`);
  const terms = [...def.score.terms].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  if (terms.length > 0) {
    lines.push('', '| contribution | ΔSED |', '|---|---:|');
    for (const t of terms.slice(0, MAX_TERMS)) lines.push(`| ${escapeCell(t.label)} | ${signed(t.value)} |`);
    if (terms.length > MAX_TERMS) lines.push(`| … ${terms.length - MAX_TERMS} more | |`);
  }
  if (def.canonical) lines.push('', 'Canonical form:', '```', def.canonical, '```');
  return lines.join('\n');
}

function signed(v: number): string {
  return (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(3);
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
