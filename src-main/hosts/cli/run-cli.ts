import { OcmError, toOcmError } from '../../common/errors';
import { parseArgs, type CliCommand, type CliIo } from './command';

/** Flags that never take a value, so `--json out.txt` is not misread. */
const BOOLEAN_FLAGS = new Set([
  'json', 'csv', 'ndjson', 'once', 'watch', 'help', 'force', 'production', 'keep-history', 'removed',
  'present', 'include-unlink', 'apply', 'groups', 'bom', 'no-open', 'quick', 'yes', 'no-collector',
  'revoke', 'replace', 'field-changes', 'desktop', 'error-new', 'disabled', 'secure', 'remove',
]);

/** Picks the command whose path is the longest prefix of `argv`, and runs it. Returns the exit code. */
export async function runCli(commands: readonly CliCommand[], argv: readonly string[], io: CliIo): Promise<number> {
  const match = [...commands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((command) => command.path.every((word, index) => argv[index] === word));

  if (!match) {
    const wantsHelp = argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h';
    (wantsHelp ? io.out : io.err)(helpText(commands, wantsHelp ? undefined : argv.join(' ')));
    return wantsHelp ? 0 : 64;
  }

  const args = parseArgs(argv.slice(match.path.length), BOOLEAN_FLAGS);
  if (args.options.has('help')) {
    io.out(match.usage);
    return 0;
  }
  try {
    return await match.run(args, io);
  } catch (error) {
    const failure = toOcmError(error);
    io.err(`error: ${failure.describe()}`);
    if (failure.code === 'internal' && failure.detail) io.err(failure.detail);
    return failure.code === 'invalid-input' ? 64 : failure.code === 'cancelled' ? 130 : 1;
  }
}

function helpText(commands: readonly CliCommand[], unknown?: string): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length));
  const lines = commands.map((command) => `  ocm ${command.path.join(' ').padEnd(width)}  ${command.summary}`);
  const head = unknown ? `Unknown command: ocm ${unknown}\n\n` : '';
  return `${head}Odoo Change Monitor: mirror and watch the change logs of Odoo servers.\n\nUsage:\n${lines.join('\n')}\n\nRun \`ocm <command> --help\` for a command's options. Data lives in $OCM_HOME (default: the platform's app-data folder).`;
}

/** Rejects with a clear usage error; commands call it for missing options. */
export function usageError(message: string, usage: string): never {
  throw new OcmError('invalid-input', message, { hint: usage.split('\n')[0] });
}
