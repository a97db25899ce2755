/**
 * The mirror's repository on both stores: one scenario (pages with overlaps, revisions, rows given twice,
 * scattered ids, errors, removals by the server and by a user, a reset log starting a new epoch, a second
 * instance) runs against SQLite's MirrorRepository and PgMirrorRepository, and every MirrorPort answer,
 * every insert-hook call, the rows, the cursors and the hourly aggregates must be identical. Then what
 * only PostgreSQL has: the five-minute aggregate, a caller's transaction, the hook inside the insert
 * transaction, and two connections sending the same page at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceId } from '../../../src-main/common/model';
import type { SqlDatabase } from '../../../src-main/store/database';
import { openDatabase } from '../../../src-main/store/open';
import type { MirrorPort } from '../../../src-main/store/ports';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import type { PgMirrorInsertHook } from '../../../src-main/store/postgres/insert-hook';
import { PgMirrorRepository } from '../../../src-main/store/postgres/mirror-repository';
import { MirrorRepository, type InsertedChange, type InsertedError, type MirrorChange, type MirrorError } from '../../../src-main/store/repositories/mirror';
import { migratedDatabase, postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

const T = 1_800_000_000;

/** Change rows with these server ids: alternating models and events, minutes apart (several hours and five-minute slots). */
function page(ids: readonly number[], extra: Partial<MirrorChange> = {}): MirrorChange[] {
  return ids.map((id) => ({
    serverId: id,
    model: id % 2 ? 'res.partner' : 'sale.order',
    recordId: id * 10,
    event: (['create', 'write', 'unlink'] as const)[id % 3],
    ts: T + id * 170,
    userName: id % 4 ? 'Mitchell Admin' : null,
    changedFields: id % 3 === 1 ? 'name,email' : null,
    changeCount: id % 3 === 1 ? 2 : null,
    ...extra,
  }));
}

function errors(ids: readonly number[]): MirrorError[] {
  return ids.map((id) => ({ serverId: id, model: 'sale.order', recordId: id, message: `Timeout posting https://hooks.example/${id}: read timed out after ${id} s`, ts: T + id }));
}

/** One insert-hook call as a store made it, ids left out (PostgreSQL's identity skips the values of rows it did not insert). */
type HookCall = { kind: 'changes' | 'errors'; instanceId: InstanceId; rows: unknown[]; seenAt: number };

const withoutId = ({ id: _id, ...row }: InsertedChange | InsertedError) => row;

/**
 * The scenario: every MirrorPort method, answers in order. `setLogToken` sets, with each store's own SQL,
 * the addon's log token and tombstone cursor the reset must clear.
 */
