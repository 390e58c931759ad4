import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cellText, findCells, normalizeOpName, parseCell, readLiteral, yamlValuesAt, type Val,
} from '../../../server/src/core/parsers/cellFormat';
import type { Definition } from '../../../server/src/core/types';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const YAML_CELL = `model:
  lr: 0.1
  entropy_lens_cell:
    nodes: 4
    edges:
      - [0, 1, conv_3x3]
      - {from: 0, to: 2, op: skip}
      - [1, 2, Sep_Conv_5x5]
      - [1, 3, max_pool_3x3]
      - [2, 3, nor_conv_1x1]
  epochs: 3
`;

function described(text: string, d: Definition): [string, string, string][] {
  return d.findings.map((f) => [f.code, f.message, text.slice(f.span.start, f.span.end)]);
}

function withoutSpans(d: Definition): unknown {
  return JSON.parse(JSON.stringify(d.arch, (k, v) => (k === 'span' ? undefined : v)));
}

function edges(d: Definition): string[] {
  return d.arch!.cells[0].cell.edges.map((e) => `${e.from}->${e.to}:${e.op}`);
}

function one(text: string, lang: string): Definition {
  const defs = findCells(text, lang);
  assert.equal(defs.length, 1, JSON.stringify(defs));
  return defs[0];
}

test('YAML: a cell under entropy_lens_cell with list and mapping edges', () => {
  const d = one(YAML_CELL, 'yaml');
  assert.deepEqual(d.findings, []);
  assert.equal(d.format, 'cell');
  assert.equal(d.arch!.space, 'generic');
  assert.equal(YAML_CELL.slice(d.span.start, d.span.end), YAML_CELL.slice(YAML_CELL.indexOf('entropy_lens_cell'), YAML_CELL.indexOf('nor_conv_1x1]') + 13));
  assert.deepEqual(edges(d), ['0->1:conv_3x3', '0->2:skip_connect', '1->2:sep_conv_5x5', '1->3:max_pool_3x3', '2->3:nor_conv_1x1']);
  const cell = d.arch!.cells[0].cell;
  assert.deepEqual([cell.nodeCount, cell.inputs, cell.output], [4, [0], 3]);
  assert.deepEqual(cell.aggregation, ['sum', 'sum', 'sum', 'sum']);
  assert.equal(YAML_CELL.slice(cell.edges[1].span!.start, cell.edges[1].span!.end), '{from: 0, to: 2, op: skip}');
  assert.equal(d.canonical, '{"space": "generic", "nodes": 4, "inputs": [0], "output": 3, "aggregation": "sum", "edges": [[0, 1, "conv_3x3"], [0, 2, "skip_connect"], [1, 2, "sep_conv_5x5"], [1, 3, "max_pool_3x3"], [2, 3, "nor_conv_1x1"]]}');
});

test('canonical JSON round-trips, including aggregation overrides, node ops and the space hint', () => {
  const text = `space: nb101
nodes: [in, a, b, out]
inputs: in
output: out
aggregation: {default: sum, out: concat}
node_ops: {a: conv3x3-bn-relu, b: maxpool3x3}
edges:
  - [in, a, identity]
  - [in, b, identity]
  - [a, out, identity]
  - [b, out, identity]
`;
  const d = parseCell(text);
  assert.deepEqual(d.findings, []);
  assert.equal(d.arch!.space, 'nb101');
  assert.deepEqual(d.arch!.cells[0].cell.nodeOps, [null, 'conv3x3-bn-relu', 'maxpool3x3', null]);
  assert.deepEqual(d.arch!.cells[0].cell.aggregation, ['sum', 'sum', 'sum', 'concat']);
  assert.equal(d.canonical, '{"space": "nb101", "nodes": 4, "inputs": [0], "output": 3, "aggregation": {"default": "sum", "3": "concat"}, "node_ops": {"1": "conv3x3-bn-relu", "2": "maxpool3x3"}, "edges": [[0, 1, "skip_connect"], [0, 2, "skip_connect"], [1, 3, "skip_connect"], [2, 3, "skip_connect"]]}');
  const again = parseCell(d.canonical!);
  assert.deepEqual(again.findings, []);
  assert.deepEqual(withoutSpans(again), withoutSpans(d));
  assert.equal(cellText(again.arch!), d.canonical);
});

