import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestNeighbours, formatArchitecture, defaultFormat, GENERIC_NEIGHBOUR_OPS } from '../../../server/src/core/search';
import { createRng } from '../../../server/src/core/space/random';
import { nb201Architecture, randomNb201Codes } from '../../../server/src/core/space/nb201Space';
import { dartsArchitecture, DARTS_V2, randomDartsGenotype } from '../../../server/src/core/space/dartsSpace';
import { isValidNb101, nb101Architecture, randomNb101Spec, type Nb101Spec } from '../../../server/src/core/space/nb101Space';
import { parseNb201 } from '../../../server/src/core/parsers/nb201';
import { parseDartsGenotype } from '../../../server/src/core/parsers/darts';
import { parseNb101 } from '../../../server/src/core/parsers/nb101';
import { parseCell } from '../../../server/src/core/parsers/cellFormat';
import { sedValue } from '../../../server/src/core/sed/score';
import { costOf } from '../../../server/src/core/cost/cost';
import type { ArchFormat, Architecture, Definition } from '../../../server/src/core/types';

const PARSERS: Record<ArchFormat, (s: string) => Definition> = {
  nb201: parseNb201, darts: parseDartsGenotype, nb101: parseNb101, cell: parseCell,
};

/** Neighbours' gains and costs against a fresh evaluation of each neighbour's parsed text. */
function checkScores(arch: Architecture, format: ArchFormat): void {
  const base = sedValue(arch);
  const baseCost = costOf(arch);
  const ns = bestNeighbours(arch, Infinity, format);
  for (const n of ns) {
    const sed = sedValue(n.arch);
    assert.equal(n.sed, sed);
    assert.equal(n.gain, sed === base ? 0 : sed - base);
    assert.ok(n.text, n.edit.description);
    const parsed = PARSERS[format](n.text!);
    assert.ok(parsed.arch, `${n.edit.description}: ${n.text}`);
    assert.equal(sedValue(parsed.arch!), sed, 'the text scores like the neighbour');
    const cost = costOf(n.arch);
    if (cost) {
      assert.equal(n.params, cost.params);
      assert.equal(n.paramsChange, cost.params - baseCost!.params);
    }
  }
  for (let k = 1; k < ns.length; k++) {
    const a = ns[k - 1], b = ns[k];
    assert.ok(a.gain > b.gain || (a.gain === b.gain && (a.paramsChange ?? 0) <= (b.paramsChange ?? 0)), `order at ${k}`);
  }
}

test('NB201 neighbours: 6 edges × 4 other ops = 24, gains equal recomputed scores', () => {
  const rng = createRng(5);
  for (let i = 0; i < 20; i++) {
    const arch = nb201Architecture(randomNb201Codes(rng));
    const ns = bestNeighbours(arch, 100);
    assert.equal(ns.length, 24);
    assert.ok(ns.every((n) => n.edit.kind === 'op'));
    const edits = new Set(ns.map((n) => `${n.edit.from}-${n.edit.to}-${n.edit.after}`));
    assert.equal(edits.size, 24);
    checkScores(arch, 'nb201');
  }
  const arch = parseNb201('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|').arch!;
  const top3 = bestNeighbours(arch, 3);
  assert.equal(top3.length, 3);
  assert.equal(top3[0].gain, Math.max(...bestNeighbours(arch).map((n) => n.gain)));
  assert.ok(top3[0].edit.span, 'edits carry the source span of the edited edge');
});

