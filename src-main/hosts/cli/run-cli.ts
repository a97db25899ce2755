import { OcmError, toOcmError } from '../../common/errors';
import { editDistance, parseArgs, type CliCommand, type CliIo } from './command';

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

  const words = argv.slice(match.path.length);
  if (words.includes('--help')) {
    io.out(match.usage);
    return 0;
  }
  try {
    // Refused before the command runs: an unknown option, a missing value, a misspelt choice.
    return await match.run(parseArgs(words, match), io);
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
  const head = unknown ? `Unknown command: ocm ${unknown}${nearestCommand(commands, unknown)}\n\n` : '';
  return `${head}Odoo Change Monitor: mirror and watch the change logs of Odoo servers.\n\nUsage:\n${lines.join('\n')}\n\nRun \`ocm <command> --help\` for a command's options. Data lives in $OCM_HOME (default: the platform's app-data folder).`;
}

/** " (did you mean ocm instance add?)" when a command is near what was typed. */
function nearestCommand(commands: readonly CliCommand[], typed: string): string {
  const words = typed.split(' ').filter((word) => !word.startsWith('-'));
  let best: { path: string; distance: number } | undefined;
  for (const command of commands) {
    const path = command.path.join(' ');
    const distance = editDistance(words.slice(0, command.path.length).join(' '), path);
    if (!best || distance < best.distance) best = { path, distance };
  }
  return best && best.distance <= 2 ? ` (did you mean ocm ${best.path}?)` : '';
}

/** Rejects with a clear usage error; commands call it for missing options. */
export function usageError(message: string, usage: string): never {
  throw new OcmError('invalid-input', message, { hint: usage.split('\n')[0] });
}
