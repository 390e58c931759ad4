// SED benchmark against NAS-Bench-201 ground truth (pure: the caller reads the files).
//  - nb201: SED, #params and FLOPs vs 200-epoch test accuracy on all 15,625 cells, per dataset.
//  - subset725: SED next to NASLib's proxy scores on the 725-architecture subset, same ground truth.
//  - calibration: the declared split (NB201 index % 5 == 0) vs the held-out rest.
//  - speed: median time to parse and score all 15,625 arch strings.
import { parseNumber, parseTable } from './csv';
import { correlate, type Correlation } from '../stats/rankCorrelation';
import { nb201OpCodes } from '../parsers/nb201';
import { scoreNb201Codes } from '../sed/score';
import { nb201Cost, type CostDataset } from '../cost/cost';
import { nb201Cell } from '../space/nb201Space';

export type BenchDataset = 'cifar10' | 'cifar100' | 'imagenet16';
export const BENCH_DATASETS: readonly BenchDataset[] = ['cifar10', 'cifar100', 'imagenet16'];

export const SUBSET_PROXIES = ['sed', 'synflow', 'nwot', 'jacov', 'snip', 'grad_norm', 'fisher', 'grasp', 'params', 'flops'] as const;
export type SubsetProxy = (typeof SUBSET_PROXIES)[number];

export interface SedBenchReport {
  nb201: Record<BenchDataset, { sed: Correlation; params: Correlation; flops: Correlation }>;
  subset725: Record<BenchDataset, Record<SubsetProxy, Correlation>>;
  speed: { millisFor15625: number; archsPerSecond: number };
  calibration: {
    rule: string;
    calibrationSize: number;
    heldOutSize: number;
    results: Record<BenchDataset, { calibration: Correlation; heldOut: Correlation }>;
  };
}

export interface SedBenchInput {
  /** nats_tss_15625_acc200.csv: row i = NATS index i. */
  nb201Csv: string;
  /** zc_nasbench201_subset725_flat.csv. */
  subsetCsv: string;
  /** Timed repetitions of the speed run (median reported). Default 21. */
  repeats?: number;
  /** Milliseconds clock, e.g. `() => performance.now()`. */
  now: () => number;
}

const ACC_COLUMNS: Record<BenchDataset, string> = {
  cifar10: 'CIFAR10TestAccuracy200Epochs',
  cifar100: 'CIFAR100TestAccuracy200Epochs',
  imagenet16: 'ImageNetTestAccuracy200Epochs',
};
const SUBSET_NAMES: Record<string, BenchDataset> = { cifar10: 'cifar10', cifar100: 'cifar100', 'ImageNet16-120': 'imagenet16' };
const COST_DATASET: Record<BenchDataset, CostDataset> = { cifar10: 'cifar10', cifar100: 'cifar100', imagenet16: 'imagenet16' };

/** The declared calibration split. */
export function isCalibrationIndex(natsIndex: number): boolean {
  return natsIndex % 5 === 0;
}

