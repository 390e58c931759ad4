import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchSync, nb201CanonicalIndex, nb201Pruned } from '../../../server/src/core/search';
import { nb201Tables } from '../../../server/src/core/search/nb201';
import { NB201_SPACE_SIZE, enumerateNb201, nb201Architecture, nb201CodesAt, nb201IndexOf } from '../../../server/src/core/space/nb201Space';
import { nb201OpCodes, parseNb201 } from '../../../server/src/core/parsers/nb201';
import { NB201_OPS } from '../../../server/src/core/ops';
import { sedValue } from '../../../server/src/core/sed/score';
import { costOf } from '../../../server/src/core/cost/cost';

const OP = Object.fromEntries(NB201_OPS.map((o, i) => [o, i])) as Record<string, number>;

/** Codes from a compact spec 'a b c d e f' of op names (edge order 0→1, 0→2, 1→2, 0→3, 1→3, 2→3). */
function codesOf(ops: string): Int8Array {
  return Int8Array.from(ops.split(/\s+/), (o) => {
    const i = OP[o];
    if (i === undefined) throw new Error(o);
    return i;
  });
}

/**
 * Reference isomorphism key, written independently of the engine: build the labelled edge set of
 * the cell, drop zero ops and edges on no input→output path by plain graph search, then relabel by
 * every bijection of {1, 2} (the input 0 and output 3 stay) without any ordering requirement and
 * take the lexicographically smallest sorted edge list.
 */
function referenceKey(codes: ArrayLike<number>): string {
  const pairs = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]];
  let edges = pairs.map(([f, t], k) => ({ f, t, op: NB201_OPS[codes[k]] })).filter((e) => e.op !== 'none');
  const reach = (start: number, fwd: boolean) => {
    const seen = new Set([start]);
    for (let changed = true; changed;) {
      changed = false;
      for (const e of edges) {
        const [a, b] = fwd ? [e.f, e.t] : [e.t, e.f];
        if (seen.has(a) && !seen.has(b)) { seen.add(b); changed = true; }
      }
    }
    return seen;
  };
  const from0 = reach(0, true);
  const to3 = reach(3, false);
  edges = from0.has(3) ? edges.filter((e) => from0.has(e.f) && to3.has(e.t)) : [];
  const keys = [[0, 1, 2, 3], [0, 2, 1, 3]].map((perm) =>
    edges.map((e) => `${perm[e.f]}>${perm[e.t]}:${e.op}`).sort().join(','));
  return keys.sort()[0];
}

test('NB201: exactly 15,625 cells are enumerated and evaluated', () => {
  let n = 0;
  const seen = new Set<number>();
  for (const codes of enumerateNb201()) { n++; seen.add(nb201IndexOf(codes)); }
  assert.equal(n, NB201_SPACE_SIZE);
  assert.equal(seen.size, 15625);
  const r = searchSync({ space: 'nb201' });
  assert.equal(r.error, undefined);
  assert.equal(r.evaluated, 15625);
  assert.equal(r.budget, 15625);
  assert.equal(r.feasible, 15625);
  assert.equal(r.cancelled, false);
  assert.equal(r.results.length, 10);
  const h = r.histogram!;
  assert.equal(h.of, 'space');
  assert.equal(h.counts.reduce((a, b) => a + b, 0) + h.minusInfinity, 15625);
});

test('NB201 tables equal the reference scorer and cost model on every cell, bit for bit', () => {
  const t = nb201Tables();
  const codes = new Int8Array(6);
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    nb201CodesAt(i, codes);
    const arch = nb201Architecture(codes);
    assert.equal(t.sed[i], sedValue(arch), `sed of cell ${i}`);
    const c = costOf(arch)!;
    assert.equal(t.params[i], c.params, `params of cell ${i}`);
    assert.equal(t.flops[i], c.flops, `flops of cell ${i}`);
  }
});

test('NB201 isomorphism: the engine partition equals an independent graph-relabelling partition', () => {
  const codes = new Int8Array(6);
  const engineToRef = new Map<number, string>();
  const refToEngine = new Map<string, number>();
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    nb201CodesAt(i, codes);
    const e = nb201CanonicalIndex(codes);
    const r = referenceKey(codes);
    if (engineToRef.has(e)) assert.equal(engineToRef.get(e), r, `cell ${i} joins class ${e}`);
    else engineToRef.set(e, r);
    if (refToEngine.has(r)) assert.equal(refToEngine.get(r), e, `cell ${i} splits reference class ${r}`);
    else refToEngine.set(r, e);
  }
  assert.equal(engineToRef.size, refToEngine.size);
  assert.equal(engineToRef.size, 8765);
});

