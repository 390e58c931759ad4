// `entropy-lens lsp bench`: the real server over stdio, a document of N NAS-Bench-201 strings,
// single-line edits; time from the edit to published diagnostics and to the code lenses.
import { resolve } from 'node:path';
import { NB201_OPS } from '../core/ops';
import { LspHarness } from './lspHarness';
import { parseArgs, UsageError, type CliIo } from './io';

export interface LspBenchReport {
  archs: number;
  documentKB: number;
  runs: number;
  delays: { analysisDelayMs: number; diagnosticsMillis: Stat; codeLensMillis: Stat; serverAnalysisMillis: Stat }[];
  hoverDuringSearch?: HoverDuringSearch;
}
export interface HoverDuringSearch {
  search: string;
  searchMillis: number;
  evaluated: number;
  idleHoverMillis: Stat;
  midSearchHoverMillis: Stat;
  hovers: number;
}
interface Stat { median: number; p95: number; max: number }

export function nb201Line(i: number): string {
  const ops: string[] = [];
  for (let k = 0, x = i % 15625; k < 6; k++, x = Math.floor(x / 5)) ops.push(NB201_OPS[x % 5]);
  return `|${ops[0]}~0|+|${ops[1]}~0|${ops[2]}~1|+|${ops[3]}~0|${ops[4]}~1|${ops[5]}~2|`;
}

export async function lspBench(archs: number, runs: number, delays: number[], serverPath = resolve(__dirname, 'server.js')): Promise<LspBenchReport> {
  const original = Array.from({ length: archs }, (_, i) => `- arch ${i}: ${nb201Line(i * 7919)}`);
  const text = original.join('\n') + '\n';
  const report: LspBenchReport = { archs, documentKB: Math.round(text.length / 1024), runs, delays: [] };
  for (const delay of delays) {
    const lines = [...original]; // each pass edits its own copy of the document
    const h = await LspHarness.start(serverPath, { analysisDelayMs: delay });
    try {
      const uri = `file:///bench/archs-${delay}.md`;
      const first = h.nextDiagnostics(uri, 1);
      await h.open(uri, 'markdown', text, 1);
      await first;
      const diag: number[] = [];
      const lens: number[] = [];
      const server: number[] = [];
      for (let r = 0; r < runs; r++) {
        const version = r + 2;
        const line = (r * 613) % archs;
        const old = lines[line];
        const replacement = `- arch ${line}: ${nb201Line(line * 7919 + r + 1)}`;
        const published = h.nextDiagnostics(uri, version);
        const analysed = h.nextAnalysis(uri, version);
        const t0 = performance.now();
        await h.change(uri, version, [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: replacement }]);
        await published;
        diag.push(performance.now() - t0);
        server.push((await analysed).millis);
        lines[line] = replacement;
        const t1 = performance.now();
        const lenses = await h.codeLens(uri);
        lens.push(performance.now() - t1);
        const scored = new Set((lenses ?? []).filter((l) => l.command?.title.startsWith('SED ')).map((l) => l.range.start.line));
        if (scored.size !== archs) {
          const missing = lines.findIndex((_, i) => !scored.has(i));
          throw new Error(`expected ${archs} score lenses, got ${scored.size}; none on line ${missing}: ${lines[missing]}`);
        }
      }
      report.delays.push({ analysisDelayMs: delay, diagnosticsMillis: stat(diag), codeLensMillis: stat(lens), serverAnalysisMillis: stat(server) });
    } finally {
      await h.stop();
    }
  }
  return report;
}

/** Hover latency with the server idle, then while a DARTS search of `budget` candidates runs. */
export async function hoverDuringSearch(budget: number, serverPath = resolve(__dirname, 'server.js')): Promise<HoverDuringSearch> {
  const h = await LspHarness.start(serverPath, { analysisDelayMs: 0 });
  try {
    const uri = 'file:///bench/hover.md';
    await h.open(uri, 'markdown', `- ${nb201Line(4242)}\n`);
    await h.codeLens(uri);
    const hover = async () => {
      const t0 = performance.now();
      const r = await h.hover(uri, { line: 0, character: 6 });
      if (!r) throw new Error('no hover');
      return performance.now() - t0;
    };
    const idle: number[] = [];
    for (let i = 0; i < 30; i++) idle.push(await hover());
    const mid: number[] = [];
    let running = true;
    const t0 = performance.now();
    const search = h.sedSearch({ space: 'darts', budget }).result.finally(() => { running = false; });
    while (running) {
      mid.push(await hover());
      await new Promise((r) => setTimeout(r, 20));
    }
    const result = await search;
    return { search: `darts, ${budget.toLocaleString('en-US')} candidates`, searchMillis: Math.round(performance.now() - t0), evaluated: result.evaluated, idleHoverMillis: stat(idle), midSearchHoverMillis: stat(mid), hovers: mid.length };
  } finally {
    await h.stop();
  }
}

function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const r = (v: number) => Math.round(v * 10) / 10;
  return { median: r(q(0.5)), p95: r(q(0.95)), max: r(s[s.length - 1]) };
}

export async function runLspBenchCli(args: string[], io: CliIo): Promise<number> {
  const { values, flags, positional } = parseArgs(args, ['archs', 'runs'], ['json']);
  if (positional.length > 0) throw new UsageError(`lsp bench takes no positional arguments`);
  const archs = Number(values.get('archs') ?? 10000);
  const runs = Number(values.get('runs') ?? 20);
  if (!Number.isInteger(archs) || archs < 1 || !Number.isInteger(runs) || runs < 1) throw new UsageError('--archs and --runs must be positive integers');
  const report = await lspBench(archs, runs, [0, 150]);
  report.hoverDuringSearch = await hoverDuringSearch(1_000_000);
  if (flags.has('json')) {
    io.stdout(JSON.stringify(report, null, 2) + '\n');
  } else {
    io.stdout(`LSP: ${archs} NAS-Bench-201 archs in one Markdown document (${report.documentKB} KB), ${runs} single-line edits\n`);
    for (const d of report.delays) {
      io.stdout(`  analysisDelayMs=${d.analysisDelayMs}: edit→diagnostics median ${d.diagnosticsMillis.median} ms (p95 ${d.diagnosticsMillis.p95}), ` +
        `server analysis median ${d.serverAnalysisMillis.median} ms, code lens request median ${d.codeLensMillis.median} ms (p95 ${d.codeLensMillis.p95})\n`);
    }
    const hs = report.hoverDuringSearch!;
    io.stdout(`  hover latency idle: median ${hs.idleHoverMillis.median} ms (p95 ${hs.idleHoverMillis.p95}); during a ${hs.search} search (${hs.searchMillis} ms): ` +
      `median ${hs.midSearchHoverMillis.median} ms, p95 ${hs.midSearchHoverMillis.p95}, max ${hs.midSearchHoverMillis.max} over ${hs.hovers} hovers\n`);
  }
  return 0;
}
