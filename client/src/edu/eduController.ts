// EDU workflow on the host: run a segmentation through the language server, keep its entropies
// for instant re-segmentation, drive the panel and the editor markers, and write steps back
// only on explicit commands.
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  EDU_ENTROPIES_METHOD, type EduBackendInfo, type EduEntropiesParams, type EduEntropiesResult, type EduTokenEntropy,
} from '../../../server/src/protocol/lsp';
import { assertNever, type PanelStatus, type SegmentParams, type SegmentationView, type WebviewToHost } from '../../../server/src/protocol/webview';
import { DEFAULT_PANEL_PARAMS, segmentForPanel, toSegmentationView, toTokenViews } from '../../../server/src/edu/viewModel';
import { processBenchRecord, separatorInsertions, SEPARATOR_STYLES } from '../../../server/src/edu/annotate';
import { EntropyPanel } from './entropyPanel';
import { StepDecorations } from './stepDecorations';
import { chooseModel, eduLimits, resolveBackend, setEndpoint } from './eduSettings';
import { checkText } from './textChecks';

const RUN_STATE_KEY = 'entropyLens.edu.lastRun';
const MAX_SAVED_CHARS = 2_000_000;
const STALE: PanelStatus = { kind: 'error', message: 'The text changed since it was segmented. Run the command again to refresh.' };

interface Run {
  uri: vscode.Uri;
  /** Offset of the segmented text in the document; moves with edits before it. */
  offset: number;
  text: string;
  tokens: EduTokenEntropy[];
  backend: EduBackendInfo;
  params: SegmentParams;
  view: SegmentationView;
  /** The text under the run was edited: markers are gone and write-back is refused. */
  stale: boolean;
}

export class EduController implements vscode.Disposable {
  private panel: EntropyPanel | undefined;
  private run: Run | undefined;
  private inFlight: vscode.CancellationTokenSource | undefined;
  private lastRendered: { tokens: number; firstPaintMs: number; totalMs: number } | undefined;
  /** What the panel's header shows; re-sent when a (new or revived) webview says ready. */
  private status: PanelStatus = { kind: 'idle' };
  readonly decorations = new StepDecorations();
  private readonly disposables: vscode.Disposable[] = [this.decorations];

