/**
 * What every `ocm` sub-command implements (`main.ts` only dispatches), and how its options are read.
 *
 * Each command declares its options, one line each: `{ name: VALUE, force: FLAG, transport: choice(...) }`.
 * Node's own parser (`util.parseArgs`, strict) reads the words against that declaration, so an unknown
 * option, a missing value, a value given to a flag or a misspelt choice is refused with the nearest
 * valid one ("did you mean --transport?"); nothing is ever silently ignored. `option()` and `flag()`
 * read what was parsed, and refuse a name the command did not declare.
 */
import { parseArgs as parseWords } from 'node:util';
import { OcmError } from '../../common/errors';

/** How one option is given. */
export interface OptionSpec {
  /** 'value': `--name VALUE` or `--name=VALUE`; 'flag': `--name` alone. */
  readonly kind: 'value' | 'flag';
  /** The values allowed (a misspelt one is refused with the nearest). */
  readonly values?: readonly string[];
  /** With `values`: a comma-separated list of them (`--event create,write`). */
  readonly list?: boolean;
  /** Words people may use for this option, e.g. the UI's: `--protocol` is refused with "did you mean --transport?". */
  readonly seeAlso?: readonly string[];
}

/** A command's options by name (without the leading `--`). `--help` is every command's own. */
export type CommandOptions = Readonly<Record<string, OptionSpec>>;

/** `--name VALUE`. */
export const VALUE: OptionSpec = { kind: 'value' };
/** `--name` alone. */
export const FLAG: OptionSpec = { kind: 'flag' };

/** `--name VALUE` where VALUE is one of `values`; `seeAlso`: other words people use for the option. */
export function choice(values: readonly string[], options: { seeAlso?: readonly string[] } = {}): OptionSpec {
  return { kind: 'value', values, ...options };
}

/** `--name A,B` where each of A, B is one of `values`. */
export function choices(values: readonly string[]): OptionSpec {
  return { kind: 'value', values, list: true };
}

/** An option with other words people use for it (`--protocol` for `--transport`). */
export function alsoCalled(spec: OptionSpec, ...words: string[]): OptionSpec {
  return { ...spec, seeAlso: [...(spec.seeAlso ?? []), ...words] };
}

