import { test } from 'node:test';
import assert from 'node:assert/strict';
import { search, searchSync, MAX_BUDGET } from '../../../server/src/core/search';
import {
  dartsCodec, dartsGenomeArchitecture, dartsGenomeCost, dartsGenomeKey, dartsGenomeOf, dartsGenomeSed, dartsMinimum, DARTS_GENOME,
} from '../../../server/src/core/search/darts';
import {
  nb101Codec, nb101ExhaustiveMinimum, nb101GenomeArchitecture, nb101GenomeKey, nb101GenomeOf, nb101GenomeSed, nb101GenomeSpec,
  nb101GenomeValid, NB101_GENOME, NB101_MINIMUM,
} from '../../../server/src/core/search/nb101';
import { createRng } from '../../../server/src/core/space/random';
import { dartsArchitecture, DARTS_V2, randomDartsGenotype } from '../../../server/src/core/space/dartsSpace';
import { isValidNb101, nb101Architecture, pruneNb101, randomNb101Spec, type Nb101Spec } from '../../../server/src/core/space/nb101Space';
import { sedValue } from '../../../server/src/core/sed/score';
import { costOf } from '../../../server/src/core/cost/cost';
import { parseDartsGenotype } from '../../../server/src/core/parsers/darts';
import { parseNb101 } from '../../../server/src/core/parsers/nb101';
import type { Architecture } from '../../../server/src/core/types';

function specOf(arch: Architecture): Nb101Spec {
  const cell = arch.cells[0].cell;
  const n = cell.nodeCount;
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const e of cell.edges) matrix[e.from][e.to] = 1;
  return { matrix, ops: cell.nodeOps.map((o, v) => (v === 0 ? 'input' : v === n - 1 ? 'output' : o!)) };
}

test('DARTS direct scorer and cost equal sedValue and costOf on random and mutated genomes', () => {
  const rng = createRng(7);
  const g = new Int8Array(DARTS_GENOME);
  const child = new Int8Array(DARTS_GENOME);
  const out = new Float64Array(3);
  for (let i = 0; i < 1500; i++) {
    if (i % 3 === 0) dartsCodec.random(rng, g, 0);
    else { dartsCodec.mutate(rng, g, 0, child, 0); assert.notDeepEqual(child, g); g.set(child); }
    const arch = dartsGenomeArchitecture(g);
    assert.equal(dartsGenomeSed(g), sedValue(arch), `sed of genome ${i}`);
    dartsGenomeCost(g, 0, out);
    const c = costOf(arch)!;
    assert.equal(out[1], c.params, `params of genome ${i}`);
    assert.equal(out[2], c.flops, `flops of genome ${i}`);
    for (let k = 0; k < 16; k += 2) assert.ok(g[16 + k] < g[16 + k + 1], 'distinct ascending inputs');
  }
  // Genotypes drawn by the space sampler, and DARTS V2.
  for (let i = 0; i < 300; i++) {
    const genotype = randomDartsGenotype(rng);
    const genome = dartsGenomeOf(genotype)!;
    assert.equal(dartsGenomeSed(genome), sedValue(dartsArchitecture(genotype)));
  }
  assert.equal(dartsGenomeSed(dartsGenomeOf(DARTS_V2)!), sedValue(dartsArchitecture(DARTS_V2)));
});

