// Real-editor checks of the EDU panel with a generated bigram GGUF (high entropy after '.', ',',
// spaces): steps reported by the panel, editor markers, separators as one undoable edit.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { until } from './until';
import { writeGguf } from '../fixtures/gguf/makeGguf';
import type { EntropyLensApi } from '../../client/src/extension';
import { applyInsertions, separatorInsertions } from '../../server/src/edu/annotate';

suite('EDU segmentation', () => {
  let api: EntropyLensApi;
  let doc: vscode.TextDocument;
  let editor: vscode.TextEditor;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<EntropyLensApi>('entropy-lens.entropy-lens');
    assert.ok(ext);
    api = await ext.activate();
    const model = join(mkdtempSync(join(tmpdir(), 'entropy-lens-suite-')), 'bigram.gguf');
    writeGguf(model, { seed: 7, bigram: true });
    const c = vscode.workspace.getConfiguration('entropyLens.edu');
    await c.update('backend', 'gguf', vscode.ConfigurationTarget.Global);
    await c.update('modelPath', model, vscode.ConfigurationTarget.Global);
    const folder = vscode.workspace.workspaceFolders![0];
    doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'solution.md'));
    editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  });

  test('segmenting the selected paragraph reports steps that tile it, with markers in the editor', async () => {
    const line = doc.lineAt(2);
    editor.selection = new vscode.Selection(line.range.start, line.range.end);
    const before = doc.getText();
    await vscode.commands.executeCommand('entropyLens.segmentReasoning');
    const snap = await until(() => api.eduSnapshot(), (s) => !!s && s.steps.length > 1, 'panel steps', 60_000);
    const text = line.text;
    assert.equal(snap!.steps.map((s) => text.slice(s.start, s.end)).join(''), text);
    assert.equal(snap!.markers, snap!.steps.length);
    assert.equal(doc.getText(), before, 'segmenting never edits the document');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('entropyLens.eduPanel')), 'panel open');
  });

  test('Insert Step Separators writes labels as one undoable edit', async () => {
    const before = doc.getText();
    const steps = api.eduSnapshot()!.steps;
    const line = doc.lineAt(2);
    assert.equal(await vscode.commands.executeCommand('entropyLens.insertStepSeparators', 'stepLabel'), true);
    const after = doc.getText();
    assert.equal((after.match(/Step \d+: /g) ?? []).length, steps.length);
    const offset = doc.offsetAt(line.range.start);
    const expected = before.slice(0, offset) + applyInsertions(line.text, separatorInsertions(line.text, steps, 'stepLabel')) + before.slice(offset + line.text.length);
    assert.equal(after, expected, 'the edit is exactly the labels at the step starts');
    assert.equal(api.eduSnapshot()!.stale, true, 'markers are cleared once the text changes');
    assert.equal(api.eduSnapshot()!.markers, 0);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before, 'one undo restores the text');
  });

  test('ProcessBench JSON refuses a stale segmentation, then copies fresh steps', async () => {
    assert.equal(await vscode.commands.executeCommand('entropyLens.copyStepsAsProcessBench'), undefined);
    const line = doc.lineAt(2);
    editor.selection = new vscode.Selection(line.range.start, line.range.end);
    await vscode.commands.executeCommand('entropyLens.segmentReasoning');
    await until(() => api.eduSnapshot(), (s) => !!s && !s.stale, 'fresh segmentation');
    const json = await vscode.commands.executeCommand<string>('entropyLens.copyStepsAsProcessBench');
    const record = JSON.parse(json!);
    assert.equal(record.steps.length, api.eduSnapshot()!.steps.length);
    assert.equal(await vscode.env.clipboard.readText(), json);
  });
});
