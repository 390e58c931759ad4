import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNb101, nb101Text, parseNb101, parseNb101Spec } from '../../../server/src/core/parsers/nb101';
import { readLiteral } from '../../../server/src/core/parsers/cellFormat';
import type { Definition } from '../../../server/src/core/types';

const SPEC = '{"matrix": [[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]], "ops": ["input", "conv3x3-bn-relu", "maxpool3x3", "output"]}';

function described(text: string, d: Definition): [string, string, string][] {
  return d.findings.map((f) => [f.code, f.message, text.slice(f.span.start, f.span.end)]);
}

function withoutSpans(d: Definition): unknown {
  return JSON.parse(JSON.stringify(d.arch, (k, v) => (k === 'span' ? undefined : v)));
}

function edges(d: Definition): string[] {
  return d.arch!.cells[0].cell.edges.map((e) => `${e.from}->${e.to}`);
}

test('a JSON spec becomes a cell with matrix edges, node ops and concat at the output', () => {
  const [d] = findNb101(SPEC, 'json');
  assert.deepEqual(d.findings, []);
  assert.deepEqual(d.span, { start: 0, end: SPEC.length });
  const cell = d.arch!.cells[0].cell;
  assert.equal(d.arch!.space, 'nb101');
  assert.equal(cell.nodeCount, 4);
  assert.deepEqual(cell.inputs, [0]);
  assert.equal(cell.output, 3);
  assert.deepEqual(edges(d), ['0->1', '0->2', '1->3', '2->3']);
  assert.ok(cell.edges.every((e) => e.op === 'skip_connect'));
  assert.deepEqual(cell.nodeOps, [null, 'conv3x3-bn-relu', 'maxpool3x3', null]);
  assert.deepEqual(cell.aggregation, ['sum', 'sum', 'sum', 'concat']);
  // Each edge points at its '1' in the matrix: row 1, column 3.
  const e = cell.edges[2];
  assert.equal(e.span!.end - e.span!.start, 1);
  assert.equal(e.span!.start, SPEC.indexOf('[0,0,0,1]') + 7);
  assert.equal(d.canonical, SPEC);
});

test('canonical text round-trips', () => {
  const d = parseNb101("{'ops': ['input', 'conv1x1-bn-relu', 'output'], 'matrix': [[0, 1, 1], [0, 0, 1], [0, 0, 0]]}");
  assert.equal(d.canonical, '{"matrix": [[0,1,1],[0,0,1],[0,0,0]], "ops": ["input", "conv1x1-bn-relu", "output"]}');
  assert.deepEqual(withoutSpans(parseNb101(d.canonical!)), withoutSpans(d));
  assert.equal(nb101Text(d.arch!), d.canonical);
});

