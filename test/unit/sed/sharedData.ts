// Locates ../shared/data (next to the checkout) for data-dependent tests. Test bundles live in
// out/test/unit/..., so we walk up from the working directory instead of trusting __dirname.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const NB201_CSV = 'nb201/nats_tss_15625_acc200.csv';
export const SUBSET_CSV = 'naslib-zc/zc_nasbench201_subset725_flat.csv';

export function findSharedData(relative: string): string | undefined {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    for (const candidate of [join(dir, '..', 'shared', 'data', relative), join(dir, 'shared', 'data', relative)]) {
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** File contents, or undefined (the caller skips with a message naming the missing file). */
export function readSharedData(relative: string): string | undefined {
  const p = findSharedData(relative);
  return p ? readFileSync(p, 'utf8') : undefined;
}

export function skipMessage(relative: string): string {
  return `data file ../shared/data/${relative} not found (looked upwards from ${process.cwd()}): data-dependent check skipped`;
}