function pick<T>(xs: ArrayLike<T>, idx: number[]): T[] {
  return idx.map((i) => xs[i]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function runSedBench(input: SedBenchInput): SedBenchReport {
  const nb = parseTable(input.nb201Csv);
  const archs = nb.column('ArchitectureString');
  const n = archs.length;
  const acc = {} as Record<BenchDataset, number[]>;
  for (const d of BENCH_DATASETS) acc[d] = nb.column(ACC_COLUMNS[d]).map(parseNumber);

  // Score every cell once (also validates the strings).
  const sed = new Float64Array(n);
  const codes: Int8Array[] = [];
  for (let i = 0; i < n; i++) {
    const c = nb201OpCodes(archs[i]);
    if (!c) throw new Error(`row ${i + 1}: not a NAS-Bench-201 arch string: '${archs[i]}'`);
    codes.push(c);
    sed[i] = scoreNb201Codes(c);
  }

  const nb201 = {} as SedBenchReport['nb201'];
  for (const d of BENCH_DATASETS) {
    const params: number[] = [];
    const flops: number[] = [];
    for (const c of codes) {
      const cost = nb201Cost(nb201Cell(c), { dataset: COST_DATASET[d] });
      params.push(cost.params);
      flops.push(cost.flops);
    }
    nb201[d] = { sed: correlate(sed, acc[d]), params: correlate(params, acc[d]), flops: correlate(flops, acc[d]) };
  }

  // Calibration split vs held-out.
  const calIdx: number[] = [];
  const heldIdx: number[] = [];
  for (let i = 0; i < n; i++) (isCalibrationIndex(i) ? calIdx : heldIdx).push(i);
  const calibrationResults = {} as SedBenchReport['calibration']['results'];
  for (const d of BENCH_DATASETS) {
    calibrationResults[d] = {
      calibration: correlate(pick(sed, calIdx), pick(acc[d], calIdx)),
      heldOut: correlate(pick(sed, heldIdx), pick(acc[d], heldIdx)),
    };
  }

  // The 725-architecture subset: NASLib proxies vs the same 200-epoch test accuracy.
  const sub = parseTable(input.subsetCsv);
  const dsCol = sub.column('dataset');
  const idxCol = sub.column('nats_tss_index').map(Number);
  const archCol = sub.column('arch_str');
  const proxyCols = {} as Record<Exclude<SubsetProxy, 'sed'>, number[]>;
  for (const p of SUBSET_PROXIES) if (p !== 'sed') proxyCols[p] = sub.column(p).map(parseNumber);
  const subset725 = {} as SedBenchReport['subset725'];
  for (const d of BENCH_DATASETS) {
    const rows: number[] = [];
    dsCol.forEach((name, r) => { if (SUBSET_NAMES[name] === d) rows.push(r); });
    const truth = rows.map((r) => {
      const i = idxCol[r];
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`subset row ${r + 2}: nats_tss_index ${idxCol[r]} out of range`);
      return acc[d][i];
    });
    const result = {} as Record<SubsetProxy, Correlation>;
    for (const p of SUBSET_PROXIES) {
      const scores = p === 'sed'
        ? rows.map((r) => {
          const c = nb201OpCodes(archCol[r]);
          if (!c) throw new Error(`subset row ${r + 2}: not a NAS-Bench-201 arch string`);
          return scoreNb201Codes(c);
        })
        : rows.map((r) => proxyCols[p][r]);
      result[p] = correlate(scores, truth);
    }
    subset725[d] = result;
  }

  // Speed: parse + score all strings; one warm-up, then the median of `repeats` timed runs.
  const repeats = Math.max(1, Math.floor(input.repeats ?? 21));
  const sink = new Float64Array(n);
  const run = () => {
    for (let i = 0; i < n; i++) {
      const c = nb201OpCodes(archs[i]);
      sink[i] = c ? scoreNb201Codes(c) : NaN;
    }
  };
  run();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = input.now();
    run();
    times.push(input.now() - t0);
  }
  for (let i = 0; i < n; i++) if (sink[i] !== sed[i] && !(Number.isNaN(sink[i]) && Number.isNaN(sed[i]))) throw new Error('speed run disagrees with the scoring pass');
  const ms = median(times);
  // The report is about n = 15,625 strings; scale if a smaller or larger table was given.
  const millisFor15625 = n > 0 ? (ms * 15625) / n : 0;

  return {
    nb201,
    subset725,
    speed: { millisFor15625, archsPerSecond: ms > 0 ? (n / ms) * 1000 : Infinity },
    calibration: { rule: 'NAS-Bench-201 index % 5 == 0', calibrationSize: calIdx.length, heldOutSize: heldIdx.length, results: calibrationResults },
  };
}

const DATASET_LABEL: Record<BenchDataset, string> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', imagenet16: 'ImageNet16-120' };

function f3(x: number): string {
  return Number.isNaN(x) ? '  n/a' : x.toFixed(3).padStart(6);
}

/** Plain-text rendering of a report. */
export function formatSedBench(r: SedBenchReport): string {
  const out: string[] = [];
  const header = (first: string) => first.padEnd(18) + BENCH_DATASETS.map((d) => DATASET_LABEL[d].padStart(17)).join('');
  const row = (label: string, cell: (d: BenchDataset) => Correlation) =>
    label.padEnd(18) + BENCH_DATASETS.map((d) => { const c = cell(d); return `${f3(c.spearman)} / ${f3(c.kendall)}`.padStart(17); }).join('');

  out.push('SED (derived from the stated theory of arXiv 2411.06236) — rank correlation with 200-epoch test accuracy');
  out.push('cells show Spearman ρ / Kendall τ-b', '');
  out.push('NAS-Bench-201, all 15,625 architectures');
  out.push(header('score'));
  out.push(row('SED', (d) => r.nb201[d].sed));
  out.push(row('#params', (d) => r.nb201[d].params));
  out.push(row('FLOPs', (d) => r.nb201[d].flops));
  out.push('');
  out.push(`Calibration split (${r.calibration.rule}, n = ${r.calibration.calibrationSize}) vs held-out (n = ${r.calibration.heldOutSize})`);
  out.push(header('SED on'));
  out.push(row('calibration', (d) => r.calibration.results[d].calibration));
  out.push(row('held-out', (d) => r.calibration.results[d].heldOut));
  out.push('');
  out.push('NASLib 725-architecture subset (proxies need data and/or a forward pass; SED needs neither)');
  out.push(header('proxy'));
  const order = [...SUBSET_PROXIES].sort((a, b) => r.subset725.cifar10[b].spearman - r.subset725.cifar10[a].spearman);
  for (const p of order) out.push(row(p, (d) => r.subset725[d][p]));
  out.push('');
  out.push(`Speed: parse + score all 15,625 strings in ${r.speed.millisFor15625.toFixed(2)} ms (median) = ${Math.round(r.speed.archsPerSecond).toLocaleString('en-US')} archs/s`);
  return out.join('\n');
}
