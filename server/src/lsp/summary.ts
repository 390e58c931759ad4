// Plain summaries of a document's definitions for the entropyLens/documentScores request.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysisStore';
import type { DefinitionSummary } from '../protocol/lsp';

export function summarize(doc: TextDocument, analysis: Analysis): DefinitionSummary[] {
  return analysis.definitions.map((d) => ({
    line: doc.positionAt(d.span.start).line,
    format: d.format,
    canonical: d.canonical,
    sed: d.score?.sed,
    params: d.cost?.params,
    flops: d.cost?.flops,
    topPercent: d.rank?.topPercent,
    errors: d.findings.filter((f) => f.severity === 'error').length,
  }));
}
