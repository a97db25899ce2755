/**
 * `ocm sync [--once | --watch] [--instance NAME]`: mirrors the configured instances. `--once` (the
 * default) runs one pass per instance and exits; `--watch` keeps polling (adaptive) until Ctrl+C.
 * Progress lines show rows and rows/s; the exit code is 1 when an instance failed in `--once`.
 */
import { OcmError } from '../../../common/errors';
import type { InstanceId } from '../../../common/model';
import { openServices, type OpenServices } from '../cli-services';
import { FLAG, flag, option, VALUE, type CliCommand } from '../command';
import { usageError } from '../run-cli';

const usage = `Usage: ocm sync [--once | --watch] [--instance NAME]

Mirrors the change log (and the error log, when readable) of every configured instance, or of one.
--once   one pass per instance, then exit (default)
--watch  keep polling: fast while changes flow, slower when idle, backing off when a server fails;
         stop with Ctrl+C`;

/** Creates the command over the services `open` gives (default: the mirror in $OCM_HOME, engine in this thread). */
export function createSyncCommand(open: OpenServices = openServices): CliCommand {
  return {
    path: ['sync'],
    summary: 'Mirror the change logs (--once, or --watch to keep polling)',
    usage,
    options: { once: FLAG, watch: FLAG, instance: VALUE },
    async run(args, io) {
      if (flag(args, 'once') && flag(args, 'watch')) usageError('Choose --once or --watch, not both.', usage);
      const app = await open(io, { engine: 'in-thread' });
      try {
        const { instances, sync, changes } = app.services;
        const wanted = option(args, 'instance');
        let chosen = await instances.list();
        if (wanted !== undefined) {
          chosen = chosen.filter((instance) => instance.name === wanted || instance.id === wanted);
          if (chosen.length === 0) throw new OcmError('not-found', `No instance named "${wanted}".`, { hint: 'See `ocm instance list`.' });
        }
        if (chosen.length === 0) {
          io.out('No instances to sync. Add one with `ocm instance add`.');
          return 0;
        }
        const ids = chosen.map((instance) => instance.id);
        const names = new Map<InstanceId, string>(chosen.map((instance) => [instance.id, instance.name]));
        const name = (id: InstanceId) => names.get(id) ?? id;

        // Progress: one line per instance per second at most, with the rate since the snapshot began.
        const started = new Map<InstanceId, { at: number; lastPrint: number }>();
        sync.onDidProgress((progress) => {
          const now = Date.now();
          const clock = started.get(progress.instanceId) ?? { at: now, lastPrint: 0 };
          started.set(progress.instanceId, clock);
          const finished = progress.total !== undefined && progress.done >= progress.total;
          if (!finished && now - clock.lastPrint < 1000) return;
          clock.lastPrint = now;
          const seconds = Math.max(0.001, (now - clock.at) / 1000);
          const total = progress.total === undefined ? '' : ` / ${progress.total.toLocaleString('en-US')}`;
          io.out(`${name(progress.instanceId)}: ${progress.done.toLocaleString('en-US')}${total} rows (${Math.round(progress.done / seconds).toLocaleString('en-US')} rows/s)`);
        });
        sync.onDidLog((entry) => (entry.level === 'error' ? io.err : io.out)(`${name(entry.instanceId)}: ${entry.message}`));

        if (!flag(args, 'watch')) {
          const begin = Date.now();
          const { results, locked } = await app.syncOnce(ids, io.interrupted);
          for (const { config, error } of locked) io.err(`${config.name}: ${error.describe()}`);
          let failed = 0;
          for (const [id, result] of results) {
            if (result instanceof OcmError) {
              failed++;
              if (result.code !== 'cancelled') io.err(`${name(id)}: failed: ${result.describe()}`);
              continue;
            }
            const parts = [`${result.added.toLocaleString('en-US')} new`, `${result.removed.toLocaleString('en-US')} removed on the server`];
            if (result.revised) parts.push(`${result.revised} refreshed`);
            if (result.errorsAdded) parts.push(`${result.errorsAdded} new errors`);
            if (result.reset) parts.push('log reset detected');
            io.out(`${name(id)}: ${parts.join(', ')} (${((Date.now() - begin) / 1000).toFixed(1)} s)`);
          }
          if (io.interrupted.aborted) return 130;
          return failed > 0 ? 1 : 0;
        }

        // Every pass is announced (idle ones too): print only when an instance's state changes.
        const states = new Map<InstanceId, string>();
        sync.onDidChangeStatus((status) => {
          if (states.get(status.instanceId) === status.state) return;
          states.set(status.instanceId, status.state);
          if (status.state === 'up-to-date') io.out(`${name(status.instanceId)}: up to date (${status.changeCount.toLocaleString('en-US')} rows, ${status.removedCount.toLocaleString('en-US')} removed on the server)`);
          else if (status.state === 'syncing') io.out(`${name(status.instanceId)}: syncing`);
          // error/offline are reported by the log line with the reason and the retry delay.
        });
        changes.onDidChangeData((notice) => {
          if (notice.added || notice.removed) io.out(`${name(notice.instanceId)}: +${notice.added} -${notice.removed}${notice.newestTimestamp ? ` (newest ${notice.newestTimestamp})` : ''}`);
        });
        for (const { config, error } of app.startSync(ids)) io.err(`${config.name}: ${error.describe()}`);
        await new Promise<void>((resolve) => {
          if (io.interrupted.aborted) return resolve();
          io.interrupted.addEventListener('abort', () => resolve(), { once: true });
        });
        io.out('Stopping.');
        return 0;
      } finally {
        await app.close();
      }
    },
  };
}

/** `ocm sync`. */
export const syncCommand: CliCommand = createSyncCommand();
