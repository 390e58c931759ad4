import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { toDiagnostic, toRange } from '../../../server/src/lsp/convert';
import type { Finding } from '../../../server/src/core/types';

const doc = TextDocument.create('file:///a', 'markdown', 1, 'ab\n😀cd\nef');

test('toRange converts UTF-16 offsets across lines and surrogate pairs', () => {
  assert.deepEqual(toRange(doc, { start: 5, end: 7 }), { start: { line: 1, character: 2 }, end: { line: 1, character: 4 } });
});

test('parse errors stay errors whatever the topology severity setting', () => {
  const f: Finding = { span: { start: 0, end: 1 }, severity: 'error', code: 'nb201/unknown-op', message: 'm' };
  assert.equal(toDiagnostic(doc, f, 'off')?.severity, DiagnosticSeverity.Error);
  assert.equal(toDiagnostic(doc, f, 'hint')?.severity, DiagnosticSeverity.Error);
});

test('topology findings follow the setting, and off drops them', () => {
  const f: Finding = { span: { start: 0, end: 1 }, severity: 'warning', code: 'sed/disconnected-output', message: 'm' };
  assert.equal(toDiagnostic(doc, f, 'default')?.severity, DiagnosticSeverity.Warning);
  assert.equal(toDiagnostic(doc, f, 'hint')?.severity, DiagnosticSeverity.Hint);
  assert.equal(toDiagnostic(doc, f, 'error')?.severity, DiagnosticSeverity.Error);
  assert.equal(toDiagnostic(doc, f, 'off'), undefined);
  const d = toDiagnostic(doc, f, 'default')!;
  assert.equal(d.code, 'sed/disconnected-output');
  assert.equal(d.source, 'Entropy Lens');
});
