// Conversions from core data (UTF-16 offsets, plain severities) to LSP types.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Span } from '../core/types';
import type { TopologySeverity } from '../protocol/settings';
import { DIAGNOSTIC_SOURCE } from '../protocol/ids';

export function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

const BASE: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

const OVERRIDE: Record<Exclude<TopologySeverity, 'default' | 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Topology findings (codes `sed/…`) follow the user's severity setting; parse errors stay errors. */
export function toDiagnostic(doc: TextDocument, f: Finding, topology: TopologySeverity): Diagnostic | undefined {
  const isTopology = f.code.startsWith('sed/');
  if (isTopology && topology === 'off') return undefined;
  const severity = isTopology && topology !== 'default' ? OVERRIDE[topology as keyof typeof OVERRIDE] : BASE[f.severity];
  return { range: toRange(doc, f.span), severity, code: f.code, source: DIAGNOSTIC_SOURCE, message: f.message };
}
