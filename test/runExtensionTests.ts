// Runs the Mocha suites in a desktop VS Code via @vscode/test-electron. It downloads VS Code,
// which this offline CI cannot do; the end-to-end issue runs the same suites in code-server.
import { resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: resolve(root, 'out', 'test', 'suite', 'index.js'),
    launchArgs: [resolve(root, 'test', 'fixtures', 'workspace'), '--disable-extensions'],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
