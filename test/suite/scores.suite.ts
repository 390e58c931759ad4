// Real-editor checks: activation, code lenses and Problems entries on the fixture workspace.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until } from './until';

const EXTENSION_ID = 'entropy-lens.entropy-lens';

async function openFixture(name: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

suite('Entropy Lens scores', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is installed');
    await ext.activate();
  });

  test('code lenses show an SED score above each NAS-Bench-201 string', async () => {
    const doc = await openFixture('nb201.md');
    const lenses = await until(
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri),
      (l) => (l?.length ?? 0) >= 4, 'code lenses');
    const score = lenses.filter((l) => l.command?.title.startsWith('SED '));
    const titles = score.map((l) => l.command!.title);
    assert.equal(score.length, 2);
    assert.ok(titles.every((t) => /^SED -?\d+\.\d\d · top [\d.]+% of NAS-Bench-201 · [\d.]+ M params$/.test(t)), titles.join('\n'));
    assert.deepEqual(score.map((l) => l.range.start.line), [4, 5]);
    const search = lenses.filter((l) => l.command?.title === 'Search neighbours');
    assert.deepEqual(search.map((l) => l.command!.command), ['entropyLens.improveArchitecture', 'entropyLens.improveArchitecture']);
  });

  test('DARTS genotypes in a Python file get scores ranked against the DARTS sample', async () => {
    const doc = await openFixture('genotypes.py');
    const lenses = await until(
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri),
      (l) => (l?.filter((x) => x.command?.title.startsWith('SED ')).length ?? 0) >= 2, 'DARTS code lenses');
    const score = lenses.filter((l) => l.command?.title.startsWith('SED '));
    assert.deepEqual(score.map((l) => doc.lineAt(l.range.start.line).text.split(' =')[0]), ['DARTS_V2', 'SKIP_COLLAPSE']);
    for (const l of score) assert.match(l.command!.title, /^SED \d+\.\d\d · top [\d.]+% of DARTS \(sampled\) · [\d.]+ M params$/);
    const v2 = Number(/SED ([\d.]+)/.exec(score[0].command!.title)![1]);
    const collapsed = Number(/SED ([\d.]+)/.exec(score[1].command!.title)![1]);
    assert.ok(v2 > collapsed, 'the skip-collapsed genotype scores lower');
    const skipInfo = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'sed/excessive-skip');
    assert.ok(skipInfo.some((d) => d.range.start.line >= score[1].range.start.line), 'skip collapse is reported');
  });

  test('a misspelt operation is a Problems entry with the exact range and a suggestion', async () => {
    const doc = await openFixture('broken.py');
    const diags = await until(() => vscode.languages.getDiagnostics(doc.uri), (d) => d.length > 0, 'diagnostics');
    const unknown = diags.find((d) => d.message.includes("unknown operation 'sep_conv_3x4'"));
    assert.ok(unknown, diags.map((d) => d.message).join('\n'));
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(unknown.range), 'sep_conv_3x4');
  });

  test('hover explains the score', async () => {
    const doc = await openFixture('nb201.md');
    const line = doc.lineAt(4);
    const hovers = await until(
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(4, line.text.indexOf('|') + 3)),
      (h) => (h?.length ?? 0) > 0, 'hover');
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /SED -?\d+\.\d{3}/);
    assert.match(text, /params/);
  });
});
