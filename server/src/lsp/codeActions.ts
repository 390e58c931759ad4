// Quick fixes: the best single-edit improvements of the definition under the cursor.
import { CodeActionKind, type CodeAction } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalyzedDefinition } from '../core/analyze';
import { neighboursAt } from './neighbourEdits';

const MAX_ACTIONS = 3;

export function improveActions(doc: TextDocument, definitions: readonly AnalyzedDefinition[], offset: number): CodeAction[] {
  const { neighbours } = neighboursAt(doc, definitions, offset, MAX_ACTIONS);
  return neighbours.filter((n) => n.gain > 0).map((n) => ({
    title: `Improve SED by ${formatGain(n.gain)}: ${n.description}${n.paramsChange !== undefined ? ` (params ${n.paramsChange >= 0 ? '+' : '−'}${Math.abs(n.paramsChange).toFixed(3)} M)` : ''}`,
    kind: CodeActionKind.QuickFix,
    edit: { changes: { [doc.uri]: [n.edit] } },
  }));
}

export function formatGain(gain: number): string {
  return Number.isFinite(gain) ? `+${gain.toFixed(3)} nats` : 'reconnecting the output';
}
