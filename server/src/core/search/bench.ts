// Search benchmark (pure: the caller reads files and supplies the clock).
//  - speed: NB201 exhaustive search end to end (space tables rebuilt every repeat), DARTS and NB101
//    REA with 100,000 evaluated candidates;
//  - accuracy (with the NB201 table): the true 200-epoch test accuracy of the top-1 cell by SED
//    (the search's own pick) next to the largest cell by params and by FLOPs, unconstrained and
//    under params budgets; ties of a pick are reported as the mean over the tied cells.
import { parseNumber, parseTable } from '../bench/csv';
import { nb201OpCodes } from '../parsers/nb201';
import { NB201_SPACE_SIZE, nb201IndexOf } from '../space/nb201Space';
import { nb201Tables, nb201TextOfIndex } from './nb201';
import { searchSync } from './index';
import type { SearchSpace } from './types';

export const BENCH_DATASETS = ['cifar10', 'cifar100', 'imagenet16'] as const;
export type BenchDataset = (typeof BENCH_DATASETS)[number];
const ACC_COLUMNS: Record<BenchDataset, string> = {
  cifar10: 'CIFAR10TestAccuracy200Epochs',
  cifar100: 'CIFAR100TestAccuracy200Epochs',
  imagenet16: 'ImageNetTestAccuracy200Epochs',
};
/** Params budgets (M) of the constrained accuracy rows; Infinity = unconstrained. */
export const BENCH_PARAM_BUDGETS = [Infinity, 1.0, 0.6, 0.4, 0.2];

export interface TimingStat {
  repeats: number;
  medianMillis: number;
  minMillis: number;
  maxMillis: number;
  /** The first run in the process (cold JIT). */
  firstMillis: number;
  targetMillis: number;
}

export interface ReaTiming extends TimingStat {
  budget: number;
  bestSed: number;
}

export interface AccuracyPick {
  /** 'sed': top-1 of the search; 'params' / 'flops': the largest feasible cell; 'oracle': best per dataset; 'mean': all feasible cells. */
  by: 'sed' | 'params' | 'flops' | 'oracle' | 'mean';
  /** The picked cell (absent for oracle / mean). */
  arch?: string;
  sed?: number;
  params?: number;
  flops?: number;
  /** Cells tied with the pick under its criterion; accuracies are their mean. */
  ties: number;
  accuracy: Record<BenchDataset, number>;
}

export interface AccuracyRow {
  /** Params budget in M (null = unconstrained). */
  maxParams: number | null;
  feasible: number;
  picks: AccuracyPick[];
}

export interface SearchBenchReport {
  nb201: TimingStat & { classes: number };
  darts: ReaTiming;
  nb101: ReaTiming;
  accuracy?: AccuracyRow[];
}

export interface SearchBenchInput {
  /** nats_tss_15625_acc200.csv (row i = NATS index i); omit to skip the accuracy rows. */
  nb201Csv?: string;
  /** NB201 repeats (median reported). Default 21. */
  repeats?: number;
  /** REA repeats per space (seeds 0…n−1). Default 5. */
  reaRepeats?: number;
  /** REA evaluated candidates. Default 100,000. */
  budget?: number;
  now: () => number;
}

function stats(times: number[], target: number): TimingStat {
  const s = [...times].sort((a, b) => a - b);
  const m = s.length >> 1;
  return {
    repeats: times.length,
    medianMillis: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2,
    minMillis: s[0],
    maxMillis: s[s.length - 1],
    firstMillis: times[0],
    targetMillis: target,
  };
}

function timeRea(space: SearchSpace, budget: number, repeats: number, now: () => number): ReaTiming {
  const times: number[] = [];
  let bestSed = -Infinity;
  for (let seed = 0; seed < repeats; seed++) {
    const t0 = now();
    const r = searchSync({ space, budget, seed, top: 10 });
    times.push(now() - t0);
    if (r.error) throw new Error(`${space} search failed: ${r.error.message}`);
    bestSed = Math.max(bestSed, r.results[0]?.sed ?? -Infinity);
  }
  return { ...stats(times, 1000), budget, bestSed };
}

/** Accuracy by base-5 index, per dataset, from the NATS table. */
export function nb201Accuracies(csv: string): Record<BenchDataset, Float64Array> {
  const t = parseTable(csv);
  const archs = t.column('ArchitectureString');
  if (archs.length !== NB201_SPACE_SIZE) throw new Error(`expected ${NB201_SPACE_SIZE} rows in the NB201 table, found ${archs.length}`);
  const out = {} as Record<BenchDataset, Float64Array>;
  for (const d of BENCH_DATASETS) {
    const col = t.column(ACC_COLUMNS[d]).map(parseNumber);
    const acc = new Float64Array(NB201_SPACE_SIZE).fill(NaN);
    archs.forEach((a, row) => {
      const codes = nb201OpCodes(a);
      if (!codes) throw new Error(`row ${row + 2}: not a NAS-Bench-201 arch string: '${a}'`);
      acc[nb201IndexOf(codes)] = col[row];
    });
    out[d] = acc;
  }
  return out;
}

