/**
 * Live notices across processes on the team mirror: two createServices over one PostgreSQL database (as
 * two `ocm serve` would be), one syncing a simulator instance with an in-thread engine, the other with no
 * engine. The second's workbench hears every row the first mirrors, once, as it commits; a user deletion
 * made through either is heard by the other; neither hears its own rows twice. Also the notices
 * themselves: sent on commit only, small, and ignored when they are not ours.
 */
import { describe, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import type { DesktopNotice } from '../../../src-main/common/alerts';
import type { ChangesNotice } from '../../../src-main/common/model';
import { openMirror } from '../../../src-main/hosts/mirror-store';
import type { RunningServices } from '../../../src-main/hosts/services';
import { CHANGES_CHANNEL, parseChangeNotice } from '../../../src-main/store/postgres/change-notices';
import type { PgStore } from '../../../src-main/store/postgres/pg-store';
import { postgresSkipReason } from '../../support/postgres';
import { teamProcesses } from '../../support/team-processes';
import { until } from '../../support/until';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

/** Every notice the services' change service fires, in order. */
function record(app: RunningServices): ChangesNotice[] {
  const notices: ChangesNotice[] = [];
  app.services.changes.onDidChangeData((notice) => notices.push(notice));
  return notices;
}

const total = (notices: readonly ChangesNotice[], field: 'added' | 'removed') => notices.reduce((sum, notice) => sum + notice[field], 0);

describe.skipIf(Boolean(skip))('live notices across processes on PostgreSQL', () => {
  const team = teamProcesses({ databases: [{ name: 'seed' }] });
  /**
   * The first test's two processes: one with no engine, and a collector (an in-thread engine syncing
   * `instanceId`) with no workbench of its own.
   */
  let watcher: RunningServices;
  let collector: RunningServices;
  let instanceId: string;

  it('tells a second process every row the first mirrors or removes, once, and neither hears its own twice', async () => {
    // One data folder for both, as two collectors of one team share it (the secret key file).
    watcher = await team.open({ engine: 'none' });
    const heard = record(watcher);
    collector = await team.open({ engine: 'in-thread' });
    const own = record(collector);

    const upToDate = nextEvent(collector.services.sync.onDidChangeStatus, (status) => status.state === 'up-to-date');
    const { id } = await collector.services.instances.add({ name: 'Riyadh ERP', url: team.simulator.url, db: 'seed', login: 'admin', password: 'admin', transport: 'jsonrpc' });
    instanceId = id;
    const status = await upToDate;
    const snapshot = team.simulator.database('seed').webhookRows().length;
    expect(status.changeCount).toBe(snapshot);
    await until('the snapshot heard by the other process', () => total(heard, 'added') >= snapshot);
    expect(total(own, 'added')).toBe(snapshot);

    // New rows: announced with their newest timestamp, as the engine does.
    team.simulator.database('seed').seedWebhookRows(7);
    const before = heard.length;
    await collector.services.sync.syncNow(id);
    await until('the new rows heard', () => total(heard, 'added') >= snapshot + 7);
    expect(heard.slice(before)).toEqual([{ instanceId: id, added: 7, removed: 0, newestTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) }]);

    // A user deletion through the process without an engine: announced there once (by its marker), heard once by the collector.
    const [row] = (await watcher.services.changes.timeline({ filter: { presence: 'present' }, limit: 1 })).rows;
    const ownBefore = own.length;
    const heardBefore = heard.length;
    expect((await watcher.services.admin.deleteRows(id, { keys: [row.key] }, {})).deleted).toBe(1);
    await until('the deletion heard by the collector', () => total(own, 'removed') >= 1);

    // A fence: notices reach a listener in commit order, so once the collector's next rows are heard,
    // any echo of the deletion would have arrived before them.
    team.simulator.database('seed').seedWebhookRows(2);
    await collector.services.sync.syncNow(id);
    await until('the fence heard', () => total(heard, 'added') >= snapshot + 9);
    // The other process may hear the commit before the collector's engine has announced it here.
    await until('the fence announced by the collector', () => total(own, 'added') >= snapshot + 9);
    expect(heard.slice(heardBefore)).toEqual([
      { instanceId: id, added: 0, removed: 1 },
      { instanceId: id, added: 2, removed: 0, newestTimestamp: expect.any(String) },
    ]);
    expect(own.slice(ownBefore)).toEqual([
      { instanceId: id, added: 0, removed: 1 },
      { instanceId: id, added: 2, removed: 0, newestTimestamp: expect.any(String) },
    ]);
    // Every row once on each side: the counts match the mirror's.
    const mirrored = await watcher.services.changes.count({ instanceIds: [id], presence: 'all' });
    expect(mirrored).toBe(snapshot + 9);
    expect(total(own, 'added')).toBe(mirrored);
    expect(total(heard, 'added')).toBe(mirrored);
  }, 120_000);

  it('brings "Sync now" from a process without an engine to the collector that holds the instance', async () => {
    // An hour between polls: only the request can make the collector sync within the test's wait.
    await collector.services.instances.update(instanceId, { pollIntervalSeconds: 3600 });
    const heard = record(watcher);
    const synced = nextEvent(collector.services.sync.onDidChangeStatus, (status) => status.instanceId === instanceId && status.state === 'up-to-date');
    await collector.services.sync.syncNow(instanceId); // the changed interval applies from this pass on
    await synced;
    team.simulator.database('seed').seedWebhookRows(3);
    await watcher.services.sync.syncNow(instanceId);
    await until('the requested pass heard', () => total(heard, 'added') >= 3, 15_000);
    expect(heard).toEqual([{ instanceId, added: 3, removed: 0, newestTimestamp: expect.any(String) }]);
  }, 60_000);

  it('kicks the alert delivery of another collector, whose workbench shows the desktop alerts the syncing one cannot', async () => {
    // A second delivering process that syncs nothing: a workbench (its desktop notifier) is open on it.
    const shown: DesktopNotice[] = [];
    const other = await team.open({
      engine: 'in-thread',
      autoStart: false,
      desktopNotifier: (notice) => {
        shown.push(notice);
        return true;
      },
    });
    await other.services.alerts.save({ name: 'anything', condition: { kind: 'change', instanceIds: [instanceId] }, channels: [{ kind: 'desktop' }], timing: { groupSeconds: 0 } });
    // Let its dispatcher settle into its idle wait (a minute) before the rows come.
    await other.deliverAlerts(Date.now());
    team.simulator.database('seed').seedWebhookRows(3);
    await collector.services.sync.syncNow(instanceId);
    // The collector cannot show it (no workbench there): the other process, kicked by the notice, does, well within its idle minute.
    await until('the desktop alert shown by the other process', () => shown.length > 0, 15_000);
    expect(shown[0]).toMatchObject({ title: 'anything: 3 events' });
  }, 60_000);

  it('sends a notice only when its transaction commits, small, and skips payloads that are not notices', async () => {
    const listener = await openMirror(team.database, { listen: true });
    const writer = await openMirror(team.database);
    const payloads: string[] = [];
    const raw = await (writer.repositories as PgStore).sql.listen(CHANGES_CHANNEL, (payload) => payloads.push(payload));
    try {
      const notices: ChangesNotice[] = [];
      listener.onDidChangeData((notice) => notices.push(notice));
      const store = writer.repositories as PgStore;
      const instanceId = 'notify-probe';
      const row = { serverId: 1, model: 'res.partner', recordId: 1, event: 'create', ts: 1_764_590_400, userName: 'Administrator' } as const;
      // Rolled back: nothing is sent.
      await expect(
        store.sql.begin(async (tx) => {
          await store.mirror.insertChangesIn(tx, instanceId, 0, [row], {}, 1_764_590_400);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // Foreign payloads on the channel are ignored.
      await store.sql.notify(CHANGES_CHANNEL, 'not json');
      await store.sql.notify(CHANGES_CHANNEL, JSON.stringify({ origin: 'x', instanceId: 'y', added: -1, removed: 0 }));
      // Committed: sent once.
      expect(await store.mirror.insertChanges(instanceId, 0, [row], {}, 1_764_590_400)).toBe(1);
      expect(await store.mirror.insertChanges(instanceId, 0, [row], {}, 1_764_590_400)).toBe(0); // nothing new, nothing sent
      await until('the committed notice', () => notices.length >= 1);
      expect(notices).toEqual([{ instanceId, added: 1, removed: 0, newestTimestamp: '2025-12-01T12:00:00Z' }]);
      await until('the raw payloads', () => payloads.length >= 3);
      const sent = payloads.filter((payload) => parseChangeNotice(payload));
      expect(sent).toHaveLength(1);
      expect(Buffer.byteLength(sent[0])).toBeLessThan(300);
    } finally {
      await raw.unlisten();
      await writer.close();
      await listener.close();
    }
  });
});
