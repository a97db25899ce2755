/** `ocm status [--json]`: each instance's mirror state as last recorded in the local database. */
import type { InstanceStatus } from '../../../common/model';
import { flag, type CliCommand } from '../command';
import { openCliMirror, type CliMirrorOptions } from './mirror-context';

const usage = `Usage: ocm status [--json]

Shows each instance's mirrored rows, rows removed on the server, error rows, the last sync and the
last logged problem.`;

/** Creates the command; `options` are seams for tests. */
export function createStatusCommand(options: CliMirrorOptions = {}): CliCommand {
  return {
    path: ['status'],
    summary: 'Show the mirror state of each instance',
    usage,
    async run(args, io) {
      const mirror = await openCliMirror(io, options);
      try {
        const instances = await mirror.instances.list();
        const statuses: InstanceStatus[] = await mirror.sync.statuses();
        const lastLines = new Map(instances.map((instance) => [instance.id, mirror.store.syncLog.list({ instanceId: instance.id, limit: 1 })[0]]));
        if (flag(args, 'json')) {
          io.out(JSON.stringify(instances.map((instance) => ({ instance, status: statuses.find((status) => status.instanceId === instance.id), lastLog: lastLines.get(instance.id) })), null, 2));
          return 0;
        }
        if (instances.length === 0) {
          io.out('No instances yet. Add one with `ocm instance add`.');
          return 0;
        }
        for (const instance of instances) {
          const status = statuses.find((entry) => entry.instanceId === instance.id);
          const last = lastLines.get(instance.id);
          io.out(`${instance.name}  ${instance.url}  db ${instance.db}`);
          if (status) {
            io.out(`  rows ${status.changeCount.toLocaleString('en-US')} (removed on the server ${status.removedCount.toLocaleString('en-US')}), errors ${status.errorCount.toLocaleString('en-US')}, error log ${status.errorLog}`);
            io.out(`  last sync ${status.lastSyncAt ?? 'never'}${status.serverVersion ? `, Odoo ${status.serverVersion}` : ''}`);
          }
          if (last) io.out(`  last log: [${last.level}] ${last.at} ${last.message}`);
        }
        return 0;
      } finally {
        await mirror.close();
      }
    },
  };
}

/** `ocm status`. */
export const statusCommand: CliCommand = createStatusCommand();
