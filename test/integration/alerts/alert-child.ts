/**
 * A child process for the alert kill test: `ocm sync --once` through the real command, with OCM_HOME from
 * the environment and desktop notifications printed as `desktop <id>` (the host's notifier, as Electron's
 * would show them). Once the rows and the events they fired are committed it prints `stored`; with
 * OCM_TEST_PAUSE_BEFORE_ALERTS=1 it then waits (the test kills it there) instead of sending them.
 * Run as `node --import tsx alert-child.ts`.
 */
import { createSyncCommand } from '../../../src-main/hosts/cli/commands/sync';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { createServices } from '../../../src-main/hosts/services';
import { dataDirectory } from '../../../src-main/store/data-directory';

const syncCommand = createSyncCommand(async (io, options) => {
  const app = await createServices({
    dataDir: dataDirectory(io.env),
    engine: options?.engine,
    autoStart: false,
    keychain: null,
    desktopNotifier: (notice) => {
      process.stdout.write(`desktop ${notice.id}\n`);
      return true;
    },
    alertRetry: { baseSeconds: 1, maxSeconds: 1, maxAttempts: 3 },
  });
  const deliver = app.deliverAlerts;
  return {
    ...app,
    async deliverAlerts(deadlineMs) {
      process.stdout.write('stored\n');
      if (process.env.OCM_TEST_PAUSE_BEFORE_ALERTS === '1') await new Promise(() => undefined);
      return deliver(deadlineMs);
    },
  };
});
const code = await runCli([syncCommand], ['sync', '--once', '--alerts-timeout', '10'], {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  interrupted: new AbortController().signal,
  isTty: false,
});
process.exit(code);
