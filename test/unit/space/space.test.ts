import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../server/src/core/space/random';
import { NB201_SPACE_SIZE, enumerateNb201, nb201Architecture, nb201Codes, nb201CodesAt, nb201IndexOf, randomNb201Codes } from '../../../server/src/core/space/nb201Space';
import { DARTS_V2, dartsArchitecture, dartsGenotypeProblems, dartsGenotypeText, randomDartsGenotype } from '../../../server/src/core/space/dartsSpace';
import { isValidNb101, nb101Architecture, nb101EdgeCount, nb101SpecProblems, pruneNb101, randomNb101Spec, type Nb101Spec } from '../../../server/src/core/space/nb101Space';
import { nb201Text } from '../../../server/src/core/parsers/nb201';

test('rng is deterministic per seed and differs across seeds', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((v) => v >= 0 && v < 1));
});

test('rng.int covers its range uniformly enough, sample draws distinct values', () => {
  const rng = createRng(1);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 6000; i++) counts[rng.int(6)]++;
  assert.ok(counts.every((c) => c > 850 && c < 1150), counts.join(','));
  for (let i = 0; i < 50; i++) {
    const s = rng.sample(7, 3);
    assert.equal(new Set(s).size, 3);
    assert.ok(s.every((v) => v >= 0 && v < 7));
  }
  assert.throws(() => rng.int(0));
  assert.throws(() => rng.sample(2, 3));
});

test('NB201 enumeration covers 15,625 distinct cells; index and codes are inverse', () => {
  const seen = new Set<string>();
  let i = 0;
  for (const c of enumerateNb201()) {
    assert.equal(nb201IndexOf(c), i++);
    seen.add(c.join(''));
  }
  assert.equal(seen.size, NB201_SPACE_SIZE);
  assert.deepEqual([...nb201CodesAt(0)], [0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...nb201CodesAt(15624)], [4, 4, 4, 4, 4, 4]);
  assert.throws(() => nb201CodesAt(15625));
});

test('NB201 cells round-trip through the canonical string', () => {
  const rng = createRng(3);
  for (let k = 0; k < 50; k++) {
    const codes = randomNb201Codes(rng);
    const cell = nb201Architecture(codes).cells[0].cell;
    assert.deepEqual([...nb201Codes(cell)], [...codes]);
    assert.match(nb201Text(cell), /^\|\w+~0\|\+\|\w+~0\|\w+~1\|\+\|\w+~0\|\w+~1\|\w+~2\|$/);
  }
  assert.equal(nb201Text(nb201Architecture([3, 3, 4, 1, 3, 3]).cells[0].cell),
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|');
});

test('DARTS sampler yields only valid genotypes and is deterministic per seed', () => {
  const a = createRng(5), b = createRng(5);
  for (let k = 0; k < 300; k++) {
    const g = randomDartsGenotype(a);
    assert.deepEqual(dartsGenotypeProblems(g), []);
    assert.equal(dartsGenotypeText(g), dartsGenotypeText(randomDartsGenotype(b)));
    assert.ok(g.normal.every(([op]) => op !== 'none'));
  }
  const other = dartsGenotypeText(randomDartsGenotype(createRng(6)));
  assert.notEqual(other, dartsGenotypeText(randomDartsGenotype(createRng(5))));
});

test('DARTS_V2 is valid and builds a normal and a reduce cell of 7 nodes', () => {
  assert.deepEqual(dartsGenotypeProblems(DARTS_V2), []);
  const arch = dartsArchitecture(DARTS_V2);
  assert.deepEqual(arch.cells.map((c) => c.role), ['normal', 'reduce']);
  const normal = arch.cells[0].cell;
  assert.equal(normal.nodeCount, 7);
  assert.deepEqual(normal.inputs, [0, 1]);
  assert.equal(normal.aggregation[6], 'concat');
  assert.equal(normal.edges.filter((e) => e.to === 6).length, 4);
  assert.ok(dartsGenotypeText(DARTS_V2).startsWith("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)"));
  // A broken genotype is reported.
  const bad = { ...DARTS_V2, normal: DARTS_V2.normal.map((p, j) => (j === 0 ? (['sep_conv_3x3', 3] as const) : p)) };
  assert.ok(dartsGenotypeProblems(bad).some((p) => p.includes('cannot read input 3')));
});

function assertNb101Valid(spec: Nb101Spec) {
  const n = spec.ops.length;
  assert.ok(n >= 2 && n <= 7, `nodes ${n}`);
  assert.ok(nb101EdgeCount(spec) <= 9);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) assert.equal(spec.matrix[i][j], 0, 'upper triangular');
  // Every node on an input→output path.
  const fwd = new Array(n).fill(false); fwd[0] = true;
  for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) if (spec.matrix[i][j] && fwd[i]) fwd[j] = true;
  const bwd = new Array(n).fill(false); bwd[n - 1] = true;
  for (let i = n - 2; i >= 0; i--) for (let j = i + 1; j < n; j++) if (spec.matrix[i][j] && bwd[j]) bwd[i] = true;
  for (let v = 0; v < n; v++) assert.ok(fwd[v] && bwd[v], `node ${v} off-path`);
  assert.equal(spec.ops[0], 'input');
  assert.equal(spec.ops[n - 1], 'output');
}

test('NB101 sampler yields only valid cells and is deterministic per seed', () => {
  const a = createRng(9), b = createRng(9);
  const sizes = new Set<number>();
  for (let k = 0; k < 400; k++) {
    const s = randomNb101Spec(a);
    assertNb101Valid(s);
    assert.ok(isValidNb101(s));
    assert.deepEqual(s, randomNb101Spec(b));
    sizes.add(s.ops.length);
  }
  assert.deepEqual([...sizes].sort(), [2, 3, 4, 5, 6, 7], 'every cell size from input→output only up to 7 nodes occurs');
  assert.notDeepEqual(randomNb101Spec(createRng(1)), randomNb101Spec(createRng(2)));
});

test('NB101 validity rejects bad specs and pruning removes dangling nodes', () => {
  const ops = ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'];
  const dangling: Nb101Spec = { matrix: [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]], ops };
  assert.ok(nb101SpecProblems(dangling).some((p) => p.includes('node 2')), 'node 2 is dangling');
  const pruned = pruneNb101(dangling);
  assert.deepEqual(pruned.ops, ['input', 'conv3x3-bn-relu', 'output']);
  assert.ok(isValidNb101(pruned));
  const lower: Nb101Spec = { matrix: [[0, 1, 0], [0, 0, 1], [1, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'output'] };
  assert.ok(!isValidNb101(lower));
  const full = Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (j > i ? 1 : 0)));
  assert.ok(nb101SpecProblems({ matrix: full, ops: ['input', ...Array(5).fill('conv3x3-bn-relu'), 'output'] }).some((p) => p.includes('at most 9 edges')));
  const arch = nb101Architecture(pruned);
  assert.equal(arch.space, 'nb101');
  assert.deepEqual(arch.cells[0].cell.nodeOps, [null, 'conv3x3-bn-relu', null]);
  assert.equal(arch.cells[0].cell.aggregation[2], 'concat');
});
