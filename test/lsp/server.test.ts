// The real built language server (dist/server.js) over stdio: diagnostics, code lenses, hovers,
// settings, and robustness against malformed and huge documents.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { LspHarness } from '../../server/src/cli/lspHarness';
import { nb201Line } from '../../server/src/cli/lspBench';

const SERVER = resolve(process.cwd(), 'dist', 'server.js');
const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
const WEAK = '|avg_pool_3x3~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|';

let h: LspHarness;

/** The score lenses (each scored definition also gets a "Search neighbours" lens). */
async function scoreLenses(hh: LspHarness, uri: string) {
  return ((await hh.codeLens(uri)) ?? []).filter((l) => l.command?.title.startsWith('SED '));
}
before(async () => { h = await LspHarness.start(SERVER, { analysisDelayMs: 10 }); });
after(async () => { await h.stop(); });

test('code lenses carry SED, rank within NAS-Bench-201 and params, one per definition', async () => {
  const uri = 'file:///w/lens.md';
  const text = `# cells\n\n- ${BEST}\n- ${WEAK}\n`;
  await h.open(uri, 'markdown', text);
  const all = (await h.codeLens(uri)) ?? [];
  const lenses = all.filter((l) => l.command?.title.startsWith('SED '));
  assert.equal(lenses.length, 2);
  const search = all.filter((l) => l.command?.title === 'Search neighbours');
  assert.deepEqual(search.map((l) => [l.command!.command, l.command!.arguments]), [
    ['entropyLens.improveArchitecture', [uri, text.indexOf(BEST)]],
    ['entropyLens.improveArchitecture', [uri, text.indexOf(WEAK)]],
  ]);
  assert.deepEqual(lenses.map((l) => l.range.start.line), [2, 3]);
  assert.equal(lenses[0].range.start.character, 2);
  for (const l of lenses) assert.match(l.command!.title, /^SED -?\d+\.\d\d · top [\d.]+% of NAS-Bench-201 · [\d.]+ M params$/);
  const sed = lenses.map((l) => Number(/^SED (-?[\d.]+)/.exec(l.command!.title)![1]));
  assert.ok(sed[0] > sed[1], `the all-conv optimum outranks the pooling/skip cell (${sed})`);
  const top = lenses.map((l) => Number(/top ([\d.]+)%/.exec(l.command!.title)![1]));
  assert.ok(top[0] < top[1]);
});

test('a misspelt operation gives an error on exactly that word with a suggestion', async () => {
  const uri = 'file:///w/typo.md';
  const text = 'x |nor_conv_3x4~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|\n';
  const published = h.nextDiagnostics(uri, 1);
  await h.open(uri, 'markdown', text);
  const { diagnostics } = await published;
  assert.equal(diagnostics.length, 1);
  const d = diagnostics[0];
  assert.equal(d.severity, 1);
  assert.equal(d.message, "unknown operation 'nor_conv_3x4' — did you mean 'nor_conv_3x3'?");
  assert.deepEqual(d.range, { start: { line: 0, character: 3 }, end: { line: 0, character: 15 } });
  assert.equal((await scoreLenses(h, uri)).length, 0, 'no score for a definition with errors');
});

test('fixing the error clears the diagnostic after an incremental edit', async () => {
  const uri = 'file:///w/fix.md';
  const text = 'x |nor_conv_3x4~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|\n';
  const first = h.nextDiagnostics(uri, 1);
  await h.open(uri, 'markdown', text);
  assert.equal((await first).diagnostics.length, 1);
  const second = h.nextDiagnostics(uri, 2);
  await h.change(uri, 2, [{ range: { start: { line: 0, character: 14 }, end: { line: 0, character: 15 } }, text: '3' }]);
  assert.deepEqual((await second).diagnostics, []);
  assert.equal((await scoreLenses(h, uri)).length, 1);
});

test('hover shows the breakdown, params and FLOPs', async () => {
  const uri = 'file:///w/hover.md';
  await h.open(uri, 'markdown', `- ${BEST}\n`);
  const hover = await h.hover(uri, { line: 0, character: 10 });
  assert.ok(hover, 'hover inside the definition');
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /\*\*SED -?\d+\.\d{3}\*\*/);
  assert.match(value, /M params · [\d.]+ MFLOPs/);
  assert.match(value, /\| contribution \| ΔSED \|/);
  assert.equal(await h.hover(uri, { line: 1, character: 0 }), null, 'no hover outside definitions');
});