test('JSON files: cells under "entropy_lens_cell", and "cell" only when it has edges', () => {
  const text = `{
  // JSONC comment
  "cell": {"type": "resnet"},
  "search": {"cell": {"nodes": 3, "inputs": [0, 1], "edges": [[0, 2, "conv_1x1"], [1, 2, "avg_pool_3x3"]]}},
  "entropy_lens_cell": {"nodes": 2, "edges": [[0, 1, "zero"]],}
}`;
  const defs = findCells(text, 'jsonc');
  assert.equal(defs.length, 2);
  assert.deepEqual(defs.map((d) => d.findings), [[], []]);
  assert.deepEqual(edges(defs[0]), ['0->2:conv_1x1', '1->2:avg_pool_3x3']);
  assert.deepEqual(defs[0].arch!.cells[0].cell.inputs, [0, 1]);
  assert.deepEqual(edges(defs[1]), ['0->1:none']);
  assert.ok(text.slice(defs[1].span.start, defs[1].span.end).startsWith('"entropy_lens_cell": {'));
});

test('dedicated cell files: YAML or JSON, bare or wrapped; empty files have no definition', () => {
  const bare = parseCell('nodes: 2\nedges: [[0, 1, conv_3x3]]\n');
  assert.deepEqual(bare.findings, []);
  const json = findCells('\n{"nodes": 3, "edges": [[0, 1, "conv_3x3"], [1, 2, "skip"]]}\n', 'entropy-cell');
  assert.deepEqual(json.map((d) => d.findings), [[]]);
  assert.equal(json[0].span.start, 1);
  const wrapped = findCells('entropy_lens_cell:\n  nodes: 2\n  edges: [[0, 1, conv_3x3]]\n', 'entropy-cell');
  assert.deepEqual(edges(wrapped[0]), ['0->1:conv_3x3']);
  assert.deepEqual(findCells('  \n', 'entropy-cell'), []);
  assert.deepEqual(findCells(YAML_CELL, 'python'), []);
});

test('unknown op: did-you-mean over the generic names, on the op text', () => {
  const text = 'entropy_lens_cell:\n  nodes: 3\n  edges:\n    - [0, 1, conv_3x4]\n    - [1, 2, "max_pol_3x3"]\n    - [0, 2, teleport]\n';
  assert.deepEqual(described(text, one(text, 'yaml')), [
    ['cell/unknown-op', "unknown operation 'conv_3x4' — did you mean 'conv_3x3'?", 'conv_3x4'],
    ['cell/unknown-op', "unknown operation 'max_pol_3x3' — did you mean 'max_pool_3x3'?", 'max_pol_3x3'],
    ['cell/unknown-op', 'unknown operation \'teleport\' — expected one of identity, skip, skip_connect, zero, none, conv_1x1, conv_3x3, conv_5x5, conv_7x7, sep_conv_3x3, sep_conv_5x5, sep_conv_7x7, dil_conv_3x3, dil_conv_5x5, avg_pool_3x3, avg_pool_5x5, max_pool_3x3, max_pool_5x5, nor_conv_1x1, nor_conv_3x3, conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3', 'teleport'],
  ]);
});

