/**
 * `ocm sync [--once | --watch] [--instance NAME]`: mirrors the configured instances. `--once` (the
 * default) runs one pass per instance and exits; `--watch` keeps polling (adaptive) until Ctrl+C.
 * Progress lines show rows and rows/s; the exit code is 1 when an instance failed in `--once`.
 */
import { OcmError } from '../../../common/errors';
import type { InstanceId } from '../../../common/model';
import { SyncScheduler } from '../../../sync/scheduler';
import { syncTargets } from '../../../sync/services';
import { flag, option, type CliCommand } from '../command';
import { usageError } from '../run-cli';
import { openCliMirror, type CliMirrorOptions } from './mirror-context';

const usage = `Usage: ocm sync [--once | --watch] [--instance NAME]

Mirrors the change log (and the error log, when readable) of every configured instance, or of one.
--once   one pass per instance, then exit (default)
--watch  keep polling: fast while changes flow, slower when idle, backing off when a server fails;
         stop with Ctrl+C`;

/** Creates the command; `options` are seams for tests. */
export function createSyncCommand(options: CliMirrorOptions = {}): CliCommand {
  return {
    path: ['sync'],
    summary: 'Mirror the change logs (--once, or --watch to keep polling)',
    usage,
    async run(args, io) {
      if (flag(args, 'once') && flag(args, 'watch')) usageError('Choose --once or --watch, not both.', usage);
      const mirror = await openCliMirror(io, options);
      const scheduler = new SyncScheduler({ store: mirror.store, connect: options.services?.connect, pass: options.services?.pass, timing: options.services?.timing });
      try {
        const wanted = option(args, 'instance');
        let targets = syncTargets(mirror.store, mirror.vault, (config, error) => io.err(`${config.name}: ${error.describe()}`));
        if (wanted !== undefined) {
          targets = targets.filter((target) => target.config.name === wanted || target.config.id === wanted);
          if (targets.length === 0) throw new OcmError('not-found', `No instance named "${wanted}".`, { hint: 'See `ocm instance list`.' });
        }
        if (targets.length === 0) {
          io.out('No instances to sync. Add one with `ocm instance add`.');
          return 0;
        }
        const names = new Map<InstanceId, string>(targets.map((target) => [target.config.id, target.config.name]));
        const name = (id: InstanceId) => names.get(id) ?? id;

        // Progress: one line per instance per second at most, with the rate since the snapshot began.
        const started = new Map<InstanceId, { at: number; lastPrint: number }>();
        scheduler.onDidProgress((progress) => {
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
        scheduler.onDidLog((entry) => (entry.level === 'error' ? io.err : io.out)(`${name(entry.instanceId)}: ${entry.message}`));

        if (!flag(args, 'watch')) {
          const begin = Date.now();
          const results = await scheduler.runOnce(targets, io.interrupted);
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

        scheduler.onDidChangeStatus((status) => {
          if (status.state === 'up-to-date') io.out(`${name(status.instanceId)}: up to date (${status.changeCount.toLocaleString('en-US')} rows, ${status.removedCount.toLocaleString('en-US')} removed on the server)`);
          else if (status.state === 'syncing') io.out(`${name(status.instanceId)}: syncing`);
          // error/offline are reported by the log line with the reason and the retry delay.
        });
        scheduler.onDidChangeData((notice) => {
          if (notice.added || notice.removed) io.out(`${name(notice.instanceId)}: +${notice.added} -${notice.removed}${notice.newestTimestamp ? ` (newest ${notice.newestTimestamp})` : ''}`);
        });
        scheduler.setTargets(targets);
        await new Promise<void>((resolve) => {
          if (io.interrupted.aborted) return resolve();
          io.interrupted.addEventListener('abort', () => resolve(), { once: true });
        });
        io.out('Stopping.');
        return 0;
      } finally {
        await scheduler.close();
        await mirror.close();
      }
    },
  };
}

/** `ocm sync`. */
export const syncCommand: CliCommand = createSyncCommand();
