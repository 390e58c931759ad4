import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Architecture, Cell } from '../../../server/src/core/types';
import { topologyFindings } from '../../../server/src/core/sed/topology';
import { parseNb201 } from '../../../server/src/core/parsers/nb201';
import { DARTS_V2, dartsArchitecture, type DartsGenotype } from '../../../server/src/core/space/dartsSpace';
import { nb101Architecture } from '../../../server/src/core/space/nb101Space';
import { nb201Architecture } from '../../../server/src/core/space/nb201Space';

const FALLBACK = { start: 100, end: 200 };
function findings(s: string) {
  const def = parseNb201(s, 1000);
  assert.ok(def.arch, s);
  return topologyFindings(def.arch, FALLBACK);
}
const codes = (fs: { code: string }[]) => fs.map((f) => f.code).sort();

test('disconnected output: one warning, no noise about every edge', () => {
  const fs = findings('|none~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|none~2|');
  assert.deepEqual(codes(fs), ['sed/disconnected-output']);
  assert.equal(fs[0].severity, 'warning');
  assert.deepEqual(fs[0].span, FALLBACK);
  assert.match(fs[0].message, /constant/);
});

test('no learnable path: only pooling and skips', () => {
  const fs = findings('|avg_pool_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|skip_connect~2|');
  assert.ok(codes(fs).includes('sed/no-learnable-path'));
  assert.equal(fs.find((f) => f.code === 'sed/no-learnable-path')!.severity, 'warning');
  // One convolution on any path is enough.
  const ok = findings('|avg_pool_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|');
  assert.ok(!codes(ok).includes('sed/no-learnable-path'));
});

test('a learnable op on a dead edge does not count as a learnable path', () => {
  // conv 1→2 is dead (node 1 gets nothing); the only live path is a pooling 0→3.
  const fs = findings('|none~0|+|none~0|nor_conv_3x3~1|+|avg_pool_3x3~0|none~1|none~2|');
  assert.ok(codes(fs).includes('sed/no-learnable-path'));
  assert.ok(codes(fs).includes('sed/dead-edge'));
});

test('excessive skips are reported on the first skip edge', () => {
  const s = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
  const fs = findings(s);
  const f = fs.find((x) => x.code === 'sed/excessive-skip');
  assert.ok(f);
  assert.equal(f.severity, 'info');
  assert.deepEqual(f.span, { start: 1001, end: 1015 }); // 'skip_connect~0' of node 1
  assert.match(f.message, /5 skip connections/);
  // The CIFAR-10 optimum has one skip beside five convolutions: healthy.
  assert.ok(!codes(findings('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|')).includes('sed/excessive-skip'));
});

test('dead edges are reported on their own span, with the reason', () => {
  const s = '|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|none~1|nor_conv_3x3~2|';
  const fs = findings(s);
  const dead = fs.filter((f) => f.code === 'sed/dead-edge');
  assert.equal(dead.length, 1);
  const start = s.indexOf('nor_conv_3x3~1');
  assert.deepEqual(dead[0].span, { start: 1000 + start, end: 1000 + start + 'nor_conv_3x3~1'.length });
  assert.match(dead[0].message, /node 1 receives nothing/);
  assert.equal(dead[0].severity, 'info');
});

test('edges without spans fall back to the definition span', () => {
  const fs = topologyFindings(nb201Architecture([3, 3, 0, 0, 3, 0]), FALLBACK); // 0→2 is dead
  const dead = fs.filter((f) => f.code === 'sed/dead-edge');
  assert.equal(dead.length, 1);
  assert.deepEqual(dead[0].span, FALLBACK);
  assert.match(dead[0].message, /node 2 does not lead to the output/);
});

test('a healthy cell has no findings', () => {
  assert.deepEqual(findings('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'), []);
});

test('DARTS: concat wiring and strided reduce skips are not skip connections', () => {
  assert.deepEqual(topologyFindings(dartsArchitecture(DARTS_V2), FALLBACK).map((f) => f.code), []);
  const skipHeavy: DartsGenotype = {
    ...DARTS_V2,
    normal: [['skip_connect', 0], ['skip_connect', 1], ['skip_connect', 0], ['skip_connect', 1],
      ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 0], ['dil_conv_3x3', 2]],
  };
  const fs = topologyFindings(dartsArchitecture(skipHeavy), FALLBACK);
  const f = fs.find((x) => x.code === 'sed/excessive-skip');
  assert.ok(f);
  assert.match(f.message, /^In the normal cell, 6 skip connections/);
  const poolNormal: DartsGenotype = { ...DARTS_V2, normal: DARTS_V2.normal.map(([, i]) => ['max_pool_3x3', i] as const) };
  const pf = topologyFindings(dartsArchitecture(poolNormal), FALLBACK);
  assert.deepEqual(pf.map((x) => x.code), ['sed/no-learnable-path']);
  assert.match(pf[0].message, /^In the normal cell, every input→output path/);
});

test('NB101: plain edges are wiring, not skips; a pooling-only cell is flagged', () => {
  const spec = {
    matrix: [[0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
    ops: ['input', 'maxpool3x3', 'maxpool3x3', 'output'],
  };
  const fs = topologyFindings(nb101Architecture(spec), FALLBACK);
  assert.deepEqual(codes(fs), ['sed/no-learnable-path']);
  const conv = topologyFindings(nb101Architecture({ ...spec, ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] }), FALLBACK);
  assert.deepEqual(conv, []);
});

test('generic cells: node ops on dead nodes do not rescue a cell', () => {
  const cell: Cell = {
    nodeCount: 4, inputs: [0], output: 3,
    edges: [{ from: 0, to: 3, op: 'avg_pool_3x3' }, { from: 1, to: 2, op: 'conv_3x3' }, { from: 2, to: 3, op: 'skip_connect' }],
    aggregation: ['sum', 'sum', 'sum', 'sum'], nodeOps: [null, null, null, null],
  };
  const arch: Architecture = { space: 'generic', cells: [{ role: 'cell', cell }] };
  const fs = topologyFindings(arch, FALLBACK);
  assert.ok(codes(fs).includes('sed/no-learnable-path'));
  assert.equal(fs.filter((f) => f.code === 'sed/dead-edge').length, 2);
});
