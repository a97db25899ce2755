/**
 * Rules over everything the mirror holds, on a real mirror file: new error fingerprints, error rates,
 * unreachable and behind instances, value conditions; and the preview ("would have fired N times in the
 * last 7 days") agreeing with what the queue fires on the same rows. Rules are checked with clear messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertService } from '../../../src-main/alerts/alert-service';
import { sqlitePreviewer } from '../../../src-main/alerts/preview';
import type { AlertCondition } from '../../../src-main/common/alerts';
import type { InstanceStatus } from '../../../src-main/common/model';
import type { MirrorChange } from '../../../src-main/store/repositories/mirror';
import { createKeyFileVault } from '../../../src-main/store/secret-vault';
import { openStore, type Store } from '../../../src-main/store/store';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const now = Math.floor(NOW / 1000);
let dir: string;
let store: Store;
let service: AlertService;
let statuses: InstanceStatus[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-rules-'));
  store = openStore(join(dir, 'mirror.sqlite'));
  service = new AlertService({ store, preview: sqlitePreviewer(store.db), vault: createKeyFileVault(dir), deliver: false, statuses: async () => statuses, now: () => NOW });
});
afterAll(async () => {
  await service?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  for (const rule of await service.list()) await service.remove(rule.id);
});

async function rule(condition: AlertCondition): Promise<string> {
  return (await service.save({ name: `${condition.kind} ${Math.random()}`, condition, channels: [{ kind: 'desktop' }] })).id;
}

function fired(ruleId: string): { event_key: string; detail: string }[] {
  return store.db.prepare('SELECT event_key, detail FROM alert_events WHERE rule_id = ? ORDER BY id').all(ruleId) as { event_key: string; detail: string }[];
}

let errorId = 0;
function errors(instanceId: string, rows: { model?: string; message: string; ts: number }[]): void {
  store.mirror.insertErrors(instanceId, 0, rows.map((row) => ({ serverId: ++errorId, model: row.model ?? 'res.partner', recordId: 1, message: row.message, ts: row.ts })), {}, now);
}

describe('error rules', () => {
  it('fires once per new fingerprint per instance, and the preview agrees', async () => {
    const id = await rule({ kind: 'error-new', models: ['res.partner'] });
    errors('a', [
      { message: 'Timeout calling https://x.example/1 for res.partner 62', ts: now - 3600 },
      { message: 'Timeout calling https://x.example/2 for res.partner 63', ts: now - 3500 }, // same fingerprint
      { message: 'KeyError: partner_id', ts: now - 3400, model: 'sale.order' }, // out of scope
    ]);
    errors('b', [{ message: 'Timeout calling https://y.example/9 for res.partner 1', ts: now - 100 }]); // another instance: new there
    errors('a', [{ message: 'Timeout calling https://x.example/3 for res.partner 64', ts: now - 50 }]); // a later batch: not new
    expect(fired(id).map((event) => event.event_key.split(':').slice(0, 2).join(':'))).toEqual(['error-new:a', 'error-new:b']);
    const preview = await service.preview({ kind: 'error-new', models: ['res.partner'] });
    expect(preview.events).toBe(2);
    expect(preview.samples[0]).toMatchObject({ kind: 'error', instanceId: 'b' });
  });

  it('fires when a fingerprint reaches the rate, once per window, and the preview agrees', async () => {
    const condition: AlertCondition = { kind: 'error-rate', count: 3, windowMinutes: 10 };
    const id = await rule(condition);
    const base = Math.floor((now - 86400) / 600) * 600; // the start of a 10-minute window, yesterday
    const burst = (start: number, count: number, step: number) => Array.from({ length: count }, (_, index) => ({ message: 'Deadlock detected for sale.order 7', ts: start + index * step }));
    errors('rate', burst(base + 10, 2, 60)); // two: under the rate
    errors('rate', burst(base + 200, 3, 30)); // now five in ten minutes: fires
    errors('rate', burst(base + 400, 2, 10)); // same window: not again
    errors('rate', burst(base + 3 * 3600, 2, 60)); // hours later: only two
    errors('rate', burst(base + 6 * 3600, 3, 1)); // a new burst: fires again
    expect(fired(id)).toHaveLength(2);
    expect(JSON.parse(fired(id)[0].detail)).toMatchObject({ kind: 'error', count: 3 });
    expect((await service.preview(condition)).events).toBe(2);
  });
});

describe('instance rules', () => {
  const status = (state: InstanceStatus['state'], lastSyncMinutesAgo?: number): InstanceStatus => ({
    instanceId: 'erp',
    state,
    changeCount: 0,
    removedCount: 0,
    errorCount: 0,
    errorLog: 'readable',
    richFields: [],
    canDeleteChanges: false,
    ...(lastSyncMinutesAgo === undefined ? {} : { lastSyncAt: new Date(NOW - lastSyncMinutesAgo * 60_000).toISOString() }),
  });

  it('fires once per outage when an instance is unreachable or behind for long enough', async () => {
    const unreachable = await rule({ kind: 'instance-unreachable', minutes: 10 });
    const behind = await rule({ kind: 'instance-behind', minutes: 30 });
    statuses = [status('offline', 5)];
    expect(await service.checkInstances()).toBe(0);
    statuses = [status('offline', 12)];
    expect(await service.checkInstances()).toBe(1);
    expect(await service.checkInstances()).toBe(0); // the same outage
    statuses = [status('up-to-date', 40)]; // reachable, but its last sync is old: behind
    expect(await service.checkInstances()).toBe(1);
    statuses = [status('paused', 400)];
    expect(await service.checkInstances()).toBe(0);
    expect(JSON.parse(fired(unreachable)[0].detail)).toMatchObject({ kind: 'instance', condition: 'unreachable', minutes: 12 });
    expect(fired(behind)).toHaveLength(1);
  });

  it('estimates the preview from the sync log', async () => {
    const log = (minutesAgo: number, level: 'info' | 'error') => store.db.prepare("INSERT INTO sync_log (instance_id, at, level, kind, message) VALUES ('erp', ?, ?, ?, 'x')").run(now - minutesAgo * 60, level, level === 'error' ? 'offline' : 'poll');
    log(300, 'info');
    for (const minutes of [290, 285, 275, 260]) log(minutes, 'error'); // 30 minutes failing
    log(250, 'info');
    log(100, 'error');
    log(98, 'error'); // two minutes: too short
    log(90, 'info');
    const preview = await service.preview({ kind: 'instance-unreachable', minutes: 15 });
    expect(preview).toMatchObject({ events: 1, estimated: true });
  });
});

describe('change rules', () => {
  it('fire on a value condition, and the preview counts what the queue fires', async () => {
    const condition: AlertCondition = { kind: 'change', models: ['product.template'], field: 'list_price', value: { text: '12.50', side: 'new' } };
    const id = await rule(condition);
    const price = (serverId: number, old: string, value: string, ts: number): MirrorChange => ({
      serverId, model: 'product.template', recordId: 5, event: 'write', ts, changedFields: 'list_price',
      values: [{ field: 'list_price', label: 'Sales Price', type: 'monetary', old, new: value }],
    });
    store.mirror.insertChanges('shop', 0, [price(1, '10.00 USD', '12.50 USD', now - 600), price(2, '12.50 USD', '14.00 USD', now - 500), price(3, '9.00 USD', '12.50 USD', now - 400)], {}, now);
    expect(fired(id)).toHaveLength(2);
    expect(JSON.parse(fired(id)[0].detail).values[0]).toMatchObject({ field: 'list_price', new: '12.50 USD' });
    // Each event names the mirrored row it came from (rows are inserted many per statement).
    const rowIds = store.db.prepare("SELECT id FROM changes WHERE instance_id = 'shop' AND server_id IN (1, 3) ORDER BY server_id").pluck().all();
    expect(fired(id).map((event) => event.event_key)).toEqual(rowIds.map((rowId) => `change:${String(rowId)}`));
    const preview = await service.preview(condition);
    expect(preview.events).toBe(2);
    expect(preview.samples.map((sample) => sample.values?.[0].old)).toEqual(['9.00 USD', '10.00 USD']);
  });

  it('refuses what it cannot fire on, saying what to do', async () => {
    const save = (patch: object) => service.save({ name: 'x', condition: { kind: 'change' }, channels: [{ kind: 'desktop' }], ...patch } as never);
    await expect(save({ name: '  ' })).rejects.toThrow('An alert rule needs a name.');
    await expect(save({ channels: [] })).rejects.toThrow(/at least one delivery/);
    await expect(save({ channels: [{ kind: 'email', to: ['not-an-address'] }] })).rejects.toThrow('"not-an-address" is not an e-mail address.');
    await expect(save({ channels: [{ kind: 'webhook', url: 'ftp://x', secret: 'a'.repeat(20) }] })).rejects.toThrow(/must start with https:\/\/ or http:\/\//);
    await expect(save({ channels: [{ kind: 'webhook', url: 'https://x.example', secret: 'short' }] })).rejects.toThrow(/at least 16 characters/);
    await expect(save({ condition: { kind: 'error-rate', count: 0, windowMinutes: 5 } })).rejects.toThrow(/number of errors must be a whole number from 1/);
    await expect(save({ timing: { quietHours: { start: '25:00', end: '07:00' } } })).rejects.toThrow(/"25:00" is not a time of day/);
    await expect(save({ timing: { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } } })).rejects.toThrow(/"Mars\/Olympus" is not a time zone/);
    await save({ name: 'taken' });
    await expect(save({ name: 'TAKEN' })).rejects.toThrow(/already exists/);
  });
});
