// Code lenses: the score line above each scored definition, and a clickable neighbour search.
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysisStore';
import { lensTitle } from '../core/format';
import { toRange } from './convert';
import { COMMANDS } from '../protocol/ids';

export function codeLenses(doc: TextDocument, analysis: Analysis): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const def of analysis.definitions) {
    const title = lensTitle(def);
    if (!title) continue;
    // An empty command id renders the lens as plain text (nothing to run yet).
    const range = toRange(doc, def.span);
    lenses.push({ range, command: { title, command: '' } });
    lenses.push({ range, command: { title: 'Search neighbours', command: COMMANDS.improveArchitecture, arguments: [doc.uri, def.span.start] } });
  }
  return lenses;
}
