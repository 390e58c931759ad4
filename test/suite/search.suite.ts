// Real-editor checks of the search commands: results view, insertion, and one-edit improvement.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until } from './until';
import type { EntropyLensApi } from '../../client/src/extension';

const WEAK = '|avg_pool_3x3~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|';

suite('SED search commands', () => {
  let api: EntropyLensApi;
  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<EntropyLensApi>('entropy-lens.entropy-lens')!.activate();
  });

  test('Search Architectures ranks NB201, shows the results view and inserts the pick at the cursor', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'best = ""\n', language: 'python' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 8, 0, 8);
    const done = vscode.commands.executeCommand('entropyLens.searchArchitectures', { space: 'nb201', constraints: 'params <= 0.6' });
    const view = await until(() => api.searchResults(), (v) => !!v && v.rows.length > 0, 'results view');
    assert.equal(view!.evaluated, 15625);
    assert.ok(view!.rows.every((r) => r.params <= 0.6));
    assert.ok(view!.scatter.some((p) => p.pareto));
    // Accept the first item of the results QuickPick.
    await until(() => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem').then(() => doc.getText()), (t) => t !== 'best = ""\n', 'insertion');
    await done;
    assert.equal(doc.getText(), `best = "${view!.rows[0].arch}"\n`);
    assert.equal(api.searchResults()!.chosen, 0);
  });

  test('an invalid budget is refused with a message and nothing is inserted', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'x\n', language: 'python' });
    await vscode.window.showTextDocument(doc);
    const r = await vscode.commands.executeCommand('entropyLens.searchArchitectures', { space: 'darts', budget: '-5' });
    assert.equal(r, undefined);
    assert.equal(doc.getText(), 'x\n');
  });

  test('Improve Architecture Under Cursor applies the best single edit as one undoable edit', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: `- ${WEAK}\n`, language: 'markdown' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 6, 0, 6);
    const done = vscode.commands.executeCommand<boolean>('entropyLens.improveArchitecture');
    await until(() => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem').then(() => doc.getText()), (t) => t !== `- ${WEAK}\n`, 'the edit');
    assert.equal(await done, true);
    const ops = (t: string) => [...t.matchAll(/(\w+)~\d/g)].map((m) => m[1]);
    const before = ops(WEAK);
    const after = ops(doc.getText());
    assert.equal(after.length, 6);
    assert.equal(after.filter((op, i) => op !== before[i]).length, 1, 'exactly one operation replaced');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), `- ${WEAK}\n`);
  });
});