test('DARTS isomorphism key: node relabellings and pair order merge, op changes do not', () => {
  // Node 3 and node 4 both read only the inputs: swapping them is an isomorphism.
  const a = dartsGenomeOf({
    normal: [['sep_conv_3x3', 0], ['sep_conv_5x5', 1], ['max_pool_3x3', 0], ['skip_connect', 1], ['dil_conv_3x3', 0], ['avg_pool_3x3', 1], ['sep_conv_3x3', 2], ['sep_conv_3x3', 4]],
    normalConcat: [2, 3, 4, 5], reduce: DARTS_V2.reduce, reduceConcat: [2, 3, 4, 5],
  })!;
  const b = dartsGenomeOf({
    normal: [['sep_conv_3x3', 0], ['sep_conv_5x5', 1], ['dil_conv_3x3', 0], ['avg_pool_3x3', 1], ['max_pool_3x3', 0], ['skip_connect', 1], ['sep_conv_3x3', 2], ['sep_conv_3x3', 3]],
    normalConcat: [2, 3, 4, 5], reduce: DARTS_V2.reduce, reduceConcat: [2, 3, 4, 5],
  })!;
  const c = dartsGenomeOf({
    normal: [['sep_conv_3x3', 0], ['sep_conv_5x5', 1], ['dil_conv_3x3', 0], ['avg_pool_3x3', 1], ['max_pool_3x3', 0], ['skip_connect', 1], ['sep_conv_3x3', 2], ['sep_conv_5x5', 3]],
    normalConcat: [2, 3, 4, 5], reduce: DARTS_V2.reduce, reduceConcat: [2, 3, 4, 5],
  })!;
  assert.equal(dartsGenomeKey(a), dartsGenomeKey(b));
  assert.notEqual(dartsGenomeKey(a), dartsGenomeKey(c));
  assert.equal(dartsGenomeSed(a), dartsGenomeSed(b));
  // Same ops, different wiring: not merged.
  const d = dartsGenomeOf({ ...DARTS_V2, normal: [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 2], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1]] })!;
  const e = dartsGenomeOf({ ...DARTS_V2, normal: [['sep_conv_3x3', 0], ['skip_connect', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 2], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1]] })!;
  assert.notEqual(dartsGenomeKey(d), dartsGenomeKey(e));
});

test('NB101 direct scorer and cost equal sedValue and costOf; mutation and sampling give valid specs', () => {
  const rng = createRng(11);
  const g = new Int8Array(NB101_GENOME);
  const child = new Int8Array(NB101_GENOME);
  const out = new Float64Array(3);
  for (let i = 0; i < 1500; i++) {
    if (i % 4 === 0) nb101Codec.random(rng, g, 0);
    else { nb101Codec.mutate(rng, g, 0, child, 0); assert.notDeepEqual(child, g); g.set(child); }
    assert.ok(nb101GenomeValid(g));
    const spec = nb101GenomeSpec(g);
    assert.ok(isValidNb101(spec), JSON.stringify(spec));
    const arch = nb101Architecture(spec);
    assert.equal(nb101GenomeSed(g), sedValue(arch), `sed of genome ${i}`);
    nb101Codec.evaluate(g, 0, out);
    assert.equal(out[0], sedValue(arch));
    const c = costOf(arch)!;
    assert.equal(out[1], c.params, `params of genome ${i}`);
    assert.equal(out[2], c.flops, `flops of genome ${i}`);
    // The unpruned 7-node genome scores the same (the scorer ignores dead nodes).
    const full = Array.from({ length: 7 }, (_, r) => Array.from({ length: 7 }, (_, s) => (s > r ? g[[0, 6, 11, 15, 18, 20][r] + s - r - 1] : 0)));
    const ops = ['input', ...Array.from(g.subarray(21), (o) => ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'][o]), 'output'];
    assert.deepEqual(pruneNb101({ matrix: full, ops }), spec);
  }
  for (let i = 0; i < 300; i++) {
    const spec = randomNb101Spec(rng);
    const genome = nb101GenomeOf(spec)!;
    assert.deepEqual(nb101GenomeSpec(genome), spec);
    assert.equal(nb101GenomeSed(genome), sedValue(nb101Architecture(spec)));
  }
});

test('NB101 isomorphism key: interior relabellings merge, different graphs do not', () => {
  const conv3 = 'conv3x3-bn-relu', conv1 = 'conv1x1-bn-relu', pool = 'maxpool3x3';
  const key = (matrix: number[][], ops: string[]) => nb101GenomeKey(nb101GenomeOf({ matrix, ops })!);
  const m = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]];
  assert.equal(key(m, ['input', conv3, conv1, 'output']), key(m, ['input', conv1, conv3, 'output']));
  assert.notEqual(key(m, ['input', conv3, conv1, 'output']), key(m, ['input', conv3, pool, 'output']));
  const chain = [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]];
  assert.notEqual(key(chain, ['input', conv3, conv1, 'output']), key(chain, ['input', conv1, conv3, 'output']));
});

