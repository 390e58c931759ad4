// `entropy-lens sed score FILE... [--json]`
import { readFile } from 'node:fs/promises';
import { analyzeText, hasErrors } from '../core/analyze';
import { lensTitle } from '../core/format';
import { LineIndex } from '../core/lineIndex';
import { languageOf } from './languageOf';
import { parseArgs, UsageError, type CliIo } from './io';

export interface ScoreRecord {
  file: string;
  line: number;
  format: string;
  arch: string | null;
  sed: number | null;
  params: number | null;
  flops: number | null;
  diagnostics: { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[];
}

export async function runSedScore(args: string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(args, [], ['json']);
  if (positional.length === 0) throw new UsageError('sed score needs at least one FILE');
  const records: ScoreRecord[] = [];
  let failed = false;
  for (const file of positional) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.stderr(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      failed = true;
      continue;
    }
    const lines = new LineIndex(text);
    for (const def of analyzeText(text, languageOf(file))) {
      const start = lines.position(def.span.start);
      const diagnostics = def.findings.map((f) => {
        const a = lines.position(f.span.start);
        const b = lines.position(f.span.end);
        return { line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1, severity: f.severity, code: f.code, message: f.message };
      });
      for (const d of diagnostics) {
        if (d.severity === 'error') io.stderr(`${file}:${d.line}:${d.column}: error: ${d.message} [${d.code}]\n`);
      }
      if (hasErrors(def)) failed = true;
      records.push({
        file, line: start.line + 1, format: def.format, arch: def.canonical ?? null,
        sed: def.score?.sed ?? null, params: def.cost?.params ?? null, flops: def.cost?.flops ?? null, diagnostics,
      });
      if (!flags.has('json')) {
        const title = lensTitle(def);
        if (title) io.stdout(`${file}:${start.line + 1}: ${def.format}: ${title}\n`);
        for (const d of diagnostics) {
          if (d.severity !== 'error') io.stdout(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]\n`);
        }
      }
    }
  }
  if (flags.has('json')) io.stdout(JSON.stringify(records, null, 2) + '\n');
  return failed ? 1 : 0;
}
