/**
 * `ocm store migrate`: a workstation's SQLite mirror (history, errors, journal, instances, saved
 * filters, report definitions) into a real PostgreSQL, interrupted half-way and resumed without doubling
 * a row, verified by counts and checksums; a row changed in PostgreSQL afterwards is caught; bad URLs,
 * an unreachable server and a wrong password get clear messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { createStoreMigrateCommand } from '../../../src-main/hosts/cli/commands/store-migrate';
import type { SqlDatabase } from '../../../src-main/store/database';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { migratePostgres } from '../../../src-main/store/postgres/migrate';
import { copySqliteToPostgres } from '../../../src-main/store/postgres/sqlite-copy';
import { openTestMirror } from '../../unit/queries/test-mirror';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

const commands = [createStoreMigrateCommand()];

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
    expect(resumed.out).toMatch(/^changes\s+3005\s+3005\s+([0-9a-f]{16})\s+\1\s+ok$/m);
    expect(resumed.out).toMatch(/^journal\s+40\s+40\s+/m);
    expect(resumed.out).toMatch(/Verified: every table matches/);
    for (const table of ['instances', 'changes', 'errors', 'journal', 'change_hours', 'sync_state', 'settings', 'report_definitions']) {
      expect(resumed.out).toMatch(new RegExp(`^${table}\\s.*\\sok$`, 'm'));
    }
    const [counts] = await pg.unsafe(`SELECT (SELECT count(*) FROM changes) AS changes, (SELECT count(DISTINCT id) FROM changes) AS ids,
      (SELECT value FROM settings WHERE key = 'savedFilters') AS saved, (SELECT production FROM instances WHERE id = 'inst-prod') AS production`);
    expect(counts).toMatchObject({ changes: 3005, ids: 3005, production: true });
    expect(counts.saved).toEqual([{ id: 'f1', name: 'Partners', filter: { models: ['res.partner'], text: 'سارة' } }]);
    // New rows written in PostgreSQL later get ids after the copied ones.
    const [next] = await pg.unsafe(`INSERT INTO journal (at, actor, instance_id, instance_name, action, description, requested, result) VALUES (1, 'a', 'i', 'n', 'x', 'd', 1, 'ok') RETURNING id`);
    expect(next.id).toBeGreaterThan(40);
    await pg.unsafe('DELETE FROM journal WHERE id = $1', [next.id]);

    // Running it again changes nothing and verifies again.
    const again = await run(['--to', url, '--from', file]);
    expect(again.code).toBe(0);
    const [after] = await pg.unsafe('SELECT count(*) AS n FROM changes');
    expect(after.n).toBe(3005);

    // A row changed in PostgreSQL is caught: non-zero exit, the table named.
    await pg.unsafe(`UPDATE changes SET user_name = 'tampered' WHERE id = (SELECT min(id) FROM changes)`);
    const tampered = await run(['--to', url, '--from', file]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/^changes\s+3005\s+3005\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+MISMATCH$/m);
    expect(tampered.err).toMatch(/does not match the mirror in changes\./);
    await closePostgres(pg);
  });

  it('refuses a database that holds another mirror', async () => {
    const url = await server.createDatabase('taken');
    const pg = await openPostgres(url);
    await migratePostgres(pg);
    await pg.unsafe(`INSERT INTO store_migrations (source, started_at) VALUES ('/elsewhere/mirror.sqlite', 1)`);
    await closePostgres(pg);
    const refused = await run(['--to', url, '--from', file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already holds a mirror copied from \/elsewhere\/mirror\.sqlite/);
  });
});