test('NB101 exact minimum params / FLOPs match an exhaustive enumeration', () => {
  assert.deepEqual(nb101ExhaustiveMinimum(), NB101_MINIMUM);
});

test('DARTS minimum is a lower bound reached by the search under that constraint', () => {
  const min = dartsMinimum();
  const rng = createRng(3);
  const g = new Int8Array(DARTS_GENOME);
  const out = new Float64Array(3);
  for (let i = 0; i < 3000; i++) {
    dartsCodec.random(rng, g, 0);
    dartsGenomeCost(g, 0, out);
    assert.ok(out[1] >= min.params && out[2] >= min.flops);
  }
  const r = searchSync({ space: 'darts', budget: 20000, maxFlops: min.flops, seed: 1 });
  assert.equal(r.error, undefined, r.error?.message);
  assert.ok(r.results.length > 0);
  for (const x of r.results) assert.equal(x.flops, min.flops);
});

test('REA searches: results parse back, are valid, respect constraints, and are isomorphism-distinct', () => {
  for (const space of ['darts', 'nb101'] as const) {
    const r = searchSync({ space, budget: 5000, seed: 5, top: 15, maxParams: space === 'darts' ? 3 : 2 });
    assert.equal(r.error, undefined);
    assert.equal(r.evaluated, 5000);
    assert.equal(r.results.length, 15);
    assert.equal(r.histogram?.of, 'sample');
    const keys = new Set<string | number>();
    for (const x of r.results) {
      assert.ok(x.params <= (space === 'darts' ? 3 : 2), `${space} ${x.arch}`);
      const d = space === 'darts' ? parseDartsGenotype(x.arch) : parseNb101(x.arch);
      assert.ok(d.arch, x.arch);
      assert.equal(d.canonical, x.arch);
      assert.equal(sedValue(d.arch!), x.sed);
      assert.equal(costOf(d.arch!)!.params, x.params);
      if (space === 'nb101') {
        assert.ok(isValidNb101(specOf(d.arch!)), x.arch);
        keys.add(nb101GenomeKey(nb101GenomeOf(specOf(d.arch!))!));
      } else {
        keys.add(dartsGenomeKey(dartsGenomeOf({
          normal: d.arch!.cells[0].cell.edges.filter((e) => e.to < 6).map((e) => [e.op, e.from] as const),
          normalConcat: [2, 3, 4, 5],
          reduce: d.arch!.cells[1].cell.edges.filter((e) => e.to < 6).map((e) => [e.op, e.from] as const),
          reduceConcat: [2, 3, 4, 5],
        })!));
      }
    }
    assert.equal(keys.size, r.results.length, `${space}: one result per isomorphism class`);
    for (let k = 1; k < r.results.length; k++) {
      const a = r.results[k - 1], b = r.results[k];
      assert.ok(a.sed > b.sed || (a.sed === b.sed && a.params <= b.params));
    }
    for (const k of r.pareto) {
      const c = r.candidates[k];
      assert.ok(c.arch && c.params <= (space === 'darts' ? 3 : 2));
      const d = space === 'darts' ? parseDartsGenotype(c.arch) : parseNb101(c.arch);
      assert.ok(d.arch);
      if (space === 'nb101') assert.ok(isValidNb101(specOf(d.arch!)));
    }
    // The front is non-dominated among the returned candidates.
    for (const k of r.pareto) {
      const p = r.candidates[k];
      assert.ok(!r.candidates.some((c) => c.params <= p.params && c.sed > p.sed), 'dominated Pareto point');
    }
  }
});

test('REA is deterministic by seed; different seeds differ', () => {
  for (const space of ['darts', 'nb101'] as const) {
    const a = searchSync({ space, budget: 3000, seed: 42 });
    const b = searchSync({ space, budget: 3000, seed: 42 });
    const c = searchSync({ space, budget: 3000, seed: 43 });
    assert.deepEqual(a.results, b.results);
    assert.deepEqual(a.candidates, b.candidates);
    assert.deepEqual(a.pareto, b.pareto);
    assert.notDeepEqual(a.candidates, c.candidates);
    assert.equal(a.seed, 42);
  }
});

