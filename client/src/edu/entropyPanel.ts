// The EDU webview panel: creation and reuse, the ready handshake, message routing, disposal.
import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type WebviewToHost } from '../../../server/src/protocol/webview';
import { loadBundle } from '../panelHtml';

export const EDU_PANEL_VIEW_TYPE = 'entropyLens.eduPanel';

export class EntropyPanel implements vscode.Disposable {
  private ready = false;
  private queue: HostToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly onMessage: (m: WebviewToHost) => void) {
    loadBundle(panel.webview, extensionUri, 'webview.js', 'EDU segmentation');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isWebviewToHost(m)) return; // the webview is untrusted input
        if (m.type === 'ready') {
          this.ready = true;
          const q = this.queue;
          this.queue = [];
          for (const msg of q) void panel.webview.postMessage(msg);
        }
        this.onMessage(m);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(extensionUri: vscode.Uri, onMessage: (m: WebviewToHost) => void): EntropyPanel {
    const panel = vscode.window.createWebviewPanel(EDU_PANEL_VIEW_TYPE, 'EDU Segmentation', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
    });
    return new EntropyPanel(panel, extensionUri, onMessage);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, onMessage: (m: WebviewToHost) => void): EntropyPanel {
    return new EntropyPanel(panel, extensionUri, onMessage);
  }

  /** Posts now if the webview said ready, else after the handshake (latest status wins). */
  post(message: HostToWebview): void {
    if (this.ready) { void this.panel.webview.postMessage(message); return; }
    this.queue.push(message);
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  dispose(): void {
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
