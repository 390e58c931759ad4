// The one build script: extension client, language server, CLI, webview and test bundles.
// Usage: node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  sourcemap: !production, sourcesContent: false, minify: production, logLevel: 'warning',
  // node-llama-cpp is ESM with native binaries: loaded at run time with import().
  external: ['vscode', 'node-llama-cpp'],
};

function testEntries(dir) {
  try {
    return readdirSync(dir, { recursive: true })
      .filter((f) => /\.(test|suite)\.ts$/.test(f) || f === 'index.ts')
      .map((f) => join(dir, f));
  } catch { return []; }
}

const configs = [
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { ...node, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
// The webview bundle (EDU panel) is built once its entry exists.
if (existsSync('webview/src/main.ts')) configs.push(
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production,
    sourcesContent: false, minify: production, logLevel: 'warning',
    entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js',
  },
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production,
    sourcesContent: false, minify: production, logLevel: 'warning',
    entryPoints: ['webview/src/results/main.ts'], outfile: 'dist/results.js',
  },
  { bundle: true, minify: production, logLevel: 'warning', entryPoints: ['webview/src/styles.css'], outfile: 'dist/webview.css' },
);
if (!production) {
  rmSync('out', { recursive: true, force: true }); // no stale test bundles from deleted tests
  const tests = [...testEntries('test/unit'), ...testEntries('test/lsp'), ...testEntries('test/suite'), 'test/runExtensionTests.ts'];
  if (tests.length > 0) {
    configs.push({ ...node, external: [...node.external, 'mocha'], entryPoints: tests, outdir: 'out/test', outbase: 'test' });
  }
}

try {
  if (watch) {
    const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching');
  } else {
    await Promise.all(configs.map((c) => esbuild.build(c)));
  }
} catch (e) {
  console.error(e.message ?? e);
  process.exit(1);
}
