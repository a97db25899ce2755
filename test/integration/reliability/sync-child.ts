/**
 * A child process for the kill test: `ocm sync --once` through the real command, with OCM_HOME from the
 * environment, paging by 1,000 rows. Run as `node --import tsx sync-child.ts`. Each page of the change
 * log read from the server is announced as `read <last id>` on stdout, so the test can pick its kill
 * point by progress (an event it waits on) rather than by wall-clock time.
 */
import { createSyncCommand } from '../../../src-main/hosts/cli/commands/sync';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { createServices } from '../../../src-main/hosts/services';
import { dataDirectory } from '../../../src-main/store/data-directory';
import { connectTarget, type ConnectFunction } from '../../../src-main/sync/connect';

const announcePages: ConnectFunction = async (target, signal) => {
  const connection = await connectTarget(target, signal);
  const searchRead = connection.client.searchRead.bind(connection.client);
  connection.client.searchRead = async (model, domain, options, call) => {
    const rows = await searchRead(model, domain, options, call);
    if (model === 'update.webhook' && rows.length > 0) process.stdout.write(`read ${rows[rows.length - 1].id}\n`);
    return rows;
  };
  return connection;
};

const syncCommand = createSyncCommand((io, options) =>
  createServices({ dataDir: dataDirectory(io.env), engine: options?.engine, autoStart: false, exportsAnywhere: true, pass: { pageSize: 1000 }, connect: announcePages }),
);
const code = await runCli([syncCommand], ['sync', '--once'], {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  interrupted: new AbortController().signal,
  isTty: false,
});
process.exit(code);
