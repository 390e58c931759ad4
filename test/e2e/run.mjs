#!/usr/bin/env node
// End-to-end tests in a real VS Code workbench (code-server 4.99.4 + Debian chromium, driven by
// playwright-core). Run after `npm run build`:
//
//   node test/e2e/run.mjs [--only ui|mocha] [--root DIR] [--skip-setup] [--keep] [--timeout SEC]
//
// Phases: setup (test/e2e/setup.sh) → VSIX (`vsce package --no-dependencies`) → install into a
// fresh, isolated code-server → chromium →
//   (a) UI: code lens, hover, squiggle and Problems row on the fixture workspace, screenshots;
//   (b) the Mocha suites (out/test/suite/index.js) in code-server's Node extension host via the
//       workbench's ?payload= URL.
// Artifacts (screenshots, logs, `vsce ls`) go to .vscode-test/artifacts/. Exit code 0 only when
// every check passed. If setup.sh cannot install a prerequisite here (exit 3) the run is skipped
// with setup's message, except under CI=true, where that is a failure. See docs/e2e.md.
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import {
  ARTIFACTS, FIXTURE_WORKSPACE, ROOT, SETUP_MISSING_EXIT, Timings, buildProblems, copyWorkspace, devPayload,
  extensionId, findFiles, fmt, freePort, installVsix, launchBrowser, logDirs, makeDirs, missingLines, packageVsix,
  removeDirs, runSetup, startServer, stopServer, stopStragglers, until, workbenchUrl,
} from './lib.mjs';

const { values: opt } = parseArgs({
  options: {
    only: { type: 'string' },            // ui | mocha
    root: { type: 'string' },            // extension root (default: this checkout)
    'skip-setup': { type: 'boolean' },
    keep: { type: 'boolean' },           // keep the temp dirs (printed) for inspection
    timeout: { type: 'string' },         // whole-run watchdog, seconds (default 600)
  },
});
const CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const EXT_ROOT = resolve(opt.root ?? ROOT);
if (opt.only && !['ui', 'mocha'].includes(opt.only)) {
  console.error(`e2e: --only ${opt.only}: expected ui or mocha`);
  process.exit(2);
}
const RUN_UI = !opt.only || opt.only === 'ui';
const RUN_MOCHA = !opt.only || opt.only === 'mocha';
const WATCHDOG_MS = Number(opt.timeout ?? 600) * 1000;

// Expected UI texts. README: "SED … · top …% of NAS-Bench-201 · 1.53 M params" above the best
// cell; the weak cell is smaller (e.g. "73,306 params").
const LENS_RE = /SED\s+-?\d+(\.\d+)?\s+·\s+top\s+[\d.]+%\s+of\s+NAS-Bench-201\s+·\s+[\d.,]+\s+(M\s+)?params/;
const LENS_M_RE = /SED\s+-?\d+(\.\d+)?\s+·\s+top\s+[\d.]+%\s+of\s+NAS-Bench-201\s+·\s+[\d.]+\s+M\s+params/;
const UNKNOWN_OP = "unknown operation 'sep_conv_3x4'";
const T = { workbench: 60_000, editor: 15_000, lens: 30_000, hover: 15_000, squiggle: 30_000, problems: 15_000, activation: 30_000, mocha: 240_000 };

const timings = new Timings();
const results = []; // { name, ok, ms, detail }
const state = { ctx: undefined, server: undefined, dirs: undefined, teardown: undefined };
const consoleLog = join(ARTIFACTS, 'browser-console.log');

function record(name, ok, ms, detail = '') {
  results.push({ name, ok, ms, detail });
  const mark = ok ? 'ok  ' : 'FAIL';
  console.log(`e2e: ${mark} ${name} (${fmt(ms)})${detail ? `\n${detail.replace(/^/gm, '        ')}` : ''}`);
}

/** A Playwright error without colour codes, browser stderr and its long call log. */
function brief(message) {
  const lines = message.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const cut = lines.findIndex((l) => /^\s*(Browser logs:|Call log:)/.test(l));
  const kept = (cut >= 0 ? lines.slice(0, cut) : lines).filter((l) => l.trim());
  return kept.slice(0, 20).join('\n');
}

