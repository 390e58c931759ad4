import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costOf, nb101VertexChannels, nb201Cost, type CostDataset } from '../../../server/src/core/cost/cost';
import { nb201Architecture, nb201Cell } from '../../../server/src/core/space/nb201Space';
import { DARTS_V2, dartsArchitecture } from '../../../server/src/core/space/dartsSpace';
import { nb101Architecture } from '../../../server/src/core/space/nb101Space';
import { nb201OpCodes } from '../../../server/src/core/parsers/nb201';
import { parseTable, parseNumber } from '../../../server/src/core/bench/csv';
import { readSharedData, skipMessage, SUBSET_CSV } from '../sed/sharedData';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

// Fixed part of the NB201 CIFAR-10 network, by hand (parameters):
//   stem conv 3·16·9 = 432, BN 32                                    →    464
//   block 16→32: conv 16·32·9 + BN 64 + conv 32·32·9 + BN 64 + 1×1 16·32 →  14,464
//   block 32→64: 18,432 + 128 + 36,864 + 128 + 2,048                 →  57,600
//   last BN 128, linear 64·10 + 10                                   →    778
//   total 73,306
const FIXED_PARAMS = 73_306;
// Per cell op, ×5 cells in each of the 3 stages: conv k×k = k²C² + 2C.
const convParams = (k: number) => [16, 32, 64].reduce((s, c) => s + 5 * (k * k * c * c + 2 * c), 0);

test('NB201 params by hand: all-none, all-skip, all-conv3x3, all-conv1x1, all-pool', () => {
  close(costOf(nb201Architecture([0, 0, 0, 0, 0, 0]))!.params, FIXED_PARAMS / 1e6);
  close(costOf(nb201Architecture([1, 1, 1, 1, 1, 1]))!.params, FIXED_PARAMS / 1e6);
  close(costOf(nb201Architecture([4, 4, 4, 4, 4, 4]))!.params, FIXED_PARAMS / 1e6);
  close(costOf(nb201Architecture([3, 3, 3, 3, 3, 3]))!.params, (FIXED_PARAMS + 6 * convParams(3)) / 1e6); // 1.531546 M
  close(costOf(nb201Architecture([2, 2, 2, 2, 2, 2]))!.params, (FIXED_PARAMS + 6 * convParams(1)) / 1e6);
  close(costOf(nb201Architecture([3, 3, 3, 3, 3, 3]))!.params, 1.531546);
});

test('NB201 FLOPs by hand', () => {
  // MACs of the fixed part: stem 432·1024 + block1 (4608+9216+512)·256 + block2 (18432+36864+2048)·64 + linear 640.
  const fixedMacs = 432 * 1024 + (4608 + 9216 + 512) * 256 + (18432 + 36864 + 2048) * 64 + 640;
  // Element ops: stem BN 2·16·1024; block1 ReLU 16·1024 + BN 2·32·256 + ReLU 32·256 + BN 2·32·256 + pool 4·16·256;
  // block2 the same one stage down; last BN 2·4096 + ReLU 4096; global pool 4096.
  const block = (c: number, h: number) => c * h * h + 2 * (2 * c) * (h / 2) ** 2 + 2 * c * (h / 2) ** 2 + 2 * (2 * c) * (h / 2) ** 2 + 4 * c * (h / 2) ** 2;
  const fixedElem = 2 * 16 * 1024 + block(16, 32) + block(32, 16) + 2 * 4096 + 4096 + 4096;
  const none = costOf(nb201Architecture([0, 0, 0, 0, 0, 0]))!;
  close(none.macs, fixedMacs / 1e6);
  close(none.flops, (fixedMacs + fixedElem) / 1e6);
  // Each conv3x3 op adds 9C²H² MACs = 9·262,144 per cell in every stage, plus ReLU (1) and BN (2) per element.
  const perConv3 = 3 * 5 * 9 * 262_144 + 5 * 3 * (16 * 1024 + 32 * 256 + 64 * 64);
  close(costOf(nb201Architecture([3, 3, 3, 3, 3, 3]))!.flops, (fixedMacs + fixedElem + 6 * perConv3) / 1e6);
  close(costOf(nb201Architecture([3, 3, 3, 3, 3, 3]))!.macs, 220.11968); // NB201's largest network
  // Pooling: k² per output element, 9 · (16·1024 + 32·256 + 64·64) per cell per op.
  close(costOf(nb201Architecture([4, 4, 4, 4, 4, 4]))!.flops - none.flops, (6 * 5 * 9 * (16 * 1024 + 32 * 256 + 64 * 64)) / 1e6);
  close(costOf(nb201Architecture([1, 1, 1, 1, 1, 1]))!.flops, none.flops); // skips are free
});

