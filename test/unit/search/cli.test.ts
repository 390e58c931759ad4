import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearchBenchCli, runSedSearchCli } from '../../../server/src/cli/sedSearch';
import { runSedScore } from '../../../server/src/cli/sedScore';
import { UsageError, type CliIo } from '../../../server/src/cli/io';
import { accuracyRows, formatSearchBench, runSearchBench } from '../../../server/src/core/search/bench';
import { NB201_SPACE_SIZE, nb201Architecture, nb201CodesAt } from '../../../server/src/core/space/nb201Space';
import { nb201Text } from '../../../server/src/core/parsers/nb201';
import { scoreNb201Codes } from '../../../server/src/core/sed/score';
import { NB201_CSV, readSharedData, skipMessage } from '../sed/sharedData';

function io(): CliIo & { out: string; err: string } {
  const o = {
    out: '', err: '',
    stdout: (s: string) => { o.out += s; },
    stderr: (s: string) => { o.err += s; },
    readStdin: async () => '',
  };
  return o;
}

const FILE_OF: Record<string, string> = { nb201: 'arch.txt', darts: 'genotype.py', nb101: 'spec.json' };

test('sed search --json prints results that `sed score` parses back with the same SED and cost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sed-search-'));
  try {
    for (const space of ['nb201', 'darts', 'nb101']) {
      const a = io();
      const code = await runSedSearchCli(['--space', space, '--top', '3', '--budget', '2000', '--seed', '4', '--json'], a);
      assert.equal(code, 0, a.err);
      const rec = JSON.parse(a.out);
      assert.deepEqual(Object.keys(rec), ['space', 'evaluated', 'millis', 'results']);
      assert.equal(rec.space, space);
      assert.equal(rec.evaluated, space === 'nb201' ? 15625 : 2000);
      assert.equal(rec.results.length, 3);
      for (const r of rec.results) {
        assert.deepEqual(Object.keys(r), ['arch', 'sed', 'params', 'flops']);
        const file = join(dir, FILE_OF[space]);
        writeFileSync(file, space === 'darts' ? `GENOTYPE = ${r.arch}\n` : r.arch + '\n');
        const s = io();
        assert.equal(await runSedScore([file, '--json'], s), 0, s.err);
        const scored = JSON.parse(s.out);
        assert.equal(scored.length, 1, `${space}: ${r.arch}`);
        assert.equal(scored[0].arch, r.arch);
        assert.equal(scored[0].sed, r.sed);
        assert.equal(scored[0].params, r.params);
        assert.equal(scored[0].flops, r.flops);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sed search text output, constraint errors and usage errors', async () => {
  const a = io();
  assert.equal(await runSedSearchCli(['--space', 'nb201', '--top', '2', '--max-params', '0.5'], a), 0);
  assert.match(a.out, /^NAS-Bench-201: 15,625 candidates in \d+ ms \(exhaustive, \d+ isomorphism classes; params ≤ 0.5 M\)/);
  assert.match(a.out, /\n {2}1\. SED [\d.]+ · [\d.]+ M params · [\d.]+ MFLOPs\n {5}\|/);

  const b = io();
  assert.equal(await runSedSearchCli(['--space', 'darts', '--max-params', '0.5', '--json'], b), 1);
  assert.match(b.err, /no DARTS architecture satisfies params ≤ 0.5 M/);
  assert.equal(JSON.parse(b.out).error.code, 'impossible-constraint');

  for (const args of [[], ['--space', 'nasnet'], ['--space', 'darts', '--budget', '0'], ['--space', 'darts', '--budget', 'x'],
    ['--space', 'darts', '--budget', '20000000'], ['--space', 'nb101', '--top', '-1'], ['--space', 'darts', 'extra']]) {
    await assert.rejects(runSedSearchCli(args, io()), UsageError, args.join(' '));
  }
  await assert.rejects(runSedSearchCli(['--space', 'darts', '--budget', '1.5'], io()), /budget must be an integer/);
});

test('search bench: timings, and accuracy picks on a synthetic table', async () => {
  // Accuracy = 50 + SED: the SED pick must then be the best in space (per class ties).
  const lines = ['CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs,ImageNetTestAccuracy200Epochs,ArchitectureString,UniqueString'];
  const codes = new Int8Array(6);
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    nb201CodesAt((i * 7) % NB201_SPACE_SIZE, codes);
    const s = scoreNb201Codes(codes);
    const acc = Number.isFinite(s) ? 50 + s : 10;
    lines.push(`${acc},${acc},${acc},${nb201Text(nb201Architecture(codes).cells[0].cell)},x`);
  }
  const rows = accuracyRows(lines.join('\n'));
  assert.equal(rows[0].maxParams, null);
  for (const row of rows) {
    const sed = row.picks.find((p) => p.by === 'sed')!;
    const oracle = row.picks.find((p) => p.by === 'oracle')!;
    assert.ok(Math.abs(sed.accuracy.cifar10 - oracle.accuracy.cifar10) < 1e-9, `params ≤ ${row.maxParams}`);
    assert.ok(row.picks.some((p) => p.by === 'params') && row.picks.some((p) => p.by === 'flops'));
  }
  let clock = 0;
  const report = runSearchBench({ repeats: 3, reaRepeats: 1, budget: 2000, now: () => (clock += 1) });
  assert.equal(report.nb201.repeats, 3);
  assert.equal(report.darts.budget, 2000);
  assert.equal(report.nb201.classes, 8765);
  assert.equal(report.accuracy, undefined);
  assert.match(formatSearchBench(report), /NB201 exhaustive \(15,625\)\s+median 1\.0 ms/);
  const b = io();
  assert.equal(await runSearchBenchCli(['--repeats', '1', '--rea-repeats', '1', '--budget', '1000', '--json'], b), 0, b.err);
  assert.ok(JSON.parse(b.out).nb101.medianMillis >= 0);
  await assert.rejects(runSearchBenchCli(['--repeats', '0'], io()), UsageError);
});

test('search bench accuracy on the real NATS table (when present)', (t) => {
  const csv = readSharedData(NB201_CSV);
  if (!csv) { t.skip(skipMessage(NB201_CSV)); return; }
  const rows = accuracyRows(csv);
  const top = rows[0];
  for (const p of top.picks) {
    for (const v of Object.values(p.accuracy)) assert.ok(v > 0 && v < 100);
  }
  const oracle = top.picks.find((p) => p.by === 'oracle')!;
  for (const p of top.picks) assert.ok(p.accuracy.cifar10 <= oracle.accuracy.cifar10);
});
