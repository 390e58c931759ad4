// Step markers in the source editor: "⟨k⟩ H 1.23" before each step's first character.
import * as vscode from 'vscode';
import type { StepView } from '../../../server/src/protocol/webview';

export class StepDecorations implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    before: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0.3em 0 0', fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private shown: { uri: string; ranges: vscode.DecorationOptions[] } | undefined;
  enabled = true;

  show(doc: vscode.TextDocument, offset: number, steps: readonly StepView[]): void {
    const ranges = steps.map((s): vscode.DecorationOptions => {
      const p = doc.positionAt(offset + s.start);
      return {
        range: new vscode.Range(p, p),
        renderOptions: { before: { contentText: `⟨${s.index + 1}·${s.meanEntropy.toFixed(1)}⟩` } },
        hoverMessage: `EDU step ${s.index + 1}: mean entropy ${s.meanEntropy.toFixed(3)} nats, max ${s.maxEntropy.toFixed(3)} nats`,
      };
    });
    this.shown = { uri: doc.uri.toString(), ranges };
    this.apply();
  }

  clear(): void {
    this.shown = undefined;
    this.apply();
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    this.apply();
    return this.enabled;
  }

  /** Number of markers currently drawn (for tests and the status message). */
  get count(): number {
    return this.enabled && this.shown ? this.shown.ranges.length : 0;
  }

  apply(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const mine = this.enabled && this.shown && editor.document.uri.toString() === this.shown.uri;
      editor.setDecorations(this.type, mine ? this.shown!.ranges : []);
    }
  }

  dispose(): void {
    this.type.dispose();
  }
}