/** One named check: its failure is recorded and the run goes on with the next check. */
async function check(name, fn, page) {
  const t = performance.now();
  try {
    const detail = await fn();
    record(name, true, performance.now() - t, typeof detail === 'string' ? detail : '');
    return true;
  } catch (e) {
    record(name, false, performance.now() - t, brief(String(e?.message ?? e)));
    if (page) await page.screenshot({ path: join(ARTIFACTS, `failure-${name.replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => {});
    return false;
  }
}

const expect = (cond, msg) => { if (!cond) throw Object.assign(new Error(msg), { expected: true }); };

function attachConsole(page, label) {
  page.on('console', (m) => appendFileSync(consoleLog, `[${label}] [${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => appendFileSync(consoleLog, `[${label}] [pageerror] ${e.message}\n`));
}

/** Waits (bounded) until the page's finite CSS animations have finished, e.g. a hover fading in. */
async function settled(page, timeoutMs = 2000) {
  await page.evaluate((ms) => Promise.race([
    Promise.all(document.getAnimations()
      .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
      .map((a) => a.finished.catch(() => {}))),
    new Promise((r) => setTimeout(r, ms)),
  ]), timeoutMs).catch(() => {});
}

/** Viewport rectangle of `sub` inside the visible editor line containing `lineText`. */
function textRect(page, lineText, sub) {
  return page.evaluate(({ lineText, sub }) => {
    const norm = (s) => s.replace(/\u00a0/g, ' ');
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')];
    const line = lines.find((l) => norm(l.textContent ?? '').includes(lineText));
    if (!line) return null;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = '';
    while (walker.nextNode()) { nodes.push({ node: walker.currentNode, at: text.length }); text += walker.currentNode.data; }
    const i = norm(text).indexOf(sub);
    if (i < 0) return null;
    const pos = (k) => { const n = nodes.find((x) => k >= x.at && k <= x.at + x.node.data.length); return [n.node, k - n.at]; };
    const range = document.createRange();
    range.setStart(...pos(i));
    range.setEnd(...pos(i + sub.length));
    const r = range.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, { lineText, sub });
}

/** Activation as the extension host log reports it: { state: 'failed' | 'activating', line }. */
function activationFromLogs(id) {
  const files = logDirs(state.dirs).flatMap((d) => findFiles(d, /exthost.*\.log$/i));
  let activating;
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(`Activating extension ${id} failed`) || l.includes(`Activating extension '${id}' failed`));
    if (i >= 0) return { state: 'failed', line: lines.slice(i, i + 3).join('\n').trim() };
    activating ??= lines.find((l) => l.includes(`_doActivateExtension ${id}`));
  }
  return activating ? { state: 'activating', line: activating.trim() } : undefined;
}

/** Pids of running `node …/<installed extension>/dist/server.js` processes (the language server). */
function languageServerPids() {
  const pids = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.startsWith(state.dirs.extensions) && a.endsWith('/dist/server.js'))) pids.push(Number(pid));
    } catch { /* exited */ }
  }
  return pids;
}

// ---------------------------------------------------------------------------------------------
// (a) UI scenario

