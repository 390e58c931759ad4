// The CLI's outbound side, injected so commands can be tested without a process.
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
}

export class UsageError extends Error {}

/** Minimal flag parser: `--name value`, `--flag`, positional arguments. */
export function parseArgs(args: string[], valued: string[], flags: string[]): { values: Map<string, string>; flags: Set<string>; positional: string[] } {
  const values = new Map<string, string>();
  const set = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2);
      if (valued.includes(name)) {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        values.set(name, v);
      } else if (flags.includes(name)) {
        set.add(name);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      positional.push(a);
    }
  }
  return { values, flags: set, positional };
}
