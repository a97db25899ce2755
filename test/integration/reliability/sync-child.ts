/**
 * A child process for the kill test: `ocm sync --once` through the real command, with OCM_HOME from the
 * environment. Run as `node --import tsx sync-child.ts`.
 */
import { syncCommand } from '../../../src-main/hosts/cli/commands/sync';
import { runCli } from '../../../src-main/hosts/cli/run-cli';

const code = await runCli([syncCommand], ['sync', '--once'], {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  interrupted: new AbortController().signal,
  isTty: false,
});
process.exit(code);
