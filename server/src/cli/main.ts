// `entropy-lens` command-line entry. Exit codes: 0 ok, 1 failures in the input, 2 usage errors.
import { runSedScore } from './sedScore';
import { runSedBenchCli } from './sedBench';
import { runLspBenchCli } from './lspBench';
import { runSedSearchCli, runSearchBenchCli } from './sedSearch';
import { sharedDataPath } from './sharedData';
import { runEduCli } from './edu';
import { UsageError, type CliIo } from './io';

const USAGE = `usage:
  entropy-lens sed score FILE... [--json]
  entropy-lens sed bench [--nb201 CSV] [--subset CSV] [--repeats N] [--json]
  entropy-lens sed search --space nb201|darts|nb101 [--top K] [--budget N] [--seed S] [--max-params M] [--max-flops M] [--json]
  entropy-lens sed search-bench [--nb201 CSV] [--repeats N] [--rea-repeats N] [--budget N] [--json]
  entropy-lens lsp bench [--archs N] [--runs N] [--json]
  entropy-lens edu segment [FILE|-] (--model GGUF | --endpoint URL) [--threshold T] [--min-gap N] [--percentile Q] [--json]
  entropy-lens edu bench --model GGUF [--tokens N] [--json]
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === 'sed' && command === 'score') return await runSedScore(rest, io);
    if (group === 'sed' && command === 'bench') return await runSedBenchCli(rest, io);
    if (group === 'sed' && command === 'search') return await runSedSearchCli(rest, io);
    if (group === 'sed' && command === 'search-bench') {
      const csv = sharedDataPath('nb201/nats_tss_15625_acc200.csv');
      return await runSearchBenchCli(rest.includes('--nb201') || !csv ? rest : [...rest, '--nb201', csv], io);
    }
    if (group === 'lsp' && command === 'bench') return await runLspBenchCli(rest, io);
    if (group === 'edu' && command !== undefined) return await runEduCli([command, ...rest], io);
    if (group === '--help' || group === '-h' || group === 'help') { io.stdout(USAGE); return 0; }
    io.stderr(USAGE);
    return 2;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`entropy-lens: ${e.message}\n${USAGE}`);
      return 2;
    }
    io.stderr(`entropy-lens: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `entropy-lens … | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  void main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
