/** What every `ocm` sub-command implements; `main.ts` only dispatches. */
export interface CliCommand {
  /** The words that select the command, e.g. `['instance', 'test']` or `['simulate']`. */
  readonly path: readonly string[];
  /** One line for `ocm --help`. */
  readonly summary: string;
  /** Full usage text for `ocm <path> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** `--name value` and `--flag` options plus the remaining positional words. */
export interface ParsedArgs {
  readonly options: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
}

/** The process surface a command may touch, injected so commands are testable in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user interrupts (Ctrl+C); long-running commands stop cleanly on it. */
  readonly interrupted: AbortSignal;
  /** True when stdout is a terminal (progress bars, colours). */
  readonly isTty: boolean;
}

/** Reads an option as a string, or undefined. `--x` alone yields undefined here; see {@link flag}. */
export function option(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** True when `--name` was given (with or without a value). */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

/** Parses argv words after the command path. `--a=b`, `--a b` and bare `--a` are all accepted. */
export function parseArgs(words: readonly string[], booleanFlags: ReadonlySet<string> = new Set()): ParsedArgs {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith('--')) {
      positionals.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    if (equals > 0) {
      options.set(word.slice(2, equals), word.slice(equals + 1));
      continue;
    }
    const name = word.slice(2);
    const next = words[i + 1];
    if (!booleanFlags.has(name) && next !== undefined && !next.startsWith('--')) {
      options.set(name, next);
      i++;
    } else {
      options.set(name, true);
    }
  }
  return { options, positionals };
}
