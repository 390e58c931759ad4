#!/usr/bin/env node
// EDU panel benchmark in the real workbench (code-server 4.99.4 + Debian chromium, as run.mjs):
// segments a ~20,000-token selection with a small-vocabulary generated GGUF and measures, inside
// the panel's iframe, the time from the `document` message to the first tokens on screen and to
// all tokens in the DOM, long tasks, a programmatic scroll of the token view (requestAnimationFrame
// intervals) and one re-segmentation round trip from the threshold slider. On demand only (not
// part of npm test). Run after `npm run build`:
//
//   node test/e2e/panelBench.mjs [--tokens 20000] [--dev] [--runs 1] [--json] [--skip-setup] [--keep]
//
//   --tokens N   target selection size in model tokens (default 20000; the text is cut to N tokens
//                by the model's own tokenizer)
//   --dev        load the extension from the checkout (extensionDevelopmentPath) instead of
//                packaging and installing the VSIX (saves ~12 s)
//   --runs N     segment the same selection N times (the panel is reused), report each run
//   --json       print only the JSON summary
//
// Prints a JSON summary (date, machine, figures). Writes nothing into the checkout except
// .vscode-test/artifacts/panel-bench.json and panel-bench*.png. See docs/e2e.md.
import { cpus, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ARTIFACTS, FIXTURE_WORKSPACE, ROOT, SETUP_MISSING_EXIT, buildProblems, copyWorkspace, devPayload, freePort, installVsix,
  launchBrowser, loadModelWriter, makeDirs, missingLines, packageVsix, removeDirs, run, startServer, stopServer,
  stopStragglers, until, workbenchUrl, writeMachineSettings, writeUserSettings,
} from './lib.mjs';

