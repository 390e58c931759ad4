// Language id of a file for the CLI, as VS Code would assign it by extension.
import { CELL_LANGUAGE_ID } from '../protocol/ids';

export function languageOf(file: string): string {
  const f = file.toLowerCase();
  if (/\.cell\.(ya?ml|json)$/.test(f)) return CELL_LANGUAGE_ID;
  if (f.endsWith('.py') || f.endsWith('.pyi')) return 'python';
  if (f.endsWith('.yaml') || f.endsWith('.yml')) return 'yaml';
  if (f.endsWith('.jsonc')) return 'jsonc';
  if (f.endsWith('.json')) return 'json';
  if (f.endsWith('.md') || f.endsWith('.markdown')) return 'markdown';
  return 'plaintext';
}
