import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Architecture, Cell } from '../../../server/src/core/types';
import { cellLiveness, scoreArchitecture, scoreNb201Codes, sedValue } from '../../../server/src/core/sed/score';
import { IDENTITY_CAPACITY, NB201_TERMS, opEntropyByName } from '../../../server/src/core/sed/terms';
import { gaussianEntropy, maxOfNormalsVariance, normalCdf, unitCapacity } from '../../../server/src/core/sed/gaussian';
import { NB201_SPACE_SIZE, nb201Architecture, nb201CodesAt } from '../../../server/src/core/space/nb201Space';
import { DARTS_V2, dartsArchitecture, randomDartsGenotype, type DartsGenotype } from '../../../server/src/core/space/dartsSpace';
import { nb101Architecture } from '../../../server/src/core/space/nb101Space';
import { createRng } from '../../../server/src/core/space/random';
import { parseNb201 } from '../../../server/src/core/parsers/nb201';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);
const LN = Math.log;
// NB201_OPS: 0 none, 1 skip_connect, 2 nor_conv_1x1, 3 nor_conv_3x3, 4 avg_pool_3x3
const C3 = 0.5 * LN(10); // ½ ln(1 + 9)
const C1 = 0.5 * LN(2); // ½ ln(1 + 1)
const AVG3 = 0.5 * LN((1 + 1 / 9) / 2); // ½ ln((1 + 1/9)/2) = ½ ln(5/9)
const sedOf = (codes: number[]) => scoreArchitecture(nb201Architecture(codes)).sed;

test('Gaussian primitives match closed forms', () => {
  close(gaussianEntropy(1), 0.5 * LN(2 * Math.PI * Math.E));
  close(unitCapacity(9), C3);
  close(unitCapacity(9, 1 / 9), 0.5 * LN(1 + 1 / 9));
  close(normalCdf(0), 0.5);
  close(normalCdf(1.959963984540054), 0.975, 1e-12);
  close(normalCdf(-4), 3.1671241833119863e-5, 1e-15);
  close(maxOfNormalsVariance(1), 1, 1e-10);
  close(maxOfNormalsVariance(2), 1 - 1 / Math.PI, 1e-10); // Var(max(X, Y)) for iid N(0,1)
  const v9 = maxOfNormalsVariance(9);
  assert.ok(v9 > 0.35 && v9 < 0.36, `Var(max of 9) = ${v9}`);
});

test('per-op terms follow the derivation', () => {
  close(opEntropyByName('nor_conv_3x3').nats, C3);
  close(opEntropyByName('nor_conv_1x1').nats, C1);
  close(opEntropyByName('conv3x3-bn-relu').nats, C3);
  close(opEntropyByName('skip_connect').nats, 0);
  close(opEntropyByName('avg_pool_3x3').nats, AVG3);
  close(opEntropyByName('sep_conv_3x3').nats, 2 * C3); // two fresh stages
  close(opEntropyByName('sep_conv_5x5').nats, LN(26));
  close(opEntropyByName('dil_conv_3x3').nats, C3); // 9 taps, dilation only spreads them
  close(opEntropyByName('dil_conv_5x5').nats, 0.5 * LN(26));
  close(opEntropyByName('max_pool_3x3').nats, 0.5 * LN(1 + maxOfNormalsVariance(9)) - IDENTITY_CAPACITY);
  close(opEntropyByName('skip_connect', true).nats, C1); // strided skip = FactorizedReduce
  close(opEntropyByName('avg_pool_5x5').nats, 0.5 * LN((1 + 1 / 25) / 2));
  // Orderings the theory states: larger conv kernels help, larger pooling kernels hurt, max pooling keeps more than averaging.
  assert.ok(opEntropyByName('conv_5x5').nats > opEntropyByName('conv_3x3').nats);
  assert.ok(opEntropyByName('avg_pool_5x5').nats < opEntropyByName('avg_pool_3x3').nats);
  assert.ok(opEntropyByName('max_pool_3x3').nats > opEntropyByName('avg_pool_3x3').nats);
  assert.ok(opEntropyByName('avg_pool_3x3').nats < 0);
  assert.deepEqual([...NB201_TERMS].map((x) => Number(x.toFixed(12))), [0, 0, C1, C3, AVG3].map((x) => Number(x.toFixed(12))));
});

