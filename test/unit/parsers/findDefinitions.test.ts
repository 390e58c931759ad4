import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fencedBlocks, findDefinitions } from '../../../server/src/core/parsers/findDefinitions';
import type { Definition } from '../../../server/src/core/types';

const NB201 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const GENOTYPE = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";
const SPEC = '{"matrix": [[0,1,1],[0,0,1],[0,0,0]], "ops": ["input", "conv3x3-bn-relu", "output"]}';

function summary(text: string, defs: Definition[]): [string, string, boolean][] {
  return defs.map((d) => [d.format, text.slice(d.span.start, d.span.end), d.arch !== undefined]);
}

function assertSortedDisjoint(defs: Definition[], len: number): void {
  let end = 0;
  for (const d of defs) {
    assert.ok(d.span.start >= end, `overlap at ${d.span.start}`);
    assert.ok(d.span.end <= len && d.span.start <= d.span.end);
    end = d.span.end;
  }
}

test('python: NB201 strings, DARTS genotypes and NB101 specs, sorted by position', () => {
  const text = `# 😀 candidates\nSPEC = ${SPEC}\nBEST = '${NB201}'\nDARTS_V2 = ${GENOTYPE}\n`;
  const defs = findDefinitions(text, 'python');
  assert.deepEqual(summary(text, defs), [['nb101', SPEC, true], ['nb201', NB201, true], ['darts', GENOTYPE, true]]);
});

test('yaml: cells, NB101 mappings, NB201 values and genotype strings', () => {
  const text = `arch: "${NB201}"
genotype: "${GENOTYPE}"
nb101:
  matrix: [[0, 1], [0, 0]]
  ops: [input, output]
entropy_lens_cell:
  nodes: 2
  edges: [[0, 1, conv_3x3]]
`;
  const defs = findDefinitions(text, 'yaml');
  assert.deepEqual(defs.map((d) => d.format), ['nb201', 'darts', 'nb101', 'cell']);
  assert.ok(defs.every((d) => d.arch));
  assertSortedDisjoint(defs, text.length);
});

test('json and entropy-cell documents', () => {
  const json = `{"arch": "${NB201}", "spec": ${SPEC}, "entropy_lens_cell": {"nodes": 2, "edges": [[0, 1, "skip"]]}}`;
  assert.deepEqual(findDefinitions(json, 'json').map((d) => d.format), ['nb201', 'nb101', 'cell']);
  const cell = `# ${NB201}\nnodes: 2\nedges: [[0, 1, conv_3x3]]\n`;
  // In a dedicated cell file only the cell counts.
  assert.deepEqual(findDefinitions(cell, 'entropy-cell').map((d) => d.format), ['cell']);
});

test('overlaps: the outer definition wins; a string value under the marker key stays NB201', () => {
  const text = `entropy_lens_cell:\n  nodes: 2\n  # was ${NB201}\n  edges: [[0, 1, conv_3x3]]\n`;
  const defs = findDefinitions(text, 'yaml');
  assert.deepEqual(defs.map((d) => d.format), ['cell']);
  const str = `entropy_lens_cell: '${NB201}'\n`;
  assert.deepEqual(summary(str, findDefinitions(str, 'yaml')), [['nb201', NB201, true]]);
});

