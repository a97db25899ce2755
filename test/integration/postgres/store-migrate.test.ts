/**
 * `ocm store migrate`: a SQLite mirror (history, errors, journal, instances, saved filters, report
 * definitions, sync log; a team server's users, grants, alert rules with their outbox, the polling
 * source's state) into a real PostgreSQL, interrupted half-way and resumed without doubling a row,
 * verified by counts and checksums; a row changed in PostgreSQL afterwards is caught; the copy read back
 * through both stores' repositories answers the same, a user signs in with their old password, a pending
 * delivery is still sent, a polling instance goes on without a new baseline, and new rows of every
 * identity table take ids after the copied ones; bad URLs, an unreachable server and a wrong password get
 * clear messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { createStoreMigrateCommand } from '../../../src-main/hosts/cli/commands/store-migrate';
import type { SqlDatabase } from '../../../src-main/store/database';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { migratePostgres } from '../../../src-main/store/postgres/migrate';
import { COPIED_TABLES, copySqliteToPostgres } from '../../../src-main/store/postgres/sqlite-copy';
import { PgStore } from '../../../src-main/store/postgres/pg-store';
import { SqliteAccountStore } from '../../../src-main/store/repositories/accounts';
import { AlertRepository } from '../../../src-main/store/repositories/alerts';
import { MirrorRepository } from '../../../src-main/store/repositories/mirror';
import { pollingServerId, PollingRepository } from '../../../src-main/store/repositories/polling';
import { SyncLogRepository } from '../../../src-main/store/repositories/sync-log';
import { hashPassword } from '../../../src-main/accounts/password';
import { SessionManager } from '../../../src-main/accounts/sessions';
import type { AlertEvent } from '../../../src-main/common/alerts';
import { openTestMirror } from '../../unit/queries/test-mirror';
import { migratedDatabase, postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

const commands = [createStoreMigrateCommand()];

const SARA_PASSWORD = 'sara-old-password-1';
const POLLED_SERVER = 'https://poll.example|poll';

/** A change alert's event as the queue stores it. */
function changeEvent(ruleId: string, changeId: number, at: number): { ruleId: string; eventKey: string; instanceId: string; at: number; detail: AlertEvent } {
  return {
    ruleId,
    eventKey: `change:${changeId}`,
    instanceId: 'inst-prod',
    at,
    detail: { key: `k-${changeId}`, kind: 'change', instanceId: 'inst-prod', at: new Date(at * 1000).toISOString(), model: 'res.partner', recordId: changeId, event: 'unlink' },
  };
}

/**
 * What a SQLite team server has beyond a workstation's mirror: users with grants and a session, a
 * lease, alert rules with a sent and a pending delivery and a waiting event, sync log lines, and a
 * polling instance part-way (its next event number ahead of its mirrored events).
 */
