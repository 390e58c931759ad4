// #params and FLOPs of the full evaluation network an architecture is placed in.
//  - NAS-Bench-201: stem conv3×3 (16) + BN, 3 stages × 5 cells (C = 16, 32, 64) with residual
//    reduction blocks between stages, BN-ReLU, global pool, linear classifier.
//  - DARTS (CIFAR-10 evaluation network): stem conv3×3 (3C) + BN, 20 cells (reductions at 1/3 and
//    2/3), C = 36, global pool, linear; auxiliary head excluded.
//  - NAS-Bench-101: stem conv3×3-BN-ReLU (128), 3 stacks × 3 cells, max-pool 2×2 and channel
//    doubling between stacks, global pool, linear.
// Params are in millions; FLOPs in millions (MFLOPs, convention in counter.ts); `macs` counts only
// convolution and linear multiply-accumulates (the "M-MACs" usually quoted for DARTS networks).
import type { Architecture, Cell } from '../types';
import { opInfo } from '../ops';
import { CostCounter } from './counter';

export interface Cost {
  /** Millions of parameters. */
  params: number;
  /** Millions of FLOPs (NASLib convention: MACs plus BN/ReLU/pooling element operations). */
  flops: number;
  /** Millions of multiply-accumulates of convolutions and linear layers only. */
  macs: number;
}

export type CostDataset = 'cifar10' | 'cifar100' | 'imagenet16';

export interface CostOptions {
  /** Sets classes and input size: cifar10 (10, 32), cifar100 (100, 32), imagenet16 (120, 16). Default cifar10. */
  dataset?: CostDataset;
  numClasses?: number;
  inputSize?: number;
  /** Initial channels: NB201 16, DARTS 36, NB101 128 (stem). */
  channels?: number;
  /** DARTS: number of cells (default 20). NB201: cells per stage (default 5). NB101: cells per stack (default 3). */
  layers?: number;
}

const DATASETS: Record<CostDataset, { classes: number; size: number }> = {
  cifar10: { classes: 10, size: 32 },
  cifar100: { classes: 100, size: 32 },
  imagenet16: { classes: 120, size: 16 },
};

function resolve(opts: CostOptions | undefined, channels: number, layers: number) {
  const ds = DATASETS[opts?.dataset ?? 'cifar10'];
  return {
    classes: opts?.numClasses ?? ds.classes,
    size: opts?.inputSize ?? ds.size,
    channels: opts?.channels ?? channels,
    layers: opts?.layers ?? layers,
  };
}

/**
 * Cost of one edge operation on `c` channels, input `hIn`×`hIn`, with `stride`.
 * Names follow ops.ts: conv → ReLU-conv-BN; separable → two ReLU-dw-pw-BN stages;
 * dilated → one ReLU-dw(dilated)-pw-BN stage; pooling → k×k pool; identity → free, or
 * FactorizedReduce when strided; zero → free.
 */
export function edgeOpCost(counter: CostCounter, op: string, c: number, hIn: number, stride = 1): void {
  const info = opInfo(op);
  if (!info) return;
  const h = hIn / stride;
  switch (info.kind) {
    case 'zero':
      return;
    case 'identity':
      if (stride !== 1) counter.factorizedReduce(c, c, hIn);
      return;
    case 'conv':
      counter.reluConvBn(c, c, info.kernel, hIn, stride);
      return;
    case 'separable':
      counter.sepStage(c, info.kernel, hIn, stride).sepStage(c, info.kernel, h, 1);
      return;
    case 'dilated':
      counter.sepStage(c, info.kernel, hIn, stride);
      return;
    case 'pooling':
      counter.pool(c, info.kernel, h);
      return;
  }
}

/** NAS-Bench-201 / NATS-Bench TSS network (xautodl TinyNetwork with an inferred cell). */
export function nb201Cost(cell: Cell, opts?: CostOptions): Cost {
  const { classes, size, channels, layers } = resolve(opts, 16, 5);
  const k = new CostCounter();
  k.conv(3, channels, 3, size).bn(channels, size);
  let c = channels;
  let h = size;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      // ResNet basic block, stride 2: ReLU-conv3×3(s2)-BN, ReLU-conv3×3-BN; shortcut avgpool 2×2 + conv1×1.
      const co = 2 * c;
      const h2 = h / 2;
      k.reluConvBn(c, co, 3, h, 2).reluConvBn(co, co, 3, h2);
      k.pool(c, 2, h2).conv(c, co, 1, h2);
      c = co;
      h = h2;
    }
    for (let i = 0; i < layers; i++) for (const e of cell.edges) edgeOpCost(k, e.op, c, h);
  }
  k.bn(c, h).relu(c, h).globalPool(c, h).linear(c, classes);
  return k.result();
}

