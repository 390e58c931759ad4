// Locates the optional ../shared/data folder next to the checkout (never shipped with the project).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function sharedDataPath(relative: string): string | undefined {
  const candidates = [
    resolve(process.cwd(), '..', 'shared', 'data', relative),
    resolve(__dirname, '..', '..', 'shared', 'data', relative),
  ];
  return candidates.find((p) => existsSync(p));
}