  constructor(private readonly context: vscode.ExtensionContext, private readonly client: () => LanguageClient | undefined) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorations.apply()),
    );
  }

  /** Entropy Lens: Segment Reasoning (EDU). */
  async segmentSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage('Entropy Lens: open a document and select the reasoning to segment.');
      return;
    }
    const doc = editor.document;
    const range = editor.selection.isEmpty ? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)) : editor.selection;
    const text = doc.getText(range);
    const problem = checkText(text, eduLimits().maxChars, editor.selection.isEmpty);
    if (problem) {
      void vscode.window.showWarningMessage(`Entropy Lens: ${problem}`);
      return;
    }
    const panel = this.showPanel();
    const backend = await resolveBackend(this.context.secrets);
    if ('missing' in backend) {
      this.setStatus({ kind: 'needsBackend', message: backend.missing });
      return;
    }
    const client = this.client();
    if (!client) {
      this.setStatus({ kind: 'error', message: 'The Entropy Lens language server is not running. Run "Entropy Lens: Restart Language Server".' });
      return;
    }
    this.inFlight?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.inFlight = cts;
    const offset = doc.offsetAt(range.start);
    const version = doc.version;
    this.setStatus({ kind: 'running', message: 'Computing token entropies…', done: 0, total: 0 });
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Entropy Lens: computing token entropies', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => cts.cancel());
          const workDoneToken = `entropyLens-edu-${Date.now()}`;
          let last = 0;
          const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
            if (p.kind !== 'report' || p.percentage === undefined) return;
            progress.report({ increment: p.percentage - last, message: p.message });
            last = p.percentage;
            this.setStatus({ kind: 'running', message: p.message ?? 'Computing token entropies…', done: p.percentage, total: 100 });
          });
          try {
            const params: EduEntropiesParams = { text, source: backend.config, workDoneToken };
            return await client.sendRequest<EduEntropiesResult>(EDU_ENTROPIES_METHOD, params, cts.token);
          } finally {
            sub.dispose();
          }
        });
      if (cts.token.isCancellationRequested) throw new vscode.CancellationError();
      if (doc.version !== version) {
        this.setStatus({ kind: 'error', message: 'The text changed while its entropies were computed. Run the command again.' });
        return;
      }
      this.setRun({
        uri: doc.uri, offset, text, tokens: result.tokens, backend: result.backend,
        params: this.run?.params ?? DEFAULT_PANEL_PARAMS, view: undefined as never, stale: false,
      });
    } catch (e) {
      if (cts.token.isCancellationRequested) {
        this.setStatus({ kind: 'idle' });
        void vscode.window.setStatusBarMessage('Entropy Lens: segmentation cancelled', 4000);
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      this.setStatus({ kind: 'error', message });
      void vscode.window.showErrorMessage(`Entropy Lens: ${message}`);
    } finally {
      if (this.inFlight === cts) this.inFlight = undefined;
      cts.dispose();
    }
  }

  /** Insert Step Separators: one undoable edit in the chosen convention. */
  async insertSeparators(style?: string): Promise<boolean> {
    const run = this.freshRun();
    if (!run) return false;
    const choice = style
      ? SEPARATOR_STYLES.find((s) => s.id === style)
      : await vscode.window.showQuickPick(SEPARATOR_STYLES.map((s) => ({ ...s, description: s.detail })), { title: 'Insert step separators' });
    if (!choice) return false;
    const doc = await vscode.workspace.openTextDocument(run.uri);
    const edit = new vscode.WorkspaceEdit();
    for (const ins of separatorInsertions(run.text, run.view.steps, choice.id)) {
      edit.insert(run.uri, doc.positionAt(run.offset + ins.offset), ins.text);
    }
    return vscode.workspace.applyEdit(edit);
  }

  /** Copy Steps as ProcessBench JSON. */
  async copyProcessBench(): Promise<string | undefined> {
    const run = this.freshRun();
    if (!run) return undefined;
    const json = JSON.stringify(processBenchRecord(run.text, run.view.steps), null, 2);
    await vscode.env.clipboard.writeText(json);
    void vscode.window.setStatusBarMessage(`Entropy Lens: copied ${run.view.steps.length} steps as ProcessBench JSON`, 4000);
    return json;
  }

  toggleAnnotations(): boolean {
    return this.decorations.toggle();
  }

  /** What the panel shows, for tests and the panel benchmark. */
  snapshot(): { steps: SegmentationView['steps']; params: SegmentParams; stale: boolean; markers: number; rendered?: { tokens: number; firstPaintMs: number; totalMs: number } } | undefined {
    return this.run && { steps: this.run.view.steps, params: this.run.params, stale: this.run.stale, markers: this.decorations.count, rendered: this.lastRendered };
  }

  revive(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = EntropyPanel.revive(panel, this.context.extensionUri, (m) => this.onPanelMessage(m));
    this.panel.onDidDispose(() => this.onPanelClosed());
    const saved = this.context.workspaceState.get<Omit<Run, 'uri' | 'view'> & { uri: string }>(RUN_STATE_KEY);
    if (saved && !this.run) {
      this.setRun({ ...saved, uri: vscode.Uri.parse(saved.uri), view: undefined as never });
    } else {
      this.postRun();
    }
  }

  private setStatus(status: PanelStatus): void {
    this.status = status;
    this.panel?.post({ type: 'status', status });
  }

  private showPanel(): EntropyPanel {
    if (this.panel) { this.panel.reveal(); return this.panel; }
    this.panel = EntropyPanel.create(this.context.extensionUri, (m) => this.onPanelMessage(m));
    this.panel.onDidDispose(() => this.onPanelClosed());
    return this.panel;
  }

  private onPanelClosed(): void {
    this.panel = undefined;
    this.inFlight?.cancel(); // closing the panel mid-run ends the run
  }

  private setRun(run: Run): void {
    const seg = segmentForPanel(run.tokens, run.text, run.params);
    run.view = toSegmentationView(seg, run.params);
    this.run = run;
    this.status = run.stale ? STALE : { kind: 'idle' };
    this.postRun();
    void this.vsDocument(run.uri).then((doc) => {
      if (doc && this.run === run && !run.stale) this.decorations.show(doc, run.offset, run.view.steps);
    });
    if (run.text.length <= MAX_SAVED_CHARS) {
      const { view: _view, uri, ...rest } = run;
      void this.context.workspaceState.update(RUN_STATE_KEY, { ...rest, uri: uri.toString() });
    }
  }

  private postRun(): void {
    const run = this.run;
    if (!this.panel) return;
    this.panel.post({ type: 'backend', backend: run?.backend ?? null });
    this.panel.post({ type: 'status', status: this.status });
    if (run) this.panel.post({ type: 'document', text: run.text, tokens: toTokenViews(run.tokens), segmentation: run.view });
  }

  private onPanelMessage(m: WebviewToHost): void {
    switch (m.type) {
      case 'ready':
        this.postRun();
        return;
      case 'setParams': {
        const run = this.run;
        if (!run) return;
        run.params = m.params;
        run.view = toSegmentationView(segmentForPanel(run.tokens, run.text, m.params), m.params);
        this.panel?.post({ type: 'steps', segmentation: run.view });
        if (!run.stale) void this.vsDocument(run.uri).then((doc) => doc && this.decorations.show(doc, run.offset, run.view.steps));
        return;
      }
      case 'selectStep':
        void this.revealStep(m.index);
        return;
      case 'runCommand':
        switch (m.command) {
          case 'chooseModel': void chooseModel(); return;
          case 'setEndpoint': void setEndpoint(this.context.secrets); return;
          case 'segmentAgain': void this.segmentSelection(); return;
          case 'cancel': this.inFlight?.cancel(); return;
          default: return assertNever(m.command);
        }
      case 'rendered':
        this.lastRendered = { tokens: m.tokens, firstPaintMs: m.firstPaintMs, totalMs: m.totalMs };
        return;
      default:
        assertNever(m);
    }
  }

  private async revealStep(index: number): Promise<void> {
    const run = this.run;
    const step = run?.view.steps[index];
    if (!run || !step) return;
    if (run.stale) {
      void vscode.window.showWarningMessage('Entropy Lens: the text changed since it was segmented; run the command again.');
      return;
    }
    const doc = await vscode.workspace.openTextDocument(run.uri);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    const range = new vscode.Range(doc.positionAt(run.offset + step.start), doc.positionAt(run.offset + step.end));
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private freshRun(): Run | undefined {
    if (!this.run) {
      void vscode.window.showWarningMessage('Entropy Lens: nothing segmented yet. Select a solution and run "Segment Reasoning (EDU)".');
      return undefined;
    }
    if (this.run.stale) {
      void vscode.window.showWarningMessage('Entropy Lens: the text changed since it was segmented; run "Segment Reasoning (EDU)" again first.');
      return undefined;
    }
    return this.run;
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const run = this.run;
    if (!run || run.stale || e.document.uri.toString() !== run.uri.toString() || e.contentChanges.length === 0) return;
    const end = run.offset + run.text.length;
    let shift = 0;
    for (const c of e.contentChanges) {
      if (c.rangeOffset + c.rangeLength <= run.offset && c.rangeOffset < run.offset) {
        shift += c.text.length - c.rangeLength; // entirely before the run: markers just move
      } else if (c.rangeOffset <= end) {
        run.stale = true;
      }
    }
    if (run.stale) {
      this.decorations.clear();
      this.setStatus(STALE);
      return;
    }
    if (shift !== 0) {
      run.offset += shift;
      this.decorations.show(e.document, run.offset, run.view.steps);
    }
  }

  private async vsDocument(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  }

  dispose(): void {
    this.inFlight?.cancel();
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
