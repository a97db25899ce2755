/**
 * How messages are paced, on a real mirror file with a real webhook receiver and a clock the test moves:
 * a burst becomes one message after the grouping window, the throttle holds the next burst back, quiet
 * hours hold messages until they end, and `flush` (ocm sync) groups at once but respects quiet hours.
 * Also: the events are queued in the rows' own transaction, only for the rows it added.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertTiming } from '../../../src-main/common/alerts';
import { AlertService } from '../../../src-main/alerts/alert-service';
import { AlertDispatcher } from '../../../src-main/alerts/dispatcher';
import { AlertSecrets } from '../../../src-main/alerts/secrets';
import { sqlitePreviewer } from '../../../src-main/alerts/preview';
import type { MirrorChange } from '../../../src-main/store/repositories/mirror';
import { createKeyFileVault } from '../../../src-main/store/secret-vault';
import { openStore, type Store } from '../../../src-main/store/store';
import { startWebhookReceiver, type WebhookReceiver } from './receivers';

const SECRET = 'pacing-secret-0123456789abcdef';
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0); // a Monday, 12:00 UTC
let dir: string;
let store: Store;
let webhook: WebhookReceiver;
let service: AlertService;
let dispatcher: AlertDispatcher;
let clock = T0;
let serverId = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-pacing-'));
  store = openStore(join(dir, 'mirror.sqlite'));
  webhook = await startWebhookReceiver(SECRET);
  const vault = createKeyFileVault(dir);
  // The service saves rules (sealing the secret); the test drives the worker itself, on its clock.
  service = new AlertService({ store, preview: sqlitePreviewer(store.db), vault, deliver: false, now: () => clock });
  dispatcher = new AlertDispatcher({ alerts: store.alerts, instances: store.instances, secrets: new AlertSecrets(vault, store.alerts), now: () => clock });
});

afterAll(async () => {
  await dispatcher?.close();
  await service?.close();
  store?.close();
  await webhook?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const rule of await service.list()) await service.remove(rule.id);
  webhook.received.length = 0;
});

async function rule(timing: Partial<AlertTiming>): Promise<string> {
  return (await service.save({ name: `rule ${Math.random()}`, condition: { kind: 'change', models: ['res.partner'] }, channels: [{ kind: 'webhook', url: webhook.url, secret: SECRET }], timing })).id;
}

/** Stores `count` partner writes seen at the clock's time (as a sync page would). */
function store_(count: number): number {
  const rows: MirrorChange[] = Array.from({ length: count }, () => ({ serverId: ++serverId, model: 'res.partner', recordId: 7, event: 'write', ts: Math.floor(clock / 1000), changedFields: 'phone' }));
  return store.mirror.insertChanges('inst', 0, rows, { changeCursor: serverId }, Math.floor(clock / 1000));
}

const at = (seconds: number) => {
  clock = T0 + seconds * 1000;
};

describe('pacing', () => {
  it('groups a burst into one message once its window has passed', async () => {
    await rule({ groupSeconds: 30 });
    at(0);
    store_(3);
    at(10);
    store_(2);
    await dispatcher.runOnce();
    expect(store.alerts.deliveries()).toHaveLength(0);
    at(31);
    await dispatcher.runOnce();
    const [hook] = await webhook.waitFor(1);
    expect(hook.payload.eventCount).toBe(5);
    expect(new Set(hook.payload.events.map((event) => event.key)).size).toBe(5);
  });

  it('throttles: the next burst waits until the rule may send again, then goes as one', async () => {
    await rule({ groupSeconds: 0, throttleSeconds: 600 });
    at(1000);
    store_(1);
    await dispatcher.runOnce();
    await webhook.waitFor(1);
    at(1060);
    store_(4);
    at(1300);
    await dispatcher.runOnce();
    expect(webhook.received).toHaveLength(1);
    expect(store.alerts.waiting()).toEqual([expect.objectContaining({ events: 4 })]);
    at(1600);
    await dispatcher.runOnce();
    const hooks = await webhook.waitFor(2);
    expect(hooks[1].payload.eventCount).toBe(4);
  });

  it('holds messages during quiet hours and sends them, grouped, when they end; flush respects them too', async () => {
    await rule({ groupSeconds: 0, quietHours: { start: '11:00', end: '13:30', timeZone: 'UTC' } });
    at(0); // 12:00 UTC: quiet
    store_(2);
    await dispatcher.runOnce({ flush: true });
    at(3600); // 13:00: still quiet
    store_(1);
    await dispatcher.runOnce();
    expect(webhook.received).toHaveLength(0);
    at(5400); // 13:30: over
    await dispatcher.runOnce();
    const [hook] = await webhook.waitFor(1);
    expect(hook.payload.eventCount).toBe(3);
  });

  it('flush groups at once, whatever the window and the throttle', async () => {
    await rule({ groupSeconds: 3600, throttleSeconds: 3600 });
    at(10_000);
    store_(2);
    await dispatcher.runOnce({ flush: true });
    expect((await webhook.waitFor(1))[0].payload.eventCount).toBe(2);
  });
});

describe('edits while a delivery waits', () => {
  it('a rule renamed between two attempts still sends to its webhook', async () => {
    const id = await rule({ groupSeconds: 0 });
    webhook.answer = 503;
    at(30_000);
    store_(1);
    await dispatcher.runOnce();
    expect(store.alerts.deliveries({ ruleId: id })[0]).toMatchObject({ state: 'pending', attempts: 1 });
    const saved = (await service.list()).find((candidate) => candidate.id === id)!;
    await service.save({ id, name: 'renamed while waiting', condition: saved.condition, channels: [{ kind: 'webhook', url: webhook.url }], timing: saved.timing });
    webhook.answer = 200;
    at(30_100); // past the first backoff (30 s)
    await dispatcher.runOnce();
    expect(store.alerts.deliveries({ ruleId: id })[0]).toMatchObject({ state: 'sent', attempts: 2, ruleName: 'renamed while waiting' });
    expect((await webhook.waitFor(1))[0].payload.rule.name).toBe('renamed while waiting');
  });
});

describe('the queue in the insert transaction', () => {
  it('queues events only for rows the insert added, and none when the transaction rolls back', async () => {
    await rule({ groupSeconds: 3600 });
    at(20_000);
    const before = Number(store.db.prepare('SELECT count(*) FROM alert_events').pluck().get());
    const rows: MirrorChange[] = [{ serverId: 900_001, model: 'res.partner', recordId: 1, event: 'write', ts: 1 }, { serverId: 900_002, model: 'sale.order', recordId: 1, event: 'write', ts: 1 }];
    expect(store.mirror.insertChanges('inst', 0, rows, {}, 1)).toBe(2);
    expect(store.mirror.insertChanges('inst', 0, rows, {}, 1)).toBe(0); // the same rows again: nothing new
    const after = Number(store.db.prepare('SELECT count(*) FROM alert_events').pluck().get());
    expect(after - before).toBe(1); // only the partner row matches
    // A failing transaction (an outer one rolls back) keeps neither the row nor its event.
    expect(() =>
      store.db.transaction(() => {
        store.mirror.insertChanges('inst', 0, [{ serverId: 900_003, model: 'res.partner', recordId: 2, event: 'write', ts: 1 }], {}, 1);
        throw new Error('crash after insert');
      })(),
    ).toThrow('crash after insert');
    expect(Number(store.db.prepare('SELECT count(*) FROM changes WHERE server_id = 900003').pluck().get())).toBe(0);
    expect(Number(store.db.prepare('SELECT count(*) FROM alert_events').pluck().get())).toBe(after);
  });
});
