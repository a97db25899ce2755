/** `ocm status [--json]`: each instance's mirror state as last recorded in the local database, and how secrets are kept. */
import { FLAG, flag, type CliCommand } from '../command';
import { openServices, type OpenServices } from '../cli-services';

const usage = `Usage: ocm status [--json]

Shows each instance's mirrored rows, rows removed on the server, error rows, the last sync and the
last logged problem, and how saved passwords are protected (OS keychain, a local key file where
no keychain service answers, or a team database's shared key file).`;

/** How saved passwords are protected, in one sentence. */
export const SECRET_STORAGE_SENTENCES = {
  'os-keychain': 'Saved passwords are encrypted with a key kept in the OS keychain.',
  'local-key-file':
    'Saved passwords are encrypted with a key file in the data folder, because no OS keychain service answered here; this is weaker than the OS keychain (anyone who can read that folder can decrypt them).',
  'team-key-file':
    'Saved passwords are encrypted with the team key file in the data folder (secret.key), the same on every collector of this team database; anyone who can read both it and the database can decrypt them.',
} as const;

/** Creates the command over the services `open` gives (default: the mirror in $OCM_HOME). */
export function createStatusCommand(open: OpenServices = openServices): CliCommand {
  return {
    path: ['status'],
    summary: 'Show the mirror state of each instance, and how passwords are kept',
    usage,
    options: { json: FLAG },
    async run(args, io) {
      const app = await open(io);
      try {
        const { instances, sync, host } = app.services;
        const list = await instances.list();
        const statuses = await sync.statuses();
        const { secretStorage } = await host.info();
        const lastLines = new Map(await Promise.all(list.map(async (instance) => [instance.id, (await sync.activity({ instanceId: instance.id, limit: 1 }))[0]] as const)));
        if (flag(args, 'json')) {
          io.out(JSON.stringify(list.map((instance) => ({ instance, status: statuses.find((status) => status.instanceId === instance.id), lastLog: lastLines.get(instance.id) })), null, 2));
          return 0;
        }
        if (list.length === 0) {
          io.out('No instances yet. Add one with `ocm instance add`.');
          return 0;
        }
        for (const instance of list) {
          const status = statuses.find((entry) => entry.instanceId === instance.id);
          const last = lastLines.get(instance.id);
          io.out(`${instance.name}  ${instance.url}  db ${instance.db}`);
          if (status) {
            io.out(`  rows ${status.changeCount.toLocaleString('en-US')} (removed on the server ${status.removedCount.toLocaleString('en-US')}), errors ${status.errorCount.toLocaleString('en-US')}, error log ${status.errorLog}`);
            io.out(`  last sync ${status.lastSyncAt ?? 'never'}${status.serverVersion ? `, Odoo ${status.serverVersion}` : ''}`);
          }
          if (last) io.out(`  last log: [${last.level}] ${last.at} ${last.message}`);
        }
        io.out(SECRET_STORAGE_SENTENCES[secretStorage]);
        return 0;
      } finally {
        await app.close();
      }
    },
  };
}

/** `ocm status`. */
export const statusCommand: CliCommand = createStatusCommand();
