/**
 * `ocm sync [--once | --watch] [--instance NAME]`: mirrors the configured instances. `--once` (the
 * default) runs one pass per instance and exits; `--watch` keeps polling (adaptive) until Ctrl+C.
 * Progress lines show rows and rows/s; the exit code is 1 when an instance failed in `--once`. Either
 * way, the alerts the stored rows fired are delivered before the command exits.
 */
import { OcmError } from '../../../common/errors';
import type { InstanceId } from '../../../common/model';
import type { RunningServices } from '../../services';
import { openServices, type OpenServices } from '../cli-services';
import { FLAG, flag, option, VALUE, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';

const usage = `Usage: ocm sync [--once | --watch] [--instance NAME] [--alerts-timeout SECONDS]

Mirrors the change log (and the error log, when readable) of every configured instance, or of one.
--once   one pass per instance, then exit (default)
--watch  keep polling: fast while changes flow, slower when idle, backing off when a server fails;
         stop with Ctrl+C
Alerts the stored rows fire (\`ocm alert\`) are sent while it runs and before it exits: webhooks and
e-mail are retried for up to --alerts-timeout seconds (default 30); what is still due then is sent by
the next \`ocm sync\` or the app. Desktop notifications wait for the app.`;

/** Default seconds `ocm sync` keeps retrying due alerts before it exits. */
const ALERTS_TIMEOUT_SECONDS = 30;

function alertsTimeout(args: ParsedArgs): number {
  const text = option(args, 'alerts-timeout');
  if (text === undefined) return ALERTS_TIMEOUT_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) usageError(`--alerts-timeout needs a number of seconds from 0 to 3600, not "${text}".`, usage);
  return seconds;
}

/** Sends the alerts due, then says what went and what waits. */
async function deliverAlerts(app: RunningServices, io: CliIo, seconds: number, counts: { sent: number; failed: number }): Promise<void> {
  const { pending, desktopWaiting } = await app.deliverAlerts(Date.now() + seconds * 1000);
  const parts: string[] = [];
  if (counts.sent) parts.push(`${counts.sent} sent`);
  if (counts.failed) parts.push(`${counts.failed} failed (see \`ocm alert log\`)`);
  if (pending) parts.push(`${pending} to retry later`);
  if (desktopWaiting) parts.push(`${desktopWaiting} desktop notification${desktopWaiting === 1 ? '' : 's'} waiting for the app`);
  if (parts.length) io.out(`Alerts: ${parts.join(', ')}.`);
}

/** Creates the command over the services `open` gives (default: the mirror in $OCM_HOME, engine in this thread). */
export function createSyncCommand(open: OpenServices = openServices): CliCommand {
  return {
    path: ['sync'],
    summary: 'Mirror the change logs (--once, or --watch to keep polling)',
    usage,
    options: { once: FLAG, watch: FLAG, instance: VALUE, 'alerts-timeout': VALUE },
    async run(args, io) {
      if (flag(args, 'once') && flag(args, 'watch')) usageError('Choose --once or --watch, not both.', usage);
      const timeout = alertsTimeout(args);
      const app = await open(io, { engine: 'in-thread' });
      try {
        const { instances, sync, changes, alerts } = app.services;
        const counts = { sent: 0, failed: 0 };
        alerts.onDidDeliver((delivery) => {
          if (delivery.state === 'sent') counts.sent++;
          if (delivery.state === 'failed') {
            counts.failed++;
            io.err(`Alert "${delivery.ruleName}" (${delivery.channel}) failed: ${delivery.error ?? 'unknown reason'}`);
          }
        });
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
          await deliverAlerts(app, io, timeout, counts);
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
        for (const { config, error } of await app.startSync(ids)) io.err(`${config.name}: ${error.describe()}`);
        await new Promise<void>((resolve) => {
          if (io.interrupted.aborted) return resolve();
          io.interrupted.addEventListener('abort', () => resolve(), { once: true });
        });
        io.out('Stopping.');
        await deliverAlerts(app, io, Math.min(timeout, 5), counts);
        return 0;
      } finally {
        await app.close();
      }
    },
  };
}

/** `ocm sync`. */
export const syncCommand: CliCommand = createSyncCommand();
