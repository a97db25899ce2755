/**
 * Alerts on the team mirror: the PostgreSQL alert repository, queue and preview against their SQLite
 * twins on the same input, with identical answers required (rules, the outbox's grouping, claims,
 * retries and log, the e-mail server; the events the queue fires on the same rows; the preview of every
 * kind of condition). Also what only a shared server has: collectors claiming at once never get the same
 * delivery, and a rule saved by one pool reaches another pool's queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../../src-main/alerts/alert-service';
import { previewCondition } from '../../../src-main/alerts/preview';
import { pgPreviewCondition, pgPreviewer } from '../../../src-main/alerts/pg-preview';
import type { AlertChannelKind, AlertCondition, AlertEvent } from '../../../src-main/common/alerts';
import { OcmError } from '../../../src-main/common/errors';
import { errorFingerprint } from '../../../src-main/store/fingerprint';
import type { AlertsPort } from '../../../src-main/store/ports';
import { AlertQueue } from '../../../src-main/store/alert-queue';
import { PgAlertQueue } from '../../../src-main/store/postgres/alert-queue';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { migratePostgres } from '../../../src-main/store/postgres/migrate';
import { PgAlertRepository } from '../../../src-main/store/postgres/repositories/alerts';
import { copySqliteToPostgres } from '../../../src-main/store/postgres/sqlite-copy';
import type { StoredChannel } from '../../../src-main/store/repositories/alerts';
import type { InsertedChange, InsertedError, MirrorChange, MirrorError } from '../../../src-main/store/repositories/mirror';
import { createKeyFileVault } from '../../../src-main/store/secret-vault';
import { openStore, type Store } from '../../../src-main/store/store';
import { startWebhookReceiver } from '../alerts/receivers';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

const NOW = Math.floor(Date.UTC(2026, 10, 30, 12, 0, 0) / 1000);

/** The outcome of one step: its value, or the error it threw (code and message). */
async function outcome(step: () => unknown): Promise<unknown> {
  try {
    return { value: await step() };
  } catch (error) {
    if (error instanceof OcmError) return { error: error.code, message: error.message };
    throw error;
  }
}