/** What every `ocm` sub-command implements. */
export interface CliCommand {
  /** The words that select the command, e.g. `['instance', 'test']` or `['simulate']`. */
  readonly path: readonly string[];
  /** One line for `ocm --help`. */
  readonly summary: string;
  /** Full usage text for `ocm <path> --help`. */
  readonly usage: string;
  /** Every option the command reads; anything else is refused before it runs. */
  readonly options: CommandOptions;
  /** Whether words without `--` are accepted (default: refused, so a mistyped option value cannot slip by). */
  readonly positionals?: boolean;
  /** Runs the command; resolves to the process exit code. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** `--name value` and `--flag` options plus the remaining positional words. */
export interface ParsedArgs {
  readonly options: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
  /** The options the command declared (option() and flag() refuse others); absent for hand-made args. */
  readonly declared?: ReadonlySet<string>;
  /** The command, for messages. */
  readonly command?: string;
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
  assertDeclared(args, name);
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** True when `--name` was given (with or without a value). */
export function flag(args: ParsedArgs, name: string): boolean {
  assertDeclared(args, name);
  return args.options.has(name);
}

/**
 * Parses the words after the command's path against its declared options. Rejects with
 * 'invalid-input' (exit code 64) naming what is wrong and the nearest valid option or value.
 */
export function parseArgs(words: readonly string[], command: Pick<CliCommand, 'path' | 'usage' | 'options' | 'positionals'>): ParsedArgs {
  const spec: CommandOptions = { ...command.options, help: FLAG };
  const name = `ocm ${command.path.join(' ')}`;
  const refuse = (message: string): never => {
    throw new OcmError('invalid-input', message, { hint: `${command.usage.split('\n')[0]}\nRun \`${name} --help\` for every option.` });
  };
  let parsed: ReturnType<typeof parseWords>;
  try {
    parsed = parseWords({
      args: [...words],
      options: Object.fromEntries(Object.entries(spec).map(([option, declared]) => [option, { type: declared.kind === 'flag' ? 'boolean' : 'string', multiple: true }] as const)),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    return refuse(parseFailure(error, words, spec, name));
  }
  const options = new Map<string, string | true>();
  for (const [option, given] of Object.entries(parsed.values)) {
    const values = given as (string | boolean)[];
    if (values.length > 1) {
      refuse(spec[option].kind === 'flag' ? `--${option} is given twice.` : `--${option} is given twice; to give several values, separate them with commas: --${option} A,B.`);
    }
    const value = values[0];
    if (typeof value === 'string') {
      if (value.trim() === '') refuse(`--${option} needs a value.`);
      checkChoice(option, value, spec[option], refuse);
      options.set(option, value);
    } else {
      options.set(option, true);
    }
  }
  if (parsed.positionals.length && !command.positionals) {
    const [first] = parsed.positionals;
    const nearest = nearestOf(first.replace(/^-+/, ''), spec);
    refuse(`${name} takes no arguments without an option name, but got "${parsed.positionals.join(' ')}"${nearest ? ` (did you mean --${nearest}?)` : ''}.`);
  }
  return { options, positionals: parsed.positionals, declared: new Set(Object.keys(spec)), command: name };
}

/** Refuses a value that is not one of the option's choices, naming the nearest. */
function checkChoice(option: string, value: string, spec: OptionSpec, refuse: (message: string) => never): void {
  if (!spec.values) return;
  const given = spec.list ? value.split(',').map((part) => part.trim()).filter(Boolean) : [value];
  for (const part of given) {
    if (spec.values.includes(part)) continue;
    const nearest = nearestValue(part, spec.values);
    refuse(`Unknown value "${part}" for --${option}${nearest ? ` (did you mean ${nearest}?)` : ''}: use ${listWords(spec.values)}${spec.list ? ', several separated by commas' : ''}.`);
  }
}

/** The message for what Node's parser refused, with the nearest declared option. */
function parseFailure(error: unknown, words: readonly string[], spec: CommandOptions, name: string): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-{1,2}[^'=\s]+)/.exec(message)?.[1] ?? words.find((word) => word.startsWith('-')) ?? '?';
    const nearest = nearestOf(given.replace(/^-+/, ''), spec);
    return `Unknown option ${given} for ${name}${nearest ? ` (did you mean --${nearest}?)` : ''}.`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /Option '(?:-\w, )?--([\w-]+)/.exec(message)?.[1] ?? '?';
    if (spec[option]?.kind === 'flag') return `--${option} takes no value.`;
    if (/ambiguous/.test(message)) return `--${option} needs a value; to give one that starts with "-", write --${option}=VALUE.`;
    const values = spec[option]?.values;
    return `--${option} needs a value${values ? `: ${listWords(values)}` : ''}.`;
  }
  return message;
}

/** The declared option nearest to `given` (through its other names too), when it is near enough to be meant. */
function nearestOf(given: string, spec: CommandOptions): string | undefined {
  let best: { option: string; distance: number } | undefined;
  for (const [option, declared] of Object.entries(spec)) {
    for (const word of [option, ...(declared.seeAlso ?? [])]) {
      const distance = word === given ? 0 : editDistance(given, word);
      if (!best || distance < best.distance) best = { option, distance };
    }
  }
  return best && best.distance <= Math.max(2, Math.floor(given.length / 3)) ? best.option : undefined;
}

/** The value nearest to `given`, when it is near enough to be meant. */
function nearestValue(given: string, values: readonly string[]): string | undefined {
  let best: { value: string; distance: number } | undefined;
  for (const value of values) {
    const distance = editDistance(given.toLowerCase(), value.toLowerCase());
    if (!best || distance < best.distance) best = { value, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(given.length / 3)) ? best.value : undefined;
}

/** "a, b or c". */
function listWords(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** Levenshtein distance: the fewest single-letter edits turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** A command reading an option it did not declare is a bug in that command: said at once, in tests too. */
function assertDeclared(args: ParsedArgs, name: string): void {
  if (args.declared && !args.declared.has(name)) {
    throw new OcmError('internal', `${args.command ?? 'This command'} reads --${name} but does not declare it in its options.`, {
      hint: `Add \`'${name}': VALUE\` (or FLAG) to the command's options.`,
    });
  }
}