test('NB201 isomorphism: known pairs merge, near misses do not', () => {
  const same = (a: string, b: string) => nb201CanonicalIndex(codesOf(a)) === nb201CanonicalIndex(codesOf(b));
  // Mirror of nodes 1 and 2 with no 1→2 edge.
  assert.ok(same('nor_conv_3x3 nor_conv_1x1 none none skip_connect avg_pool_3x3', 'nor_conv_1x1 nor_conv_3x3 none none avg_pool_3x3 skip_connect'));
  // Differ only in an unused edge: 1→2 feeds node 2, which does not reach the output (2→3 none).
  assert.ok(same('nor_conv_3x3 none nor_conv_1x1 skip_connect nor_conv_3x3 none', 'nor_conv_3x3 none none skip_connect nor_conv_3x3 none'));
  // Differ only in an edge out of a node that no input reaches (0→1 none).
  assert.ok(same('none nor_conv_3x3 avg_pool_3x3 nor_conv_1x1 nor_conv_3x3 skip_connect', 'none nor_conv_3x3 none nor_conv_1x1 none skip_connect'));
  // Dead 1→2 edge: the mirror becomes valid once it is pruned.
  assert.ok(same('nor_conv_3x3 none nor_conv_1x1 skip_connect nor_conv_3x3 none', 'none nor_conv_3x3 none skip_connect none nor_conv_3x3'));
  // Every disconnected cell is one class (constant output).
  assert.ok(same('nor_conv_3x3 none none none none none', 'none none none none none none'));
  // Live 1→2 edge: swapping the roles of nodes 1 and 2 is not an isomorphism.
  assert.ok(!same('nor_conv_3x3 nor_conv_1x1 skip_connect none nor_conv_3x3 nor_conv_3x3', 'nor_conv_1x1 nor_conv_3x3 skip_connect none nor_conv_3x3 nor_conv_3x3'));
  // Differ in a used edge.
  assert.ok(!same('nor_conv_3x3 none none skip_connect nor_conv_3x3 none', 'nor_conv_1x1 none none skip_connect nor_conv_3x3 none'));
  // Functionally equal through an identity (skip 0→1 then conv 1→3 vs conv 0→3) but not isomorphic.
  assert.ok(!same('skip_connect none none none nor_conv_3x3 none', 'none none none nor_conv_3x3 none none'));
  // Pruning is what the scorer calls dead.
  assert.deepEqual([...nb201Pruned(codesOf('nor_conv_3x3 none nor_conv_1x1 skip_connect nor_conv_3x3 none'))], [OP.nor_conv_3x3, 0, 0, OP.skip_connect, OP.nor_conv_3x3, 0]);
});

test('NB201 isomorphic cells score the same SED', () => {
  const t = nb201Tables();
  const sedOf = new Map<number, number>();
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    const c = t.canonical[i];
    if (sedOf.has(c)) assert.equal(t.sed[i], sedOf.get(c), `cell ${i}`);
    else sedOf.set(c, t.sed[i]);
  }
});

test('NB201 ranking equals a brute-force sort over classes, best member (fewest params) first', () => {
  const t = nb201Tables();
  const best = new Map<number, number>();
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    const c = t.canonical[i];
    const j = best.get(c);
    if (j === undefined || t.sed[i] > t.sed[j] || (t.sed[i] === t.sed[j] && t.params[i] < t.params[j])) best.set(c, i);
  }
  const order = [...best.values()].sort((a, b) => (t.sed[b] - t.sed[a]) || (t.params[a] - t.params[b]) || (a - b));
  const r = searchSync({ space: 'nb201', top: 200 });
  assert.equal(r.results.length, 200);
  r.results.forEach((x, k) => {
    const i = order[k];
    assert.equal(x.sed, t.sed[i], `rank ${k}`);
    assert.equal(x.params, t.params[i], `rank ${k}`);
    const codes = nb201OpCodes(x.arch)!;
    assert.equal(t.canonical[nb201IndexOf(codes)], t.canonical[i]);
  });
  const keys = r.results.map((x) => nb201CanonicalIndex(nb201OpCodes(x.arch)!));
  assert.equal(new Set(keys).size, keys.length, 'one result per isomorphism class');
  for (let k = 1; k < r.results.length; k++) {
    const a = r.results[k - 1], b = r.results[k];
    assert.ok(a.sed > b.sed || (a.sed === b.sed && a.params <= b.params), `order at ${k}`);
  }
});

test('NB201 results parse back with their SED and cost', () => {
  const r = searchSync({ space: 'nb201', top: 25 });
  for (const x of r.results) {
    const d = parseNb201(x.arch);
    assert.ok(d.arch, x.arch);
    assert.equal(d.canonical, x.arch);
    assert.equal(sedValue(d.arch!), x.sed);
    assert.deepEqual([costOf(d.arch!)!.params, costOf(d.arch!)!.flops], [x.params, x.flops]);
  }
});

test('NB201 constraints are respected; an impossible one is an error result', () => {
  const r = searchSync({ space: 'nb201', maxParams: 0.5, maxFlops: 60, top: 50 });
  assert.equal(r.error, undefined);
  assert.ok(r.results.length > 0);
  for (const x of r.results) assert.ok(x.params <= 0.5 && x.flops <= 60, x.arch);
  for (const c of r.candidates) assert.ok(c.params <= 0.5);
  const t = nb201Tables();
  let feasible = 0;
  for (let i = 0; i < NB201_SPACE_SIZE; i++) if (t.params[i] <= 0.5 && t.flops[i] <= 60) feasible++;
  assert.equal(r.feasible, feasible);
  const bad = searchSync({ space: 'nb201', maxParams: 0.01 });
  assert.equal(bad.error?.code, 'impossible-constraint');
  assert.match(bad.error!.message, /no NAS-Bench-201 cell satisfies params ≤ 0.01 M/);
  assert.deepEqual(bad.results, []);
});

test('NB201 Pareto front equals the brute-force front of (SED, params)', () => {
  const r = searchSync({ space: 'nb201' });
  const t = nb201Tables();
  const front: [number, number][] = [];
  const idx = Array.from({ length: NB201_SPACE_SIZE }, (_, i) => i).filter((i) => t.sed[i] > -Infinity)
    .sort((a, b) => (t.params[a] - t.params[b]) || (t.sed[b] - t.sed[a]));
  let bestSed = -Infinity;
  for (const i of idx) {
    if (t.sed[i] > bestSed) { front.push([t.params[i], t.sed[i]]); bestSed = t.sed[i]; }
  }
  const got = r.pareto.map((k) => [r.candidates[k].params, r.candidates[k].sed]);
  assert.deepEqual(got, front);
  for (const k of r.pareto) assert.ok(parseNb201(r.candidates[k].arch!).arch);
  assert.ok(r.candidates.length - r.pareto.length <= 2000);
});
