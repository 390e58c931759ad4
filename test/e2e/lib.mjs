// Shared plumbing for the end-to-end runner (run.mjs) and the demo (demo.mjs): setup, VSIX
// packaging, an isolated code-server on 127.0.0.1, Debian chromium through playwright-core,
// bounded waits and teardown. See docs/e2e.md.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VSCODE_TEST = join(ROOT, '.vscode-test');
export const CS_BIN = join(VSCODE_TEST, 'cs', 'node_modules', '.bin', 'code-server');
export const ARTIFACTS = join(VSCODE_TEST, 'artifacts');
export const FIXTURE_WORKSPACE = join(ROOT, 'test', 'fixtures', 'workspace');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SETUP_MISSING_EXIT = 3; // setup.sh: prerequisites missing and not installable here

export const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

// ---------------------------------------------------------------------------------------------
// Timing

export class Timings {
  constructor() { this.rows = []; this.t0 = performance.now(); }
  async phase(name, fn) {
    const t = performance.now();
    process.stdout.write(`e2e: ${name} …\n`);
    try {
      return await fn();
    } finally {
      const ms = performance.now() - t;
      this.rows.push({ name, ms });
      process.stdout.write(`e2e: ${name} ${fmt(ms)}\n`);
    }
  }
  table() {
    const total = performance.now() - this.t0;
    const w = Math.max(5, ...this.rows.map((r) => r.name.length));
    return [...this.rows.map((r) => `  ${r.name.padEnd(w)}  ${fmt(r.ms).padStart(7)}`), `  ${'total'.padEnd(w)}  ${fmt(total).padStart(7)}`].join('\n');
  }
}

export const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Processes

/** Environment for code-server, chromium and their children: isolated config/data/cache/tmp, nothing inherited
 *  from an enclosing VS Code (its IPC hooks would redirect the CLI to that instance). */
export function isolatedEnv(dirs) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k.startsWith('CODE_SERVER_') || k === 'PASSWORD' || k === 'HASHED_PASSWORD') continue;
    env[k] = v;
  }
  return { ...env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache, TMPDIR: dirs.tmp };
}

/** Children still running: { pid, group } (group: spawned detached, signal its process group). */
const live = new Set();

/** Stops whatever this process started and has not stopped yet (teardown after an interruption). */
export async function stopStragglers() {
  const all = [...live];
  live.clear();
  await Promise.all(all.map(async (c) => {
    if (c.group) await stopGroup(c.pid);
    else try { process.kill(c.pid, 'SIGTERM'); } catch { /* gone */ }
  }));
}

/** Runs a command to completion; resolves { code, out } (stdout+stderr interleaved). */
export function run(cmd, args, { cwd = ROOT, env = process.env, echo = false, prefix = '' } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = { pid: child.pid, group: false };
    live.add(entry);
    child.on('exit', () => live.delete(entry));
    let out = '';
    const onData = (d) => {
      const s = d.toString();
      out += s;
      if (echo) process.stdout.write(prefix ? s.replace(/^(?=.)/gm, prefix) : s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), out }));
  });
}

/** test/e2e/setup.sh; resolves { code, out }. */
export function runSetup() {
  return run('bash', [join(ROOT, 'test', 'e2e', 'setup.sh')], { echo: true, prefix: '  ' });
}

/** Lines of setup.sh's output that say what is missing. */
export function missingLines(out) {
  return out.split('\n').filter((l) => l.startsWith('e2e setup: missing')).join('\n');
}

export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}

export function portIsFree(port) {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', () => resolvePromise(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePromise(true)));
  });
}