test('DARTS neighbours: op changes and input re-wirings, 2 × (8 × 6 + 12) = 120', () => {
  const rng = createRng(9);
  for (let i = 0; i < 5; i++) {
    const arch = dartsArchitecture(randomDartsGenotype(rng));
    const ns = bestNeighbours(arch);
    assert.equal(ns.filter((n) => n.edit.kind === 'op').length, 96);
    assert.equal(ns.filter((n) => n.edit.kind === 'input').length, 24);
    for (const n of ns) {
      for (const { cell } of n.arch.cells) {
        for (let node = 2; node < 6; node++) {
          const ins = cell.edges.filter((e) => e.to === node).map((e) => e.from);
          assert.equal(new Set(ins).size, 2, 'a node keeps two distinct inputs');
          assert.ok(ins.every((x) => x < node));
        }
      }
    }
    checkScores(arch, 'darts');
  }
  checkScores(dartsArchitecture(DARTS_V2), 'darts');
});

function countValidToggles(spec: Nb101Spec): number {
  const n = spec.ops.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const matrix = spec.matrix.map((r) => [...r]);
      matrix[i][j] = 1 - matrix[i][j];
      if (isValidNb101({ matrix, ops: spec.ops })) count++;
    }
  }
  return count;
}

test('NB101 neighbours: node op changes plus every valid single edge toggle', () => {
  const rng = createRng(13);
  for (let i = 0; i < 30; i++) {
    const spec = randomNb101Spec(rng);
    const arch = nb101Architecture(spec);
    const ns = bestNeighbours(arch);
    const interior = spec.ops.length - 2;
    assert.equal(ns.filter((n) => n.edit.kind === 'node-op').length, 2 * interior);
    assert.equal(ns.filter((n) => n.edit.kind === 'add-edge' || n.edit.kind === 'remove-edge').length, countValidToggles(spec));
    for (const n of ns) assert.ok(parseNb101(n.text!).arch, n.text);
    checkScores(arch, 'nb101');
  }
});

test('generic cell neighbours: edge op changes within the generic vocabulary', () => {
  const text = '{"nodes": 4, "inputs": [0], "output": 3, "edges": [[0, 1, "conv_3x3"], [1, 2, "max_pool_3x3"], [0, 2, "skip"], [2, 3, "sep_conv_5x5"]]}';
  const arch = parseCell(text).arch!;
  assert.equal(arch.space, 'generic');
  const ns = bestNeighbours(arch);
  assert.equal(ns.length, 4 * (GENERIC_NEIGHBOUR_OPS.length - 1));
  assert.ok(ns.every((n) => n.params === undefined && n.paramsChange === undefined));
  checkScores(arch, 'cell');
});

test('formatArchitecture round-trips through the parsers for every format', () => {
  const rng = createRng(21);
  for (let i = 0; i < 25; i++) {
    const archs: [Architecture, ArchFormat[]][] = [
      [nb201Architecture(randomNb201Codes(rng)), ['nb201', 'cell']],
      [dartsArchitecture(randomDartsGenotype(rng)), ['darts']],
      [nb101Architecture(randomNb101Spec(rng)), ['nb101', 'cell']],
    ];
    for (const [arch, formats] of archs) {
      assert.equal(formats[0], defaultFormat(arch));
      for (const format of formats) {
        const text = formatArchitecture(arch, format);
        const d = PARSERS[format](text);
        assert.ok(d.arch, `${format}: ${text}`);
        assert.equal(d.canonical, text, `${format} text is canonical`);
        assert.equal(d.arch!.space, arch.space);
        assert.equal(sedValue(d.arch!), sedValue(arch));
        assert.deepEqual(costOf(d.arch!), costOf(arch));
        assert.equal(formatArchitecture(d.arch!, format), text);
      }
    }
  }
  const generic = parseCell('{"nodes": 3, "inputs": [0], "output": 2, "edges": [[0, 1, "conv_3x3"], [1, 2, "identity"]]}').arch!;
  assert.equal(defaultFormat(generic), 'cell');
  assert.ok(parseCell(formatArchitecture(generic, 'cell')).arch);
  assert.throws(() => formatArchitecture(dartsArchitecture(DARTS_V2), 'cell'), /one cell/);
  assert.throws(() => formatArchitecture(dartsArchitecture(DARTS_V2), 'nb201'), /NB201/);
});
