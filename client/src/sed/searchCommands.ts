// "Search Architectures…" and "Improve Architecture Under Cursor": pickers, progress with
// Cancel, and one undoable edit. The search itself runs in the language server.
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  NEIGHBOURS_METHOD, SED_SEARCH_METHOD,
  type NeighboursParams, type NeighboursResult, type SedSearchParams,
} from '../../../server/src/protocol/lsp';
import type { SearchResponse } from '../../../server/src/lsp/search';
import { CELL_LANGUAGE_ID } from '../../../server/src/protocol/ids';
import { parseSearchForm, SPACE_ITEMS, type SearchForm } from './searchForm';

export interface SearchUi {
  /** Shows the results view for a finished search (and the architecture that was chosen). */
  showResults(result: SearchResponse, chosen?: number): void;
}

export async function searchArchitectures(client: LanguageClient | undefined, ui: SearchUi, preset?: SearchForm): Promise<SearchResponse | undefined> {
  if (!client) {
    void vscode.window.showErrorMessage('Entropy Lens: the language server is not running. Run "Entropy Lens: Restart Language Server".');
    return undefined;
  }
  const form = preset ?? await askForm();
  if (!form) return undefined;
  const parsed = parseSearchForm(form);
  if ('error' in parsed) {
    void vscode.window.showErrorMessage(`Entropy Lens: ${parsed.error}`);
    return undefined;
  }
  const editor = vscode.window.activeTextEditor;
  const insertFormat = editor?.document.languageId === CELL_LANGUAGE_ID ? 'cell' : undefined;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Entropy Lens: searching ${spaceLabel(parsed.space)} by SED`, cancellable: true },
    async (progress, token) => {
      const workDoneToken = `entropyLens-search-${Date.now()}`;
      let last = 0;
      const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
        if (p.kind !== 'report' || p.percentage === undefined) return;
        progress.report({ increment: p.percentage - last, message: p.message });
        last = p.percentage;
      });
      try {
        const params: SedSearchParams = { ...parsed, insertFormat, workDoneToken };
        return await client.sendRequest<SearchResponse>(SED_SEARCH_METHOD, params, token);
      } finally {
        sub.dispose();
      }
    });
  if (result.error) {
    void vscode.window.showErrorMessage(`Entropy Lens: ${result.error.message}`);
    return result;
  }
  if (result.cancelled) void vscode.window.showInformationMessage(`Entropy Lens: search cancelled after ${result.evaluated.toLocaleString('en-US')} candidates; showing the best so far.`);
  ui.showResults(result);
  const items = result.results.map((r, i) => ({
    label: `${i + 1}. SED ${r.sed.toFixed(3)} · ${r.params.toFixed(2)} M params · ${r.flops.toFixed(1)} MFLOPs`,
    detail: result.insertTexts?.[i] ?? r.arch,
    index: i,
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title: `Top ${items.length} of ${result.evaluated.toLocaleString('en-US')} evaluated (${Math.round(result.millis)} ms)`,
    placeHolder: editor ? 'Insert at the cursor' : 'Open in a new document', matchOnDetail: true,
  });
  if (!pick) return result;
  ui.showResults(result, pick.index);
  const text = pick.detail;
  if (editor) {
    await editor.edit((b) => b.replace(editor.selection, text));
  } else {
    const doc = await vscode.workspace.openTextDocument({ content: text + '\n', language: 'plaintext' });
    await vscode.window.showTextDocument(doc);
  }
  return result;
}

async function askForm(): Promise<SearchForm | undefined> {
  const space = await vscode.window.showQuickPick(SPACE_ITEMS, { title: 'Search Architectures (1/3): search space' });
  if (!space) return undefined;
  let budget = '';
  if (space.space !== 'nb201') {
    const b = await vscode.window.showInputBox({
      title: 'Search Architectures (2/3): evaluated candidates', value: '100000',
      prompt: 'Regularised evolution evaluates this many candidates (about 1 s per 100,000)',
      validateInput: (v) => (parseSearchForm({ space: space.space, budget: v }) as { error?: string }).error,
    });
    if (b === undefined) return undefined;
    budget = b;
  }
  const constraints = await vscode.window.showInputBox({
    title: 'Search Architectures (3/3): constraints (optional)',
    prompt: 'For example "params <= 1.5, flops <= 300" (millions, CIFAR-10 network). Leave empty for none.',
    validateInput: (v) => (parseSearchForm({ space: space.space, constraints: v }) as { error?: string }).error,
  });
  if (constraints === undefined) return undefined;
  return { space: space.space, budget, constraints };
}

function spaceLabel(space: string): string {
  return SPACE_ITEMS.find((s) => s.space === space)?.label ?? space;
}

export async function improveArchitecture(client: LanguageClient | undefined, uriArg?: string, offsetArg?: number): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const uri = uriArg ?? editor?.document.uri.toString();
  if (!client || !uri) {
    void vscode.window.showWarningMessage('Entropy Lens: put the cursor on an architecture definition first.');
    return false;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? editor!.document;
  const offset = offsetArg ?? doc.offsetAt(editor!.selection.active);
  const version = doc.version;
  const params: NeighboursParams = { uri, offset, k: 12 };
  const r = await client.sendRequest<NeighboursResult>(NEIGHBOURS_METHOD, params);
  if (r.neighbours.length === 0) {
    void vscode.window.showInformationMessage(`Entropy Lens: ${r.message ?? 'no single-edit neighbour found.'}`);
    return false;
  }
  const pick = await vscode.window.showQuickPick(r.neighbours.map((n) => ({
    label: `${n.gain >= 0 ? '+' : '−'}${Number.isFinite(n.gain) ? Math.abs(n.gain).toFixed(3) : '∞'} SED  ${n.description}`,
    description: n.paramsChange !== undefined ? `params ${n.paramsChange >= 0 ? '+' : '−'}${Math.abs(n.paramsChange).toFixed(3)} M → ${n.params!.toFixed(3)} M` : undefined,
    detail: n.edit.newText.length > 200 ? n.edit.newText.slice(0, 200) + '…' : n.edit.newText,
    n,
  })), { title: `Best single edits (current SED ${r.sed?.toFixed(3)})` });
  if (!pick) return false;
  if (doc.version !== version) {
    void vscode.window.showWarningMessage('Entropy Lens: the document changed meanwhile; run the command again.');
    return false;
  }
  const e = pick.n.edit;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  return vscode.workspace.applyEdit(edit);
}
