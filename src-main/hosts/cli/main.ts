/**
 * The `ocm` entry point: builds the command list and runs one command with the real process around it.
 * Every command lives in its own module; this file only wires them (and browser mode's services).
 */
import { dataDirectory } from '../../store/data-directory';
import { createServices } from '../services';
import { createUiCommand } from '../web/ui-command';
import type { CliCommand, CliIo } from './command';
import { createAlertCommands } from './commands/alert';
import { changesCommand } from './commands/changes';
import { deleteCommand } from './commands/delete';
import { errorsCommand } from './commands/errors';
import { exportCommand } from './commands/export';
import { createInstanceCommands } from './commands/instance';
import { createInstanceTestCommand } from './commands/instance-test';
import { journalCommand } from './commands/journal';
import { orphansCommand } from './commands/orphans';
import { simulateCommand } from './commands/simulate';
import { statusCommand } from './commands/status';
import { createStoreMigrateCommand } from './commands/store-migrate';
import { syncCommand } from './commands/sync';
import { createUserCommands } from './commands/user';
import { createServeCommand } from '../serve/serve-command';
import { runCli } from './run-cli';

function commands(env: CliIo['env']): CliCommand[] {
  return [
    ...createInstanceCommands(),
    createInstanceTestCommand(),
    syncCommand,
    statusCommand,
    changesCommand,
    errorsCommand,
    deleteCommand,
    orphansCommand,
    journalCommand,
    exportCommand,
    ...createAlertCommands(),
    createUiCommand(({ downloadUrlFor }) => createServices({ dataDir: dataDirectory(env), demo: true, downloadUrlFor, teamServers: true })),
    createServeCommand(),
    createStoreMigrateCommand(),
    ...createUserCommands(),
    simulateCommand,
  ];
}

function processIo(): CliIo {
  const interrupt = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    // The first Ctrl+C stops cleanly; a second one means "now".
    if (++interrupts > 1) process.exit(130);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
    interrupted: interrupt.signal,
    isTty: Boolean(process.stdout.isTTY),
  };
}

const io = processIo();
const code = await runCli(commands(io.env), process.argv.slice(2), io);
// Let stdout drain before exiting (piped output of big `ocm changes` runs).
process.stdout.write('', () => process.exit(code));
