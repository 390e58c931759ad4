import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, parseNumber, parseTable } from '../../../server/src/core/bench/csv';
import { formatSedBench, isCalibrationIndex, runSedBench, SUBSET_PROXIES } from '../../../server/src/core/bench/sedBench';
import { NB201_SPACE_SIZE, nb201Architecture, nb201CodesAt } from '../../../server/src/core/space/nb201Space';
import { nb201Text } from '../../../server/src/core/parsers/nb201';
import { scoreNb201Codes } from '../../../server/src/core/sed/score';
import { NB201_CSV, readSharedData, skipMessage, SUBSET_CSV } from './sharedData';

test('CSV: quotes, escaped quotes, CRLF, trailing newline', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x,1","say ""hi"""\r\n3,\r\n'), [['a', 'b'], ['x,1', 'say "hi"'], ['3', '']]);
  assert.deepEqual(parseCsv('a\nb'), [['a'], ['b']]);
  const t = parseTable('dataset,nwot\ncifar10,-inf\ncifar10,1.5\n');
  assert.deepEqual(t.column('nwot').map(parseNumber), [-Infinity, 1.5]);
  assert.throws(() => t.column('synflow'), /no column 'synflow'/);
});

test('parseNumber keeps infinities and rejects junk', () => {
  assert.equal(parseNumber('-inf'), -Infinity);
  assert.equal(parseNumber(' INF '), Infinity);
  assert.equal(parseNumber('-Infinity'), -Infinity);
  assert.ok(Number.isNaN(parseNumber('')));
  assert.ok(Number.isNaN(parseNumber('abc')));
  assert.equal(parseNumber('1e-3'), 0.001);
});

/** A synthetic benchmark: accuracy is a known monotone function of SED for every cell. */
function syntheticInputs() {
  const lines = ['CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs,ImageNetTestAccuracy200Epochs,ArchitectureString,UniqueString'];
  const sub = ['dataset,naslib_op_tuple,arch_str,nats_tss_index,val_accuracy,flops,params,synflow,grasp,fisher,grad_norm,l2_norm,plain,nwot,epe_nas,jacov,snip'];
  const codes = new Int8Array(6);
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    nb201CodesAt(i, codes);
    const s = scoreNb201Codes(codes);
    const acc = Number.isFinite(s) ? 50 + s : 10;
    const text = nb201Text(nb201Architecture(codes).cells[0].cell);
    lines.push(`${acc},${acc - 20},${-acc},${text},x`);
    if (i % 100 === 0) {
      for (const ds of ['cifar10', 'cifar100', 'ImageNet16-120']) {
        // synflow = accuracy (perfect), nwot = -inf for one row, the rest noise-free constants or reversed.
        sub.push(`${ds},"(0,0,0,0,0,0)",${text},${i},0,1,1,${acc},1,1,1,1,1,${i === 0 ? '-inf' : -acc},1,1,${i}`);
      }
    }
  }
  return { nb201Csv: lines.join('\r\n') + '\r\n', subsetCsv: sub.join('\r\n') + '\r\n' };
}

test('runSedBench: report shape, calibration split and correlations on synthetic data', () => {
  let clock = 0;
  const report = runSedBench({ ...syntheticInputs(), repeats: 3, now: () => (clock += 2) });
  assert.deepEqual(Object.keys(report), ['nb201', 'subset725', 'speed', 'calibration']);
  assert.deepEqual(Object.keys(report.nb201), ['cifar10', 'cifar100', 'imagenet16']);
  assert.deepEqual(Object.keys(report.nb201.cifar10), ['sed', 'params', 'flops']);
  assert.deepEqual(Object.keys(report.subset725.cifar10), [...SUBSET_PROXIES]);
  assert.deepEqual(Object.keys(report.nb201.cifar10.sed), ['spearman', 'kendall']);
  // Accuracy was built as an increasing function of SED (−∞ → 10), so SED is perfect; ImageNet was negated.
  const one = (x: number) => assert.ok(Math.abs(x - 1) < 1e-12, `${x} ≠ 1`);
  one(report.nb201.cifar10.sed.spearman);
  one(report.nb201.cifar10.sed.kendall);
  one(-report.nb201.imagenet16.sed.spearman);
  one(report.subset725.cifar10.synflow.spearman);
  one(report.subset725.cifar10.sed.kendall);
  assert.ok(report.subset725.cifar10.nwot.spearman < -0.9, 'nwot was built reversed, with one -inf kept as the minimum');
  assert.equal(report.calibration.calibrationSize, 3125);
  assert.equal(report.calibration.heldOutSize, 12500);
  one(report.calibration.results.cifar10.heldOut.spearman);
  // The fake clock advances 2 ms per reading: every timed run lasts 2 ms.
  assert.equal(report.speed.millisFor15625, 2);
  assert.equal(report.speed.archsPerSecond, 15625 / 0.002);
  const text = formatSedBench(report);
  assert.match(text, /NAS-Bench-201, all 15,625 architectures/);
  assert.match(text, /SED\s+1\.000 \/  1\.000/);
  assert.ok(isCalibrationIndex(0) && isCalibrationIndex(15620) && !isCalibrationIndex(3));
});

test('runSedBench on the real data: SED beats synflow and nwot; held-out close to calibration', (t) => {
  const nb201Csv = readSharedData(NB201_CSV);
  const subsetCsv = readSharedData(SUBSET_CSV);
  if (!nb201Csv || !subsetCsv) { t.skip(skipMessage(!nb201Csv ? NB201_CSV : SUBSET_CSV)); return; }
  const r = runSedBench({ nb201Csv, subsetCsv, repeats: 5, now: () => performance.now() });
  for (const d of ['cifar10', 'cifar100', 'imagenet16'] as const) {
    const sub = r.subset725[d];
    assert.ok(sub.sed.spearman > sub.synflow.spearman && sub.sed.spearman > sub.nwot.spearman, `${d}: ρ`);
    assert.ok(sub.sed.kendall > sub.synflow.kendall && sub.sed.kendall > sub.nwot.kendall, `${d}: τ`);
    assert.ok(r.nb201[d].sed.kendall >= 0.65, `${d}: τ = ${r.nb201[d].sed.kendall}`);
    assert.ok(r.nb201[d].sed.spearman > r.nb201[d].params.spearman, `${d}: SED beats #params`);
    const { calibration, heldOut } = r.calibration.results[d];
    assert.ok(Math.abs(calibration.spearman - heldOut.spearman) < 0.02, `${d}: no overfitting to the calibration split`);
  }
  // Measured values (docs/sed.md §7); a regression in the scorer moves them.
  assert.ok(Math.abs(r.nb201.cifar10.sed.spearman - 0.8819) < 5e-4, `ρ C10 = ${r.nb201.cifar10.sed.spearman}`);
  assert.ok(Math.abs(r.nb201.cifar10.sed.kendall - 0.7135) < 5e-4, `τ C10 = ${r.nb201.cifar10.sed.kendall}`);
  // Reference values of the NASLib proxies (sed-notes §4.2): nwot 0.800, synflow 0.776 on CIFAR-10.
  assert.ok(Math.abs(r.subset725.cifar10.nwot.spearman - 0.800) < 0.003);
  assert.ok(Math.abs(r.subset725.cifar10.synflow.spearman - 0.776) < 0.003);
  assert.ok(r.speed.millisFor15625 > 0 && Number.isFinite(r.speed.archsPerSecond));
});