function meanOver(acc: Record<BenchDataset, Float64Array>, idx: number[]): Record<BenchDataset, number> {
  const out = {} as Record<BenchDataset, number>;
  for (const d of BENCH_DATASETS) out[d] = idx.reduce((s, i) => s + acc[d][i], 0) / idx.length;
  return out;
}

export function accuracyRows(csv: string): AccuracyRow[] {
  const acc = nb201Accuracies(csv);
  const t = nb201Tables();
  const rows: AccuracyRow[] = [];
  for (const budget of BENCH_PARAM_BUDGETS) {
    const feasible: number[] = [];
    for (let i = 0; i < NB201_SPACE_SIZE; i++) if (t.params[i] <= budget) feasible.push(i);
    const picks: AccuracyPick[] = [];
    const r = searchSync({ space: 'nb201', top: 1, maxParams: budget === Infinity ? undefined : budget });
    const best = r.results[0];
    if (best) {
      const codes = nb201OpCodes(best.arch);
      const idx = codes ? nb201IndexOf(codes) : -1;
      const ties = feasible.filter((i) => t.sed[i] === best.sed && t.params[i] === best.params);
      picks.push({ by: 'sed', arch: best.arch, sed: best.sed, params: best.params, flops: best.flops, ties: ties.length, accuracy: meanOver(acc, ties.length > 0 ? ties : [idx]) });
    }
    for (const by of ['params', 'flops'] as const) {
      const col = by === 'params' ? t.params : t.flops;
      let m = -Infinity;
      for (const i of feasible) m = Math.max(m, col[i]);
      const ties = feasible.filter((i) => col[i] === m);
      const first = ties[0];
      picks.push({ by, arch: nb201TextOfIndex(first), sed: t.sed[first], params: t.params[first], flops: t.flops[first], ties: ties.length, accuracy: meanOver(acc, ties) });
    }
    const oracle = {} as Record<BenchDataset, number>;
    for (const d of BENCH_DATASETS) oracle[d] = feasible.reduce((m, i) => Math.max(m, acc[d][i]), -Infinity);
    picks.push({ by: 'oracle', ties: 1, accuracy: oracle });
    picks.push({ by: 'mean', ties: feasible.length, accuracy: meanOver(acc, feasible) });
    rows.push({ maxParams: budget === Infinity ? null : budget, feasible: feasible.length, picks });
  }
  return rows;
}

export function runSearchBench(input: SearchBenchInput): SearchBenchReport {
  const repeats = input.repeats ?? 21;
  const reaRepeats = input.reaRepeats ?? 5;
  const budget = input.budget ?? 100_000;
  const nbTimes: number[] = [];
  let classes = 0;
  for (let k = 0; k < repeats; k++) {
    const t0 = input.now();
    const r = searchSync({ space: 'nb201', top: 10, noCache: true });
    nbTimes.push(input.now() - t0);
    classes = r.classes ?? 0;
  }
  const report: SearchBenchReport = {
    nb201: { ...stats(nbTimes, 100), classes },
    darts: timeRea('darts', budget, reaRepeats, input.now),
    nb101: timeRea('nb101', budget, reaRepeats, input.now),
  };
  if (input.nb201Csv !== undefined) report.accuracy = accuracyRows(input.nb201Csv);
  return report;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatSearchBench(r: SearchBenchReport): string {
  const lines: string[] = [];
  const t = (name: string, s: TimingStat, extra: string) =>
    lines.push(`${pad(name, 28)} median ${s.medianMillis.toFixed(1)} ms (min ${s.minMillis.toFixed(1)}, max ${s.maxMillis.toFixed(1)}, first ${s.firstMillis.toFixed(1)}; ${s.repeats} runs; target ≤ ${s.targetMillis} ms)${extra}`);
  t('NB201 exhaustive (15,625)', r.nb201, ` — ${r.nb201.classes} isomorphism classes`);
  t(`DARTS REA (${r.darts.budget.toLocaleString('en-US')})`, r.darts, ` — best SED ${r.darts.bestSed.toFixed(3)}`);
  t(`NB101 REA (${r.nb101.budget.toLocaleString('en-US')})`, r.nb101, ` — best SED ${r.nb101.bestSed.toFixed(3)}`);
  if (r.accuracy) {
    lines.push('', 'NB201 test accuracy (%) of the pick: CIFAR-10 / CIFAR-100 / ImageNet16-120 (ties: mean over the tied cells)');
    for (const row of r.accuracy) {
      lines.push(`params ≤ ${row.maxParams === null ? '∞' : `${row.maxParams} M`} (${row.feasible} cells)`);
      for (const p of row.picks) {
        const a = p.accuracy;
        const accs = `${a.cifar10.toFixed(2)} / ${a.cifar100.toFixed(2)} / ${a.imagenet16.toFixed(2)}`;
        const label = p.by === 'sed' ? 'top-1 by SED' : p.by === 'params' ? 'max params' : p.by === 'flops' ? 'max FLOPs' : p.by === 'oracle' ? 'best in space' : 'space mean';
        const extra = p.arch ? `  ${p.params?.toFixed(3)} M, ${p.flops?.toFixed(1)} MFLOPs, ties ${p.ties}  ${p.arch}` : '';
        lines.push(`  ${pad(label, 14)} ${accs}${extra}`);
      }
    }
  }
  return lines.join('\n');
}