async function scenario(mirror: MirrorPort, setLogToken: (instanceId: InstanceId) => Promise<void> | void): Promise<unknown[]> {
  const answers: unknown[] = [];
  const note = async (value: unknown) => answers.push(await value);
  // A snapshot page, the next page overlapping it, a row given twice, revisions of a row.
  await note(mirror.insertChanges('a', 0, page([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { changeCursor: 10, snapshotDone: true }, T + 5000));
  await note(mirror.insertChanges('a', 0, page([8, 9, 10, 11, 12]), { changeCursor: 12 }, T + 5001));
  await note(mirror.insertChanges('a', 0, [...page([13]), ...page([13], { model: 'ignored.second' })], { changeCursor: 13 }, T + 5002));
  await note(mirror.insertChanges('a', 0, page([3, 4], { revision: 1, values: [{ field: 'name', label: 'Name', type: 'char', old: 'A', new: 'B "quoted"' }] }), { revisionCursor: '2027-01-15 10:00:00' }, T + 5003));
  await note(mirror.insertChanges('a', 0, page([3], { revision: 2, origin: 'tracking', extra: '{"source":"chatter"}' }), { revisionCursor: '2027-01-15 09:00:00' }, T + 5004));
  // A re-sent page: nothing new, cursors never move back.
  await note(mirror.insertChanges('a', 0, page([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { changeCursor: 5 }, T + 5005));
  // Scattered ids (SQLite looks each up instead of a range), one already there.
  await note(mirror.insertChanges('a', 0, page([7, 5000, 90_000]), {}, T + 5006));
  await note(mirror.insertChanges('a', 0, [], { changeCursor: 90_000 }, T + 5007));
  await note(mirror.insertChanges('b', 0, page([1, 2, 3]), { changeCursor: 3 }, T + 5008));
  // Errors: a page, its re-send, a row given twice.
  await note(mirror.insertErrors('a', 0, errors([1, 2, 3]), { errorCursor: 3 }, T + 6000));
  await note(mirror.insertErrors('a', 0, errors([2, 3, 4, 4]), { errorCursor: 4 }, T + 6001));
  await note(mirror.insertErrors('a', 0, [], { errorCursor: 2 }, T + 6002));
  // Removals: the server's, then a user's of rows partly removed already (the first removal wins).
  await note(mirror.markRemoved('a', 0, [2, 3, 99, 3], 'server', T + 7000));
  await note(mirror.markRemoved('a', 0, [2, 5, 6], 'user', T + 7001));
  await note(mirror.markRemoved('a', 0, [], 'user', T + 7002));
  await note(mirror.markRemoved('a', 1, [1], 'user', T + 7003)); // another epoch: nothing there
  // The reads the engine compares with the server.
  await note(mirror.presentServerIds('a', 0, 1, 12));
  await note(mirror.presentServerIds('a', 0, 100, 200));
  await note(mirror.presentRows('a', 0, 1, 100_000));
  await note(mirror.presentRows('a', 0, 6, 6));
  await note(mirror.presentAggregate('a', 0, 1, 100_000));
  await note(mirror.presentAggregate('a', 0, 100, 200));
  await note(mirror.rowIdentity('a', 0, 3));
  await note(mirror.rowIdentity('a', 0, 2));
  await note(mirror.rowIdentity('a', 0, 4242));
  await note(mirror.lastRow('a', 0));
  await note(mirror.lastRow('a', 7));
  await note([...(await mirror.latestRevisions('a', 0, [3, 4, 1, 4242, 3]))].sort(([a], [b]) => a - b));
  await note([...(await mirror.latestRevisions('a', 0, []))]);
  await note(mirror.counts('a'));
  await note(mirror.counts('b'));
  await note(mirror.counts('nobody'));
  // The log was reset: present rows removed by 'reset', errors too, a new epoch from a rewound cursor.
  await setLogToken('a');
  await note(mirror.startNewEpoch('a', 0, T + 8000));
  await note(mirror.startNewEpoch('c', 0, T + 8001)); // an instance never synced
  await note(mirror.insertChanges('a', 1, page([1, 2]), { changeCursor: 2 }, T + 9000));
  await note(mirror.presentServerIds('a', 0, 1, 100_000));
  await note(mirror.presentServerIds('a', 1, 1, 100_000));
  await note(mirror.lastRow('a', 1));
  await note(mirror.counts('a'));
  return answers;
}

describe.skipIf(Boolean(skip))('PgMirrorRepository answers as MirrorRepository', () => {
  let server: TestPostgres;
  let pg: PgConnection;
  let dir: string;
  let sqlite: SqlDatabase;
  const hookCalls = { sqlite: [] as HookCall[], postgres: [] as HookCall[] };
  let postgresIds: { kind: 'changes' | 'errors'; rows: (InsertedChange | InsertedError)[] }[] = [];
  let answers: { sqlite: unknown[]; postgres: unknown[] };

  beforeAll(async () => {
    server = await startTestPostgres();
    ({ pg } = await migratedDatabase(server));
    dir = mkdtempSync(join(tmpdir(), 'ocm-pg-mirror-'));
    sqlite = openDatabase(join(dir, 'mirror.sqlite'));

    const lite = new MirrorRepository(sqlite);
    // The alert queue listens to instance 'a' only: 'b' must not be collected.
    lite.setInsertHook({
      wantsChanges: (instanceId) => instanceId === 'a',
      changesInserted: (instanceId, rows, seenAt) => hookCalls.sqlite.push({ kind: 'changes', instanceId, rows: rows.map(withoutId), seenAt }),
      wantsErrors: (instanceId) => instanceId === 'a',
      errorsInserted: (instanceId, rows, seenAt) => hookCalls.sqlite.push({ kind: 'errors', instanceId, rows: rows.map(withoutId), seenAt }),
    });
    // A small statement size, so pages span several statements.
    const post = new PgMirrorRepository(pg, { statementRows: 4 });
    post.setInsertHook({
      wantsChanges: async (instanceId) => instanceId === 'a',
      changesInserted: async (_tx, instanceId, rows, seenAt) => {
        hookCalls.postgres.push({ kind: 'changes', instanceId, rows: rows.map(withoutId), seenAt });
        postgresIds.push({ kind: 'changes', rows: [...rows] });
      },
      wantsErrors: async (instanceId) => instanceId === 'a',
      errorsInserted: async (_tx, instanceId, rows, seenAt) => {
        hookCalls.postgres.push({ kind: 'errors', instanceId, rows: rows.map(withoutId), seenAt });
        postgresIds.push({ kind: 'errors', rows: [...rows] });
      },
    });
    answers = {
      sqlite: await scenario(lite, (instanceId) => void sqlite.prepare(`UPDATE sync_state SET log_token = 'log-1', tombstone_cursor = 17 WHERE instance_id = ?`).run(instanceId)),
      postgres: await scenario(post, async (instanceId) => void (await pg.unsafe(`UPDATE sync_state SET log_token = 'log-1', tombstone_cursor = 17 WHERE instance_id = $1`, [instanceId]))),
    };
  }, 120_000);

  afterAll(async () => {
    if (pg) await closePostgres(pg);
    sqlite?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  });

  it('gives every MirrorPort answer identically', () => {
    expect(answers.postgres).toEqual(answers.sqlite);
    // The scenario is not vacuous: pages inserted, re-sent pages added nothing, removals and a reset counted.
    expect(answers.sqlite.slice(0, 9)).toEqual([10, 2, 1, 2, 1, 0, 2, 0, 3]);
    expect(answers.sqlite.slice(9, 16)).toEqual([3, 1, 0, 4, 2, 0, 0]); // row 3 has three revisions
  });

  it('hands the hook exactly the rows inserted, in both stores alike, with their real ids', async () => {
    expect(hookCalls.postgres).toEqual(hookCalls.sqlite);
    expect(hookCalls.sqlite.map((call) => [call.kind, call.instanceId, call.rows.length])).toEqual([
      ['changes', 'a', 10],
      ['changes', 'a', 2],
      ['changes', 'a', 1],
      ['changes', 'a', 2],
      ['changes', 'a', 1],
      ['changes', 'a', 2],
      ['errors', 'a', 3],
      ['errors', 'a', 1],
      ['changes', 'a', 2],
    ]);
    for (const { kind, rows } of postgresIds) {
      const stored = await pg.unsafe(`SELECT id, server_id FROM ${kind} WHERE id = ANY($1::bigint[]) ORDER BY id`, [rows.map((row) => row.id)] as never[]);
      expect(stored.map((row) => [row.id, row.server_id])).toEqual(rows.map((row) => [row.id, row.serverId]).sort(([a], [b]) => a - b));
    }
  });

  it('holds the same rows, cursors and hourly aggregates', async () => {
    const columns = 'instance_id, epoch, server_id, revision, model, record_id, event, ts, first_seen_at, removed_at, removed_by, user_name, changed_fields, change_count, origin';
    const order = 'ORDER BY instance_id, epoch, server_id, revision';
    const liteRows = sqlite.prepare(`SELECT ${columns}, extra, field_values FROM changes ${order}`).all() as Record<string, unknown>[];
    const pgRows = await pg.unsafe(`SELECT ${columns}, extra::text AS extra, field_values::text AS field_values FROM changes ${order}`);
    const parsed = (row: Record<string, unknown>) => ({ ...row, extra: JSON.parse(String(row.extra)), field_values: JSON.parse(String(row.field_values)) });
    expect(pgRows.map(parsed)).toEqual(liteRows.map(parsed));
    expect(liteRows.length).toBe(23);

    const errorColumns = 'instance_id, epoch, server_id, model, record_id, message, fingerprint, ts, first_seen_at, removed_at';
    expect([...(await pg.unsafe(`SELECT ${errorColumns} FROM errors ORDER BY server_id`))]).toEqual(sqlite.prepare(`SELECT ${errorColumns} FROM errors ORDER BY server_id`).all());

    const stateColumns = 'instance_id, epoch, change_cursor, error_cursor, revision_cursor, log_token, tombstone_cursor';
    const liteState = sqlite.prepare(`SELECT ${stateColumns}, snapshot_done = 1 AS snapshot_done FROM sync_state ORDER BY instance_id`).all() as Record<string, unknown>[];
    const pgState = await pg.unsafe(`SELECT ${stateColumns}, snapshot_done FROM sync_state ORDER BY instance_id`);
    expect(pgState.map((row) => ({ ...row }))).toEqual(liteState.map((row) => ({ ...row, snapshot_done: row.snapshot_done === 1 })));
    expect(liteState.find((row) => row.instance_id === 'a')).toMatchObject({ epoch: 1, change_cursor: 2, log_token: null, tombstone_cursor: 0 });

    const hours = 'SELECT instance_id, model, event, hour, present, removed FROM change_hours WHERE present <> 0 OR removed <> 0 ORDER BY instance_id, model, event, hour';
    expect([...(await pg.unsafe(hours))]).toEqual(sqlite.prepare(hours).all());
  });

  it('keeps both aggregates equal to the rows (PostgreSQL also counts per five minutes)', async () => {
    for (const [table, bucket, seconds] of [['change_hours', 'hour', 3600], ['change_five_minutes', 'slot', 300]] as const) {
      const derived = await pg.unsafe(`SELECT instance_id, model, event, ts / ${seconds} AS bucket, count(*) FILTER (WHERE removed_at IS NULL) AS present,
        count(*) FILTER (WHERE removed_at IS NOT NULL) AS removed FROM changes GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`);
      const kept = await pg.unsafe(`SELECT instance_id, model, event, ${bucket} AS bucket, present, removed FROM ${table} WHERE present <> 0 OR removed <> 0 ORDER BY 1, 2, 3, 4`);
      expect([...kept]).toEqual([...derived]);
      expect(kept.length).toBeGreaterThan(3);
    }
  });

  it('never needs a bulk load: PostgreSQL keeps its indexes', async () => {
    const post = new PgMirrorRepository(pg);
    expect(post.beginBulkLoad('a', 5_000_000)).toBe(false);
    expect(post.ensureReadIndexes()).toEqual([]);
    expect(post.endBulkLoad('a')).toBeUndefined();
  });
});

describe.skipIf(Boolean(skip))('PgMirrorRepository on PostgreSQL', () => {
  let server: TestPostgres;
  let url: string;
  let pg: PgConnection;

  beforeAll(async () => {
    server = await startTestPostgres();
    ({ url, pg } = await migratedDatabase(server));
  }, 120_000);

  afterAll(async () => {
    if (pg) await closePostgres(pg);
    await server?.stop();
  });

  const totals = async (instanceId: string) => {
    const [row] = await pg.unsafe(`SELECT (SELECT count(*) FROM changes WHERE instance_id = $1) AS rows,
      (SELECT coalesce(sum(present + removed), 0)::bigint FROM change_hours WHERE instance_id = $1) AS hours,
      (SELECT coalesce(sum(present + removed), 0)::bigint FROM change_five_minutes WHERE instance_id = $1) AS slots,
      (SELECT change_cursor FROM sync_state WHERE instance_id = $1) AS cursor`, [instanceId]);
    return { ...row };
  };

  it('inserts inside the caller\'s transaction: its rollback keeps no row, no count and no cursor', async () => {
    const mirror = new PgMirrorRepository(pg);
    await expect(
      pg.begin(async (tx) => {
        expect(await mirror.insertChangesIn(tx, 'tx', 0, page([1, 2, 3]), { changeCursor: 3 }, T)).toBe(3);
        const [seen] = await tx.unsafe(`SELECT count(*) AS n FROM changes WHERE instance_id = 'tx'`);
        expect(seen.n).toBe(3); // visible inside
        throw new Error('the caller failed after the insert');
      }),
    ).rejects.toThrow('the caller failed');
    expect(await totals('tx')).toEqual({ rows: 0, hours: 0, slots: 0, cursor: null });
    expect(await pg.begin((tx) => mirror.insertChangesIn(tx, 'tx', 0, page([1, 2, 3]), { changeCursor: 3 }, T))).toBe(3);
    expect(await totals('tx')).toEqual({ rows: 3, hours: 3, slots: 3, cursor: 3 });
  });

  it('runs the hook inside the insert transaction: it sees the rows, and its failure keeps none of them', async () => {
    const mirror = new PgMirrorRepository(pg);
    const seen: number[] = [];
    let fail = false;
    let asked = 0;
    const hook: PgMirrorInsertHook = {
      wantsChanges: () => ++asked > 0,
      async changesInserted(tx, _instanceId, rows) {
        const [row] = await tx.unsafe('SELECT count(*) AS n FROM changes WHERE id = ANY($1::bigint[])', [rows.map((inserted) => inserted.id)] as never[]);
        seen.push(row.n);
        if (fail) throw new Error('the alert queue failed');
      },
      wantsErrors: () => true,
      errorsInserted: async () => undefined,
    };
    mirror.setInsertHook(hook);
    expect(await mirror.insertChanges('hook', 0, page([1, 2]), { changeCursor: 2 }, T)).toBe(2);
    fail = true;
    await expect(mirror.insertChanges('hook', 0, page([3, 4]), { changeCursor: 4 }, T)).rejects.toThrow('the alert queue failed');
    expect(seen).toEqual([2, 2]);
    expect(await totals('hook')).toEqual({ rows: 2, hours: 2, slots: 2, cursor: 2 });
    // A re-sent page adds nothing: the hook is not even asked (as on SQLite).
    expect(await mirror.insertChanges('hook', 0, page([1, 2]), { changeCursor: 2 }, T)).toBe(0);
    expect(asked).toBe(2);
    mirror.setInsertHook(undefined);
    expect(await mirror.insertChanges('hook', 0, page([3, 4]), { changeCursor: 4 }, T)).toBe(2);
  });

  it('a page sent by two connections at once is inserted and counted once', async () => {
    const other = await openPostgres(url);
    try {
      const first = new PgMirrorRepository(pg);
      const second = new PgMirrorRepository(other);
      const rows = page(Array.from({ length: 2500 }, (_, index) => index + 1));
      const inserted = await Promise.all([first.insertChanges('race', 0, rows, { changeCursor: 2500 }, T), second.insertChanges('race', 0, rows, { changeCursor: 2500 }, T)]);
      expect(inserted[0] + inserted[1]).toBe(2500);
      expect(await totals('race')).toEqual({ rows: 2500, hours: 2500, slots: 2500, cursor: 2500 });
      const ids = Array.from({ length: 800 }, (_, index) => index * 3 + 1);
      const removed = await Promise.all([first.markRemoved('race', 0, ids, 'server', T + 1), second.markRemoved('race', 0, ids, 'user', T + 2)]);
      expect(removed[0] + removed[1]).toBe(800);
      expect(await first.counts('race')).toEqual({ changeCount: 2500, removedCount: 800, errorCount: 0 });
    } finally {
      await closePostgres(other);
    }
  });

  it('rolls back a page the table refuses, cursor included', async () => {
    const mirror = new PgMirrorRepository(pg);
    await expect(mirror.insertChanges('bad', 0, [...page([1]), { ...page([2])[0], event: 'bogus' as never }], { changeCursor: 2 }, T)).rejects.toThrow();
    expect(await totals('bad')).toEqual({ rows: 0, hours: 0, slots: 0, cursor: null });
  });
});
