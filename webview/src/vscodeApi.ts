// The one acquireVsCodeApi() call, typed with the panel protocol.
import type { SegmentParams, WebviewToHost } from '../../server/src/protocol/webview';

export interface PanelState {
  params?: SegmentParams;
  scrollTop?: number;
}

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