/** Bounded polling: resolves the first truthy probe() value, rejects after timeoutMs. */
export async function until(probe, what, timeoutMs, intervalMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${fmt(timeoutMs)} waiting for ${what}${last ? ` (last error: ${last.message ?? last})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------
// Isolated directories

/** Fresh per-run directories under the system temp dir. */
export function makeDirs(label) {
  const base = mkdtempSync(join(tmpdir(), `entropy-lens-${label}-`));
  const dirs = {
    base,
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    xdgConfig: join(base, 'xdg-config'),
    xdgData: join(base, 'xdg-data'),
    xdgCache: join(base, 'xdg-cache'),
    tmp: join(base, 'tmp'),
    profile: join(base, 'chromium-profile'),
    workspace: join(base, 'workspace'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  return dirs;
}

/** Rewrites the run's user settings.json: USER_SETTINGS plus `extra` (the workbench and the
 *  extension host pick changes up while running). */
export function writeUserSettings(dirs, extra = {}) {
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2));
}

/** Writes the run's remote ("Machine") settings, <user-data-dir>/Machine/settings.json. code-server
 *  is a remote window to VS Code: settings of `machine` and `machine-overridable` scope (such as
 *  entropyLens.edu.modelPath) count only from here or from the workspace; in User settings they are
 *  dropped as soon as the user configuration is reloaded (e.g. by a theme change). */
export function writeMachineSettings(dirs, settings) {
  mkdirSync(join(dirs.userData, 'Machine'), { recursive: true });
  writeFileSync(join(dirs.userData, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Bundles test/fixtures/gguf/makeGguf.ts with esbuild into `outDir` and imports it:
 *  resolves the module ({ writeGguf, makeGguf, … }). */
export async function loadModelWriter(outDir) {
  const esbuild = await import('esbuild');
  const outfile = join(outDir, 'makeGguf.mjs');
  await esbuild.build({
    entryPoints: [join(ROOT, 'test', 'fixtures', 'gguf', 'makeGguf.ts')], outfile,
    bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

/** Copies the fixture workspace so that nothing the editor writes lands in the checkout. */
export function copyWorkspace(from, to) {
  cpSync(from, to, { recursive: true });
  return to;
}

export function removeDirs(dirs) {
  try { rmSync(dirs.base, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ }
}

// ---------------------------------------------------------------------------------------------
// Build products, VSIX

export function buildProblems(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const main = join(root, pkg.main ?? 'dist/client.js');
  const missing = [main, join(root, 'dist', 'server.js')].filter((f) => !existsSync(f));
  return missing.length ? `missing build output ${missing.map((f) => f.slice(root.length + 1)).join(', ')} — run \`npm run build\` first` : undefined;
}

export function extensionId(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return { id: `${pkg.publisher}.${pkg.name}`.toLowerCase(), version: pkg.version, name: pkg.name };
}

/** Top-level folders vsce never walks as a whole: .git/ and .vscode-test/ are on its default
 *  ignore list, and node_modules/ is walked only package by package (the directories that
 *  `npm list --production` prints), yet vsce globs everything else before applying
 *  .vscodeignore, and code-server's 6,000 files in .vscode-test/ cost it seconds. */
const NEVER_SHIPPED = new Set(['node_modules', '.git', '.vscode-test']);

/** vsce's --target for this machine (the VSIX carries this platform's node-llama-cpp binaries). */
export function vsixTarget() {
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch] ?? process.arch;
  return `${process.platform === 'win32' ? 'win32' : process.platform}-${arch}`;
}

/** `vsce package --target <this platform>` with dependencies (node-llama-cpp and the tree
 *  .vscodeignore allow-lists), on a copy of the checkout without NEVER_SHIPPED and with
 *  node_modules/ symlinked (vsce's `npm list` then prints paths inside the copy). The file list
 *  is read from the VSIX itself. Returns { vsix, files, sizeBytes, unpackedBytes, target, log }. */
export async function packageVsix(root, outDir, { target = vsixTarget() } = {}) {
  const vsce = join(ROOT, 'node_modules', '.bin', 'vsce');
  if (!existsSync(vsce)) throw new Error(`${vsce} not found: run npm ci (devDependency @vscode/vsce)`);
  const { name, version } = extensionId(root);
  const vsix = join(outDir, `${name}-${target}-${version}.vsix`);
  const stage = join(outDir, 'vsce-stage');
  cpSync(root, stage, { recursive: true, filter: (src) => !NEVER_SHIPPED.has(relative(root, src).split(sep)[0]) });
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'));
  // --no-rewrite-relative-links: package.json's repository is not a GitHub/GitLab URL, so vsce
  // cannot turn README's relative links (docs/*.md) into absolute ones and would refuse.
  const pkg = await run(vsce, ['package', '--target', target, '--no-rewrite-relative-links', '--out', vsix], { cwd: stage });
  rmSync(stage, { recursive: true, force: true });
  if (pkg.code !== 0 || !existsSync(vsix)) throw new Error(`vsce package failed:\n${pkg.out}`);
  const entries = zipEntries(vsix).filter((e) => e.name.startsWith('extension/'));
  return {
    vsix, target, log: pkg.out, sizeBytes: statSync(vsix).size,
    files: entries.map((e) => e.name.slice('extension/'.length)),
    unpackedBytes: entries.reduce((n, e) => n + e.size, 0),
  };
}

/** Entries of a zip file ({ name, size } uncompressed) from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${k}`);
    const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
    out.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLen), size: buf.readUInt32LE(at + 24) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Package directories (relative to root, e.g. `node_modules/ms`, `node_modules/a/node_modules/b`)
 *  that `import(name)` loads at run time: the package and, transitively, its dependencies as
 *  Node resolves them, plus installed optional dependencies except other platforms'
 *  `@node-llama-cpp/*` binaries. Peer dependencies are not followed. */
