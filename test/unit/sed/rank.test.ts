import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countAround, dartsPopulation, nb101Population, nb201Population, rankInSpace, RANK_SAMPLE_SIZE, topPercentIn } from '../../../server/src/core/sed/rank';
import { scoreArchitecture } from '../../../server/src/core/sed/score';
import { nb201Architecture } from '../../../server/src/core/space/nb201Space';
import { DARTS_V2, dartsArchitecture } from '../../../server/src/core/space/dartsSpace';
import type { Architecture } from '../../../server/src/core/types';

test('topPercentIn on a small population', () => {
  const pop = Float64Array.from([1, 2, 3, 4]);
  assert.equal(topPercentIn(pop, 4, true), 25);
  assert.equal(topPercentIn(pop, 1, true), 100);
  assert.equal(topPercentIn(pop, 2.5, true), 50);
  assert.equal(topPercentIn(pop, 5, false), 20); // better than all four: 1 of 5
  assert.equal(topPercentIn(pop, 0, false), 100);
  assert.deepEqual(countAround(Float64Array.from([1, 2, 2, 3]), 2), { above: 1, equal: 2 });
});

test('NB201 rank is exact over all 15,625 cells', () => {
  const pop = nb201Population();
  assert.equal(pop.length, 15625);
  for (let i = 1; i < pop.length; i++) assert.ok(pop[i - 1] <= pop[i]);
  const best = nb201Architecture([3, 3, 3, 3, 3, 3]);
  const r = rankInSpace(best, scoreArchitecture(best).sed);
  assert.ok(r);
  assert.equal(r.exact, true);
  assert.equal(r.space, 'nb201');
  assert.equal(r.topPercent, 100 / 15625); // the unique maximum
  const none = nb201Architecture([0, 0, 0, 0, 0, 0]);
  assert.equal(rankInSpace(none, scoreArchitecture(none).sed)!.topPercent, 100); // ties with every other −∞ cell at the bottom
  const mid = nb201Architecture([1, 2, 4, 1, 2, 4]);
  const m = rankInSpace(mid, scoreArchitecture(mid).sed)!;
  assert.ok(m.topPercent > 1 && m.topPercent < 100);
  assert.equal(nb201Population(), pop, 'cached');
});

test('DARTS and NB101 ranks use a fixed seeded sample', () => {
  const d = dartsPopulation();
  assert.equal(d.length, RANK_SAMPLE_SIZE);
  assert.equal(dartsPopulation(), d);
  const arch = dartsArchitecture(DARTS_V2);
  const r1 = rankInSpace(arch, scoreArchitecture(arch).sed)!;
  assert.equal(r1.exact, false);
  assert.equal(r1.population, RANK_SAMPLE_SIZE);
  assert.ok(r1.topPercent > 0 && r1.topPercent <= 100);
  assert.equal(rankInSpace(arch, scoreArchitecture(arch).sed)!.topPercent, r1.topPercent);
  const n = nb101Population();
  assert.equal(n.length, RANK_SAMPLE_SIZE);
  assert.ok(n.every((v) => Number.isFinite(v)), 'valid NB101 cells are always connected');
});

test('generic cells and NaN scores have no rank', () => {
  const arch: Architecture = { space: 'generic', cells: [{ role: 'cell', cell: nb201Architecture([3, 3, 3, 3, 3, 3]).cells[0].cell }] };
  assert.equal(rankInSpace(arch, 1), undefined);
  assert.equal(rankInSpace(nb201Architecture([3, 3, 3, 3, 3, 3]), NaN), undefined);
});
