// Mocha entry for the extension host (@vscode/test-electron's extensionTestsPath, or
// code-server's payload): runs every *.suite.js next to this file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  for (const f of readdirSync(__dirname)) if (f.endsWith('.suite.js')) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
