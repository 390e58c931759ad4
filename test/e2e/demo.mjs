#!/usr/bin/env node
// One-command demo: code-server on 127.0.0.1 with the Entropy Lens VSIX installed and the fixture
// workspace open, for a person to try in a browser. Runs until Ctrl+C. Run after `npm run build`:
//
//   node test/e2e/demo.mjs [--port 8080] [--workspace DIR] [--dev] [--root DIR] [--skip-setup]
//
//   --port N        port on 127.0.0.1 (default 8080, or a free one if 8080 is taken)
//   --workspace DIR folder to open (default: a temporary copy of test/fixtures/workspace, so edits
//                   made in the demo never touch the checkout)
//   --dev           load the extension from the checkout (extensionDevelopmentPath) instead of
//                   installing the VSIX: rebuild (`npm run watch`) and "Developer: Reload Window"
//                   to see changes
// See docs/e2e.md.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  FIXTURE_WORKSPACE, ROOT, SETUP_MISSING_EXIT, buildProblems, copyWorkspace, devPayload, freePort, installVsix,
  makeDirs, missingLines, packageVsix, portIsFree, removeDirs, runSetup, startServer, stopServer, stopStragglers, workbenchUrl,
} from './lib.mjs';

const { values: opt } = parseArgs({
  options: {
    port: { type: 'string' },
    workspace: { type: 'string' },
    dev: { type: 'boolean' },
    root: { type: 'string' },
    'skip-setup': { type: 'boolean' },
  },
});
const EXT_ROOT = resolve(opt.root ?? ROOT);

let dirs;
let server;
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const how = await stopServer(server).catch((e) => `error: ${e.message}`);
  await stopStragglers();
  if (dirs) removeDirs(dirs);
  console.log(`demo: stopped${how ? ` (code-server ${how})` : ''}`);
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, () => void stop(0));

async function main() {
  if (!opt['skip-setup']) {
    const setup = await runSetup();
    if (setup.code === SETUP_MISSING_EXIT) throw new Error(`the prerequisites cannot be installed here:\n${missingLines(setup.out)}`);
    if (setup.code !== 0) throw new Error(`test/e2e/setup.sh exited ${setup.code}`);
  }
  const problem = buildProblems(EXT_ROOT);
  if (problem) throw new Error(problem);

  let port;
  if (opt.port) {
    port = Number(opt.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port ${opt.port}: not a port`);
    if (!(await portIsFree(port))) throw new Error(`127.0.0.1:${port} is in use`);
  } else {
    port = (await portIsFree(8080)) ? 8080 : await freePort();
  }

  dirs = makeDirs('demo');
  const workspace = opt.workspace ? resolve(opt.workspace) : copyWorkspace(FIXTURE_WORKSPACE, dirs.workspace);
  if (!opt.dev) {
    const pkg = await packageVsix(EXT_ROOT, dirs.base);
    await installVsix(dirs, pkg.vsix);
    console.log(`demo: installed ${pkg.vsix.split('/').pop()} (${(pkg.sizeBytes / 1e6).toFixed(1)} MB, ${pkg.files.length} files with node-llama-cpp)`);
  }
  server = await startServer(dirs, port, join(dirs.base, 'code-server.log'));
  server.child.on('exit', (code) => {
    if (!stopping) { console.error(`demo: code-server exited (${code}); log: ${server.logFile}`); void stop(1); }
  });
  const payload = opt.dev ? devPayload(port, EXT_ROOT) : undefined;
  console.log('');
  console.log(`Entropy Lens demo (code-server, VS Code 1.99.3) is running. Open in a browser on this machine:`);
  console.log('');
  console.log(`  ${workbenchUrl(port, workspace, payload)}`);
  console.log('');
  console.log(`Try: nb201.md (code lenses, hover a cell string), broken.py (squiggle, Problems: Ctrl+Shift+M),`);
  console.log(`     solution.md (F1 → "Entropy Lens: Choose GGUF Model…", then select the paragraph, F1 → "Entropy Lens: Segment Reasoning (EDU)").`);
  console.log(`Workspace: ${workspace}${opt.workspace ? '' : ' (a temporary copy)'}; server log: ${server.logFile}`);
  console.log('Press Ctrl+C to stop.');
}

main().catch(async (e) => {
  console.error(`demo: ${e.message}`);
  await stop(1);
});