test('NB201 dataset options change the classifier and the resolution', () => {
  const cell = nb201Cell([3, 3, 3, 1, 3, 3]);
  const c10 = nb201Cost(cell);
  const c100 = nb201Cost(cell, { dataset: 'cifar100' });
  const im = nb201Cost(cell, { dataset: 'imagenet16' });
  close(c100.params - c10.params, (90 * 64 + 90) / 1e6);
  close(im.params - c10.params, (110 * 64 + 110) / 1e6);
  close(c100.flops - c10.flops, (90 * 64) / 1e6);
  assert.ok(Math.abs(im.macs / (c10.macs - 640e-6) - 0.25) < 0.01, 'a 16×16 input costs about a quarter');
});

test('NB201 params and FLOPs match NASLib within 1% on all 725 subset architectures', (t) => {
  const csv = readSharedData(SUBSET_CSV);
  if (!csv) { t.skip(skipMessage(SUBSET_CSV)); return; }
  const table = parseTable(csv);
  const ds = table.column('dataset');
  const archs = table.column('arch_str');
  const params = table.column('params').map(parseNumber);
  const flops = table.column('flops').map(parseNumber);
  const names: Record<string, CostDataset> = { cifar10: 'cifar10', cifar100: 'cifar100', 'ImageNet16-120': 'imagenet16' };
  const counts: Record<string, number> = {};
  let worstFlops = 0;
  archs.forEach((s, r) => {
    const dataset = names[ds[r]];
    assert.ok(dataset, `unknown dataset ${ds[r]}`);
    const codes = nb201OpCodes(s);
    assert.ok(codes, s);
    const c = nb201Cost(nb201Cell(codes), { dataset });
    const relP = Math.abs(c.params / params[r] - 1);
    const relF = Math.abs(c.flops / flops[r] - 1);
    assert.ok(relP < 0.01 && relF < 0.01, `${ds[r]} ${s}: params ${c.params} vs ${params[r]}, flops ${c.flops} vs ${flops[r]}`);
    assert.ok(relP < 1e-9, `params are exact: ${c.params} vs ${params[r]}`);
    worstFlops = Math.max(worstFlops, relF);
    counts[dataset] = (counts[dataset] ?? 0) + 1;
  });
  assert.deepEqual(counts, { cifar10: 724, cifar100: 725, imagenet16: 724 });
  assert.ok(worstFlops < 1e-3, `worst FLOPs error ${worstFlops}`);
});

test('DARTS_V2 evaluation network: 3.35 M params (paper: 3.3 M), 528 M MACs', () => {
  const c = costOf(dartsArchitecture(DARTS_V2))!;
  close(c.params, 3.349342);
  assert.ok(Math.abs(c.params - 3.3) < 0.1);
  close(c.macs, 528.35904);
  assert.ok(c.flops > c.macs);
  // Fewer layers or channels cost less.
  assert.ok(costOf(dartsArchitecture(DARTS_V2), { layers: 8, channels: 16 })!.params < 0.5);
});

test('NB101: the README cell has 2,694,282 trainable parameters (as the dataset reports)', () => {
  const spec = {
    matrix: [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
    ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
  };
  close(costOf(nb101Architecture(spec))!.params, 2.694282);
});

test('NB101 vertex channels split the output among the concatenated vertices', () => {
  // Vertices 1, 2, 3 feed the output: 128 = 43 + 43 + 42 (the remainder goes to the first ones).
  const m = [[0, 1, 0, 1, 0], [0, 0, 1, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  assert.deepEqual(nb101VertexChannels(m, 64, 128), [64, 43, 43, 42, 128]);
  // A vertex that does not feed the output takes the widest of its successors.
  assert.deepEqual(nb101VertexChannels([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]], 64, 128), [64, 128, 128, 128]);
  assert.deepEqual(nb101VertexChannels([[0, 1], [0, 0]], 64, 128), [64, 128]);
  // Input → output only: every cell is one 1×1 projection (conv + BN). By hand:
  // stem 3·128·9 + 256 = 3,712; stack 1: 3·(128² + 256) = 49,920; stack 2: 128·256 + 512 + 2·(256² + 512) = 165,376;
  // stack 3: 256·512 + 1,024 + 2·(512² + 1,024) = 658,432; dense 512·10 + 10 = 5,130 → 882,570.
  const direct = costOf(nb101Architecture({ matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] }))!;
  close(direct.params, 0.88257);
});

test('generic cells have no skeleton, so no cost', () => {
  const cell = nb201Cell([3, 3, 3, 3, 3, 3]);
  assert.equal(costOf({ space: 'generic', cells: [{ role: 'cell', cell }] }), undefined);
  assert.equal(costOf({ space: 'nb201', cells: [] }), undefined);
});