/** DARTS evaluation network for CIFAR (quark0/darts NetworkCIFAR), auxiliary head excluded. */
export function dartsCost(normal: Cell, reduce: Cell, opts?: CostOptions): Cost {
  const { classes, size, channels, layers } = resolve(opts, 36, 20);
  const k = new CostCounter();
  const stem = 3 * channels;
  k.conv(3, stem, 3, size).bn(stem, size);
  let cpp = stem;
  let cp = stem;
  let c = channels;
  let h = size; // spatial size of s1 (the previous cell's output)
  let hpp = size; // spatial size of s0
  let reductionPrev = false;
  for (let i = 0; i < layers; i++) {
    const reduction = i === Math.floor(layers / 3) || i === Math.floor((2 * layers) / 3);
    if (reduction) c *= 2;
    const cell = reduction ? reduce : normal;
    // Preprocessing of the two inputs to c channels at the resolution of s1.
    if (reductionPrev) k.factorizedReduce(cpp, c, hpp);
    else k.reluConvBn(cpp, c, 1, hpp);
    k.reluConvBn(cp, c, 1, h);
    let multiplier = 0;
    for (const e of cell.edges) {
      if (e.to === cell.output) { multiplier++; continue; }
      const stride = reduction && cell.inputs.includes(e.from) ? 2 : 1;
      const hIn = cell.inputs.includes(e.from) ? h : reduction ? h / 2 : h;
      edgeOpCost(k, e.op, c, hIn, stride);
    }
    const hOut = reduction ? h / 2 : h;
    hpp = h;
    h = hOut;
    cpp = cp;
    cp = multiplier * c;
    reductionPrev = reduction;
  }
  k.globalPool(cp, h).linear(cp, classes);
  return k.result();
}

/** Channels of each vertex of a NAS-Bench-101 cell (nasbench model_builder.compute_vertex_channels). */
export function nb101VertexChannels(matrix: number[][], cin: number, cout: number): number[] {
  const n = matrix.length;
  const ch = new Array<number>(n).fill(0);
  ch[0] = cin;
  ch[n - 1] = cout;
  if (n === 2) return ch;
  let inDegreeOut = 0;
  for (let v = 1; v < n - 1; v++) if (matrix[v][n - 1]) inDegreeOut++;
  const interior = Math.floor(cout / inDegreeOut);
  let correction = cout % inDegreeOut;
  for (let v = 1; v < n - 1; v++) {
    if (!matrix[v][n - 1]) continue;
    ch[v] = interior;
    if (correction > 0) { ch[v]++; correction--; }
  }
  for (let v = n - 3; v > 0; v--) {
    if (matrix[v][n - 1]) continue;
    for (let dst = v + 1; dst < n - 1; dst++) if (matrix[v][dst]) ch[v] = Math.max(ch[v], ch[dst]);
  }
  return ch;
}

function cellMatrix(cell: Cell): number[][] {
  const n = cell.nodeCount;
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const e of cell.edges) if (opInfo(e.op)?.kind !== 'zero') m[e.from][e.to] = 1;
  return m;
}

function nb101CellCost(k: CostCounter, cell: Cell, cin: number, cout: number, h: number): void {
  const m = cellMatrix(cell);
  const n = cell.nodeCount;
  const ch = nb101VertexChannels(m, cin, cout);
  for (let t = 1; t < n - 1; t++) {
    if (m[0][t]) k.convBnRelu(cin, ch[t], 1, h); // projection of the cell input
    const op = cell.nodeOps[t];
    const info = op ? opInfo(op) : undefined;
    if (info?.kind === 'conv') k.convBnRelu(ch[t], ch[t], info.kernel, h);
    else if (info?.kind === 'pooling') k.pool(ch[t], info.kernel, h);
  }
  if (m[0][n - 1]) k.convBnRelu(cin, cout, 1, h); // input → output projection
}

/** NAS-Bench-101 network (nasbench model_builder), CIFAR-10 by default. */
export function nb101Cost(cell: Cell, opts?: CostOptions): Cost {
  const { classes, size, channels, layers } = resolve(opts, 128, 3);
  const k = new CostCounter();
  k.convBnRelu(3, channels, 3, size);
  let c = channels;
  let h = size;
  for (let stack = 0; stack < 3; stack++) {
    let cout = c;
    if (stack > 0) {
      h = h / 2;
      k.pool(c, 2, h);
      cout = 2 * c;
    }
    for (let i = 0; i < layers; i++) {
      nb101CellCost(k, cell, c, cout, h);
      c = cout;
    }
  }
  k.globalPool(c, h).linear(c, classes);
  return k.result();
}

/** Cost of an architecture in its space's evaluation network; undefined for generic cells (no skeleton). */
export function costOf(arch: Architecture, opts?: CostOptions): Cost | undefined {
  const find = (role: string) => arch.cells.find((c) => c.role === role)?.cell;
  switch (arch.space) {
    case 'nb201': {
      const cell = arch.cells[0]?.cell;
      return cell ? nb201Cost(cell, opts) : undefined;
    }
    case 'darts': {
      const normal = find('normal') ?? arch.cells[0]?.cell;
      const reduce = find('reduce') ?? normal;
      return normal && reduce ? dartsCost(normal, reduce, opts) : undefined;
    }
    case 'nb101': {
      const cell = arch.cells[0]?.cell;
      return cell ? nb101Cost(cell, opts) : undefined;
    }
    default:
      return undefined;
  }
}
