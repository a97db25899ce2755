/**
 * The small repositories on PostgreSQL answer as the SQLite ones: every scenario runs against a real
 * SQLite store (openStore on a temp file) and against the PostgreSQL repositories on a real cluster,
 * and both must give identical results, errors included (their code and message). Then what only a
 * shared database has: two connections adding instances or saving reports at once, and a database
 * created at schema 1 upgraded to 2 with its rows kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Capabilities, InstanceId } from '../../../src-main/common/model';
import { OcmError } from '../../../src-main/common/errors';
import type { InstancesPort, JournalPort, ReportDefinitionsPort, SettingsPort, SyncLogPort, SyncStatePort } from '../../../src-main/store/ports';
import type { InstanceFields } from '../../../src-main/store/repositories/instances';
import type { MirrorChange } from '../../../src-main/store/repositories/mirror';
import { openStore, type Store } from '../../../src-main/store/store';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { migratePostgres } from '../../../src-main/store/postgres/migrate';
import { PgMirrorRepository } from '../../../src-main/store/postgres/mirror-repository';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../../src-main/store/postgres/schema';
import { copySqliteToPostgres } from '../../../src-main/store/postgres/sqlite-copy';
import { PgInstanceRepository } from '../../../src-main/store/postgres/repositories/instances';
import { PgJournalRepository } from '../../../src-main/store/postgres/repositories/journal';
import { PgReportDefinitionRepository } from '../../../src-main/store/postgres/repositories/report-definitions';
import { PgSettingsRepository } from '../../../src-main/store/postgres/repositories/settings';
import { PgSyncLogRepository } from '../../../src-main/store/postgres/repositories/sync-log';
import { PgSyncStateRepository } from '../../../src-main/store/postgres/repositories/sync-state';
import { migratedDatabase, postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

/** The repositories a scenario uses, and how it reaches the rows behind them. */
interface Side {
  name: 'sqlite' | 'postgres';
  instances: InstancesPort;
  syncState: SyncStatePort;
  syncLog: SyncLogPort;
  settings: SettingsPort;
  journal: JournalPort;
  reportDefinitions: ReportDefinitionsPort;
  /** Mirrors change rows (and their cursor) for an instance, as the sync engine does. */
  mirrorChanges(instanceId: InstanceId, rows: MirrorChange[]): Promise<void>;
  /** Rows of `table` belonging to an instance (of `instances`: the instance itself). */
  count(table: string, instanceId: InstanceId): Promise<number>;
  /** Runs raw SQL (`?` parameters) on this side's database. */
  execute(text: string, params?: unknown[]): Promise<void>;
}

/** What a call gave: its value, or its error's code and message. */
type Outcome<T> = { value: T } | { error: { code: string; message: string } };

async function outcome<T>(work: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof OcmError) return { error: { code: error.code, message: error.message } };
    throw error;
  }
}

const TABLES = ['instances', 'changes', 'change_hours', 'change_five_minutes', 'errors', 'sync_state', 'sync_log', 'settings', 'journal', 'report_definitions'];

const PRODUCTION: InstanceFields = {
  name: 'Riyadh ERP',
  url: 'https://erp.example.com',
  db: 'prod',
  login: 'sync',
  secret: 'sealed:v1:abc',
  transport: 'json2',
  transportChoice: { reason: 'json2', serverSerie: '19.0', major: 19 },
  production: true,
  demo: false,
  pollIntervalSeconds: 30,
  trustedCertificateSha256: 'ab'.repeat(32),
};

const POLLED: InstanceFields = {
  name: 'مستودع جدة',
  url: 'http://jeddah.example:8069',
  db: 'jeddah',
  login: 'admin',
  secret: 'sealed:v1:def',
  transport: 'xmlrpc',
  production: false,
  demo: true,
  pollIntervalSeconds: 15,
  source: 'polling',
  watchedModels: ['res.partner', 'sale.order'],
  trackingValues: true,
};