test('edge endpoints out of range, unknown node names, backwards edges and self-loops', () => {
  const text = 'entropy_lens_cell:\n  nodes: [in, mid, out]\n  edges:\n    - [in, 5, conv_3x3]\n    - [in, otu, conv_3x3]\n    - [out, mid, skip]\n    - [mid, mid, skip]\n';
  assert.deepEqual(described(text, one(text, 'yaml')), [
    ['cell/node-range', 'edge endpoint 5 out of range: the cell has nodes in, mid, out', '5'],
    ['cell/unknown-node', "unknown node 'otu' — did you mean 'out'?", 'otu'],
    ['cell/backward-edge', "edge 'out' → 'mid' goes backwards: nodes are listed in topological order, so every edge must go from a lower to a higher node (this one would allow a cycle)", '[out, mid, skip]'],
    ['cell/backward-edge', "edge 'mid' → 'mid' is a self-loop; edges must go from a lower to a higher node", '[mid, mid, skip]'],
  ]);
  const idx = '{"entropy_lens_cell": {"nodes": 3, "edges": [[0, 3, "skip"], [0, "x", "skip"]]}}';
  assert.deepEqual(described(idx, one(idx, 'json')), [
    ['cell/node-range', 'edge endpoint 3 out of range: the cell has nodes 0…2', '3'],
    ['cell/unknown-node', "unknown node 'x' — nodes are numbered 0…2 (or name them with nodes: [a, b, …])", 'x'],
  ]);
});

test('missing keys, unknown keys and duplicate edges', () => {
  const missing = 'entropy_lens_cell:\n  nodez: 3\n';
  assert.deepEqual(described(missing, one(missing, 'yaml')), [
    ['cell/unknown-key', "unknown cell key 'nodez' — did you mean 'nodes'?", 'nodez'],
    ['cell/missing-key', "the cell needs 'nodes': a node count (for example nodes: 4) or a list of node names", 'entropy_lens_cell'],
    ['cell/missing-key', "the cell needs 'edges': a list of [from, to, op] entries", 'entropy_lens_cell'],
  ]);
  const dup = 'entropy_lens_cell:\n  nodes: 2\n  edges:\n    - [0, 1, conv_3x3]\n    - {from: 0, to: 1, op: conv_3x3}\n    - [0, 1, skip]\n    - {from: 0, op: skip, weight: 2}\n';
  assert.deepEqual(described(dup, one(dup, 'yaml')), [
    ['cell/duplicate-edge', 'duplicate edge 0 → 1 (conv_3x3): it is already listed', '{from: 0, to: 1, op: conv_3x3}'],
    ['cell/unknown-key', "unknown edge key 'weight' — an edge has from, to and op", 'weight'],
    ['cell/missing-key', "this edge has no 'to'", '{from: 0, op: skip, weight: 2}'],
  ]);
});

test('type errors, bad aggregation, io conflicts and unknown spaces', () => {
  const text = 'entropy_lens_cell:\n  space: nb301\n  nodes: 3\n  inputs: [0, 2]\n  aggregation: mean\n  edges: [[0, 1, conv_3x3], [0, 1]]\n';
  assert.deepEqual(described(text, one(text, 'yaml')), [
    ['cell/space', "unknown space 'nb301' — expected one of generic, nb201, darts, nb101", 'nb301'],
    ['cell/io', "the last node 2 is the output by default, so it cannot also be an input", '[0, 2]'],
    ['cell/aggregation', "unknown aggregation 'mean' — use 'sum' or 'concat'", 'mean'],
    ['cell/type', 'an edge is [from, to, op] (3 items); found 2', '[0, 1]'],
  ]);
  const nodes = '{"entropy_lens_cell": {"nodes": "four", "edges": []}}';
  assert.deepEqual(described(nodes, one(nodes, 'json')), [
    ['cell/type', "'nodes' must be a node count (an integer such as 4) or a list of node names; found 'four'", '"four"'],
  ]);
  const huge = '{"entropy_lens_cell": {"nodes": 1000000000, "edges": []}}';
  assert.equal(one(huge, 'json').findings[0].code, 'cell/node-count');
  const notMap = 'entropy_lens_cell: [1, 2]\n';
  assert.deepEqual(described(notMap, one(notMap, 'yaml')), [['cell/type', "'entropy_lens_cell' must be a mapping with nodes and edges; found a list", '[1, 2]']]);
});