const { values: opt } = parseArgs({
  options: {
    tokens: { type: 'string' },
    dev: { type: 'boolean' },
    runs: { type: 'string' },
    json: { type: 'boolean' },
    'skip-setup': { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});
const TARGET = Number(opt.tokens ?? 20_000);
const RUNS = Number(opt.runs ?? 1);
if (!(TARGET >= 100) || !(RUNS >= 1)) { console.error('panel bench: --tokens ≥ 100 and --runs ≥ 1'); process.exit(2); }
const log = (...a) => { if (!opt.json) console.error('panel bench:', ...a); };
const T = { workbench: 60_000, quick: 10_000, panel: 30_000, inference: Number(process.env.PANEL_BENCH_TIMEOUT_MS ?? 300_000), render: 60_000 };

// The bench model: bigram (sharp after most tokens, near-flat after '.', ',', spaces, so the
// panel gets realistic markers), small vocabulary so full-vocabulary entropy costs little, a
// 4,096-token train context so a 20,000-token text needs few sliding windows.
const MODEL = { seed: 11, bigram: true, vocabSize: 1024, contextLength: 4096, name: 'entropy-lens-bench-bigram' };

const state = { dirs: undefined, server: undefined, ctx: undefined };

async function teardown() {
  if (state.ctx) await Promise.race([state.ctx.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
  await stopServer(state.server).catch(() => {});
  await stopStragglers();
  if (state.dirs) { if (opt.keep) log(`kept ${state.dirs.base}`); else removeDirs(state.dirs); }
}
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, async () => { await teardown(); process.exit(130); });

/** A long worked solution: numbered variations of reasoning sentences, deterministic. */
function longSolution(sentences) {
  let a = 7;
  const next = () => { a = (a * 1103515245 + 12345) % 2147483648; return a; };
  const forms = [
    (x, y) => `Let x be the number of apples. Then ${x}x + ${y} = ${x * 3 + y}, so ${x}x = ${x * 3} and x = 3.`,
    (x, y) => `However, we must check the answer. Since ${x} * 3 + ${y} = ${x * 3 + y}, the answer is correct.`,
    (x) => `First, compute the sum of the first ${x} integers: 1 + 2 + ... + ${x} = ${(x * (x + 1)) / 2}.`,
    (x) => `Therefore the total is ${x * 5}. Thus the mean is 5, because ${x * 5} / ${x} = 5.`,
    (x, y) => `Suppose the triangle has sides ${x}, ${y} and ${x + y - 1}. Then we divide both sides by 2.`,
    () => 'Next, we divide both sides by 2. Hence the result follows. We conclude that the claim holds.',
    (x) => `Step ${x}: read the problem, write the equation and solve for the unknown value.`,
  ];
  const out = [];
  for (let i = 0; i < sentences; i++) {
    const f = forms[next() % forms.length];
    out.push(f(2 + (next() % 97), 1 + (next() % 50)));
    if (i % 6 === 5) out.push('\n\n');
  }
  return out.join(' ').replace(/ \n\n /g, '\n\n');
}

/** Cuts a generated text to about `target` model tokens, counted by the model's tokenizer. */
async function textOfTokens(modelPath, target) {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
  const model = await llama.loadModel({ modelPath });
  try {
    const count = (t) => model.tokenize(t).length;
    let hi = 1;
    while (count(longSolution(hi)) < target) hi *= 2;
    let lo = Math.floor(hi / 2);
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (count(longSolution(mid)) < target) lo = mid; else hi = mid; }
    const text = longSolution(hi);
    return { text, tokens: count(text) };
  } finally {
    await model.dispose();
    await llama.dispose();
  }
}

const esc = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: T.quick });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${esc(title)}\\s*$`) }) }).first();
  await row.waitFor({ timeout: T.quick });
  await row.click();
}

/** The EDU panel: outer iframe element, its frame (VS Code's pre/index.html) and the content frame. */
async function panelFrames(page) {
  const name = await until(async () => {
    const outer = page.locator('iframe.webview');
    for (let i = 0, n = await outer.count(); i < n; i++) {
      const el = outer.nth(i);
      if (await el.contentFrame().locator('iframe#active-frame').contentFrame().locator('#header').count()) return el.getAttribute('name');
    }
    return undefined;
  }, 'the EDU panel', T.panel, 100);
  const iframe = page.locator(`iframe.webview[name="${name}"]`);
  const outer = await (await iframe.elementHandle()).contentFrame();
  const inner = await (await outer.locator('iframe#active-frame').elementHandle()).contentFrame();
  return { iframe, outer, inner };
}

/** Instruments the panel before the host's `document` message arrives. */
async function instrument({ outer, inner }) {
  // The webview's own report ({type:'rendered', tokens, firstPaintMs, totalMs}) travels through
  // VS Code's pre/index.html, which forwards it to the workbench over a MessagePort.
  await outer.evaluate(() => {
    if (window.__benchPatched) { window.__rendered = []; return; }
    window.__benchPatched = true;
    window.__rendered = [];
    const post = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (msg, ...rest) {
      const m = msg?.data?.message;
      if (msg?.channel === 'onmessage' && m?.type === 'rendered') window.__rendered.push({ ...m, at: performance.now() });
      return post.call(this, msg, ...rest);
    };
  });
  await inner.evaluate(() => {
    const b = window.__bench = {
      docAt: null, docWall: null, dispatchAt: null, tokens: null, bytes: null,
      firstDomAt: null, firstPaintAt: null, allDomAt: null, allPaintAt: null, longTasks: [],
    };
    let doc;
    const afterPaint = (cb) => requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => cb(performance.now()); ch.port2.postMessage(0); });
    // t = 0 is when VS Code's pre/index.html hands the message to this frame: it calls
    // `contentWindow.postMessage(…)`, which this own property intercepts (a `message` listener
    // added now would run after the panel's own, i.e. after the first chunk is rendered).
    if (!window.__benchPost) {
      // On the global object postMessage is an own property (WebIDL [Global]), not a prototype one.
      const post = window.__benchPost = window.postMessage;
      window.postMessage = function (message, ...rest) {
        const cur = window.__bench;
        if (message?.type === 'document' && cur.docAt === null) { cur.docAt = performance.now(); cur.docWall = Date.now(); }
        return post.call(this, message, ...rest);
      };
    }
    const root = document.getElementById('tokens');
    let mo;
    const checkAll = () => {
      if (b.tokens === null || b.allDomAt !== null || root.querySelectorAll('.tok').length < b.tokens) return;
      b.allDomAt = performance.now();
      afterPaint((t) => { b.allPaintAt = t; if (doc) b.bytes = JSON.stringify(doc).length; doc = undefined; });
      mo.disconnect();
    };
    window.addEventListener('message', (e) => {
      if (e.data?.type !== 'document' || b.dispatchAt !== null) return;
      b.dispatchAt = performance.now(); // after the panel's listener (see above)
      b.tokens = e.data.tokens.length;
      doc = e.data;
      checkAll(); // a text of one chunk is complete already
    });
    mo = new MutationObserver((records) => {
      const added = records.some((r) => [...r.addedNodes].some((n) => n.classList?.contains('tok')));
      if (!added) return;
      const now = performance.now();
      if (b.firstDomAt === null) { b.firstDomAt = now; afterPaint((t) => { b.firstPaintAt = t; }); }
      checkAll(); // later chunks (the count is known once our listener has run)
    });
    mo.observe(root, { childList: true });
    try {
      new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, ms: e.duration }); }).observe({ type: 'longtask' });
    } catch { /* no longtask support */ }
  });
}

/** Programmatic scroll of #tokens, `px` per animation frame to the bottom and back: frame intervals. */
function scrollFrames(inner, px = 60) {
  return inner.evaluate((step) => new Promise((done) => {
    const root = document.getElementById('tokens');
    root.scrollTop = 0;
    const deltas = [];
    let last = null, dir = 1, frames = 0;
    const tick = (t) => {
      if (last !== null) deltas.push(t - last);
      last = t;
      root.scrollTop += dir * step;
      if (dir === 1 && root.scrollTop + root.clientHeight >= root.scrollHeight - 1) dir = -1;
      if ((dir === -1 && root.scrollTop <= 0) || ++frames > 2000) return done({ deltas, scrollHeight: root.scrollHeight, clientHeight: root.clientHeight });
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), px);
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN; };
const r1 = (x) => Math.round(x * 10) / 10;

function machine() {
  const c = cpus();
  let chromium = '';
  try { chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* not fatal */ }
  return {
    cpu: c[0]?.model ?? '?', cores: c.length, memGB: r1(totalmem() / 2 ** 30), loadavg1: r1(loadavg()[0]),
    node: process.version, chromium, codeServer: '4.99.4 (VS Code 1.99.3)',
  };
}

async function main() {
  if (!opt['skip-setup']) {
    const setup = await run('bash', [join(ROOT, 'test', 'e2e', 'setup.sh')]); // quiet: stdout is the JSON summary
    log(setup.out.trim());
    if (setup.code === SETUP_MISSING_EXIT) throw new Error(`the prerequisites cannot be installed here:\n${missingLines(setup.out)}`);
    if (setup.code !== 0) throw new Error(`test/e2e/setup.sh exited ${setup.code}`);
  }
  const problem = buildProblems(ROOT);
  if (problem) throw new Error(problem);
  mkdirSync(ARTIFACTS, { recursive: true });

  state.dirs = makeDirs('bench');
  copyWorkspace(FIXTURE_WORKSPACE, state.dirs.workspace);
  const modelPath = join(state.dirs.base, 'bench-bigram.gguf');
  (await loadModelWriter(state.dirs.base)).writeGguf(modelPath, MODEL);
  const { text, tokens: modelTokens } = await textOfTokens(modelPath, TARGET);
  writeFileSync(join(state.dirs.workspace, 'long-solution.md'), text);
  log(`text: ${text.length.toLocaleString('en-US')} characters, ${modelTokens.toLocaleString('en-US')} model tokens`);
  writeUserSettings(state.dirs, { 'workbench.colorTheme': 'Default Dark Modern' });
  writeMachineSettings(state.dirs, {
    'entropyLens.edu.backend': 'gguf', 'entropyLens.edu.modelPath': modelPath,
    'entropyLens.edu.maxChars': Math.max(200_000, text.length + 1),
  });
  if (!opt.dev) {
    const pkg = await packageVsix(ROOT, state.dirs.base);
    await installVsix(state.dirs, pkg.vsix);
    log(`installed ${pkg.vsix.split('/').pop()}`);
  }
  const port = await freePort();
  state.server = await startServer(state.dirs, port, join(state.dirs.base, 'code-server.log'));
  state.ctx = await launchBrowser(state.dirs);
  const page = state.ctx.pages()[0] ?? await state.ctx.newPage();
  await page.goto(workbenchUrl(port, state.dirs.workspace, opt.dev ? devPayload(port, ROOT) : undefined));
  await page.locator('.monaco-workbench').waitFor({ timeout: T.workbench });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'long-solution.md' });
  await row.waitFor({ timeout: T.workbench });
  await row.click();
  const firstLine = text.split('\n')[0].slice(0, 30);
  const editorLine = page.locator('.editor-instance .monaco-editor .view-line', { hasText: firstLine }).first();

  // Warm-up on the first sentence: opens the panel (so it is instrumented before the measured
  // `document` message arrives) and loads the model (so the measured runs time inference only).
  await editorLine.click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await runCommand(page, 'Entropy Lens: Segment Reasoning (EDU)');
  const frames = await panelFrames(page);
  await until(() => frames.inner.locator('#tokens .tok').count(), 'the warm-up segmentation', T.inference, 200);
  log('warm-up done');

  await page.keyboard.press('Control+1'); // back to the editor (the warm-up's markers widen its first line)
  await page.keyboard.press('Control+A');
  const runs = [];
  for (let run = 1; run <= RUNS; run++) {
    await instrument(frames);
    const t0 = Date.now();
    await runCommand(page, 'Entropy Lens: Segment Reasoning (EDU)');
    const b = await until(async () => {
      const v = await frames.inner.evaluate(() => window.__bench);
      const error = await frames.inner.locator('#header .error').count() ? await frames.inner.locator('#header .error').innerText() : '';
      if (error) return { error };
      return v.allPaintAt !== null && v;
    }, 'all tokens rendered', T.inference + T.render, 100).catch(async (e) => {
      const v = await frames.inner.evaluate(() => ({ bench: window.__bench, header: document.getElementById('header')?.innerText, tokens: document.querySelectorAll('#tokens .tok').length })).catch((x) => x.message);
      throw new Error(`${e.message}; panel: ${JSON.stringify(v)}`);
    });
    if (b.error) throw new Error(`the panel reports: ${b.error}`);
    const commandToDocumentMs = b.docWall - t0; // inference in the language server + transfer to the panel
    const rendered = await until(async () => { const r = await frames.outer.evaluate(() => window.__rendered); return r.length && r[r.length - 1]; },
      'the panel\'s own "rendered" report', T.render, 100).catch(() => null);
    const long = b.longTasks.filter((l) => l.start >= b.docAt - 1 && l.start < b.allPaintAt);
    const steps = await frames.inner.evaluate(() => document.querySelectorAll('#steps .step').length);
    runs.push({
      run, tokensInPanel: b.tokens, documentMessageKB: Math.round(b.bytes / 1024), steps,
      commandToDocumentMs: Math.round(commandToDocumentMs),
      firstTokensInDomMs: r1(b.firstDomAt - b.docAt), firstPaintMs: r1(b.firstPaintAt - b.docAt),
      allTokensInDomMs: r1(b.allDomAt - b.docAt), allTokensPaintedMs: r1(b.allPaintAt - b.docAt),
      panelReported: rendered && { tokens: rendered.tokens, firstPaintMs: r1(rendered.firstPaintMs), totalMs: r1(rendered.totalMs) },
      longTasks: { count: long.length, maxMs: r1(Math.max(0, ...long.map((l) => l.ms))), totalMs: r1(long.reduce((s, l) => s + l.ms, 0)) },
    });
    log(`run ${run}: ${JSON.stringify(runs[runs.length - 1])}`);
  }

  // Scroll smoothness: 60 px per frame down the token view and back up.
  await page.mouse.move(5, 5);
  await frames.iframe.screenshot({ path: join(ARTIFACTS, 'panel-bench.png') });
  const s = await scrollFrames(frames.inner, 60);
  const median = pct(s.deltas, 50);
  const scroll = {
    pxPerFrame: 60, frames: s.deltas.length, scrollHeightPx: s.scrollHeight, viewportPx: s.clientHeight,
    frameMs: { p50: r1(median), p95: r1(pct(s.deltas, 95)), p99: r1(pct(s.deltas, 99)), max: r1(Math.max(...s.deltas)) },
    framesOver25ms: s.deltas.filter((d) => d > 25).length, framesOver50ms: s.deltas.filter((d) => d > 50).length,
  };
  log(`scroll: ${JSON.stringify(scroll)}`);

  // One re-segmentation from the threshold slider (key press → #steps updated).
  const reseg = await frames.inner.evaluate(() => new Promise((done) => {
    const steps = document.getElementById('steps');
    const before = steps.querySelectorAll('.step').length;
    const t0 = performance.now();
    const mo = new MutationObserver(() => {
      const n = steps.querySelectorAll('.step').length;
      if (n !== before) { mo.disconnect(); requestAnimationFrame(() => done({ before, after: n, ms: performance.now() - t0 })); }
    });
    mo.observe(steps, { childList: true, subtree: true });
    const slider = document.getElementById('threshold');
    slider.value = '8';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  }));
  log(`re-segmentation: ${JSON.stringify(reseg)}`);
  await frames.iframe.screenshot({ path: join(ARTIFACTS, 'panel-bench-threshold-8.png') });

  const summary = {
    date: new Date().toISOString(), machine: machine(),
    extension: opt.dev ? 'checkout (extensionDevelopmentPath)' : 'installed VSIX',
    model: { ...MODEL, file: 'test/fixtures/gguf/makeGguf.ts' }, text: { chars: text.length, modelTokens },
    runs, scroll, resegment: { stepsBefore: reseg.before, stepsAfter: reseg.after, ms: r1(reseg.ms) },
  };
  writeFileSync(join(ARTIFACTS, 'panel-bench.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary, null, 2));
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`panel bench: ${e?.stack ?? e}`);
  code = 1;
} finally {
  await teardown();
}
process.exit(code);