test('markdown: prose, inline code and fenced yaml/json blocks', () => {
  const text = [
    '# Results 🚀',
    '',
    `The best cell was \`${NB201}\` and DARTS found`,
    '',
    '```python',
    `DARTS_V2 = ${GENOTYPE}`,
    '```',
    '',
    '```yaml',
    'entropy_lens_cell:',
    '  nodes: 3',
    '  edges: [[0, 1, conv_3x3], [1, 2, skip], [0, 2, conv_1x1]]',
    '```',
    '',
    '~~~json',
    '{"entropy_lens_cell": {"nodes": 2, "edges": [[0, 1, "zero"]]}}',
    '~~~',
    '',
    '| arch | acc |',
    '|------|-----|',
    `| ${SPEC} | 93.1 |`,
  ].join('\n');
  const defs = findDefinitions(text, 'markdown');
  assert.deepEqual(defs.map((d) => [d.format, !!d.arch]), [['nb201', true], ['darts', true], ['cell', true], ['cell', true], ['nb101', true]]);
  assertSortedDisjoint(defs, text.length);
  const yamlCell = defs[2];
  assert.ok(text.slice(yamlCell.span.start, yamlCell.span.end).startsWith('entropy_lens_cell:'));
  assert.equal(text.slice(yamlCell.arch!.cells[0].cell.edges[1].span!.start, yamlCell.arch!.cells[0].cell.edges[1].span!.end), '[1, 2, skip]');
});

test('fencedBlocks finds bodies and languages, tolerating an unclosed fence', () => {
  const text = '```yaml\na: 1\n```\ntext\n````json\n{}\n````\n~~~\nopen';
  const blocks = fencedBlocks(text);
  assert.deepEqual(blocks.map((b) => [b.lang, b.text]), [['yaml', 'a: 1\n'], ['json', '{}\n'], ['', 'open']]);
  assert.equal(text.slice(blocks[0].start, blocks[0].start + 4), 'a: 1');
});

test('unknown languages read like plaintext', () => {
  const text = `log: arch=${NB201} spec=${SPEC}`;
  assert.deepEqual(findDefinitions(text, 'log').map((d) => d.format), ['nb201', 'nb101']);
  assert.deepEqual(findDefinitions(text, 'plaintext').map((d) => d.format), ['nb201', 'nb101']);
});

test('never throws: a finder failure becomes an internal finding', () => {
  // Not a string: every finder fails when it first reads the text.
  const poisoned = { toString(): string { throw new Error('boom'); } } as unknown as string;
  const defs = findDefinitions(poisoned, 'python');
  assert.deepEqual(defs.map((d) => d.format).sort(), ['darts', 'nb101', 'nb201']);
  for (const d of defs) {
    assert.equal(d.findings.length, 1);
    assert.equal(d.findings[0].code, 'internal');
    assert.match(d.findings[0].message, /internal error .*: boom$/);
    assert.equal(d.arch, undefined);
  }
  assert.deepEqual(findDefinitions('', 'yaml'), []);
});

test('garbage and mutated documents never throw and stay sorted without overlaps', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const doc = `x: '${NB201}'\ng: "${GENOTYPE}"\nspec:\n  matrix: [[0, 1], [0, 0]]\n  ops: [input, output]\nentropy_lens_cell:\n  nodes: 2\n  edges: [[0, 1, skip]]\nd = ${SPEC}\n`;
  const alphabet = '|~+[](){}:,"\'#\n -😀abc01';
  for (let i = 0; i < 600; i++) {
    const chars = doc.split('');
    for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) {
      const at = Math.floor(rnd() * chars.length);
      const r = rnd();
      if (r < 0.4) chars.splice(at, 1 + Math.floor(rnd() * 4));
      else if (r < 0.85) chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
      else chars.length = at;
    }
    const s = chars.join('');
    for (const lang of ['python', 'yaml', 'json', 'markdown', 'entropy-cell']) {
      const defs = findDefinitions(s, lang);
      assertSortedDisjoint(defs, s.length);
      assert.ok(!defs.some((d) => d.findings.some((f) => f.code === 'internal')), `${lang}: ${s}`);
    }
  }
});

function bigDocument(size: number, unit: (i: number) => string): string {
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < size; i++) {
    const u = unit(i);
    parts.push(u);
    len += u.length;
  }
  return parts.join('');
}