const CAPABILITIES = { version: { serie: '18.0', major: 18 }, uid: 2, changeLogInstalled: true, changeLogFields: ['id', 'model'], richFields: [], errorLog: 'readable', canReadChanges: true } as unknown as Capabilities;

/** Resolves once a statement of this database waits for a lock (another transaction holds it). */
async function waitForLockWait(watcher: PgConnection): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = (await watcher.unsafe("SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) as unknown as { n: number }[];
    if (row.n > 0) return;
    if (Date.now() > deadline) throw new Error('No statement came to wait for the lock within 10 s.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The column naming the instance a row belongs to. */
const ownerColumn = (table: string) => (table === 'instances' ? 'id' : 'instance_id');

function change(serverId: number, model: string, ts: number): MirrorChange {
  return { serverId, model, recordId: serverId * 10, event: 'write', ts, userName: 'Mitchell Admin' };
}

describe.skipIf(Boolean(skip))('the PostgreSQL repositories answer as the SQLite ones', () => {
  let server: TestPostgres;
  let url: string;
  let pg: PgConnection;
  let postgres: Side;
  let store: Store;
  let folder: string;
  let sqlite: Side;

  /** Runs `scenario` on both stores; requires identical outcomes and returns it. */
  async function both<T>(scenario: (side: Side) => Promise<T> | T): Promise<T | undefined> {
    const expected = await outcome(() => scenario(sqlite));
    const actual = await outcome(() => scenario(postgres));
    expect(actual).toStrictEqual(expected);
    return 'value' in expected ? expected.value : undefined;
  }

  beforeAll(async () => {
    server = await startTestPostgres();
    ({ url, pg } = await migratedDatabase(server));
    const writer = new PgMirrorRepository(pg);
    postgres = {
      name: 'postgres',
      instances: new PgInstanceRepository(pg),
      syncState: new PgSyncStateRepository(pg),
      syncLog: new PgSyncLogRepository(pg),
      settings: new PgSettingsRepository(pg),
      journal: new PgJournalRepository(pg),
      reportDefinitions: new PgReportDefinitionRepository(pg),
      mirrorChanges: async (instanceId, rows) => {
        await writer.insertChanges(instanceId, 0, rows, { changeCursor: Math.max(...rows.map((row) => row.serverId)) }, 1_700_000_000);
      },
      count: async (table, instanceId) => {
        const [row] = (await pg.unsafe(`SELECT count(*)::integer AS n FROM ${table} WHERE ${ownerColumn(table)} = $1`, [instanceId])) as unknown as { n: number }[];
        return row.n;
      },
      execute: async (text, params = []) => {
        let index = 0;
        await pg.unsafe(text.replace(/\?/g, () => `$${++index}`), params as never[]);
      },
    };
  }, 120_000);

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ocm-repos-'));
    store = openStore(join(folder, 'mirror.sqlite'));
    sqlite = {
      name: 'sqlite',
      instances: store.instances,
      syncState: store.syncState,
      syncLog: store.syncLog,
      settings: store.settings,
      journal: store.journal,
      reportDefinitions: store.reportDefinitions,
      mirrorChanges: async (instanceId, rows) => {
        store.mirror.insertChanges(instanceId, 0, rows, { changeCursor: Math.max(...rows.map((row) => row.serverId)) }, 1_700_000_000);
      },
      count: async (table, instanceId) => Number(store.db.prepare(`SELECT count(*) FROM ${table} WHERE ${ownerColumn(table)} = ?`).pluck().get(instanceId)),
      execute: async (text, params = []) => {
        store.db.prepare(text).run(...params);
      },
    };
    // Fresh repositories (the sync log counts its appends) over emptied tables whose ids start at 1 again, as a new SQLite file's do.
    postgres.syncLog = new PgSyncLogRepository(pg);
    await pg.unsafe(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
  });

  afterEach(() => {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  afterAll(async () => {
    if (pg) await closePostgres(pg);
    await server?.stop();
  });

  it('reads a workstation mirror copied by `ocm store migrate` as the workstation reads it', async () => {
    await sqlite.instances.insert('inst-prod', PRODUCTION, 1_700_000_000);
    await sqlite.instances.insert('inst-jeddah', POLLED, 1_700_000_100);
    await sqlite.instances.hide('inst-jeddah', 1_700_000_200);
    await sqlite.syncState.update('inst-prod', { epoch: 1, changeCursor: 90, snapshotDone: true, capabilities: CAPABILITIES, logToken: 'log-1', tombstoneCursor: 12, revisionCursor: '2026-11-30 10:00:00' });
    await sqlite.settings.update({ language: 'ar', savedFilters: [{ id: 'f1', name: 'شركاء', filter: { models: ['res.partner'] } }] });
    const entry = await sqlite.journal.begin({ at: new Date(1_700_000_000_000), actor: 'sara', instanceId: 'inst-prod', instanceName: 'Riyadh ERP', action: 'delete-rows', description: 'Delete 2 rows', requested: 2, detail: { ids: [4, 5] } });
    await sqlite.journal.finish(entry, { succeeded: 2, result: 'ok' });
    await sqlite.reportDefinitions.save({ id: 'r1', name: 'Weekly', request: { format: 'csv', filter: { events: ['unlink'] } } });

    const copy = await openPostgres(await server.createDatabase());
    try {
      await migratePostgres(copy);
      await copySqliteToPostgres(store.db, copy, { source: 'repositories-test' });
      const read = async (side: Pick<Side, 'instances' | 'syncState' | 'settings' | 'journal' | 'reportDefinitions'>) => ({
        instances: await side.instances.list({ includeRemoved: true }),
        state: await side.syncState.get('inst-prod'),
        settings: await side.settings.get(),
        journal: await side.journal.list(),
        detail: await side.journal.detail(entry),
        reports: await side.reportDefinitions.list(),
      });
      expect(await read({
        instances: new PgInstanceRepository(copy),
        syncState: new PgSyncStateRepository(copy),
        settings: new PgSettingsRepository(copy),
        journal: new PgJournalRepository(copy),
        reportDefinitions: new PgReportDefinitionRepository(copy),
      })).toStrictEqual(await read(sqlite));
    } finally {
      await closePostgres(copy);
    }
  });

  it('refuses text with a NUL character, which SQLite keeps and PostgreSQL cannot store, saying so', async () => {
    const refused = { code: 'invalid-input', message: 'The text contains a NUL character (\\u0000), which the team database (PostgreSQL) cannot store.' };
    await expect(postgres.settings.update({ savedFilters: [{ id: 'f1', name: 'a\u0000b', filter: {} }] })).rejects.toMatchObject(refused);
    await expect(postgres.syncLog.append({ instanceId: 'inst-a', level: 'error', kind: 'poll', message: 'raw \u0000 byte' })).rejects.toMatchObject(refused);
    expect(await postgres.settings.get()).toStrictEqual(await sqlite.settings.get());
  });

  describe('instances', () => {
    it('lists, finds, updates, re-seals and hides instances alike', async () => {
      await both(async ({ instances }) => {
        await instances.insert('inst-prod', PRODUCTION, 1_700_000_000);
        await instances.insert('inst-jeddah', POLLED, 1_700_000_100);
        await instances.insert('inst-staging', { ...PRODUCTION, name: 'Staging', transportChoice: undefined, trustedCertificateSha256: undefined, production: false }, 1_700_000_050);
        return {
          list: await instances.list(),
          names: await instances.names(),
          get: await instances.get('inst-jeddah'),
          byName: await instances.findByName('مستودع جدة'),
          unknown: [await instances.get('nope'), await instances.findByName('Nope')],
        };
      });
      await both(async ({ instances }) => {
        await instances.update('inst-prod', { ...PRODUCTION, name: 'Riyadh ERP (19)', transportChoice: undefined, source: 'module', watchedModels: ['account.move'], trackingValues: false });
        await instances.update('inst-jeddah', { ...POLLED, watchedModels: undefined, trackingValues: undefined, source: undefined, transport: 'jsonrpc', transportChoice: { reason: 'forced' } });
        await instances.replaceSecret('inst-staging', 'sealed:v2:xyz');
        await instances.update('no-such-instance', PRODUCTION);
        return { list: await instances.list(), staging: await instances.get('inst-staging') };
      });
      await both(async ({ instances }) => {
        await instances.hide('inst-prod', 1_700_001_000);
        // The hidden instance's name is free again for a new one, placed after the others.
        await instances.insert('inst-prod-2', PRODUCTION, 1_700_002_000);
        return {
          visible: await instances.list(),
          all: await instances.list({ includeRemoved: true }),
          hidden: await instances.get('inst-prod'),
          byName: await instances.findByName('Riyadh ERP (19)'),
          names: await instances.names(),
        };
      });
    });

    it('deletes an instance with everything mirrored for it, and nothing of another', async () => {
      const counted = ['instances', 'changes', 'change_hours', 'errors', 'sync_state', 'sync_log', 'polling_state', 'polling_models', 'polling_records'];
      // The polling tables come with another PostgreSQL migration of this release; until then the test
      // stands one in (the same columns as SQLite's), and compares those the schema has.
      await pg.unsafe('CREATE TABLE IF NOT EXISTS polling_records (instance_id text NOT NULL, model text NOT NULL, record_id bigint NOT NULL, PRIMARY KEY (instance_id, model, record_id))');
      const pollingTables = (await pg.unsafe(`SELECT t AS name FROM unnest(ARRAY['polling_state', 'polling_models', 'polling_records']) AS t WHERE to_regclass(t) IS NOT NULL`)) as unknown as { name: string }[];
      const compared = counted.filter((table) => !table.startsWith('polling_') || pollingTables.some(({ name }) => name === table));
      const seed = async (side: Side) => {
        for (const [id, fields] of [['inst-a', PRODUCTION], ['inst-b', POLLED]] as const) {
          await side.instances.insert(id, fields, 1_700_000_000);
          await side.mirrorChanges(id, [change(1, 'res.partner', 1_699_990_000), change(2, 'sale.order', 1_699_993_700), change(3, 'sale.order', 1_699_993_800)]);
          await side.syncState.update(id, { lastSyncAt: 1_700_000_100, capabilities: CAPABILITIES });
          await side.syncLog.append({ instanceId: id, level: 'info', kind: 'poll', message: 'Mirrored 3 rows.', added: 3 });
          await side.execute('INSERT INTO errors (instance_id, server_id, model, record_id, message, fingerprint, ts, first_seen_at) VALUES (?, 1, ?, 5, ?, ?, 1699990000, 1700000000)', [id, 'sale.order', 'Boom', 'boom']);
          await side.execute('INSERT INTO polling_records (instance_id, model, record_id) VALUES (?, ?, 7)', [id, 'res.partner']);
        }
      };
      const counts = async (side: Side, id: InstanceId) => Object.fromEntries(await Promise.all(compared.map(async (table) => [table, await side.count(table, id)] as const)));
      const result = await both(async (side) => {
        await seed(side);
        const before = await counts(side, 'inst-a');
        await side.instances.deleteWithHistory('inst-a');
        const rest = await counts(side, 'inst-a');
        return { before, deleted: rest, kept: await counts(side, 'inst-b'), list: await side.instances.list() };
      });
      expect(Object.values(result!.deleted).every((count) => count === 0)).toBe(true);
      expect(result!.kept).toMatchObject({ instances: 1, changes: 3, errors: 1, sync_state: 1, sync_log: 1, polling_records: 1 });
      // PostgreSQL's own five-minute aggregate goes with the history too.
      expect(await postgres.count('change_five_minutes', 'inst-a')).toBe(0);
      expect(await postgres.count('change_five_minutes', 'inst-b')).toBe(3);
    });

    it('reads a row without a stored secret as an empty one (the vault cannot open it: the secret is asked for again)', async () => {
      await postgres.instances.insert('inst-copied', PRODUCTION, 1_700_000_000);
      await pg.unsafe("UPDATE instances SET secret = NULL WHERE id = 'inst-copied'");
      expect((await postgres.instances.get('inst-copied'))?.secret).toBe('');
    });

    it('numbers instances added at once from two connections apart, and refuses a name taken meanwhile', async () => {
      const other = await openPostgres(url);
      try {
        const mine = new PgInstanceRepository(pg);
        const theirs = new PgInstanceRepository(other);
        await Promise.all(Array.from({ length: 6 }, (_, index) => (index % 2 ? theirs : mine).insert(`inst-${index}`, { ...PRODUCTION, name: `Server ${index}` }, 1_700_000_000)));
        const positions = ((await pg.unsafe('SELECT position FROM instances ORDER BY position')) as unknown as { position: number }[]).map((row) => row.position);
        expect(positions).toEqual([0, 1, 2, 3, 4, 5]);

        const settled = await Promise.allSettled([mine.insert('inst-x', { ...PRODUCTION, name: 'Same' }, 1), theirs.insert('inst-y', { ...PRODUCTION, name: 'Same' }, 1)]);
        const refused = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        expect(refused).toHaveLength(1);
        expect(refused[0].reason).toMatchObject({ code: 'conflict', message: 'An instance named "Same" already exists.' });
        await expect(mine.update('inst-0', { ...PRODUCTION, name: 'Same' })).rejects.toMatchObject({ code: 'conflict' });
      } finally {
        await closePostgres(other);
      }
    });
  });

  describe('sync state', () => {
    it('answers the defaults for an instance that never synced, and applies patches alike', async () => {
      await both(async ({ syncState }) => {
        const fresh = await syncState.get('inst-new');
        await syncState.update('inst-empty', {});
        const empty = await syncState.get('inst-empty');
        await syncState.update('inst-a', {
          epoch: 2,
          changeCursor: 4_000_000_000,
          errorCursor: 17,
          revisionCursor: '2026-11-30 10:00:00',
          snapshotDone: true,
          paused: true,
          lastSyncAt: 1_700_000_000,
          lastDeletionCheckAt: 1_699_999_000,
          serverVersion: '18.0+e',
          capabilities: CAPABILITIES,
          logToken: 'log-7f3a',
          tombstoneCursor: 42,
        });
        const full = await syncState.get('inst-a');
        await syncState.update('inst-a', { revisionCursor: undefined, logToken: undefined, paused: false, changeCursor: 4_000_000_100 });
        const patched = await syncState.get('inst-a');
        await syncState.update('inst-b', { paused: true });
        return { fresh, empty, full, patched, other: await syncState.get('inst-b') };
      });
    });
  });

  describe('sync log', () => {
    it('appends and lists lines alike: parameters kept as strings and numbers, limits clamped', async () => {
      await both(async ({ syncLog }) => {
        const appended = [
          await syncLog.append({ instanceId: 'inst-a', level: 'info', kind: 'snapshot', message: 'Snapshot: 120 rows.', messageKey: 'sync.snapshot', params: { rows: 120, name: 'الرياض' }, added: 120, durationMs: 830, at: 1_700_000_000 }),
          await syncLog.append({ instanceId: 'inst-b', level: 'warning', kind: 'retry', message: 'Retrying in 5 s.', at: 1_700_000_010 }),
          await syncLog.append({ instanceId: 'inst-a', level: 'error', kind: 'deletions', message: 'Lost.', params: { odd: true, nested: { a: 1 }, list: [1], fine: 'yes' } as never, removed: 0, at: 1_700_000_020 }),
        ];
        return {
          appended,
          all: await syncLog.list(),
          one: await syncLog.list({ instanceId: 'inst-a' }),
          limited: await syncLog.list({ limit: 2 }),
          atLeastOne: await syncLog.list({ limit: 0 }),
          unknown: await syncLog.list({ instanceId: 'nope' }),
        };
      });
    });

    it('keeps the newest 5,000 lines of an instance, pruning every 500 appends', async () => {
      const result = await both(async (side) => {
        const series = side.name === 'sqlite'
          ? 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO sync_log (instance_id, at, level, kind, message) SELECT ?, 1700000000 + i, ?, ?, ? FROM n'
          : 'INSERT INTO sync_log (instance_id, at, level, kind, message) SELECT ?, 1700000000 + i, ?, ?, ? FROM generate_series(1, 5000) AS i';
        await side.execute(series, ['inst-a', 'info', 'poll', 'old']);
        await side.execute("INSERT INTO sync_log (instance_id, at, level, kind, message) VALUES ('inst-b', 1, 'info', 'poll', 'other')");
        let last;
        for (let index = 0; index < 500; index++) last = await side.syncLog.append({ instanceId: 'inst-a', level: 'info', kind: 'poll', message: `new ${index}`, at: 1_800_000_000 + index });
        const lines = await side.syncLog.list({ instanceId: 'inst-a', limit: 100_000 });
        return { last, kept: await side.count('sync_log', 'inst-a'), other: await side.count('sync_log', 'inst-b'), newest: lines[0], oldest: lines[lines.length - 1] };
      });
      expect(result).toMatchObject({ kept: 5000, other: 1, oldest: { id: 501 } });
    });
  });

  describe('settings', () => {
    it('reads defaults, writes known keys only, and keeps flags beside the preferences', async () => {
      await both(async ({ settings }) => {
        const defaults = await settings.get();
        const updated = await settings.update({
          language: 'ar',
          savedFilters: [{ id: 'f1', name: 'شركاء "مهمون"', filter: { models: ['res.partner'], text: '100% \\ done', recordId: 7 } }],
          deleteConfirmThreshold: 250,
          nonsense: 'ignored',
        } as never);
        const flagBefore = await settings.hasFlag('demo.dismissed');
        await settings.setFlag('demo.dismissed');
        await settings.setFlag('demo.dismissed');
        const again = await settings.update({ theme: 'high-contrast', savedFilters: [] });
        return { defaults, updated, flagBefore, flagAfter: await settings.hasFlag('demo.dismissed'), other: await settings.hasFlag('other'), again, read: await settings.get() };
      });
    });
  });

  describe('journal', () => {
    it('begins, finishes, lists and details entries alike', async () => {
      await both(async ({ journal }) => {
        const start = { at: new Date('2026-11-30T10:00:00.900Z'), actor: 'sara (admin)', instanceId: 'inst-a', instanceName: 'Riyadh ERP', action: 'delete-rows' as const, description: 'Delete 3 rows', requested: 3 };
        const first = await journal.begin({ ...start, detail: { ids: [1, 2, 3], filter: { models: ['sale.order'] } } });
        const second = await journal.begin({ ...start, instanceId: 'inst-b', instanceName: 'Jeddah', action: 'clean-orphans', description: 'Clean orphans', detail: null });
        const third = await journal.begin({ ...start, description: 'No detail' });
        const interrupted = await journal.list();
        await journal.finish(first, { succeeded: 2, result: 'partial', note: '1 skipped: no longer orphans' });
        await journal.finish(second, { succeeded: 0, result: 'failed', error: 'Access denied' });
        await journal.finish(third, { succeeded: 3, result: 'ok' });
        return {
          ids: [first, second, third],
          interrupted,
          all: await journal.list(),
          one: await journal.list({ instanceId: 'inst-b' }),
          limited: await journal.list({ limit: 1 }),
          details: [await journal.detail(first), await journal.detail(second), await journal.detail(third), await journal.detail(999)],
        };
      });
    });
  });

  describe('report definitions', () => {
    const request = { format: 'xlsx' as const, filter: { events: ['unlink' as const], models: ['sale.order'] }, language: 'ar' as const, title: 'تقرير' };

    it('saves, lists by name whatever the case, refuses a taken name and deletes alike', async () => {
      await both(async ({ reportDefinitions }) => {
        for (const [id, name] of [['r1', 'weekly'], ['r2', ' Alpha '], ['r3', 'Zed'], ['r4', 'تقرير'], ['r5', '_under'], ['r6', 'beta']]) {
          await reportDefinitions.save({ id, name, request: { ...request, outPath: '/tmp/x.xlsx' } as never });
        }
        return reportDefinitions.list();
      });
      await both(({ reportDefinitions }) => reportDefinitions.save({ name: 'WEEKLY', request }));
      await both(({ reportDefinitions }) => reportDefinitions.save({ id: 'r1', name: 'Weekly', request: { ...request, format: 'csv', bom: true } }));
      await both(({ reportDefinitions }) => reportDefinitions.delete('nope'));
      await both(async ({ reportDefinitions }) => {
        await reportDefinitions.delete('r3');
        return reportDefinitions.list();
      });
    });

    it('refuses a name another server saved after this one checked it (the unique index decides)', async () => {
      const other = await openPostgres(url);
      const watcher = await openPostgres(url);
      try {
        let pending: Promise<unknown> | undefined;
        await pg.begin(async (tx) => {
          // Another server's save, not committed yet: this one's check cannot see it, its insert must wait.
          await tx.unsafe(`INSERT INTO report_definitions (id, name, request) VALUES ('theirs', 'Monthly', '{}')`);
          pending = new PgReportDefinitionRepository(other).save({ id: 'mine', name: 'MONTHLY', request });
          pending.catch(() => undefined);
          await waitForLockWait(watcher);
        });
        await expect(pending).rejects.toMatchObject({ code: 'conflict', message: 'A report named "MONTHLY" already exists.' });
        expect((await postgres.reportDefinitions.list()).map((definition) => definition.id)).toEqual(['theirs']);
      } finally {
        await closePostgres(other);
        await closePostgres(watcher);
      }
    });
  });
});

describe.skipIf(Boolean(skip))('PostgreSQL schema 1 → this build’s', () => {
  let server: TestPostgres;

  beforeAll(async () => {
    server = await startTestPostgres();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('upgrades a database created at schema 1, its rows kept and readable by the new repositories', async () => {
    const pg = await openPostgres(await server.createDatabase());
    try {
      // Schema 1 exactly as a release of that schema left it.
      await pg.unsafe('CREATE TABLE ocm_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      await pg.unsafe(PG_MIGRATIONS[0].sql).simple();
      await pg.unsafe('INSERT INTO ocm_schema (version, description) VALUES (1, $1)', [PG_MIGRATIONS[0].description]);
      await pg.unsafe(`INSERT INTO sync_state (instance_id, epoch, change_cursor, snapshot_done) VALUES ('inst-a', 1, 300, true)`);
      await pg.unsafe(`INSERT INTO report_definitions (id, name, request) VALUES ('r1', 'Weekly', '{"format": "csv", "filter": {}}')`);

      expect(await migratePostgres(pg)).toEqual({ from: 1, to: PG_SCHEMA_VERSION });
      expect(await new PgSyncStateRepository(pg).get('inst-a')).toEqual({ instanceId: 'inst-a', epoch: 1, changeCursor: 300, errorCursor: 0, snapshotDone: true, paused: false, tombstoneCursor: 0 });
      const log = new PgSyncLogRepository(pg);
      await log.append({ instanceId: 'inst-a', level: 'info', kind: 'poll', message: 'ok', at: 1 });
      expect(await log.list()).toHaveLength(1);
      await expect(new PgReportDefinitionRepository(pg).save({ name: 'weekly', request: { format: 'csv', filter: {} } })).rejects.toMatchObject({ code: 'conflict' });
      // Once at 2, migrating again changes nothing.
      expect(await migratePostgres(pg)).toEqual({ from: PG_SCHEMA_VERSION, to: PG_SCHEMA_VERSION });
    } finally {
      await closePostgres(pg);
    }
  });
});
