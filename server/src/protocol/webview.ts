// Host ↔ EDU panel messages. One discriminated union per direction; both sides switch
// exhaustively. The webview renders view-models and reports user intent only.

export const PROTOCOL_VERSION = 1;

export interface TokenView {
  text: string;
  /** UTF-16 offsets into the segmented text. */
  start: number;
  end: number;
  entropy: number;
  logprob: number;
  top: { text: string; logprob: number }[];
}

export interface StepView {
  index: number;
  start: number;
  end: number;
  /** First words of the step, for the list. */
  preview: string;
  meanEntropy: number;
  maxEntropy: number;
  /** Token index of the anchor that opens the step (-1 for the first step). */
  anchor: number;
}

export interface SegmentParams {
  mode: 'threshold' | 'percentile';
  threshold: number;
  percentile: number;
  minGap: number;
}

export interface BackendView {
  backend: string;
  model: string;
  capabilities: string[];
}

export type PanelStatus =
  | { kind: 'idle' }
  | { kind: 'needsBackend'; message: string }
  | { kind: 'running'; message: string; done: number; total: number }
  | { kind: 'error'; message: string };

export type HostToWebview =
  | { type: 'status'; status: PanelStatus }
  | { type: 'backend'; backend: BackendView | null }
  | { type: 'document'; text: string; tokens: TokenView[]; segmentation: SegmentationView }
  | { type: 'steps'; segmentation: SegmentationView };

export interface SegmentationView {
  params: SegmentParams;
  /** The entropy level that opens a step (τ, or the percentile's level). */
  effectiveThreshold: number;
  steps: StepView[];
}

export type WebviewToHost =
  | { type: 'ready'; version: number }
  | { type: 'setParams'; params: SegmentParams }
  | { type: 'selectStep'; index: number }
  | { type: 'runCommand'; command: 'chooseModel' | 'setEndpoint' | 'segmentAgain' | 'cancel' }
  /** Render timings, for the panel benchmark. */
  | { type: 'rendered'; tokens: number; firstPaintMs: number; totalMs: number };

const HOST_TYPES = ['status', 'backend', 'document', 'steps'];
const WEBVIEW_TYPES = ['ready', 'setParams', 'selectStep', 'runCommand', 'rendered'];
const PANEL_COMMANDS = ['chooseModel', 'setEndpoint', 'segmentAgain', 'cancel'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isSegmentParams(v: unknown): v is SegmentParams {
  return isObject(v) && (v.mode === 'threshold' || v.mode === 'percentile') &&
    Number.isFinite(v.threshold) && Number.isFinite(v.percentile) && v.percentile as number > 0 && v.percentile as number <= 100 &&
    Number.isInteger(v.minGap) && v.minGap as number >= 1;
}

/** Guard for messages arriving at the host: the webview is untrusted input. */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObject(v) || typeof v.type !== 'string' || !WEBVIEW_TYPES.includes(v.type)) return false;
  switch (v.type) {
    case 'ready': return typeof v.version === 'number';
    case 'setParams': return isSegmentParams(v.params);
    case 'selectStep': return Number.isInteger(v.index) && (v.index as number) >= 0;
    case 'runCommand': return typeof v.command === 'string' && PANEL_COMMANDS.includes(v.command);
    case 'rendered': return Number.isInteger(v.tokens) && Number.isFinite(v.firstPaintMs) && Number.isFinite(v.totalMs);
    default: return false;
  }
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  return isObject(v) && typeof v.type === 'string' && HOST_TYPES.includes(v.type);
}

export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