for (const [lang, unit] of [
  ['python', (i: number) => i % 50 === 0
    ? `G${i} = ${GENOTYPE}\nA${i} = '${NB201}'\nS${i} = ${SPEC}\n`
    : `def f${i}(x):\n    return {"a": [x, ${i}], 'b': (x | ${i})}  # comment ${i} 😀\n`],
  ['yaml', (i: number) => i % 100 === 0
    ? `spec${i}:\n  matrix: [[0, 1], [0, 0]]\n  ops: [input, output]\ncell${i}:\n  entropy_lens_cell:\n    nodes: 2\n    edges: [[0, 1, skip]]\narch${i}: '${NB201}'\n`
    : `key${i}:\n  name: "value ${i}"\n  list: [1, 2, 3]\n  nested:\n    - a: ${i}\n      b: text # note\n`],
  ['json', (i: number) => (i === 0 ? '[' : ',') + (i % 100 === 0
    ? `{"spec": ${SPEC}, "arch": "${NB201}", "entropy_lens_cell": {"nodes": 2, "edges": [[0, 1, "skip"]]}}`
    : `{"id": ${i}, "name": "item ${i}", "values": [1, 2, 3], "matrix": "no", "cell": {"kind": "x"}}`)],
  ['markdown', (i: number) => i % 100 === 0
    ? `\n\`\`\`yaml\nentropy_lens_cell:\n  nodes: 2\n  edges: [[0, 1, skip]]\n\`\`\`\n\nBest: \`${NB201}\`\n`
    : `| ${i} | text | more text |\n|---|---|---|\nSome prose with a pipe | and ~tilde ${i}.\n`],
] as [string, (i: number) => string][]) {
  test(`a 5 MB ${lang} document is scanned completely and correctly`, () => {
    const text = bigDocument(5_000_000, unit);
    const defs = findDefinitions(text, lang);
    assert.ok(defs.length > 100, `${lang}: only ${defs.length} definitions`);
    assert.ok(defs.every((d) => d.arch), `${lang}: ${JSON.stringify(defs.find((d) => !d.arch))}`);
    assertSortedDisjoint(defs, text.length);
  });
}

test('a 5 MB unclosed genotype is one error definition', () => {
  const text = `G = Genotype(normal=[${"('sep_conv_3x3', 0), ".repeat(250_000)}`;
  const defs = findDefinitions(text, 'python');
  assert.equal(defs.length, 1);
  assert.equal(defs[0].span.end, text.trimEnd().length);
  assert.ok(defs[0].findings.some((f) => f.message.startsWith("'[' is never closed")));
});

test('CRLF line ends: same definitions and spans as LF', () => {
  const lf = `spec:\n  ops:\n  - input\n  - output\n  matrix:\n  - [0, 1]\n  - [0, 0]\nentropy_lens_cell:\n  nodes: 2\n  edges:\n  - [0, 1, conv_3x3]\ng: "${GENOTYPE}"\n`;
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = findDefinitions(lf, 'yaml');
  const b = findDefinitions(crlf, 'yaml');
  assert.deepEqual(a.map((d) => [d.format, !!d.arch, d.findings.length]), [['nb101', true, 0], ['cell', true, 0], ['darts', true, 0]]);
  assert.deepEqual(b.map((d) => [d.format, !!d.arch, d.canonical]), a.map((d) => [d.format, !!d.arch, d.canonical]));
  for (const d of b) assert.equal(crlf.slice(d.span.start, d.span.end).replace(/\r\n/g, '\n'), lf.slice(a[b.indexOf(d)].span.start, a[b.indexOf(d)].span.end));
  const py = `G = Genotype(\r\n  normal=${GENOTYPE.slice(16, GENOTYPE.indexOf(', normal_concat'))},\r\n  normal_concat=[2, 3, 4, 5],\r\n  reduce=${GENOTYPE.slice(GENOTYPE.indexOf('reduce=[') + 7, GENOTYPE.indexOf(', reduce_concat'))},\r\n  reduce_concat=[2, 3, 4, 5])\r\n`;
  const [g] = findDefinitions(py, 'python');
  assert.equal(g.canonical, GENOTYPE);
});