export function runtimeTree(root, name, platformPackage = `@node-llama-cpp/${vsixTarget()}`) {
  const resolveFrom = (dir, dep) => {
    for (let d = dir; ; d = dirname(d)) {
      const p = join(d, 'node_modules', dep);
      if (existsSync(join(p, 'package.json'))) return p;
      if (d === root || d === dirname(d)) return undefined;
    }
  };
  const seen = new Set();
  const missing = [];
  const walk = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const optional = Object.keys(pkg.optionalDependencies ?? {}).filter((d) => !d.startsWith('@node-llama-cpp/') || d === platformPackage);
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const d = resolveFrom(dir, dep);
      if (d) walk(d); else missing.push(`${dep} (from ${relative(root, dir)})`);
    }
    for (const dep of optional) {
      const d = resolveFrom(dir, dep);
      if (d) walk(d);
    }
  };
  const top = resolveFrom(root, name);
  if (!top) return { dirs: [], missing: [name] };
  walk(top);
  return { dirs: [...seen].map((d) => relative(root, d).split(sep).join('/')).sort(), missing };
}

/** The package directory a VSIX path belongs to (`node_modules/@s/p/node_modules/q/x.js` →
 *  `node_modules/@s/p/node_modules/q`), or undefined outside node_modules/. */
export function packageDirOf(file) {
  const parts = file.split('/');
  let end = -1;
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'node_modules') continue;
    end = parts[i + 1]?.startsWith('@') ? i + 3 : i + 2;
    i = end - 1;
  }
  return end > 0 && end < parts.length ? parts.slice(0, end).join('/') : undefined;
}

export async function installVsix(dirs, vsix) {
  const r = await run(CS_BIN, ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix],
    { env: isolatedEnv(dirs) });
  if (r.code !== 0 || !/successfully installed/i.test(r.out)) throw new Error(`code-server --install-extension failed (exit ${r.code}):\n${r.out}`);
  return r.out;
}

// ---------------------------------------------------------------------------------------------
// code-server

/** Starts code-server detached (own process group) and waits for /healthz. */
export async function startServer(dirs, port, logFile, { timeoutMs = 30_000 } = {}) {
  const log = createWriteStream(logFile);
  await new Promise((r) => log.on('open', r));
  const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const child = spawn(CS_BIN, args, { cwd: dirs.base, env: isolatedEnv(dirs), detached: true, stdio: ['ignore', log, log] });
  const server = { child, pgid: child.pid, port, log, logFile, exited: false, exitCode: null, entry: { pid: child.pid, group: true } };
  live.add(server.entry);
  child.on('exit', (code, signal) => { server.exited = true; server.exitCode = code ?? signal; });
  await until(async () => {
    if (server.exited) throw Object.assign(new Error(`code-server exited (${server.exitCode}); log: ${logFile}`), { fatal: true });
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  }, `code-server /healthz on 127.0.0.1:${port}`, timeoutMs, 100).catch((e) => {
    throw new Error(`${e.message}\n${tail(logFile, 30)}`);
  });
  return server;
}

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** SIGTERM to the whole process group, SIGKILL after graceMs; resolves when the group is gone. */
export async function stopGroup(pgid, graceMs = 5000) {
  if (!pgid || !groupAlive(pgid)) return 'gone';
  try { process.kill(-pgid, 'SIGTERM'); } catch { /* raced */ }
  try {
    await until(() => !groupAlive(pgid), 'process group exit', graceMs, 50);
    return 'SIGTERM';
  } catch {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* raced */ }
    await until(() => !groupAlive(pgid), 'process group exit after SIGKILL', 5000, 50).catch(() => {});
    return 'SIGKILL';
  }
}

export async function stopServer(server) {
  if (!server) return undefined;
  live.delete(server.entry);
  const how = await stopGroup(server.pgid);
  server.log.end();
  return how;
}

export function tail(file, n) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-n).join('\n'); } catch { return ''; }
}

/** code-server's VS Code log directory ($UD/logs/<session>), newest first. */
export function logDirs(dirs) {
  const d = join(dirs.userData, 'logs');
  try { return readdirSync(d).sort().reverse().map((s) => join(d, s)); } catch { return []; }
}

/** All files under dir whose name matches re (recursive). */
export function findFiles(dir, re) {
  const out = [];
  const walk = (d) => {
    let entries = [];
    try { entries = readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p); else if (re.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Browser

/** Debian chromium on the run's fresh profile; its crash-report and cache dirs stay in `dirs` too. */
export async function launchBrowser(dirs) {
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM} (run test/e2e/setup.sh)`);
  return chromium.launchPersistentContext(dirs.profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 900 }, args: CHROMIUM_ARGS, env: isolatedEnv(dirs),
    // Our own signal handlers tear everything down in order (Playwright's would exit at once and
    // leave code-server running).
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
}

export function workbenchUrl(port, folder, payload) {
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** ?payload= entries that load `root` as the development extension (and optionally its tests). */
export function devPayload(port, root, testsPath) {
  const host = `127.0.0.1:${port}`;
  const p = [['extensionDevelopmentPath', `vscode-remote://${host}${root}`]];
  if (testsPath) p.push(['extensionTestsPath', `vscode-remote://${host}${testsPath}`]);
  p.push(['skipWelcome', 'true']);
  return p;
}
