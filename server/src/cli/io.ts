// The CLI's outbound side, injected so commands can be tested without a process.
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
}

export class UsageError extends Error {}

export interface ParsedArgs {
  values: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

/**
 * Minimal flag parser: `--name value` or `--name=value` (split at the first '=', so values may
 * contain '='), boolean `--flag`, positional arguments. Unknown options are usage errors.
 */
export function parseArgs(args: readonly string[], valued: readonly string[], flags: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const set = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (valued.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      values.set(name, v);
    } else if (flags.includes(name) && eq < 0) {
      set.add(name);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { values, flags: set, positional };
}