test('hand-computed NB201 cells', () => {
  // edges: 0→1, 0→2, 1→2, 0→3, 1→3, 2→3
  assert.equal(sedOf([0, 0, 0, 0, 0, 0]), -Infinity); // all none: constant output
  assert.equal(sedOf([3, 3, 3, 0, 0, 0]), -Infinity); // nothing enters node 3
  assert.equal(sedOf([1, 1, 1, 1, 1, 1]), 0); // all skip
  close(sedOf([3, 3, 3, 3, 3, 3]), 6 * C3);
  close(sedOf([2, 2, 2, 2, 2, 2]), 6 * C1);
  close(sedOf([0, 0, 0, 3, 0, 0]), C3); // a single conv3x3 0→3
  close(sedOf([0, 0, 0, 4, 0, 0]), AVG3); // a single pooling 0→3
  close(sedOf([4, 4, 4, 4, 4, 4]), 6 * AVG3);
  // NATS index 6111 (the CIFAR-10 optimum): 5 conv3x3 and a skip 0→3.
  close(sedOf([3, 3, 3, 1, 3, 3]), 5 * C3);
  // conv3x3 0→1 then 1→3, plus a dead conv3x3 0→2 (node 2 does not reach 3): only two count.
  close(sedOf([3, 3, 0, 0, 3, 0]), 2 * C3);
});

test('fast path equals scoreArchitecture exactly on all 15,625 cells', () => {
  const codes = new Int8Array(6);
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    nb201CodesAt(i, codes);
    const slow = scoreArchitecture(nb201Architecture(codes)).sed;
    assert.equal(scoreNb201Codes(codes), slow, `index ${i}: ${codes.join('')}`);
  }
});

test('a parsed arch string scores like its op codes', () => {
  const def = parseNb201('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|');
  assert.ok(def.arch);
  assert.equal(scoreArchitecture(def.arch).sed, scoreNb201Codes(Int8Array.from([3, 3, 4, 1, 3, 1])));
  close(scoreArchitecture(def.arch).sed, 3 * C3 + AVG3);
});

test('isomorphic NB201 cells score the same (swap the intermediate nodes 1 and 2)', () => {
  const codes = new Int8Array(6);
  let checked = 0;
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    nb201CodesAt(i, codes);
    if (codes[2] !== 0) continue; // with an edge 1→2 the swap is not a relabelling
    const swapped = Int8Array.from([codes[1], codes[0], 0, codes[3], codes[5], codes[4]]);
    assert.equal(scoreNb201Codes(swapped), scoreNb201Codes(codes));
    checked++;
  }
  assert.equal(checked, 3125);
});

test('isomorphic generic cells (relabelled nodes, permuted edge lists) score the same', () => {
  const a: Cell = {
    nodeCount: 5, inputs: [0], output: 4,
    edges: [
      { from: 0, to: 1, op: 'conv_3x3' }, { from: 0, to: 2, op: 'avg_pool_3x3' }, { from: 1, to: 3, op: 'sep_conv_5x5' },
      { from: 2, to: 3, op: 'skip_connect' }, { from: 3, to: 4, op: 'dil_conv_3x3' }, { from: 0, to: 4, op: 'skip_connect' },
    ],
    aggregation: ['sum', 'sum', 'sum', 'sum', 'sum'], nodeOps: [null, null, null, null, null],
  };
  // Swap labels of nodes 1 and 2 and reverse the edge list.
  const relabel = (v: number) => (v === 1 ? 2 : v === 2 ? 1 : v);
  const b: Cell = { ...a, edges: [...a.edges].reverse().map((e) => ({ ...e, from: relabel(e.from), to: relabel(e.to) })) };
  const arch = (cell: Cell): Architecture => ({ space: 'generic', cells: [{ role: 'cell', cell }] });
  assert.equal(scoreArchitecture(arch(a)).sed, scoreArchitecture(arch(b)).sed);
  close(scoreArchitecture(arch(a)).sed, C3 + AVG3 + LN(26) + C3);
});

test('an edge that no input→output path uses changes nothing', () => {
  const codes = new Int8Array(6);
  let deadEdges = 0;
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    nb201CodesAt(i, codes);
    const base = scoreNb201Codes(codes);
    const live = cellLiveness(nb201Architecture(codes).cells[0].cell);
    for (let k = 0; k < 6; k++) {
      if (codes[k] === 0 || live.effectiveEdge[k]) continue;
      deadEdges++;
      for (let op = 0; op < 5; op++) {
        const changed = Int8Array.from(codes);
        changed[k] = op;
        assert.equal(scoreNb201Codes(changed), base, `cell ${codes.join('')}, edge ${k} → op ${op}`);
      }
    }
  }
  assert.ok(deadEdges > 1000, `found ${deadEdges} dead edges`);
});

