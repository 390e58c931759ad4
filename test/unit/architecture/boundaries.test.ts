// The layering rules of the design, checked on the source: pure cores import nothing from the
// editor, the LSP libraries or Node I/O; the webview imports nothing from Node or the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
}

const EDITOR_OR_LSP = /^(vscode|vscode-languageserver.*|vscode-languageclient.*|vscode-jsonrpc.*)$/;
const NODE_IO = /^(node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads)$/;

for (const [dir, rule, why] of [
  ['server/src/core', (m: string) => EDITOR_OR_LSP.test(m) || NODE_IO.test(m) || m.includes('/lsp/') || m.includes('/cli/'), 'the SED core is pure'],
  ['server/src/edu', (m: string) => EDITOR_OR_LSP.test(m) || NODE_IO.test(m) || m.includes('/inference') || m.includes('/lsp/'), 'the EDU core is pure'],
  ['webview/src', (m: string) => EDITOR_OR_LSP.test(m) || m.startsWith('node:') || m.includes('client/src'), 'the webview runs in a browser sandbox'],
  ['server/src/protocol', (m: string) => m === 'vscode' || NODE_IO.test(m), 'protocol modules are shared by every side'],
] as [string, (m: string) => boolean, string][]) {
  test(`${dir}: ${why}`, () => {
    const files = sources(dir);
    assert.ok(files.length > 0);
    const bad = files.flatMap((f) => imports(f).filter(rule).map((m) => `${f} imports ${m}`));
    assert.deepEqual(bad, []);
  });
}

test('the import scanner sees static, dynamic and re-export imports', () => {
  const probe = join(process.cwd(), 'server/src/inference/llamaSource.ts');
  assert.ok(imports(probe).includes('node-llama-cpp') || readFileSync(probe, 'utf8').includes("import('node-llama-cpp')"));
  assert.ok(imports(join(process.cwd(), 'server/src/server.ts')).includes('vscode-languageserver/node'));
});
