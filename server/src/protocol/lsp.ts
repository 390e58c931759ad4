// Custom LSP messages, typed once and used by both sides.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

export interface AnalysisDoneParams {
  uri: string;
  version: number;
  definitions: number;
  millis: number;
}

/** Sent after every analysis of a document; tests and benchmarks wait on it instead of sleeping. */
export const AnalysisDoneNotification = new NotificationType<AnalysisDoneParams>('entropyLens/analysisDone');

export interface DefinitionSummary {
  line: number;
  format: string;
  canonical?: string;
  sed?: number;
  params?: number;
  flops?: number;
  topPercent?: number;
  errors: number;
}

export interface DocumentScoresParams { uri: string }

/** The scored definitions of an open document, after any pending analysis. */
export const DocumentScoresRequest = new RequestType<DocumentScoresParams, DefinitionSummary[], void>('entropyLens/documentScores');