test('DARTS: network SED is the 18:2 weighted mean of normal and reduce cells', () => {
  const r = scoreArchitecture(dartsArchitecture(DARTS_V2));
  assert.deepEqual(r.cells.map((c) => [c.role, c.multiplicity]), [['normal', 18], ['reduce', 2]]);
  // normal: 5 sep_conv_3x3, 2 skips (0), dil_conv_3x3, two input preprocessing 1×1 stages.
  const normal = 5 * 2 * C3 + C3 + 2 * C1;
  // reduce: 5 max pools (strided pooling keeps its term), 3 skips from node 2 (identity), two preprocessing stages.
  const maxPool = 0.5 * LN(1 + maxOfNormalsVariance(9)) - IDENTITY_CAPACITY;
  const reduce = 5 * maxPool + 2 * C1;
  close(r.cells[0].sed, normal);
  close(r.cells[1].sed, reduce);
  close(r.sed, 0.9 * normal + 0.1 * reduce);
  close(r.terms.reduce((s, t) => s + t.value, 0), r.sed, 1e-9);
  assert.ok(r.terms.some((t) => t.label.startsWith('normal cell: sep_conv_3x3 0→2')));
  assert.equal(sedValue(dartsArchitecture(DARTS_V2)), r.sed);
});

test('DARTS: a strided skip in the reduce cell is a FactorizedReduce (fresh 1×1 stage)', () => {
  const g: DartsGenotype = {
    ...DARTS_V2,
    reduce: [['skip_connect', 0], ['skip_connect', 1], ['skip_connect', 2], ['skip_connect', 0],
      ['skip_connect', 2], ['skip_connect', 3], ['skip_connect', 3], ['skip_connect', 4]],
  };
  const r = scoreArchitecture(dartsArchitecture(g));
  close(r.cells[1].sed, 3 * C1 + 2 * C1); // 3 strided skips from inputs + 2 preprocessing stages
});

test('DARTS: random genotypes have finite SED and sep convs beat pooling', () => {
  const rng = createRng(2);
  for (let k = 0; k < 50; k++) assert.ok(Number.isFinite(sedValue(dartsArchitecture(randomDartsGenotype(rng)))));
  const allSep: DartsGenotype = { ...DARTS_V2, normal: DARTS_V2.normal.map(([, i]) => ['sep_conv_3x3', i] as const) };
  const allPool: DartsGenotype = { ...DARTS_V2, normal: DARTS_V2.normal.map(([, i]) => ['avg_pool_3x3', i] as const) };
  assert.ok(sedValue(dartsArchitecture(allSep)) > sedValue(dartsArchitecture(DARTS_V2)));
  assert.ok(sedValue(dartsArchitecture(DARTS_V2)) > sedValue(dartsArchitecture(allPool)));
});

test('NB101: input projections, node ops and concat wiring', () => {
  // The Inception-like cell of the NAS-Bench-101 README.
  const spec = {
    matrix: [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
    ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
  };
  const r = scoreArchitecture(nb101Architecture(spec));
  const maxPool = 0.5 * LN(1 + maxOfNormalsVariance(9)) - IDENTITY_CAPACITY;
  // 4 projections from the input, conv1x1, three conv3x3, one max pool; interior and output wiring add 0.
  close(r.sed, 4 * C1 + C1 + 3 * C3 + maxPool);
  assert.equal(r.terms.filter((t) => t.kind === 'projection').length, 4);
  close(r.terms.reduce((s, t) => s + t.value, 0), r.sed, 1e-12);
});

test('a disconnected cell makes the whole network −∞', () => {
  const arch = dartsArchitecture(DARTS_V2);
  const broken: Architecture = {
    space: 'darts',
    cells: [arch.cells[0], { role: 'reduce', cell: { ...arch.cells[1].cell, edges: arch.cells[1].cell.edges.map((e) => (e.to === 6 ? e : { ...e, op: 'none' })) } }],
  };
  const r = scoreArchitecture(broken);
  assert.equal(r.sed, -Infinity);
  assert.ok(r.terms.some((t) => t.kind === 'disconnected' && t.label.includes('reduce cell')));
});

test('breakdown labels name the op, the edge and the contribution', () => {
  const r = scoreArchitecture(nb201Architecture([3, 0, 0, 4, 3, 0]));
  const labels = r.terms.map((t) => t.label);
  assert.ok(labels.some((l) => l.startsWith('nor_conv_3x3 0→1: +1.151 nats')), labels.join('\n'));
  assert.ok(labels.some((l) => l.startsWith('avg_pool_3x3 0→3: -0.294 nats')), labels.join('\n'));
  close(r.sed, 2 * C3 + AVG3);
  for (const t of r.terms) assert.equal(t.value, t.cellValue); // NB201: one cell type, weight 1
});