async function uiScenario(port) {
  const page = state.ctx.pages()[0] ?? await state.ctx.newPage();
  attachConsole(page, 'ui');
  const { id } = extensionId(EXT_ROOT);
  const shot = (name) => page.screenshot({ path: join(ARTIFACTS, name) });
  const editorLines = (hasText) => page.locator('.editor-instance .monaco-editor .view-lines', { hasText });
  const openFromExplorer = async (file, lineText) => {
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file });
    await row.first().waitFor({ timeout: T.editor });
    await row.first().click();
    await editorLines(lineText).waitFor({ timeout: T.editor });
  };

  const workbenchOk = await check('ui: workbench loads with the fixture workspace', async () => {
    await page.goto(workbenchUrl(port, state.dirs.workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: T.workbench });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'nb201.md' }).waitFor({ timeout: T.workbench });
  }, page);
  if (!workbenchOk) return;

  const nb201Ok = await check('ui: nb201.md opens', () => openFromExplorer('nb201.md', '|nor_conv_3x3~0|+|'), page);

  await check(`ui: extension ${id} activates and starts its language server`, async () => {
    const a = await until(() => activationFromLogs(id), 'the activation line in the extension host log', T.activation, 200);
    // Activation is done when the language server process runs (or the log reports a failure).
    const pids = await until(() => {
      const now = activationFromLogs(id);
      expect(now.state !== 'failed', now.line);
      const p = languageServerPids();
      return p.length ? p : undefined;
    }, 'the language server process (dist/server.js)', T.activation, 200);
    return `${a.line}\nlanguage server pid ${pids.join(', ')}`;
  }, page);

  if (nb201Ok) {
    await check('ui: code lenses "SED … · top …% of NAS-Bench-201 · … params" above both cells ("… M params" on the best)', async () => {
      const lenses = page.locator('.editor-instance .codelens-decoration', { hasText: LENS_RE });
      try {
        await lenses.nth(1).waitFor({ timeout: T.lens });
        await page.locator('.editor-instance .codelens-decoration', { hasText: LENS_M_RE }).first().waitFor({ timeout: T.editor });
      } catch (e) {
        const seen = await page.locator('.codelens-decoration').allInnerTexts().catch(() => []);
        throw new Error(`${e.message.split('\n')[0]}; code lenses seen: ${JSON.stringify(seen)}`);
      }
      const titles = await lenses.allInnerTexts();
      await shot('nb201-codelens.png');
      return titles.join('\n');
    }, page);

    await check('ui: hover over the cell string shows the SED breakdown', async () => {
      const hover = page.locator('.monaco-hover:visible', { hasText: /SED\s+-?\d+\.\d{3}/ });
      const r = await until(() => textRect(page, 'best:', 'nor_conv_3x3~1'), 'the NB201 string on screen', T.editor);
      const x = r.x + r.width / 2, y = r.y + r.height / 2;
      await page.mouse.move(x - 20, y);
      await page.mouse.move(x, y, { steps: 4 });
      await hover.first().waitFor({ timeout: T.hover });
      const text = await hover.first().innerText();
      expect(/params/.test(text), `hover text has no "params":\n${text}`);
      await settled(page);
      await shot('nb201-hover.png');
      return text.split('\n').slice(0, 4).join(' | ');
    }, page);
  }

  const brokenOk = await check('ui: broken.py opens', async () => {
    await page.mouse.move(5, 5); // dismiss any hover
    await openFromExplorer('broken.py', 'TYPO = Genotype(');
  }, page);
  if (!brokenOk) return;

  await check(`ui: red squiggle under 'sep_conv_3x4' in broken.py`, async () => {
    const squiggles = page.locator('.editor-instance .monaco-editor .squiggly-error');
    await squiggles.first().waitFor({ timeout: T.squiggle });
    const word = await until(() => textRect(page, 'sep_conv_3x4', 'sep_conv_3x4'), "'sep_conv_3x4' on screen", T.editor);
    const boxes = await squiggles.evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }));
    const overlaps = boxes.some((b) => b.x < word.x + word.width && b.x + b.width > word.x && b.y < word.y + word.height && b.y + b.height > word.y);
    expect(overlaps, `no .squiggly-error overlaps the word (word ${JSON.stringify(word)}, squiggles ${JSON.stringify(boxes)})`);
    await shot('broken-squiggle.png');
  }, page);

  await check('ui: Problems panel lists the unknown operation as an error', async () => {
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: UNKNOWN_OP });
    try {
      await row.first().waitFor({ timeout: T.problems });
    } catch (e) {
      const seen = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label'))).catch(() => []);
      throw new Error(`${e.message.split('\n')[0]}; Problems rows seen: ${JSON.stringify(seen)}`);
    }
    const label = (await row.first().getAttribute('aria-label')) ?? '';
    expect(label.startsWith(`Error: ${UNKNOWN_OP}`), `row aria-label: ${label}`);
    await shot('broken-problems.png');
    return label;
  }, page);

  await page.close();
}

// ---------------------------------------------------------------------------------------------
// (b) Mocha suites in the extension host

async function mochaScenario(port) {
  const testsPath = join(EXT_ROOT, 'out', 'test', 'suite', 'index.js');
  const logFile = join(ARTIFACTS, 'mocha.log');
  await check('mocha: out/test/suite in code-server\'s extension host exits 0', async () => {
    expect(existsSync(testsPath), `${testsPath} not found — run \`npm run build\` first`);
    const page = await state.ctx.newPage();
    attachConsole(page, 'mocha');
    let out = '';
    let settle;
    const exited = new Promise((r) => { settle = r; });
    await page.exposeFunction('codeAutomationExit', (code) => settle({ code }));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = Array.isArray(args) ? format(...args) : String(args);
      out += `${line}\n`;
      appendFileSync(logFile, `${line}\n`);
      process.stdout.write(line.replace(/^/gm, '  | ') + '\n');
    });
    page.on('close', () => settle({ code: 'page closed' }));
    page.on('crash', () => settle({ code: 'page crashed' }));
    await page.goto(workbenchUrl(port, state.dirs.workspace, devPayload(port, EXT_ROOT, testsPath)));
    let timer;
    const res = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r({ code: `timed out after ${fmt(T.mocha)}` }), T.mocha); })]);
    clearTimeout(timer);
    await page.close().catch(() => {});
    const passing = /(\d+) passing/.exec(out)?.[1] ?? '0';
    const failing = /(\d+) failing/.exec(out)?.[1] ?? '0';
    const pending = /(\d+) pending/.exec(out)?.[1];
    const summary = `${passing} passing, ${failing} failing${pending ? `, ${pending} pending` : ''}; codeAutomationExit(${res.code})`;
    expect(res.code === 0, `${summary} (log: ${logFile})`);
    return summary;
  });
}

// ---------------------------------------------------------------------------------------------

/** Idempotent: concurrent callers (main flow, signal handler, watchdog) share one teardown. */
function teardown() {
  state.teardown ??= doTeardown();
  return state.teardown;
}