describe.skipIf(Boolean(skip))('alerts on PostgreSQL answer as on SQLite', () => {
  let server: TestPostgres;
  let dir: string;
  const pools: PgConnection[] = [];
  const stores: Store[] = [];

  /** A fresh SQLite store and a fresh, migrated PostgreSQL database. */
  async function fresh(name: string): Promise<{ lite: Store; pg: PgConnection; url: string }> {
    const lite = openStore(join(dir, `${name}.sqlite`));
    stores.push(lite);
    const url = await server.createDatabase(name.replace(/\W/g, '_'));
    const pg = await openPostgres(url);
    pools.push(pg);
    await migratePostgres(pg);
    return { lite, pg, url };
  }

  beforeAll(async () => {
    server = await startTestPostgres();
    dir = mkdtempSync(join(tmpdir(), 'ocm-pg-alerts-'));
  }, 120_000);

  afterAll(async () => {
    for (const pool of pools) await closePostgres(pool);
    for (const store of stores) store.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the repository: rules, grouping, claims, retries, the log, removal and the e-mail server', async () => {
    const { lite, pg } = await fresh('repository');
    const scenario = async (alerts: AlertsPort): Promise<unknown[]> => {
      const steps: unknown[] = [];
      const step = async (label: string, run: () => unknown) => steps.push([label, await outcome(run)]);
      const webhook = { kind: 'webhook' as const, target: 'https://hooks.example/ocm', secret: 'sealed-secret' };
      const email = { kind: 'email' as const, target: 'ops@example.com,cto@example.com' };
      const price: AlertCondition = { kind: 'change', models: ['product.template'], field: 'list_price', value: { text: '12' } };
      await step('revision before', () => alerts.revision());
      await step('save', () => alerts.save({ id: 'r-price', name: 'Price changes', enabled: true, condition: price, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [webhook, email] }, NOW));
      await step('save', () => alerts.save({ id: 'r-errors', name: 'alpha errors', enabled: true, condition: { kind: 'error-new' }, timing: { groupSeconds: 0, throttleSeconds: 60, quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Riyadh' } }, channels: [{ kind: 'desktop' }] }, NOW));
      await step('save', () => alerts.save({ id: 'r-off', name: 'Beta (off)', enabled: false, condition: { kind: 'instance-behind', minutes: 30 }, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [] }, NOW));
      await step('name taken, another case', () => alerts.save({ id: 'r-clash', name: 'PRICE CHANGES', enabled: true, condition: price, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [] }, NOW));
      await step('list by name, case folded', () => alerts.list());
      await step('get', () => alerts.get('r-price'));
      await step('get missing', () => alerts.get('nope'));
      await step('edit', () => alerts.save({ id: 'r-price', name: 'price changes', enabled: true, condition: price, timing: { groupSeconds: 60, throttleSeconds: 0 }, channels: [email, webhook] }, NOW + 10));
      await step('edited', () => alerts.get('r-price'));
      await step('revision after edits', () => alerts.revision());
      const event = (ruleId: string, key: string, at: number): { ruleId: string; eventKey: string; instanceId: string; at: number; detail: AlertEvent } => ({
        ruleId,
        eventKey: key,
        instanceId: 'inst-prod',
        at,
        detail: { key: `k-${key}`, kind: 'change', instanceId: 'inst-prod', at: new Date(at * 1000).toISOString(), model: 'product.template', recordId: 7, event: 'write', values: [{ field: 'list_price', label: 'Sales Price', type: 'monetary', old: '10.00 USD', new: '12.50 USD' }] },
      });
      await step('queue', () => alerts.queue([event('r-price', 'change:1', NOW - 50), event('r-price', 'change:2', NOW - 40), event('r-price', 'change:1', NOW - 50)], NOW));
      await step('queue again (already queued)', () => alerts.queue([event('r-price', 'change:2', NOW - 40), event('r-errors', 'error-new:inst-prod:x', NOW - 30)], NOW + 1));
      await step('queue nothing', () => alerts.queue([], NOW));
      await step('has event', () => alerts.hasEvent('r-price', 'change:2'));
      await step('has no event', () => alerts.hasEvent('r-price', 'change:3'));
      await step('waiting', () => alerts.waiting());
      await step('no message yet', () => alerts.lastMessageAt('r-price'));
      const rule = (await alerts.get('r-price'))!;
      await step('cut', () => alerts.cutMessage('r-price', rule.channels, NOW + 60));
      await step('cut with nothing waiting', () => alerts.cutMessage('r-price', rule.channels, NOW + 61));
      await step('message events', () => alerts.messageEvents(1));
      await step('last message', () => alerts.lastMessageAt('r-price'));
      await step('waiting after the cut', () => alerts.waiting());
      await step('nothing to claim of a kind', () => alerts.claim(['desktop'], NOW + 60, 120));
      await step('no kinds', () => alerts.claim([], NOW + 60, 120));
      await step('claim the first', () => alerts.claim(['webhook', 'email'], NOW + 60, 120));
      await step('claim the second', () => alerts.claim(['webhook', 'email'], NOW + 60, 120));
      await step('both leased', () => alerts.claim(['webhook', 'email'], NOW + 60, 120));
      await step('next due (leases)', () => alerts.nextDue(['webhook', 'email']));
      await step('retry later', () => alerts.markFailed(1, 'HTTP 500 from the receiver', NOW + 61, NOW + 90));
      await step('postpone', () => alerts.postpone(2, 'Quiet hours', NOW + 300, NOW + 61));
      await step('next due', () => alerts.nextDue(['webhook', 'email']));
      await step('no kinds due', () => alerts.nextDue([]));
      await step('pending', () => alerts.pendingCount());
      await step('pending e-mail', () => alerts.pendingCount(['email']));
      await step('not due yet', () => alerts.claim(['webhook', 'email'], NOW + 89, 120));
      await step('claim the retry', () => alerts.claim(['webhook', 'email'], NOW + 90, 120));
      await step('sent', () => alerts.markSent(1, NOW + 91));
      await step('claim postponed', () => alerts.claim(['email'], NOW + 300, 120));
      await step('give up', () => alerts.markFailed(2, 'Mailbox unavailable. Gave up after 1 attempt.', NOW + 301));
      await step('log', () => alerts.deliveries());
      await step('log of a rule, limited', () => alerts.deliveries({ ruleId: 'r-price', limit: 1 }));
      await step('log line', () => alerts.delivery(2));
      await step('no log line', () => alerts.delivery(99));
      const errorsRule = (await alerts.get('r-errors'))!;
      await step('cut for desktop', () => alerts.cutMessage('r-errors', errorsRule.channels, NOW + 400));
      await step('queue before removal', () => alerts.queue([event('r-errors', 'error-new:inst-prod:y', NOW + 401)], NOW + 401));
      await step('remove', () => alerts.remove('r-errors', NOW + 500));
      await step('remove again', () => alerts.remove('r-errors', NOW + 501));
      await step('after removal', () => Promise.all([alerts.list(), alerts.waiting(), alerts.deliveries(), alerts.pendingCount(), alerts.revision()]));
      await step('no e-mail server', () => alerts.smtp());
      await step('set e-mail server', () => alerts.setSmtp({ host: 'smtp.example.com', port: 587, secure: false, user: 'ocm', from: 'OCM <ocm@example.com>', password: 'sealed' }));
      await step('e-mail server', () => alerts.smtp());
      await step('replace e-mail server', () => alerts.setSmtp({ host: 'mail.example.com', port: 465, secure: true, from: 'ocm@example.com' }));
      await step('replaced', () => alerts.smtp());
      await step('remove e-mail server', () => alerts.setSmtp(undefined));
      await step('removed', () => alerts.smtp());
      return steps;
    };
    const sqlite = await scenario(lite.alerts);
    const postgres = await scenario(new PgAlertRepository(pg));
    expect(postgres).toEqual(sqlite);
    // The scenario did what it says (not two stores agreeing on nothing).
    const find = (label: string) => (sqlite as [string, { value?: unknown; error?: string }][]).filter(([name]) => name === label).map(([, result]) => result);
    expect(find('name taken, another case')[0]).toMatchObject({ error: 'conflict' });
    expect(find('list by name, case folded')[0].value).toMatchObject([{ name: 'alpha errors' }, { name: 'Beta (off)' }, { name: 'Price changes' }]);
    expect(find('claim the retry')[0].value).toMatchObject({ id: 1, attempts: 2 });
    expect(find('remove again')[0]).toMatchObject({ error: 'not-found' });
    expect((find('after removal')[0].value as unknown[])[2]).toMatchObject([{ id: 3, state: 'failed', error: 'The rule was removed.' }, { id: 2, state: 'failed' }, { id: 1, state: 'sent' }]);
  });

  it('a rule name taken by a concurrent save is refused with the same message', async () => {
    const { pg } = await fresh('save_race');
    const alerts = new PgAlertRepository(pg);
    const save = (id: string) => alerts.save({ id, name: 'Same name', enabled: true, condition: { kind: 'error-new' }, timing: { groupSeconds: 0, throttleSeconds: 0 }, channels: [] }, NOW).then(() => 'saved', (error: unknown) => (error instanceof OcmError ? `${error.code}: ${error.message}` : String(error)));
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(save));
    expect(results.filter((result) => result === 'saved')).toHaveLength(1);
    expect(results.filter((result) => result !== 'saved')).toEqual(Array(3).fill('conflict: An alert rule named "Same name" already exists.'));
  });

  describe('the queue fires the same events on the same rows and rules', () => {
    const RULES: { id: string; enabled?: boolean; condition: AlertCondition }[] = [
      { id: 'price', condition: { kind: 'change', models: ['product.template'], field: 'list_price' } },
      { id: 'price-value', condition: { kind: 'change', field: 'list_price', value: { text: '12.50' } } },
      { id: 'deletes-by-admin', condition: { kind: 'change', events: ['unlink'], users: ['Administrator'] } },
      { id: 'other-instance', condition: { kind: 'change', instanceIds: ['inst-demo'] } },
      { id: 'disabled', enabled: false, condition: { kind: 'change' } },
      { id: 'new-errors', condition: { kind: 'error-new', models: ['sale.order', 'res.partner'] } },
      { id: 'error-burst', condition: { kind: 'error-rate', count: 3, windowMinutes: 10 } },
      { id: 'error-pair', condition: { kind: 'error-rate', count: 2, windowMinutes: 1, models: ['sale.order'] } },
    ];
    const CHANGE_BATCHES: MirrorChange[][] = [
      [
        { serverId: 1, model: 'product.template', recordId: 7, event: 'write', ts: NOW - 600, userName: 'Administrator', changedFields: 'list_price, name', values: [{ field: 'list_price', label: 'Sales Price', type: 'monetary', old: '10.00 USD', new: '12.50 USD' }] },
        { serverId: 2, model: 'product.template', recordId: 8, event: 'write', ts: NOW - 590, changedFields: 'name' },
        { serverId: 3, model: 'res.partner', recordId: 9, event: 'unlink', ts: NOW - 580, userName: 'Administrator' },
      ],
      [
        { serverId: 4, model: 'res.partner', recordId: 10, event: 'unlink', ts: NOW - 500, userName: 'Mitchell Admin' },
        { serverId: 5, model: 'sale.order', recordId: 11, event: 'write', ts: NOW - 490, changedFields: 'list_price', values: [{ field: 'list_price', label: 'Price', type: 'float', old: 12.5, new: 13 }] },
      ],
    ];
    const message = (n: number) => `Timeout posting https://hooks.example/${n}: read timed out after ${n} s`;
    const ERROR_BATCHES: MirrorError[][] = [
      [
        { serverId: 1, model: 'sale.order', recordId: 1, message: message(1), ts: NOW - 300 },
        { serverId: 2, model: 'sale.order', recordId: 2, message: message(2), ts: NOW - 280 },
        { serverId: 3, model: 'account.move', recordId: 3, message: 'KeyError: partner_id', ts: NOW - 270 },
      ],
      [
        { serverId: 4, model: 'sale.order', recordId: 4, message: message(4), ts: NOW - 260 },
        { serverId: 5, model: 'res.partner', recordId: 5, message: 'KeyError: partner_id', ts: NOW - 100 },
        { serverId: 6, model: 'res.partner', recordId: 6, message: 'ValueError: bad vat 123', ts: NOW - 100 },
        { serverId: 7, model: 'sale.order', recordId: 7, message: message(7), ts: NOW + 400 },
      ],
      [{ serverId: 8, model: 'sale.order', recordId: 8, message: message(8), ts: NOW + 401 }],
    ];

    it('change, error-new and error-rate rules, over several batches', async () => {
      const { lite, pg } = await fresh('queue');
      const pgAlerts = new PgAlertRepository(pg);
      for (const rule of RULES) {
        const stored = { id: rule.id, name: rule.id, enabled: rule.enabled ?? true, condition: rule.condition, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [{ kind: 'desktop' as const }] };
        lite.alerts.save(stored, NOW);
        await pgAlerts.save(stored, NOW);
      }
      const queue = new PgAlertQueue(pgAlerts);
      const liteQueue = new AlertQueue(lite.db, lite.alerts);
      const wants: boolean[][] = [];
      for (const [index, rows] of CHANGE_BATCHES.entries()) {
        lite.mirror.insertChanges('inst-prod', 0, rows, {}, NOW + index);
        for (const instanceId of ['inst-prod', 'inst-demo']) {
          wants.push([await queue.wantsChanges(instanceId), liteQueue.wantsChanges(instanceId), await queue.wantsErrors(instanceId), liteQueue.wantsErrors(instanceId)]);
        }
        await pg.begin(async (tx) => {
          const inserted: InsertedChange[] = [];
          for (const row of rows) {
            const [{ id }] = await tx.unsafe(
              `INSERT INTO changes (instance_id, server_id, model, record_id, event, ts, first_seen_at, user_name, changed_fields, field_values) VALUES ('inst-prod', $1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb) RETURNING id`,
              [row.serverId, row.model, row.recordId, row.event, row.ts, NOW + index, row.userName ?? null, row.changedFields ?? null, row.values ? JSON.stringify(row.values) : null] as never[],
            );
            inserted.push({ ...row, id: Number(id) });
          }
          await queue.changesInserted(tx, 'inst-prod', inserted, NOW + index);
        });
      }
      for (const [index, rows] of ERROR_BATCHES.entries()) {
        lite.mirror.insertErrors('inst-prod', 0, rows, {}, NOW + 10 + index);
        expect(await queue.wantsErrors('inst-prod')).toBe(true);
        await pg.begin(async (tx) => {
          const inserted: InsertedError[] = [];
          for (const row of rows) {
            const fingerprint = errorFingerprint(row.message);
            const [{ id }] = await tx.unsafe(
              `INSERT INTO errors (instance_id, server_id, model, record_id, message, fingerprint, ts, first_seen_at) VALUES ('inst-prod', $1, $2, $3, $4, $5, $6, $7) RETURNING id`,
              [row.serverId, row.model, row.recordId, row.message, fingerprint, row.ts, NOW + 10 + index] as never[],
            );
            inserted.push({ ...row, id: Number(id), fingerprint });
          }
          await queue.errorsInserted(tx, 'inst-prod', inserted, NOW + 10 + index);
        });
      }
      expect(wants).toEqual(Array(4).fill([true, true, true, true]));
      const liteEvents = (lite.db.prepare('SELECT rule_id, event_key, instance_id, at, queued_at, detail FROM alert_events ORDER BY id').all() as { detail: string }[]).map((row) => ({ ...row, detail: JSON.parse(row.detail) as unknown }));
      const pgEvents = await pg.unsafe('SELECT rule_id, event_key, instance_id, at, queued_at, detail FROM alert_events ORDER BY id');
      expect([...pgEvents]).toEqual(liteEvents);
      // What fired, by rule: the scenario exercises every kind.
      const byRule = (rule: string) => liteEvents.filter((event) => (event as unknown as { rule_id: string }).rule_id === rule).map((event) => (event as unknown as { event_key: string }).event_key);
      expect(byRule('price')).toEqual(['change:1']);
      expect(byRule('price-value')).toEqual(['change:1']);
      expect(byRule('deletes-by-admin')).toEqual(['change:3']);
      expect(byRule('other-instance')).toEqual([]);
      expect(byRule('disabled')).toEqual([]);
      expect(byRule('new-errors')).toEqual([`error-new:inst-prod:${errorFingerprint(message(1))}`, `error-new:inst-prod:${errorFingerprint('ValueError: bad vat 123')}`]);
      const burst = Math.floor((NOW - 260) / 600);
      expect(byRule('error-burst')).toEqual([`error-rate:inst-prod:${errorFingerprint(message(1))}:${burst}`]);
      expect(byRule('error-pair')).toEqual([Math.floor((NOW - 260) / 60), Math.floor((NOW + 401) / 60)].map((minute) => `error-rate:inst-prod:${errorFingerprint(message(1))}:${minute}`));
    });

    it('a rule saved through another pool reaches the queue at its next transaction', async () => {
      const { pg, url } = await fresh('queue_revision');
      const other = await openPostgres(url);
      pools.push(other);
      const queue = new PgAlertQueue(new PgAlertRepository(pg));
      expect(await queue.wantsChanges('inst-prod')).toBe(false);
      await new PgAlertRepository(other).save({ id: 'demo', name: 'demo only', enabled: true, condition: { kind: 'change', instanceIds: ['inst-demo'] }, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [] }, NOW);
      expect([await queue.wantsChanges('inst-prod'), await queue.wantsChanges('inst-demo'), await queue.wantsErrors('inst-demo')]).toEqual([false, true, false]);
      await new PgAlertRepository(other).save({ id: 'later', name: 'later', enabled: true, condition: { kind: 'change' }, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [] }, NOW);
      expect(await queue.wantsChanges('inst-prod')).toBe(true);
      await new PgAlertRepository(other).save({ id: 'later', name: 'later', enabled: false, condition: { kind: 'change' }, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [] }, NOW);
      expect(await queue.wantsChanges('inst-prod')).toBe(false);
    });
  });

  it('collectors claiming at once never get the same delivery', async () => {
    const { pg, url } = await fresh('claims');
    const alerts = new PgAlertRepository(pg);
    const channels: Omit<StoredChannel, 'id'>[] = [{ kind: 'webhook', target: 'https://a.example/hook', secret: 's' }, { kind: 'email', target: 'ops@example.com' }];
    await alerts.save({ id: 'r', name: 'r', enabled: true, condition: { kind: 'change' }, timing: { groupSeconds: 0, throttleSeconds: 0 }, channels }, NOW);
    const rule = (await alerts.get('r'))!;
    const MESSAGES = 60;
    for (let index = 0; index < MESSAGES; index++) {
      await alerts.queue([{ ruleId: 'r', eventKey: `change:${index}`, instanceId: 'inst-prod', at: NOW, detail: { key: String(index), kind: 'change', instanceId: 'inst-prod', at: '2026-11-30T12:00:00Z' } }], NOW);
      await alerts.cutMessage('r', rule.channels, NOW);
    }
    const deliveries = MESSAGES * channels.length;
    // Three collectors, each with its own pool of connections, claiming as fast as they can.
    const collectors = await Promise.all([0, 1, 2].map(async () => {
      const pool = await openPostgres(url, { max: 4 });
      pools.push(pool);
      return new PgAlertRepository(pool);
    }));
    const kinds: AlertChannelKind[] = ['webhook', 'email'];
    const claimed = await Promise.all(
      collectors.flatMap((collector) =>
        [0, 1, 2, 3].map(async () => {
          const ids: number[] = [];
          for (;;) {
            const delivery = await collector.claim(kinds, NOW, 120);
            if (!delivery) return ids;
            ids.push(delivery.id);
          }
        }),
      ),
    );
    const all = claimed.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(deliveries);
    expect(claimed.filter((ids) => ids.length > 0).length).toBeGreaterThan(1); // they did run side by side
    expect(await alerts.claim(kinds, NOW, 120)).toBeUndefined();
    expect(await alerts.claim(kinds, NOW + 121, 120)).toMatchObject({ attempts: 2 }); // an expired lease is taken over
  });

  it('the preview gives the SQLite preview’s answer on the same rows', async () => {
    const { lite, pg } = await fresh('preview');
    const day = 86400;
    const changes: MirrorChange[] = [];
    const models = ['product.template', 'sale.order', 'res.partner'];
    for (let index = 0; index < 120; index++) {
      const model = models[index % 3];
      changes.push({
        serverId: index + 1,
        model,
        recordId: 100 + (index % 17),
        event: index % 11 === 0 ? 'unlink' : index % 5 === 0 ? 'create' : 'write',
        ts: NOW - 9 * day + index * 6000,
        userName: index % 4 === 0 ? 'Administrator' : 'Mitchell Admin',
        changedFields: model === 'product.template' ? 'list_price' : 'state',
        values: model === 'product.template' ? [{ field: 'list_price', label: 'Sales Price', type: 'monetary', old: `${index}.00 USD`, new: `${index + 2}.50 USD` }] : undefined,
      });
    }
    lite.mirror.insertChanges('inst-prod', 0, changes.slice(0, 80), {}, NOW);
    lite.mirror.insertChanges('inst-demo', 0, changes.slice(80), {}, NOW);
    const errors: MirrorError[] = [];
    for (let index = 0; index < 60; index++) {
      errors.push({ serverId: index + 1, model: index % 2 ? 'sale.order' : 'res.partner', recordId: index, message: index % 3 ? `Timeout posting https://h.example/${index}: read timed out` : `KeyError: field_${index % 4}`, ts: NOW - 8 * day + index * 9000 - (index % 7) * 100 });
    }
    lite.mirror.insertErrors('inst-prod', 0, errors.slice(0, 40), {}, NOW);
    lite.mirror.insertErrors('inst-demo', 0, errors.slice(40), {}, NOW);
    await copySqliteToPostgres(lite.db, pg, { source: 'preview-test', batchSize: 50 });
    // The sync log (its PostgreSQL table comes with the sync log's migration; made here when it is not there yet).
    await pg.unsafe(`CREATE TABLE IF NOT EXISTS sync_log (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, instance_id text NOT NULL, at bigint NOT NULL, level text NOT NULL, kind text NOT NULL, message text NOT NULL)`);
    const lines: [string, number, 'info' | 'error', string][] = [];
    for (let index = 0; index < 90; index++) {
      const failing = (index >= 10 && index < 25) || (index >= 50 && index < 53) || index >= 80;
      lines.push([index % 2 ? 'inst-prod' : 'inst-demo', NOW - 8 * day + index * 3000, failing ? 'error' : 'info', index === 60 ? 'error-log' : 'pass']);
    }
    lines.push(['inst-b', NOW - 2 * day, 'error', 'pass'], ['inst-b', NOW - 2 * day + 7200, 'error', 'pass'], ['inst-A', NOW - 2 * day, 'error', 'pass'], ['inst-A', NOW - 2 * day + 7200, 'error', 'pass']);
    for (const [instanceId, at, level, kind] of lines) {
      lite.db.prepare('INSERT INTO sync_log (instance_id, at, level, kind, message) VALUES (?, ?, ?, ?, ?)').run(instanceId, at, level, kind, 'line');
      await pg.unsafe('INSERT INTO sync_log (instance_id, at, level, kind, message) VALUES ($1, $2, $3, $4, $5)', [instanceId, at, level, kind, 'line']);
    }
    const conditions: AlertCondition[] = [
      { kind: 'change' },
      { kind: 'change', models: ['product.template'], field: 'list_price' },
      { kind: 'change', field: 'list_price', value: { text: '50.5' } },
      { kind: 'change', instanceIds: ['inst-demo'], events: ['unlink', 'create'], users: ['Administrator'] },
      { kind: 'error-new' },
      { kind: 'error-new', instanceIds: ['inst-demo'], models: ['sale.order'] },
      { kind: 'error-rate', count: 2, windowMinutes: 180 },
      { kind: 'error-rate', count: 3, windowMinutes: 600, models: ['sale.order'] },
      { kind: 'instance-unreachable', minutes: 60 },
      { kind: 'instance-behind', minutes: 10, instanceIds: ['inst-prod', 'inst-A', 'inst-b'] },
    ];
    for (const condition of conditions) {
      for (const days of [1, 7]) {
        const expected = await previewCondition(lite.db, condition, days, NOW);
        expect({ condition, days, preview: await pgPreviewCondition(pg, condition, days, NOW) }).toEqual({ condition, days, preview: expected });
        if (days === 7) expect({ condition, events: expected.events }).not.toEqual({ condition, events: 0 });
      }
    }
  });

  it('the alert service runs over the PostgreSQL repository: saves, previews, and delivers what the queue fired', async () => {
    const { lite, pg } = await fresh('service');
    const secret = 'postgres-webhook-secret-0123456789';
    const webhook = await startWebhookReceiver(secret);
    const alerts = new PgAlertRepository(pg);
    // Instances and settings are the lead's PostgreSQL ports; the SQLite ones stand in for them here.
    const service = new AlertService({ store: { alerts, instances: lite.instances, settings: lite.settings }, preview: pgPreviewer(pg), vault: createKeyFileVault(dir), deliver: true });
    try {
      const rule = await service.save({ name: 'Partner writes', condition: { kind: 'change', models: ['res.partner'] }, channels: [{ kind: 'webhook', url: webhook.url, secret }], timing: { groupSeconds: 0 } });
      expect(await service.list()).toMatchObject([{ id: rule.id, channels: [{ kind: 'webhook', url: webhook.url, hasSecret: true }] }]);
      const queue = new PgAlertQueue(alerts);
      const seen = Math.floor(Date.now() / 1000);
      expect(await queue.wantsChanges('inst-prod')).toBe(true);
      await pg.begin(async (tx) => {
        const row: MirrorChange = { serverId: 1, model: 'res.partner', recordId: 42, event: 'write', ts: seen - 5, changedFields: 'phone' };
        const [{ id }] = await tx.unsafe(`INSERT INTO changes (instance_id, server_id, model, record_id, event, ts, first_seen_at, changed_fields) VALUES ('inst-prod', 1, 'res.partner', 42, 'write', $1, $2, 'phone') RETURNING id`, [row.ts, seen] as never[]);
        await queue.changesInserted(tx, 'inst-prod', [{ ...row, id: Number(id) }], seen);
      });
      service.kick();
      const [received] = await webhook.waitFor(1);
      expect(received).toMatchObject({ signatureValid: true, payload: { eventCount: 1, rule: { id: rule.id }, events: [{ kind: 'change', model: 'res.partner', event: 'write' }] } });
      await expect.poll(async () => (await service.deliveries())[0]?.state).toBe('sent');
      expect(await service.preview({ kind: 'change', models: ['res.partner'] }, { days: 1 })).toMatchObject({ events: 1, samples: [{ recordId: 42 }] });
      expect(await service.setSmtp({ host: 'smtp.example.com', port: 587, user: 'ocm', password: 'p4ss', from: 'ocm@example.com' })).toMatchObject({ hasPassword: true });
      expect(await service.setSmtp({ host: 'smtp.example.com', port: 587, user: 'ocm', from: 'ocm@example.com' })).toMatchObject({ hasPassword: true }); // the stored one is kept
      await service.remove(rule.id);
      expect(await service.list()).toEqual([]);
    } finally {
      await service.close();
      await webhook.close();
    }
  });
});
