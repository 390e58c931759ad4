// The search results view: one reusable panel; "Insert" puts a result into the last text editor.
import * as vscode from 'vscode';
import { isResultsToHost, toResultsView, type HostToResults, type ResultsView } from '../../../server/src/protocol/results';
import type { SearchResponse } from '../../../server/src/lsp/search';
import { loadBundle } from '../panelHtml';
import type { SearchUi } from './searchCommands';

export const RESULTS_VIEW_TYPE = 'entropyLens.searchResults';

export class ResultsPanel implements SearchUi, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private view: ResultsView | undefined;
  private ready = false;
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly disposables: vscode.Disposable[] = [
    vscode.window.onDidChangeActiveTextEditor((e) => { if (e) this.lastEditor = e; }),
  ];

  constructor(private readonly extensionUri: vscode.Uri) {}

  showResults(result: SearchResponse, chosen?: number): void {
    this.view = toResultsView(result, result.insertTexts, chosen);
    if (!this.panel) {
      this.attach(vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, 'SED Search Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
      }));
    }
    this.post();
  }

  /** Restores a panel after a reload; the webview renders its own saved state. */
  revive(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.attach(panel);
  }

  /** What the view shows, for tests. */
  get current(): ResultsView | undefined { return this.view; }

  private attach(panel: vscode.WebviewPanel): void {
    loadBundle(panel.webview, this.extensionUri, 'results.js', 'SED search results');
    this.panel = panel;
    this.ready = false;
    const subs = [
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isResultsToHost(m)) return;
        if (m.type === 'ready') { this.ready = true; this.post(); return; }
        void this.insert(m.index);
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const s of subs) s.dispose();
      }),
    ];
  }

  private post(): void {
    if (!this.panel || !this.ready || !this.view) return;
    const m: HostToResults = { type: 'results', view: this.view };
    void this.panel.webview.postMessage(m);
    this.panel.reveal(undefined, true);
  }

  private async insert(index: number): Promise<void> {
    const row = this.view?.rows[index];
    if (!row) return;
    const editor = this.lastEditor && vscode.window.visibleTextEditors.includes(this.lastEditor) ? this.lastEditor : undefined;
    if (editor) {
      await editor.edit((b) => b.replace(editor.selection, row.arch));
    } else {
      const doc = await vscode.workspace.openTextDocument({ content: row.arch + '\n', language: 'plaintext' });
      await vscode.window.showTextDocument(doc);
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