test('disabled languages and enable=false produce nothing', async () => {
  const h2 = await LspHarness.start(SERVER, { analysisDelayMs: 0, languages: ['python'] });
  try {
    await h2.open('file:///w/off.md', 'markdown', `- ${BEST}\n`);
    assert.equal((await scoreLenses(h2, 'file:///w/off.md')).length, 0);
    await h2.open('file:///w/on.py', 'python', `A = "${BEST}"\n`);
    assert.equal((await scoreLenses(h2, 'file:///w/on.py')).length, 1);
    const cleared = h2.nextAnalysis('file:///w/on.py', undefined, (p) => p.definitions === 0);
    await h2.changeSettings({ analysisDelayMs: 0, enable: false, languages: ['python'] });
    await cleared;
    assert.equal((await scoreLenses(h2, 'file:///w/on.py')).length, 0);
  } finally {
    await h2.stop();
  }
});

test('code lens setting off hides lenses but keeps diagnostics', async () => {
  const h2 = await LspHarness.start(SERVER, { analysisDelayMs: 0, codeLens: { enable: false } });
  try {
    const uri = 'file:///w/nolens.md';
    const published = h2.nextDiagnostics(uri, 1);
    await h2.open(uri, 'markdown', `|nor_conv_3x4~0|+|none~0|none~1|+|none~0|none~1|none~2|\n- ${BEST}\n`);
    assert.equal((await published).diagnostics.length, 1);
    assert.deepEqual(await h2.codeLens(uri), []);
  } finally {
    await h2.stop();
  }
});

test('malformed, truncated and binary-looking documents give diagnostics, never a crash', async () => {
  const inputs = [
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv',
    '|nor_conv_3x3~0|+|+|+|+|~~~|',
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3'",
    '{"matrix": [[0, 1], [0, 0]], "ops": ["input"',
    'ModelSpec(matrix=[[0,1,1],[0,0,1],[0,0,0]], ops=["input","conv3x3-bn-relu"])',
    '\u0000\u0001\uFFFF|a~0|'.repeat(50),
    'cell:\n  nodes: [\n',
  ];
  for (const [i, text] of inputs.entries()) {
    for (const lang of ['python', 'markdown', 'yaml', 'json']) {
      const uri = `file:///w/bad-${i}.${lang}`;
      await h.open(uri, lang, text);
      await h.codeLens(uri);
      await h.hover(uri, { line: 0, character: 3 });
    }
  }
  assert.ok(h.alive, 'server still running');
  const uri = 'file:///w/after.md';
  await h.open(uri, 'markdown', `- ${BEST}\n`);
  assert.equal((await scoreLenses(h, uri)).length, 1, 'and still answering');
});

test('a 5 MB document is analysed and answered', async () => {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 5 * 1024 * 1024; i++) {
    const line = i % 50 === 0 ? `- ${nb201Line(i)}` : `filler text ${i} with | pipes | and ~tildes~ and (parens, 'quotes') ${'x'.repeat(60)}`;
    lines.push(line);
    size += line.length + 1;
  }
  const uri = 'file:///w/huge.md';
  const published = h.nextDiagnostics(uri, 1);
  await h.open(uri, 'markdown', lines.join('\n'));
  await published;
  const lenses = await scoreLenses(h, uri);
  assert.equal(lenses.length, lines.filter((l) => l.startsWith('- |')).length);
  assert.ok(h.alive);
});

test('entropyLens/documentScores returns canonical text and scores per definition', async () => {
  const uri = 'file:///w/scores.py';
  await h.open(uri, 'python', `A = "${WEAK}"\n\nB = '${BEST}'\n`);
  const scores = await h.documentScores(uri);
  assert.equal(scores.length, 2);
  assert.deepEqual(scores.map((s) => s.line), [0, 2]);
  assert.equal(scores[1].canonical, BEST);
  assert.equal(scores[0].format, 'nb201');
  assert.ok(scores.every((s) => typeof s.sed === 'number' && s.errors === 0));
});
