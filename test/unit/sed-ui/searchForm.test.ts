import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchForm } from '../../../client/src/sed/searchForm';
import { toResultsView } from '../../../server/src/protocol/results';
import { binOf, linearScale, ticks } from '../../../webview/src/results/plot';
import type { SearchResult } from '../../../server/src/core/search/types';

test('search form: budgets and constraints parse, bad ones explain themselves', () => {
  assert.deepEqual(parseSearchForm({ space: 'darts', budget: '100,000', constraints: 'params <= 1.5, flops ≤ 300M' }),
    { space: 'darts', top: 10, seed: 0, budget: 100000, maxParams: 1.5, maxFlops: 300 });
  assert.deepEqual(parseSearchForm({ space: 'nb201' }), { space: 'nb201', top: 10, seed: 0 });
  assert.match((parseSearchForm({ space: 'nb101', budget: '0' }) as { error: string }).error, /budget must be a whole number/);
  assert.match((parseSearchForm({ space: 'nb101', budget: '1e9' }) as { error: string }).error, /1 to 10,000,000/);
  assert.match((parseSearchForm({ space: 'nb101', budget: '12.5' }) as { error: string }).error, /whole number/);
  assert.match((parseSearchForm({ space: 'darts', constraints: 'depth < 3' }) as { error: string }).error, /'depth < 3' not understood/);
  assert.match((parseSearchForm({ space: 'darts', constraints: 'params <= 0' }) as { error: string }).error, /positive/);
});

test('results view keeps Pareto flags on the right points after dropping disconnected ones', () => {
  const r: SearchResult = {
    space: 'nb201', evaluated: 4, budget: 4, millis: 3, cancelled: false, constraints: { maxParams: 1 }, feasible: 4,
    results: [{ arch: 'A', format: 'nb201', sed: 3, params: 0.5, flops: 10 }],
    candidates: [{ sed: -Infinity, params: 0.1 }, { sed: 1, params: 0.2 }, { sed: 3, params: 0.5 }, { sed: 2, params: 0.6 }],
    pareto: [1, 2],
  };
  const v = toResultsView(r, ['A-in-cell-format']);
  assert.deepEqual(v.scatter, [{ sed: 1, params: 0.2, pareto: true }, { sed: 3, params: 0.5, pareto: true }, { sed: 2, params: 0.6, pareto: false }]);
  assert.equal(v.rows[0].arch, 'A-in-cell-format');
  assert.equal(v.constraints, 'params ≤ 1 M');
  assert.equal(v.space, 'NAS-Bench-201');
});

test('plot helpers: scales map domains, ticks are round, bins clamp the top edge', () => {
  const x = linearScale([0, 10], [100, 200]);
  assert.equal(x(5), 150);
  assert.deepEqual(linearScale([2, 2], [0, 10]).domain, [1, 3]);
  assert.deepEqual(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(-3, 7, 5), [-2, 0, 2, 4, 6]);
  assert.equal(binOf(0, 0, 1, 4), 0);
  assert.equal(binOf(4, 0, 1, 4), 3);
  assert.equal(binOf(4.5, 0, 1, 4), -1);
  assert.equal(binOf(-Infinity, 0, 1, 4), -1);
});