test('YAML syntax errors come from the yaml library with its ranges', () => {
  const text = 'entropy_lens_cell:\n  nodes: 2\n  nodes: 3\n  edges: [[0, 1, conv_3x3]\n';
  const d = one(text, 'yaml');
  assert.equal(d.arch, undefined);
  const codes = described(text, d);
  assert.deepEqual(codes[0], ['cell/syntax', 'YAML: map keys must be unique', 'nodes']);
  assert.equal(d.findings[0].span.start, text.lastIndexOf('nodes'));
  assert.ok(codes.some(([c, m]) => c === 'cell/syntax' && /flow sequence/i.test(m)), JSON.stringify(codes));
  const file = parseCell('nodes: 2\nedges:\n  - [0, 1, conv_3x3\n  - [0, 1, skip]\n');
  assert.ok(file.findings.length > 0 && file.findings.every((f) => f.code === 'cell/syntax' || f.code.startsWith('cell/')));
});

test('a string under the marker key is left to other finders; cell: without edges is ignored', () => {
  assert.deepEqual(findCells("entropy_lens_cell: '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|'\n", 'yaml'), []);
  assert.deepEqual(findCells('cell:\n  type: resnet\n  depth: 3\n', 'yaml'), []);
  assert.deepEqual(findCells('# entropy_lens_cell: {nodes: 2}\nmy-cell: 3\n', 'yaml'), []);
  const d = one('darts:\n  cell:\n    nodes: 2\n    edges: [[0, 1, sep_conv_3x3]]\n', 'yaml');
  assert.deepEqual(edges(d), ['0->1:sep_conv_3x3']);
});

test('UTF-16 offsets after astral characters', () => {
  const text = `# 🧠 my model 😀😀\nname: "🚀"\nentropy_lens_cell:\n  nodes: 2\n  edges: [[0, 1, conv_3x4]]\n`;
  const d = one(text, 'yaml');
  assert.equal(d.span.start, text.indexOf('entropy_lens_cell'));
  assert.equal(text.slice(d.findings[0].span.start, d.findings[0].span.end), 'conv_3x4');
  const json = `{"title": "🧠😀", "entropy_lens_cell": {"nodes": 2, "edges": [[0, 1, "conv_3x4"]]}}`;
  const j = one(json, 'json');
  assert.equal(json.slice(j.findings[0].span.start, j.findings[0].span.end), 'conv_3x4');
});

test('normalizeOpName maps the generic spellings', () => {
  assert.equal(normalizeOpName('identity'), 'skip_connect');
  assert.equal(normalizeOpName('skip'), 'skip_connect');
  assert.equal(normalizeOpName('zero'), 'none');
  assert.equal(normalizeOpName('Conv_3x3'), 'conv_3x3');
  assert.equal(normalizeOpName('conv3x3-bn-relu'), 'conv3x3-bn-relu');
  assert.equal(normalizeOpName('conv_4x4'), undefined);
});

