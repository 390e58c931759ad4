// Custom LSP messages, typed once and used by both sides.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { TokenView } from './webview';

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

// ---- EDU: per-token entropies from a local inference backend (runs in the server process) ----

export type EduSourceConfig =
  | { kind: 'gguf'; modelPath: string; idleTimeoutMs?: number; threads?: number }
  | { kind: 'openai'; endpoint: string; apiKey?: string; model?: string; topK?: number; vocabSize?: number };

export interface EduEntropiesParams {
  text: string;
  source: EduSourceConfig;
  /** Client-created token for `$/progress` (LSP work-done progress). */
  workDoneToken?: string;
}

/** One token as the server sends it: the same shape the panel renders. */
export type EduTokenEntropy = TokenView;

export interface EduBackendInfo {
  backend: string;
  model: string;
  capabilities: string[];
}

export interface EduEntropiesResult {
  backend: EduBackendInfo;
  tokens: EduTokenEntropy[];
}

/** Method name of the EDU request; the client sends it by name (its LSP library is one protocol version ahead). */
export const EDU_ENTROPIES_METHOD = 'entropyLens/eduEntropies';
export const EduEntropiesRequest = new RequestType<EduEntropiesParams, EduEntropiesResult, void>(EDU_ENTROPIES_METHOD);
export const DOCUMENT_SCORES_METHOD = 'entropyLens/documentScores';

// ---- SED search and single-edit improvements ----

export type { SearchOptions, SearchResult, SearchResultItem, SearchSpace } from '../core/search/types';

export interface SedSearchParams {
  space: 'nb201' | 'darts' | 'nb101';
  top?: number;
  budget?: number;
  seed?: number;
  maxParams?: number;
  maxFlops?: number;
  /** Also return each result in this format (the format of the document the user inserts into). */
  insertFormat?: 'nb201' | 'darts' | 'nb101' | 'cell';
  workDoneToken?: string;
}

export const SED_SEARCH_METHOD = 'entropyLens/sedSearch';

export interface NeighboursParams {
  uri: string;
  /** UTF-16 offset inside the definition. */
  offset: number;
  k?: number;
}

export interface NeighbourSuggestion {
  description: string;
  sed: number;
  gain: number;
  params?: number;
  paramsChange?: number;
  /** The replacement, as a range of the document and its new text. */
  edit: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
}

export interface NeighboursResult {
  format?: string;
  sed?: number;
  neighbours: NeighbourSuggestion[];
  /** Why there are none (no definition here, the definition has errors, …). */
  message?: string;
}

export const NEIGHBOURS_METHOD = 'entropyLens/neighbours';
export const NeighboursRequest = new RequestType<NeighboursParams, NeighboursResult, void>(NEIGHBOURS_METHOD);