async function seedTeamServer(db: SqlDatabase): Promise<void> {
  const accounts = new SqliteAccountStore(db);
  await accounts.insertUser({ id: 'u-admin', login: 'Admin', role: 'admin', passwordHash: await hashPassword('admin-password-1'), preferences: {}, createdAt: 100, passwordChangedAt: 100, instanceIds: [] });
  await accounts.insertUser({
    id: 'u-sara', login: 'Sara', displayName: 'سارة', role: 'viewer', passwordHash: await hashPassword(SARA_PASSWORD),
    preferences: { language: 'ar', savedFilters: [{ id: 'mine', name: 'Mine', filter: { users: ['Sara'] } }] }, createdAt: 200, passwordChangedAt: 250, instanceIds: ['inst-prod', 'inst-poll'],
  });
  await accounts.updateUser('u-sara', { lastLoginAt: 300 });
  await accounts.insertSession({ tokenHash: 'a'.repeat(64), userId: 'u-sara', createdAt: 300, lastSeenAt: 300, expiresAt: 4_000_000_000 });
  db.prepare(`INSERT INTO leases (instance_id, holder, acquired_at, expires_at, generation) VALUES ('inst-prod', 'collector-a', 1000, 4000000000000, 3)`).run();

  const alerts = new AlertRepository(db);
  const webhook = { kind: 'webhook' as const, target: 'https://hooks.example/ocm', secret: 'sealed:v1:hook' };
  const email = { kind: 'email' as const, target: 'ops@example.com' };
  const ruleId = alerts.save({ id: 'r-deletes', name: 'Deletions', enabled: true, condition: { kind: 'change', models: ['res.partner'], events: ['unlink'] }, timing: { groupSeconds: 30, throttleSeconds: 0 }, channels: [webhook, email] }, 1000);
  alerts.save({ id: 'r-errors', name: 'errors (off)', enabled: false, condition: { kind: 'error-new' }, timing: { groupSeconds: 0, throttleSeconds: 60, quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Riyadh' } }, channels: [{ kind: 'desktop' }] }, 1001);
  alerts.queue([changeEvent(ruleId, 1, 1002), changeEvent(ruleId, 2, 1003)], 1004);
  alerts.cutMessage(ruleId, alerts.get(ruleId)!.channels, 1040);
  const mail = alerts.claim(['email'], 1041, 60)!;
  alerts.markSent(mail.id, 1042);
  const hook = alerts.claim(['webhook'], 1041, 60)!;
  alerts.markFailed(hook.id, 'HTTP 503 from the receiver', 1043, 1100);
  alerts.queue([changeEvent(ruleId, 3, 1050)], 1051);

  const log = new SyncLogRepository(db);
  log.append({ instanceId: 'inst-prod', at: 1000, level: 'info', kind: 'sync', message: 'Mirrored 3 changes', messageKey: 'log.mirrored', params: { count: 3 }, added: 3, removed: 0, durationMs: 120 });
  log.append({ instanceId: 'inst-poll', at: 1001, level: 'warning', kind: 'connect', message: 'Slow answer' });
  log.append({ instanceId: 'inst-prod', at: 1002, level: 'error', kind: 'sync', message: 'Timed out', durationMs: 30000 });

  db.prepare(`INSERT INTO instances (id, name, url, db, login, secret, created_at, source, watched_models) VALUES ('inst-poll', 'Polled', 'https://poll.example', 'poll', 'bot', 'sealed:v1:poll', 100, 'polling', '["res.partner","sale.order"]')`).run();
  db.prepare(`INSERT INTO polling_state (instance_id, server, message_cursor, message_date, changed_at, window_read_at, next_event) VALUES ('inst-poll', ?, 500, '2026-11-29 10:00:00', 1000, 1001, 12)`).run(POLLED_SERVER);
  db.prepare(`INSERT INTO polling_models (instance_id, model, write_cursor, baseline_after, baseline_done, checked_at, changed_at, window_read_at) VALUES
    ('inst-poll', 'res.partner', '2026-11-29 10:00:00', 2400, 1, 1000, 990, 995), ('inst-poll', 'sale.order', NULL, 300, 0, 1000, NULL, NULL)`).run();
  const record = db.prepare(`INSERT INTO polling_records (instance_id, model, record_id) VALUES ('inst-poll', ?, ?)`);
  for (let id = 1; id <= 2400; id++) record.run('res.partner', id);
  for (let id = 1; id <= 300; id++) record.run('sale.order', id * 7);
  // Its last mirrored polling event is number 6; the state says the next is 12 (numbers are never reused).
  db.prepare(`INSERT INTO changes (instance_id, server_id, model, record_id, event, ts, first_seen_at, origin) VALUES ('inst-poll', ?, 'res.partner', 77, 'write', 1000, 1000, 'polling')`).run(pollingServerId(6));
}

async function run(argv: string[], signal = new AbortController().signal): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text), env: {}, interrupted: signal, isTty: false };
  const code = await runCli(commands, ['store', 'migrate', ...argv], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.skipIf(Boolean(skip))('ocm store migrate', () => {
  let server: TestPostgres;
  let mirror: ReturnType<typeof openTestMirror>;
  let file: string;

  beforeAll(async () => {
    server = await startTestPostgres();
    mirror = openTestMirror();
    file = join(mirror.dir, 'mirror.sqlite');
    const db = mirror.db;
    db.prepare(`INSERT INTO instances (id, name, url, db, login, secret, transport, production, created_at, transport_choice, watched_models, tracking_values)
      VALUES ('inst-prod', 'Production', 'https://erp.example', 'prod', 'admin', 'sealed:v1:abc', 'json2', 1, 1000, '{"reason":"json2","version":"19.0"}', '["res.partner"]', 1)`).run();
    db.prepare(`INSERT INTO instances (id, name, url, db, login, secret, created_at, removed_at) VALUES ('inst-old', 'Old', 'http://old', 'old', 'admin', '', 10, 20)`).run();
    const journal = db.prepare(`INSERT INTO journal (at, actor, instance_id, instance_name, action, description, requested, succeeded, result, detail)
      VALUES (?, 'admin', 'inst-prod', 'Production', 'delete', 'Delete rows', 3, 3, 'succeeded', ?)`);
    for (let index = 0; index < 40; index++) journal.run(1000 + index, JSON.stringify({ ids: [index, index + 1], filter: { models: ['res.partner'] } }));
    db.prepare(`INSERT INTO settings (key, value) VALUES ('savedFilters', ?), ('language', '"ar"')`).run(JSON.stringify([{ id: 'f1', name: 'Partners', filter: { models: ['res.partner'], text: 'سارة' } }]));
    db.prepare(`INSERT INTO report_definitions (id, name, request) VALUES ('r1', 'Weekly', ?)`).run(JSON.stringify({ format: 'xlsx', filter: { events: ['unlink'] } }));
    db.prepare(`INSERT INTO sync_state (instance_id, change_cursor, snapshot_done, capabilities) VALUES ('inst-prod', 3000, 1, '{"revisions":true}')`).run();
    db.prepare(`INSERT INTO errors (instance_id, server_id, model, record_id, message, fingerprint, ts, first_seen_at) VALUES ('inst-prod', 1, 'sale.order', 5, 'Boom', 'boom', 1000, 1001)`).run();
    await seedTeamServer(db as unknown as SqlDatabase);
  }, 120_000);

  afterAll(async () => {
    mirror?.dispose();
    await server?.stop();
  });

  it('refuses a bad URL, an unreachable server and a wrong password with clear messages', async () => {
    const bad = await run(['--to', 'mysql://x/y', '--from', file]);
    expect(bad.code).toBe(64);
    expect(bad.err).toMatch(/not a PostgreSQL URL/);
    const noDatabase = await run(['--to', 'postgres://u:p@127.0.0.1:5432', '--from', file]);
    expect(noDatabase.err).toMatch(/names no database/);
    const missing = await run(['--from', file]);
    expect(missing.code).toBe(64);
    expect(missing.err).toMatch(/Say where to copy to/);
    const url = await server.createDatabase('refusals');
    const refused = await run(['--to', url.replace(/:(\d+)\//, ':1/'), '--from', file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Nothing accepts connections at postgres:\/\/[^:@\s]+:\*\*\*@[^/\s]+:1\/\w*refusals\./);
    expect(refused.err).not.toContain(decodeURIComponent(new URL(url).password));
    const denied = await run(['--to', server.urlWithPassword('refusals', 'wrong'), '--from', file]);
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/refused the login: password authentication failed/);
    const noMirror = await run(['--to', url, '--from', join(mirror.dir, 'nothing.sqlite')]);
    expect(noMirror.err).toMatch(/There is no mirror at/);
  });

  it('copies in batches, stops when interrupted, continues without doubling, and verifies every table', async () => {
    const url = await server.createDatabase('resumed');
    // First run: interrupted after two batches of changes.
    const pg: PgConnection = await openPostgres(url);
    await migratePostgres(pg);
    const stop = new AbortController();
    let batches = 0;
    await expect(copySqliteToPostgres(mirror.db as unknown as SqlDatabase, pg, {
      source: realpathSync(file),
      batchSize: 500,
      signal: stop.signal,
      onProgress: (progress) => {
        if (progress.table === 'changes' && progress.copied > 0 && ++batches === 2) stop.abort();
      },
    })).rejects.toMatchObject({ code: 'cancelled' });
    const [partial] = await pg.unsafe('SELECT count(*) AS n FROM changes');
    expect(partial.n).toBe(1000);

    // Ctrl+C in the command: exit 130, told to run it again.
    const interrupted = new AbortController();
    interrupted.abort();
    const cancelled = await run(['--to', url, '--from', file, '--batch-size', '700'], interrupted.signal);
    expect(cancelled.code).toBe(130);
    expect(cancelled.err).toMatch(/run the same command again to continue/);

    const resumed = await run(['--to', url, '--from', file, '--batch-size', '700']);
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('Continued an earlier copy of this mirror.');
    expect(resumed.out).toMatch(/^changes\s+3006\s+3006\s+([0-9a-f]{16})\s+\1\s+ok$/m);
    expect(resumed.out).toMatch(/^journal\s+40\s+40\s+/m);
    expect(resumed.out).toMatch(/Verified: every table matches/);
    expect(resumed.out).toMatch(/^polling_records\s+2700\s+2700\s+/m);
    for (const { name: table } of COPIED_TABLES) {
      expect(resumed.out).toMatch(new RegExp(`^${table}\\s.*\\sok$`, 'm'));
    }
    const [counts] = await pg.unsafe(`SELECT (SELECT count(*) FROM changes) AS changes, (SELECT count(DISTINCT id) FROM changes) AS ids,
      (SELECT value FROM settings WHERE key = 'savedFilters') AS saved, (SELECT production FROM instances WHERE id = 'inst-prod') AS production`);
    expect(counts).toMatchObject({ changes: 3006, ids: 3006, production: true });
    expect(counts.saved).toEqual([{ id: 'f1', name: 'Partners', filter: { models: ['res.partner'], text: 'سارة' } }]);
    // New rows written in PostgreSQL later get ids after the copied ones.
    const [next] = await pg.unsafe(`INSERT INTO journal (at, actor, instance_id, instance_name, action, description, requested, result) VALUES (1, 'a', 'i', 'n', 'x', 'd', 1, 'ok') RETURNING id`);
    expect(next.id).toBeGreaterThan(40);
    await pg.unsafe('DELETE FROM journal WHERE id = $1', [next.id]);

    // Running it again changes nothing and verifies again.
    const again = await run(['--to', url, '--from', file]);
    expect(again.code).toBe(0);
    const [after] = await pg.unsafe('SELECT count(*) AS n FROM changes');
    expect(after.n).toBe(3006);

    // A row changed in PostgreSQL is caught: non-zero exit, the table named.
    await pg.unsafe(`UPDATE changes SET user_name = 'tampered' WHERE id = (SELECT min(id) FROM changes)`);
    const tampered = await run(['--to', url, '--from', file]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/^changes\s+3006\s+3006\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+MISMATCH$/m);
    expect(tampered.err).toMatch(/does not match the mirror in changes\./);
    await closePostgres(pg);
  });

  it('moves a team server: the same answers through both stores, old passwords, pending deliveries, polling without a new baseline, ids after the copied ones', async () => {
    const url = await server.createDatabase('team');
    const copied = await run(['--to', url, '--from', file, '--batch-size', '1000']);
    expect(copied.err).toBe('');
    expect(copied.code).toBe(0);
    expect(copied.out).toContain(
      "Not copied: 1 sign-in session (people sign in again on the team server), 1 collector lease (collectors take leases anew), 0 links to team servers (this workstation's own).",
    );
    for (const table of ['users', 'user_instances', 'alert_rules', 'alert_channels', 'alert_events', 'alert_messages', 'alert_deliveries', 'sync_log', 'polling_state', 'polling_models', 'polling_records']) {
      expect(copied.out).toMatch(new RegExp(`^${table}\\s+[1-9]\\d*\\s+[1-9]\\d*\\s.*\\sok$`, 'm'));
    }
    const lite = mirror.db as unknown as SqlDatabase;
    const pg = new PgStore(await openPostgres(url));
    try {
      // Accounts: the same users and grants; sessions and leases stay behind.
      const liteAccounts = new SqliteAccountStore(lite);
      const users = await liteAccounts.listUsers();
      expect(users.map((user) => user.login)).toEqual(['Admin', 'Sara']);
      expect(await pg.accounts.listUsers()).toEqual(users);
      const [left] = await pg.sql.unsafe('SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM leases) AS leases');
      expect(left).toEqual({ sessions: 0, leases: 0 });
      const signedIn = await new SessionManager(pg.accounts).signIn('sara', SARA_PASSWORD);
      expect(signedIn.principal).toMatchObject({ userId: 'u-sara', role: 'viewer', instanceIds: ['inst-poll', 'inst-prod'], preferences: { language: 'ar' } });
      await expect(new SessionManager(pg.accounts).signIn('Sara', 'not-her-password')).rejects.toMatchObject({ code: 'auth-failed' });

      // Alerts: rules, channels (ids kept), the log, the waiting event; the pending delivery is still sent.
      const liteAlerts = new AlertRepository(lite);
      expect(await pg.alerts.list()).toEqual(liteAlerts.list());
      expect(await pg.alerts.deliveries()).toEqual(liteAlerts.deliveries());
      expect(await pg.alerts.waiting()).toEqual(liteAlerts.waiting());
      expect(await pg.alerts.messageEvents(1)).toEqual(liteAlerts.messageEvents(1));
      expect(await pg.alerts.revision()).toBe(liteAlerts.revision());
      expect(await pg.alerts.pendingCount()).toBe(1);
      expect(await pg.alerts.claim(['webhook'], 1099, 60)).toBeUndefined();
      const retry = await pg.alerts.claim(['webhook'], 1100, 60);
      expect(retry).toEqual({ ...liteAlerts.claim(['webhook'], 1100, 60), attempts: 2 });

      // The sync log.
      expect(await pg.syncLog.list({ limit: 5000 })).toEqual(new SyncLogRepository(lite).list({ limit: 5000 }));

      // Polling: the same cursors and record sets, kept by begin (no new baseline); numbering goes on at 12.
      const litePolling = new PollingRepository(lite, new MirrorRepository(lite));
      const state = litePolling.state('inst-poll');
      expect(state).toMatchObject({ server: POLLED_SERVER, messageCursor: 500 });
      expect(await pg.polling.state('inst-poll')).toEqual(state);
      expect(await pg.polling.models('inst-poll')).toEqual(litePolling.models('inst-poll'));
      expect(await pg.polling.knownIds('inst-poll', 'sale.order')).toEqual(litePolling.knownIds('inst-poll', 'sale.order'));
      expect(await pg.polling.knownAggregate('inst-poll', 'res.partner')).toEqual({ count: 2400, sum: (2400 * 2401) / 2 });
      expect(await pg.polling.begin('inst-poll', POLLED_SERVER)).toEqual(state);
      expect(await pg.polling.knownAggregate('inst-poll', 'res.partner')).toEqual({ count: 2400, sum: (2400 * 2401) / 2 });
      const added = await pg.polling.commit('inst-poll', { epoch: 0, events: [{ model: 'res.partner', recordId: 2401, event: 'create', ts: 2000 }], tracking: [], records: [{ model: 'res.partner', added: [2401], removed: [] }], models: [] }, 2001);
      expect(added).toBe(1);
      const [polled] = await pg.sql.unsafe(`SELECT server_id FROM changes WHERE instance_id = 'inst-poll' AND record_id = 2401`);
      expect(polled.server_id).toBe(pollingServerId(12));

      // Every identity table is copied with its ids, and a new row of each takes an id after the copied ones.
      const identities = (await pg.sql.unsafe(`SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`)).map((row) => row.table_name as string);
      expect(identities).toEqual(COPIED_TABLES.filter((table) => table.batched).map((table) => table.name).sort());
      const highest = new Map(identities.map((table) => [table, Number(lite.prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get())]));
      const newIds = new Map<string, number>();
      const [change] = await pg.sql.unsafe(`SELECT max(id) AS id FROM changes WHERE instance_id = 'inst-poll'`);
      newIds.set('changes', change.id);
      const [error] = await pg.sql.unsafe(`INSERT INTO errors (instance_id, server_id, model, record_id, message, fingerprint, ts, first_seen_at) VALUES ('inst-prod', 2, 'sale.order', 6, 'New', 'new', 2000, 2000) RETURNING id`);
      newIds.set('errors', error.id);
      newIds.set('journal', await pg.journal.begin({ at: new Date(2_000_000), actor: 'admin', instanceId: 'inst-prod', instanceName: 'Production', action: 'delete-rows', description: 'Delete rows', requested: 1 }));
      newIds.set('sync_log', (await pg.syncLog.append({ instanceId: 'inst-prod', level: 'info', kind: 'sync', message: 'After the move' })).id);
      const ruleId = await pg.alerts.save({ name: 'After the move', enabled: true, condition: { kind: 'error-new' }, timing: { groupSeconds: 0, throttleSeconds: 0 }, channels: [{ kind: 'email', target: 'ops@example.com' }] }, 2000);
      const rule = (await pg.alerts.get(ruleId))!;
      newIds.set('alert_channels', rule.channels[0].id);
      await pg.alerts.queue([{ ...changeEvent(ruleId, 9, 2000), eventKey: 'error-new:inst-prod:new' }], 2000);
      const [event] = await pg.sql.unsafe('SELECT id FROM alert_events WHERE rule_id = $1', [ruleId]);
      newIds.set('alert_events', event.id);
      const messageId = (await pg.alerts.cutMessage(ruleId, rule.channels, 2001))!;
      newIds.set('alert_messages', messageId);
      newIds.set('alert_deliveries', (await pg.alerts.deliveries({ ruleId }))[0].id);
      for (const table of identities) {
        expect({ table, above: newIds.get(table)! > highest.get(table)! }).toEqual({ table, above: true });
      }
    } finally {
      await pg.close();
    }
  });

  it('refuses a database that holds another mirror, or users of its own', async () => {
    const { url, pg } = await migratedDatabase(server, 'taken');
    await pg.unsafe(`INSERT INTO store_migrations (source, started_at) VALUES ('/elsewhere/mirror.sqlite', 1)`);
    await closePostgres(pg);
    const refused = await run(['--to', url, '--from', file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already holds a mirror copied from \/elsewhere\/mirror\.sqlite/);
    // A team database that already has people of its own: their ids and logins would clash with the copied ones.
    const staffed = await server.createDatabase('staffed');
    const other = await openPostgres(staffed);
    await migratePostgres(other);
    await other.unsafe(`INSERT INTO users (id, login, role, password_hash, created_at, password_changed_at) VALUES ('u-admin', 'admin', 'admin', 'x', 1, 1)`);
    await closePostgres(other);
    const clash = await run(['--to', staffed, '--from', file]);
    expect(clash.code).toBe(1);
    expect(clash.err).toMatch(/already has users of its own/);
  });
});