test('readLiteral: values, spans, unclosed and mismatched brackets', () => {
  const text = "x = [('a', 1), {\"k\": -2.5, 'n': None}, r'raw\\d', range(2, 6), True,]";
  const r = readLiteral(text, 4, { comments: 'python' });
  assert.deepEqual(r.issues, []);
  const v = r.value as Extract<Val, { kind: 'seq' }>;
  assert.equal(v.kind, 'seq');
  assert.deepEqual(v.items.map((i) => i.kind), ['seq', 'map', 'str', 'call', 'bool']);
  const s = v.items[2] as Extract<Val, { kind: 'str' }>;
  assert.equal(s.value, 'raw\\d');
  assert.equal(text.slice(s.inner.start, s.inner.end), 'raw\\d');
  const m = v.items[1] as Extract<Val, { kind: 'map' }>;
  assert.deepEqual(m.entries.map((e) => [e.key, e.value.kind]), [['k', 'num'], ['n', 'null']]);
  assert.equal(text.slice(m.entries[0].value.span.start, m.entries[0].value.span.end), '-2.5');

  const open = '[1, [2, 3';
  assert.deepEqual(readLiteral(open, 0, { comments: 'json' }).issues, [
    { span: { start: 4, end: 9 }, message: "'[' is never closed: expected ']' before the end of the text" },
    { span: { start: 0, end: 9 }, message: "'[' is never closed: expected ']' before the end of the text" },
  ]);
  const gap = readLiteral('[1 2]', 0, { comments: 'json' });
  assert.deepEqual(gap.issues, [{ span: { start: 3, end: 4 }, message: "expected ',' or ']' before '2'" }]);
  // A statement at the literal's indentation ends it.
  const stmt = readLiteral('v = [1, 2,\ny = 3\n', 4, { comments: 'python' });
  assert.equal(stmt.end, 'v = [1, 2,'.length);
  assert.deepEqual(stmt.issues.map((i) => i.message), ["'[' is never closed: expected ']' before the next statement"]);
  // Deep nesting is bounded, not a stack overflow.
  assert.doesNotThrow(() => readLiteral('['.repeat(100_000), 0, { comments: 'json' }));
});

test('yamlValuesAt reads only the mapping around a key in a large document', () => {
  const filler = Array.from({ length: 20000 }, (_, i) => `k${i}: [${i}, ${i + 1}]`).join('\n');
  const text = `${filler}\nmatrix: [[0, 1], [0, 0]]\n${filler.replace(/k/g, 'q')}\nops: [input, output]\n`;
  const t0 = performance.now();
  const r = yamlValuesAt(text, text.indexOf('matrix'), ['matrix', 'ops']);
  const ms = performance.now() - t0;
  assert.deepEqual(r.issues, []);
  assert.equal(r.value?.kind, 'map');
  assert.deepEqual((r.value as Extract<Val, { kind: 'map' }>).entries.map((e) => e.key), ['matrix', 'ops']);
  assert.ok(ms < 300, `took ${ms.toFixed(0)} ms`);
});

test('mutated cells never throw', () => {
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = '[]{},:-"\'#\n  0123abcdefgnopstx😀';
  const bases: [string, string][] = [
    [YAML_CELL, 'yaml'],
    ['{"entropy_lens_cell": {"nodes": [ "a", "b", "c"], "aggregation": {"c": "concat"}, "edges": [["a", "b", "conv_3x3"], {"from": "b", "to": "c", "op": "skip"}]}}', 'json'],
    ['nodes: 3\ninputs: [0]\nedges:\n  - [0, 1, conv_3x3]\n  - [1, 2, skip]\n', 'entropy-cell'],
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
    for (const d of findCells(s, lang)) {
      assert.ok(!d.findings.some((f) => f.code === 'internal'), `${lang}: ${s}`);
      for (const f of d.findings) assert.ok(f.span.start >= 0 && f.span.end <= s.length && f.span.start <= f.span.end, s);
      if (d.arch) assert.deepEqual(withoutSpans(parseCell(d.canonical!)), withoutSpans(d));
    }
  }
});

test('the examples in docs/cell-format.md are valid and agree with the documented canonical form', () => {
  const doc = readFileSync(resolve(__dirname, '../../../../docs/cell-format.md'), 'utf8');
  const blocks = [...doc.matchAll(/```(yaml|json)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]);
  const [yamlExample, jsonExample, canonical] = [blocks[0][1], blocks[1][1], blocks[2][1].trim()];
  const fromYaml = one(yamlExample, 'yaml');
  const fromJson = parseCell(jsonExample);
  assert.deepEqual([fromYaml.findings, fromJson.findings], [[], []]);
  assert.equal(fromYaml.canonical, canonical);
  assert.equal(fromJson.canonical, canonical);
});