test('impossible constraints are error results, not exceptions', () => {
  const d = searchSync({ space: 'darts', maxParams: 1 });
  assert.equal(d.error?.code, 'impossible-constraint');
  assert.match(d.error!.message, /smallest DARTS network has 1\.3701 M params/);
  assert.equal(d.evaluated, 0);
  const n = searchSync({ space: 'nb101', maxFlops: 10 });
  assert.equal(n.error?.code, 'impossible-constraint');
  assert.match(n.error!.message, /NAS-Bench-101/);
  const z = searchSync({ space: 'nb201', maxParams: 0 });
  assert.equal(z.error?.code, 'impossible-constraint');
  // Satisfiable in principle but not found within a tiny budget: a distinct error.
  const hard = searchSync({ space: 'nb101', budget: 3, seed: 0, maxParams: NB101_MINIMUM.params });
  assert.ok(hard.error === undefined || hard.error.code === 'no-feasible');
});

test('invalid budgets and options are error results', () => {
  for (const budget of [0, -5, 1.5, NaN, Infinity, MAX_BUDGET + 1, 1e12]) {
    for (const space of ['nb201', 'darts', 'nb101'] as const) {
      const r = searchSync({ space, budget });
      assert.equal(r.error?.code, 'invalid-budget', `${space} budget ${budget}`);
      assert.match(r.error!.message, /budget must be an integer/);
      assert.deepEqual(r.results, []);
    }
  }
  assert.equal(searchSync({ space: 'darts', budget: 1 }).evaluated, 1);
  assert.equal(searchSync({ space: 'darts', top: 0 }).error?.code, 'invalid-option');
  assert.equal(searchSync({ space: 'darts', seed: 0.5 }).error?.code, 'invalid-option');
  assert.equal(searchSync({ space: 'darts', maxParams: NaN }).error?.code, 'invalid-option');
  assert.equal(searchSync({ space: 'darts', population: 10, sampleSize: 11 }).error?.code, 'invalid-option');
  assert.equal(searchSync({ space: 'bogus' as 'darts' }).error?.code, 'invalid-option');
});

test('progress is reported and cancellation stops early with the best so far', () => {
  const seen: number[] = [];
  const r = searchSync({ space: 'darts', budget: 10000, checkEvery: 500, onProgress: (e, b) => { assert.equal(b, 10000); seen.push(e); } });
  assert.equal(seen.length, 20);
  assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => 500 * (i + 1)));
  assert.equal(r.cancelled, false);

  let polls = 0;
  const c = searchSync({ space: 'nb101', budget: 100000, checkEvery: 1000, isCancelled: () => ++polls > 3 });
  assert.equal(c.cancelled, true);
  assert.equal(c.evaluated, 3000);
  assert.equal(c.error, undefined);
  assert.ok(c.results.length > 0);

  const n = searchSync({ space: 'nb201', checkEvery: 1000, isCancelled: () => true });
  assert.equal(n.cancelled, true);
  assert.equal(n.evaluated, 0);
  assert.equal(n.error, undefined);
});

test('async search yields to the event loop and can be cancelled between slices', async () => {
  let ticks = 0;
  let immediates = 0;
  const timer = setInterval(() => immediates++, 0);
  const r = await search({ space: 'darts', budget: 60000, seed: 1, sliceMillis: 2, tick: () => { ticks++; return new Promise((res) => setImmediate(res)); } });
  clearInterval(timer);
  assert.equal(r.evaluated, 60000);
  assert.ok(ticks > 1, `ticks ${ticks}`);
  const sync = searchSync({ space: 'darts', budget: 60000, seed: 1 });
  assert.deepEqual(r.results, sync.results, 'slicing does not change the result');

  assert.ok(immediates > 0, 'timers ran while the search was in progress');

  let cancel = false;
  const cancelled = search({ space: 'nb101', budget: 5_000_000, seed: 2, sliceMillis: 2, isCancelled: () => cancel });
  setTimeout(() => { cancel = true; }, 30);
  const c = await cancelled;
  assert.equal(c.cancelled, true);
  assert.ok(c.evaluated > 0 && c.evaluated < 5_000_000);
  assert.ok(c.results.length > 0);
});