async function doTeardown() {
  const t = performance.now();
  if (state.ctx) {
    await Promise.race([state.ctx.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
  }
  const how = await stopServer(state.server).catch((e) => `error: ${e.message}`);
  await stopStragglers(); // e.g. a code-server still starting when the watchdog fired
  if (state.dirs) {
    for (const d of logDirs(state.dirs)) {
      try { cpSync(d, join(ARTIFACTS, 'vscode-logs'), { recursive: true }); } catch { /* none */ }
    }
    if (opt.keep) console.log(`e2e: kept ${state.dirs.base}`); else removeDirs(state.dirs);
  }
  const ms = performance.now() - t;
  timings.rows.push({ name: 'teardown', ms });
  console.log(`e2e: teardown ${fmt(ms)}${how ? ` (code-server stopped by ${how})` : ''}`);
}

function summary() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log('\ne2e: timings\n' + timings.table());
  writeFileSync(join(ARTIFACTS, 'results.json'), JSON.stringify({ results, timings: timings.rows }, null, 2));
  console.log(`\ne2e: artifacts in ${ARTIFACTS}`);
  for (const r of results.filter((x) => !x.ok)) console.log(`e2e: failed: ${r.name}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

async function main() {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  if (!opt['skip-setup']) {
    const setup = await timings.phase('setup', runSetup);
    if (setup.code === SETUP_MISSING_EXIT) {
      const why = missingLines(setup.out) || setup.out.trim();
      if (CI) {
        console.error(`e2e: FAILED (CI=true): the end-to-end prerequisites cannot be installed here:\n${why}`);
        record('setup: prerequisites', false, 0, why);
        return undefined;
      }
      console.log(`e2e: SKIPPED: the end-to-end prerequisites cannot be installed here:\n${why}`);
      return 'skipped';
    }
    if (setup.code !== 0) { record('setup', false, 0, `test/e2e/setup.sh exited ${setup.code}`); return undefined; }
  }

  const problem = buildProblems(EXT_ROOT);
  if (problem) { record('build output present', false, 0, problem); return undefined; }

  state.dirs = makeDirs('e2e');
  copyWorkspace(FIXTURE_WORKSPACE, state.dirs.workspace);

  const infraOk = await check('infra: VSIX packaged, installed, code-server and chromium up', async () => {
    const pkg = await timings.phase('vsce package', () => packageVsix(EXT_ROOT, state.dirs.base));
    writeFileSync(join(ARTIFACTS, 'vsce-ls.txt'), `${pkg.files.join('\n')}\n`);
    cpSync(pkg.vsix, join(ARTIFACTS, pkg.vsix.split('/').pop()));
    console.log(`e2e: VSIX ${(pkg.sizeBytes / 1024).toFixed(0)} KiB; vsce ls: ${pkg.files.join(', ')}`);
    for (const f of ['package.json', 'dist/client.js', 'dist/server.js']) expect(pkg.files.includes(f), `the VSIX lacks ${f}`);
    const stray = pkg.files.filter((f) => /^(node_modules|src|client\/src|server\/src|test|out)\//.test(f));
    expect(stray.length === 0, `the VSIX ships sources or unbundled modules: ${stray.slice(0, 10).join(', ')}`);
    await timings.phase('install vsix', () => installVsix(state.dirs, pkg.vsix));
    const port = await freePort();
    state.server = await timings.phase('start code-server', () => startServer(state.dirs, port, join(ARTIFACTS, 'code-server.log')));
    state.ctx = await timings.phase('launch chromium', () => launchBrowser(state.dirs));
    return `code-server on http://127.0.0.1:${port}/ (pid ${state.server.pgid})`;
  });
  if (!infraOk) return undefined;

  const port = state.server.port;
  if (RUN_UI) await timings.phase('scenario ui', () => uiScenario(port));
  if (RUN_MOCHA) await timings.phase('scenario mocha', () => mochaScenario(port));
  return undefined;
}

let exitCode = 1;
const watchdog = setTimeout(async () => {
  record('watchdog', false, WATCHDOG_MS, `the run took longer than ${fmt(WATCHDOG_MS)}`);
  await teardown();
  process.exit(summary() || 1);
}, WATCHDOG_MS);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, async () => {
    console.log(`e2e: ${sig}, tearing down`);
    state.interrupted = sig;
    await teardown();
    process.exit(130);
  });
}

try {
  const outcome = await main();
  await teardown();
  if (outcome === 'skipped') {
    console.log('e2e: 0 passed, 0 failed, 1 skipped');
    exitCode = 0;
  } else {
    exitCode = summary();
  }
} catch (e) {
  record('runner', false, 0, e?.stack ?? String(e));
  await teardown();
  exitCode = summary() || 1;
} finally {
  clearTimeout(watchdog);
}
process.exit(state.interrupted ? 130 : exitCode);