test('the nasbench README ModelSpec with constants, comments and a multi-line matrix', () => {
  const text = `cell = api.ModelSpec(
  matrix=[[0, 1, 1, 1, 0, 1, 0],    # input layer
          [0, 0, 0, 0, 0, 0, 1],    # 1x1 conv
          [0, 0, 0, 0, 0, 0, 1],    # 3x3 conv
          [0, 0, 0, 0, 1, 0, 0],    # 5x5 conv (replaced by two 3x3's)
          [0, 0, 0, 0, 0, 0, 1],    # 5x5 conv (replaced by two 3x3's)
          [0, 0, 0, 0, 0, 0, 1],    # 3x3 max-pool
          [0, 0, 0, 0, 0, 0, 0]],   # output layer
  # Operations at the vertices of the module, matches order of matrix
  ops=[INPUT, CONV1X1, CONV3X3, CONV3X3, CONV3X3, MAXPOOL3X3, OUTPUT])

data = nasbench.query(cell)
`;
  const defs = findNb101(text, 'python');
  assert.equal(defs.length, 1);
  const d = defs[0];
  assert.deepEqual(d.findings, []);
  assert.equal(text.slice(d.span.start, d.span.end), text.slice(text.indexOf('api.ModelSpec'), text.indexOf('OUTPUT])') + 8));
  assert.deepEqual(edges(d), ['0->1', '0->2', '0->3', '0->5', '1->6', '2->6', '3->4', '4->6', '5->6']);
  assert.deepEqual(d.arch!.cells[0].cell.nodeOps,
    [null, 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', null]);
});

test('positional ModelSpec with np.array, and Python dicts with single quotes', () => {
  const py = `spec = ModelSpec(np.array([[0, 1], [0, 0]]), ['input', 'output'])\nd = {'ops': ["input", 'output'], 'matrix': [[0, 1], [0, 0]], 'acc': 0.9}\n`;
  const defs = findNb101(py, 'python');
  assert.equal(defs.length, 2);
  assert.deepEqual(defs.map((d) => d.findings.length), [0, 0]);
  assert.ok(py.slice(defs[1].span.start, defs[1].span.end).startsWith("{'ops'"));
});

test('YAML: block and flow sequences, keys in any order, unrelated keys in between', () => {
  const yaml = `experiment:
  name: demo
  spec:
    ops: [input, conv3x3-bn-relu, output]
    seed: 3
    matrix:
    - [0, 1, 1]
    - [0, 0, 1]
    - [0, 0, 0]
  lr: 0.1
specs:
  - matrix: [[0, 1], [0, 0]]
    ops:
      - input
      - output
  - {matrix: [[0, 1], [0, 0]], ops: [input, output]}
`;
  const defs = findNb101(yaml, 'yaml');
  assert.equal(defs.length, 3);
  for (const d of defs) assert.deepEqual(d.findings, []);
  assert.deepEqual(edges(defs[0]), ['0->1', '0->2', '1->2']);
  assert.equal(yaml.slice(defs[0].span.start, defs[0].span.end), yaml.slice(yaml.indexOf('ops: [input, conv'), yaml.indexOf('[0, 0, 0]') + 9));
  const e = defs[0].arch!.cells[0].cell.edges[2];
  assert.equal(e.span!.start, yaml.indexOf('[0, 0, 1]') + 7);
  assert.equal(yaml.slice(defs[2].span.start, defs[2].span.end), '{matrix: [[0, 1], [0, 0]], ops: [input, output]}');
});

test('matrix shape errors: rows of the wrong length, entries other than 0/1', () => {
  const text = '{"matrix": [[0, 1, 1], [0, 0], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]}';
  assert.deepEqual(described(text, findNb101(text, 'json')[0]), [
    ['nb101/matrix-shape', 'row 1 has 2 entries; the matrix has 3 rows, so every row needs 3', '[0, 0]'],
  ]);
  const two = '{"matrix": [[0, 2], [0, 0]], "ops": ["input", "output"]}';
  assert.deepEqual(described(two, findNb101(two, 'json')[0]), [['nb101/matrix-entry', 'matrix entries must be 0 or 1; found 2', '2']]);
});

test('not upper-triangular: the offending entry is marked', () => {
  const text = '{"matrix": [[0, 1, 1], [0, 0, 1], [0, 1, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]}';
  const d = findNb101(text, 'json')[0];
  assert.deepEqual(described(text, d), [[
    'nb101/not-upper-triangular',
    'matrix[2][1] = 1 is an edge from node 2 back to node 1; the matrix must be upper-triangular (edges go from a node to a later one)', '1',
  ]]);
  assert.equal(d.findings[0].span.start, text.indexOf('[0, 1, 0]') + 4);
  const diag = '{"matrix": [[1, 1], [0, 0]], "ops": ["input", "output"]}';
  assert.equal(findNb101(diag, 'json')[0].findings[0].message, 'matrix[0][0] = 1 is a self-loop on node 0; the diagonal must be 0');
});

test('ops errors: length mismatch on the list, wrong first/last, unknown with did-you-mean', () => {
  const short = '{"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "output"]}';
  assert.deepEqual(described(short, findNb101(short, 'json')[0]), [
    ['nb101/ops-length', 'ops lists 2 operations but the matrix has 3 nodes', '["input", "output"]'],
  ]);
  const ends = '{"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["conv3x3-bn-relu", "input", "maxpool3x3"]}';
  assert.deepEqual(described(ends, findNb101(ends, 'json')[0]), [
    ['nb101/first-op', "the first op must be 'input' (the cell input); found 'conv3x3-bn-relu'", 'conv3x3-bn-relu'],
    ['nb101/unknown-op', "'input' can only be the first op; interior nodes take conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3", 'input'],
    ['nb101/last-op', "the last op must be 'output' (the cell output); found 'maxpool3x3'", 'maxpool3x3'],
  ]);
  const typo = "{'matrix': [[0, 1, 1], [0, 0, 1], [0, 0, 0]], 'ops': ['input', 'conv3x3-bn-reul', 'output']}";
  assert.deepEqual(described(typo, findNb101(typo, 'python')[0]), [
    ['nb101/unknown-op', "unknown operation 'conv3x3-bn-reul' — did you mean 'conv3x3-bn-relu'?", 'conv3x3-bn-reul'],
  ]);
});

test('more than 9 edges and more than 7 nodes', () => {
  const full7 = Array.from({ length: 7 }, (_, i) => `[${Array.from({ length: 7 }, (_, j) => (j > i ? 1 : 0)).join(', ')}]`);
  const ops7 = '["input", "conv3x3-bn-relu", "conv3x3-bn-relu", "conv3x3-bn-relu", "conv3x3-bn-relu", "conv3x3-bn-relu", "output"]';
  const dense = `{"matrix": [${full7.join(', ')}], "ops": ${ops7}}`;
  const d = findNb101(dense, 'json')[0];
  assert.deepEqual(described(dense, d), [['nb101/too-many-edges', 'NAS-Bench-101 allows at most 9 edges; this matrix has 21', `[${full7.join(', ')}]`]]);
  const rows8 = Array.from({ length: 8 }, (_, i) => `[${Array.from({ length: 8 }, (_, j) => (j === i + 1 ? 1 : 0)).join(',')}]`);
  const big = `{"matrix": [${rows8.join(',')}], "ops": ["input", "maxpool3x3", "maxpool3x3", "maxpool3x3", "maxpool3x3", "maxpool3x3", "maxpool3x3", "output"]}`;
  assert.deepEqual(described(big, findNb101(big, 'json')[0]).map((x) => [x[0], x[1]]), [
    ['nb101/too-many-nodes', 'NAS-Bench-101 cells have at most 7 nodes; this matrix has 8 rows'],
  ]);
});

test('specs held in variables, or dicts without ops, are not definitions', () => {
  const text = [
    'spec = api.ModelSpec(matrix=matrix, ops=ops)',
    "d = {'matrix': confusion, 'ops': ops}",
    "m = {'matrix': [[1, 2], [3, 4]], 'labels': ['a', 'b']}",
    "spec = ModelSpec(matrix=[[0, 1], [0, 0]], ops=[INPUT, my_op, OUTPUT])",
    `# old = {"matrix": [[0, 1], [0, 0]], "ops": ["input", "out"]}`,
  ].join('\n');
  assert.deepEqual(findNb101(text, 'python'), []);
  const noOps = 'spec = ModelSpec(matrix=[[0, 1], [0, 0]])';
  assert.deepEqual(described(noOps, findNb101(noOps, 'python')[0]), [['nb101/ops', "this ModelSpec has no ops: add ops=['input', …, 'output']", 'ModelSpec']]);
});

test('YAML syntax errors inside the spec are reported with the library ranges', () => {
  const yaml = 'spec:\n  matrix: [[0, 1], [0, 0]\n  ops: [input, output]\n';
  const defs = findNb101(yaml, 'yaml');
  assert.equal(defs.length, 1);
  assert.equal(defs[0].arch, undefined);
  assert.ok(defs[0].findings.length > 0);
  for (const f of defs[0].findings) {
    assert.equal(f.code, 'nb101/syntax');
    assert.match(f.message, /^YAML: /);
    assert.ok(f.span.start >= yaml.indexOf('matrix') && f.span.end <= yaml.length);
  }
});

test('truncated JSON spec: the unclosed object is reported to the end of the text', () => {
  const text = '{"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]';
  const d = findNb101(text, 'json')[0];
  assert.deepEqual(described(text, d), [['nb101/syntax', "'{' is never closed: expected '}' before the end of the text", text]]);
  const cut = '{"matrix": [[0, 1], [0, 0';
  const c = findNb101(cut, 'json');
  assert.ok(c.length <= 1);
});

test('UTF-16 offsets after astral characters, in JSON, Python and YAML', () => {
  const json = `{"note": "🚀🚀", "spec": ${SPEC.replace('"maxpool3x3"', '"maxpool_3x3"')}}`;
  const [j] = findNb101(json, 'json');
  assert.equal(json.slice(j.span.start, j.span.end), SPEC.replace('"maxpool3x3"', '"maxpool_3x3"'));
  assert.equal(json.slice(j.findings[0].span.start, j.findings[0].span.end), 'maxpool_3x3');
  const yaml = `# 😀\nspec: # 🧪\n  matrix: [[0, 1], [0, 0]]\n  ops: [input, outptu]\n`;
  const [y] = findNb101(yaml, 'yaml');
  assert.deepEqual(described(yaml, y), [['nb101/last-op', "the last op must be 'output' (the cell output); found 'outptu'", 'outptu']]);
});

test('parseNb101Spec validates values from any reader', () => {
  const text = '[[0, 1], [0, 0]] ["input", "output"]';
  const m = readLiteral(text, 0, { comments: 'json' }).value;
  const o = readLiteral(text, 17, { comments: 'json' }).value;
  const d = parseNb101Spec(m, o, { start: 0, end: text.length });
  assert.deepEqual(d.findings, []);
  assert.deepEqual(edges(d), ['0->1']);
  const missing = parseNb101Spec(m, undefined, { start: 0, end: text.length });
  assert.deepEqual(described(text, missing), [['nb101/ops', 'the spec has no ops list', text]]);
});

test('mutated specs never throw', () => {
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = '[]{}(),:"\'01 \n-#😀abcinputoutconv';
  const bases: [string, string][] = [
    [SPEC, 'json'],
    [`x = ModelSpec(matrix=[[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops=['input', 'maxpool3x3', 'output'])\n`, 'python'],
    ['a:\n  matrix:\n  - [0, 1]\n  - [0, 0]\n  ops: [input, output]\nb: {matrix: [[0, 1], [0, 0]], ops: [input, output]}\n', 'yaml'],
  ];
  for (let i = 0; i < 1500; i++) {
    const [base, lang] = bases[i % bases.length];
    const chars = base.split('');
    for (let k = 0; k < 1 + Math.floor(rnd() * 5); k++) {
      const at = Math.floor(rnd() * chars.length);
      const r = rnd();
      if (r < 0.4) chars.splice(at, 1);
      else if (r < 0.85) chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
      else chars.length = at;
    }
    const s = chars.join('');
    for (const d of findNb101(s, lang)) {
      assert.ok(!d.findings.some((f) => f.code === 'internal'), `${lang}: ${s}`);
      for (const f of d.findings) assert.ok(f.span.start >= 0 && f.span.end <= s.length && f.span.start <= f.span.end, s);
      if (d.arch) assert.deepEqual(withoutSpans(parseNb101(d.canonical!)), withoutSpans(d));
    }
  }
});
