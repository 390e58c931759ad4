// Neighbours of the definition at an offset, each as the smallest document edit that applies it.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { bestNeighbours, type Neighbour } from '../core/search';
import type { AnalyzedDefinition } from '../core/analyze';
import type { Span } from '../core/types';
import type { NeighboursResult, NeighbourSuggestion } from '../protocol/lsp';
import { toRange } from './convert';

/**
 * The edit for one neighbour: an op change rewrites just the op name inside the edited edge's
 * source; anything else replaces the whole definition with the neighbour's canonical text, except
 * in YAML, where a one-line JSON spec could break the surrounding block structure.
 */
export function neighbourEdit(text: string, def: AnalyzedDefinition, n: Neighbour, languageId: string): { span: Span; newText: string } | undefined {
  const e = n.edit;
  if ((e.kind === 'op' || e.kind === 'node-op') && e.span && e.before && e.after) {
    const src = text.slice(e.span.start, e.span.end);
    const at = src.indexOf(e.before);
    if (at >= 0) return { span: { start: e.span.start + at, end: e.span.start + at + e.before.length }, newText: e.after };
  }
  if (!n.text) return undefined;
  const structural = def.format === 'nb201' || def.format === 'darts' || languageId !== 'yaml';
  return structural ? { span: def.span, newText: n.text } : undefined;
}

export function neighboursAt(doc: TextDocument, definitions: readonly AnalyzedDefinition[], offset: number, k: number): NeighboursResult {
  const def = definitions.find((d) => d.span.start <= offset && offset <= d.span.end);
  if (!def) return { neighbours: [], message: 'No architecture definition at the cursor.' };
  if (!def.arch || !def.score) return { format: def.format, neighbours: [], message: 'Fix the errors in this definition first: it cannot be scored yet.' };
  const text = doc.getText();
  const out: NeighbourSuggestion[] = [];
  for (const n of bestNeighbours(def.arch, Infinity, def.format)) {
    if (out.length >= k) break;
    const edit = neighbourEdit(text, def, n, doc.languageId);
    if (!edit) continue;
    out.push({
      description: n.edit.description, sed: n.sed, gain: n.gain, params: n.params, paramsChange: n.paramsChange,
      edit: { range: toRange(doc, edit.span), newText: edit.newText },
    });
  }
  return { format: def.format, sed: def.score.sed, neighbours: out };
}
