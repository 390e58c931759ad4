// `entropy-lens sed bench [--nb201 CSV] [--subset CSV] [--repeats N] [--json]`
import { readFile } from 'node:fs/promises';
import { formatSedBench, runSedBench } from '../core/bench/sedBench';
import { sharedDataPath } from './sharedData';
import { parseArgs, UsageError, type CliIo } from './io';

export async function runSedBenchCli(args: string[], io: CliIo): Promise<number> {
  const { values, flags, positional } = parseArgs(args, ['nb201', 'subset', 'repeats'], ['json']);
  if (positional.length > 0) throw new UsageError(`sed bench takes no positional arguments (got '${positional[0]}')`);
  const nb201 = values.get('nb201') ?? sharedDataPath('nb201/nats_tss_15625_acc200.csv');
  const subset = values.get('subset') ?? sharedDataPath('naslib-zc/zc_nasbench201_subset725_flat.csv');
  if (!nb201 || !subset) {
    io.stderr('sed bench needs the NAS-Bench-201 accuracy table and the 725-arch proxy table: pass --nb201 CSV and --subset CSV (defaults look in ../shared/data)\n');
    return 2;
  }
  const repeats = values.has('repeats') ? Number(values.get('repeats')) : 21;
  if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError('--repeats must be a positive integer');
  const [nb201Csv, subsetCsv] = await Promise.all([readFile(nb201, 'utf8'), readFile(subset, 'utf8')]);
  const report = runSedBench({ nb201Csv, subsetCsv, repeats, now: () => performance.now() });
  io.stdout(flags.has('json') ? JSON.stringify(report, null, 2) + '\n' : formatSedBench(report) + '\n');
  return 0;
}
