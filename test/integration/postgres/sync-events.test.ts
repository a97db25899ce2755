/**
 * Live sync activity across processes on the team mirror: two createServices over one PostgreSQL database
 * (as two `ocm serve` would be), one a collector syncing a simulator instance, the other with no engine
 * (`--no-collector`). The second's workbench sees the instance go 'syncing' then 'up-to-date', the
 * snapshot's progress, each log line once, and its statuses() report the live status, not the resting
 * one; the collector hears none of its own events twice. Also the wire: payloads trimmed below NOTIFY's
 * limit, and foreign payloads ignored.
 */
import { describe, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import type { InstanceId, InstanceStatus, Progress, SyncLogEntry } from '../../../src-main/common/model';
import { openMirror } from '../../../src-main/hosts/mirror-store';
import type { RunningServices } from '../../../src-main/hosts/services';
import type { PgStore } from '../../../src-main/store/postgres/pg-store';
import { SYNC_EVENTS_CHANNEL, type HeardSyncEvent } from '../../../src-main/store/postgres/sync-events';
import { postgresSkipReason } from '../../support/postgres';
import { teamProcesses } from '../../support/team-processes';
import { until } from '../../support/until';

/** The second collector's lease in the take-over test. */
const LEASE_SECONDS = 3;

const skip = postgresSkipReason();
if (skip) console.warn(skip);

/** Every status, log line and progress event a process's sync service fires. */
function record(app: RunningServices) {
  const events = { statuses: [] as InstanceStatus[], logs: [] as SyncLogEntry[], progress: [] as (Progress & { instanceId: InstanceId })[] };
  app.services.sync.onDidChangeStatus((status) => events.statuses.push(status));
  app.services.sync.onDidLog((entry) => events.logs.push(entry));
  app.services.sync.onDidProgress((progress) => events.progress.push(progress));
  return events;
}

/** `statuses` without the ones equal to the one before. */
function distinct(statuses: readonly InstanceStatus[]): InstanceStatus[] {
  return statuses.filter((status, index) => index === 0 || JSON.stringify(status) !== JSON.stringify(statuses[index - 1]));
}

const ROWS = 3_000;

describe.skipIf(Boolean(skip))('live sync activity across processes on PostgreSQL', () => {
  const team = teamProcesses({ databases: [{ name: 'big', module: true, syntheticRows: ROWS }] });
  let watcher: RunningServices;
  let collector: RunningServices;
  let instanceId: InstanceId;

  it("shows a process without an engine the collector's live status, progress and log lines, once each", async () => {
    watcher = await team.open({ engine: 'none' });
    const heard = record(watcher);
    // Small pages, so the snapshot reports progress several times.
    collector = await team.open({ engine: 'in-thread', collector: { holder: 'collector-a', leaseSeconds: 15 }, pass: { pageSize: 250, pipelineDepth: 1, deletionConcurrency: 8 } });
    const own = record(collector);

    const upToDate = nextEvent(collector.services.sync.onDidChangeStatus, (status) => status.state === 'up-to-date');
    const { id } = await collector.services.instances.add({ name: 'Jeddah ERP', url: team.simulator.url, db: 'big', login: 'admin', password: 'admin', transport: 'jsonrpc' });
    instanceId = id;
    const done = await upToDate;
    const snapshot = team.simulator.database('big').webhookRows().length;
    expect(snapshot).toBeGreaterThanOrEqual(ROWS);
    expect(done.changeCount).toBe(snapshot);
    await until('the up-to-date status heard', () => heard.statuses.some((status) => status.instanceId === id && status.state === 'up-to-date'));

    // 'syncing' before 'up-to-date', as the collector announced them.
    const states = heard.statuses.filter((status) => status.instanceId === id).map((status) => status.state);
    expect(states.indexOf('syncing')).toBeGreaterThanOrEqual(0);
    expect(states.indexOf('syncing')).toBeLessThan(states.lastIndexOf('up-to-date'));
    expect(heard.statuses.find((status) => status.state === 'up-to-date')).toMatchObject({ instanceId: id, changeCount: snapshot });

    // Progress of the snapshot, throttled: heard at least once, never more often than the collector's.
    const ownProgress = own.progress.filter((progress) => progress.instanceId === id);
    const heardProgress = heard.progress.filter((progress) => progress.instanceId === id);
    expect(ownProgress.length).toBeGreaterThan(3);
    expect(heardProgress.length).toBeGreaterThan(0);
    expect(heardProgress.length).toBeLessThanOrEqual(ownProgress.length);
    for (const progress of heardProgress) expect(ownProgress).toContainEqual(progress);
    expect(heardProgress.at(-1)?.done).toBeGreaterThan(0);

    // The live status, where the resting one would be 'idle'.
    const live = (await watcher.services.sync.statuses()).find((status) => status.instanceId === id);
    expect(live).toMatchObject({ state: 'up-to-date', changeCount: snapshot });
    expect(live).toEqual((await collector.services.sync.statuses()).find((status) => status.instanceId === id));

    // Every log line once, the same ones the collector wrote; the collector's own not doubled.
    await until('the log lines heard', () => heard.logs.length === own.logs.length);
    const ids = (entries: SyncLogEntry[]) => entries.map((entry) => entry.id);
    expect(own.logs.length).toBeGreaterThan(0);
    expect(new Set(ids(own.logs)).size).toBe(own.logs.length);
    expect(ids(heard.logs)).toEqual(ids(own.logs));
    expect(heard.logs).toEqual(own.logs);

    // New rows and a requested pass: the collector's status events are its engine's only (none echoed back).
    const ownStatusesBefore = own.statuses.length;
    const heardStatusesBefore = heard.statuses.length;
    const synced = nextEvent(watcher.services.sync.onDidChangeStatus, (status) => status.instanceId === id && status.state === 'up-to-date');
    team.simulator.database('big').seedWebhookRows(5);
    await watcher.services.sync.syncNow(id);
    expect((await synced).changeCount).toBe(snapshot + 5);
    // A status repeated unchanged is news to no one: the workbench hears it once.
    const announced = distinct(own.statuses.slice(ownStatusesBefore));
    await until('the statuses settled', () => heard.statuses.length - heardStatusesBefore >= announced.length);
    expect(heard.statuses.slice(heardStatusesBefore)).toEqual(announced);
    expect(own.logs.filter((entry) => entry.kind === 'poll' && entry.added === 5)).toHaveLength(1);
    await until('the poll line heard', () => heard.logs.length === own.logs.length);
    expect(heard.logs).toEqual(own.logs);
  }, 120_000);

  it("shows the next lease holder's status once it speaks, and the resting one a lease after the last holder stopped", async () => {
    // The first collector stops (releasing its lease); a second, with a three-second lease, takes the instance over.
    // (Leases of seconds, and bounds of two leases: the statuses are timed by a loaded machine's timers.)
    await team.close(collector);
    const heard = record(watcher);
    const next = await team.open({ engine: 'in-thread', collector: { holder: 'collector-b', leaseSeconds: LEASE_SECONDS } });
    await until('the new holder heard', () => heard.statuses.some((status) => status.instanceId === instanceId && status.state === 'up-to-date'));
    expect(next.leases?.held().has(instanceId)).toBe(true);
    expect((await watcher.services.sync.statuses()).find((status) => status.instanceId === instanceId)?.state).toBe('up-to-date');
    // Its statuses are repeated every third of its lease: still shown live after several leases.
    await new Promise((resolve) => setTimeout(resolve, 2.5 * LEASE_SECONDS * 1000));
    expect((await watcher.services.sync.statuses()).find((status) => status.instanceId === instanceId)?.state).toBe('up-to-date');
    await team.close(next);
    const stopped = Date.now();
    await until('the resting status', async () => (await watcher.services.sync.statuses()).find((status) => status.instanceId === instanceId)?.state === 'idle', 4 * LEASE_SECONDS * 1000);
    expect(Date.now() - stopped).toBeLessThan(2 * LEASE_SECONDS * 1000);
  }, 60_000);

  it('drops a payload that is not an event, and trims a long log line below the NOTIFY limit', async () => {
    const listener = await openMirror(team.database, { listen: true });
    const writer = await openMirror(team.database);
    const store = writer.repositories as PgStore;
    const raw: string[] = [];
    const rawListener = await store.sql.listen(SYNC_EVENTS_CHANNEL, (payload) => raw.push(payload));
    try {
      const events: HeardSyncEvent[] = [];
      listener.syncEvents?.onDidHear((event) => events.push(event));
      await store.sql.notify(SYNC_EVENTS_CHANNEL, 'not json');
      await store.sql.notify(SYNC_EVENTS_CHANNEL, JSON.stringify({ origin: 'x', ttlMs: 1000, kind: 'status', status: { state: 'syncing' } }));
      const message = 'ا'.repeat(6_000); // 12,000 bytes of UTF-8: over the limit as it is
      const entry: SyncLogEntry = { id: 7, instanceId: 'probe', at: '2026-12-01T12:00:00Z', level: 'error', kind: 'error', message, messageKey: 'sync.failed', params: { code: 'server-error' } };
      await writer.syncEvents?.publish({ kind: 'log', entry }, 5_000);
      await until('the trimmed line heard', () => events.length >= 1);
      expect(events).toHaveLength(1);
      const [heard] = events;
      expect(heard).toMatchObject({ kind: 'log', ttlMs: 5_000, entry: { id: 7, messageKey: 'sync.failed', params: { code: 'server-error' } } });
      if (heard.kind !== 'log') throw new Error('not a log line');
      expect(heard.entry.message).toHaveLength(1_000);
      expect(heard.entry.message.endsWith('…')).toBe(true);
      await until('the raw payloads', () => raw.length >= 3);
      expect(Math.max(...raw.map((payload) => Buffer.byteLength(payload)))).toBeLessThan(8_000);
    } finally {
      await rawListener.unlisten();
      await writer.close();
      await listener.close();
    }
  });
});
