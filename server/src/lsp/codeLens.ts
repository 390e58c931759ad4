// Code lenses: one score line above each scored definition.
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysisStore';
import { lensTitle } from '../core/format';
import { toRange } from './convert';

export function codeLenses(doc: TextDocument, analysis: Analysis): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const def of analysis.definitions) {
    const title = lensTitle(def);
    if (!title) continue;
    // An empty command id renders the lens as plain text (nothing to run yet).
    lenses.push({ range: toRange(doc, def.span), command: { title, command: '' } });
  }
  return lenses;
}
