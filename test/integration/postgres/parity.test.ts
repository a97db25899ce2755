/**
 * The same workbench queries on both stores: a seeded SQLite mirror (realistic rows, awkward text,
 * keyset ties, old → new values) is copied into a real PostgreSQL by the migration tool, then every
 * scenario asks both `ChangeService`s and must get identical answers (timeline pages both ways,
 * counts, facets, histograms, a record's history, errors). Also the PostgreSQL write path: idempotent
 * ingest that keeps the hourly aggregates equal to the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import type { ChangeFilter, FieldChange, TimelineCursor, TimelineQuery } from '../../../src-main/common/model';
import type { IChangeService } from '../../../src-main/common/services';
import type { SqlDatabase } from '../../../src-main/store/database';
import { ChangeService } from '../../../src-main/store/queries/change-service';
import { closePostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { PgChangeService } from '../../../src-main/store/postgres/change-service';
import { PgMirrorRepository } from '../../../src-main/store/postgres/mirror-repository';
import { MirrorRepository } from '../../../src-main/store/repositories/mirror';
import { copySqliteToPostgres, verifyCopy } from '../../../src-main/store/postgres/sqlite-copy';
import { insertChanges } from '../../unit/queries/fixtures';
import { END, iso, openTestMirror } from '../../unit/queries/test-mirror';
import { migratedDatabase, postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

const VALUES: { model: string; changedFields?: string; values: FieldChange[] }[] = [
  { model: 'product.template', changedFields: 'list_price', values: [{ field: 'list_price', label: 'Sales Price', type: 'monetary', old: '10.00 USD', new: '12.50 USD' }] },
  { model: 'sale.order', changedFields: 'partner_id,state', values: [
    { field: 'partner_id', label: 'Customer', type: 'many2one', old: [7, 'Azure Interior'], new: [9, 'Deco Addict'] },
    { field: 'state', label: 'Status', type: 'selection', old: 'Quotation', new: 'Sales Order' },
  ] },
  { model: 'res.partner', changedFields: 'display_name', values: [{ field: 'display_name', label: 'Display Name', type: 'char', old: 'Name 100% "quoted"', new: 'back\\slash_name' }] },
  { model: 'hr.employee', changedFields: 'children', values: [{ field: 'children', label: 'Children', type: 'integer', old: 2, new: 3 }] },
  { model: 'res.partner', values: [{ field: 'phone', label: 'Phone', type: 'char', old: false, new: '+966 55 123' }] },
];

const noEvents = () => ({ dispose() {} });

describe.skipIf(Boolean(skip))('the PostgreSQL store answers as the SQLite store', () => {
  let server: TestPostgres;
  let mirror: ReturnType<typeof openTestMirror>;
  let pg: PgConnection;
  let lite: IChangeService;
  let post: IChangeService;

  beforeAll(async () => {
    server = await startTestPostgres();
    mirror = openTestMirror();
    const db: Database.Database = mirror.db;
    insertChanges(db, VALUES.map((row, index) => ({ instanceId: 'inst-prod', model: row.model, recordId: 900 + index, event: 'write', ts: END - 300 + index, changedFields: row.changedFields, values: row.values })));
    db.prepare(`INSERT INTO errors (instance_id, server_id, model, record_id, message, fingerprint, ts, first_seen_at) VALUES
      ('inst-prod', 1, 'sale.order', 5, 'Timeout posting https://hooks.example/a: read timed out', 'timeout posting', ${END - 50}, ${END - 40}),
      ('inst-prod', 2, 'sale.order', 6, 'Timeout posting https://hooks.example/b: read timed out', 'timeout posting', ${END - 30}, ${END - 20}),
      ('inst-demo', 1, 'res.partner', 7, 'Connection refused by receiver', 'connection refused', ${END - 10}, ${END - 5})`).run();
    ({ pg } = await migratedDatabase(server));
    const sqlite = db as unknown as SqlDatabase;
    await copySqliteToPostgres(sqlite, pg, { source: 'parity-test', batchSize: 1000 });
    expect((await verifyCopy(sqlite, pg)).filter((table) => !table.ok)).toEqual([]);
    lite = new ChangeService(sqlite, noEvents);
    post = new PgChangeService(pg, noEvents);
  }, 120_000);

  afterAll(async () => {
    if (pg) await closePostgres(pg);
    mirror?.dispose();
    await server?.stop();
  });

  const FILTERS: [string, ChangeFilter][] = [
    ['no filter', {}],
    ['one instance', { instanceIds: ['inst-staging'] }],
    ['two instances', { instanceIds: ['inst-staging', 'inst-demo'] }],
    ['one model', { models: ['sale.order'] }],
    ['three models', { models: ['sale.order', 'hr.expense', 'x.custom_model'] }],
    ['two events', { events: ['create', 'unlink'] }],
    ['record id', { recordId: 4242 }],
    ['record id with a model', { models: ['res.partner'], recordId: 4242 }],
    ['time range (not hour-aligned)', { from: iso(END - 86400 - 1234), to: iso(END - 3600 + 17) }],
    ['time range (hour-aligned)', { from: iso(END - 2 * 86400), to: iso(END - 3600) }],
    ['from only', { from: iso(END - 5000) }],
    ['text', { text: 'partner' }],
    ['text, two words', { text: 'res. 42' }],
    ['text with LIKE wildcards', { text: '100%' }],
    ['text with underscore', { text: 'sure_' }],
    ['text with a backslash', { text: 'back\\slash' }],
    ['Arabic user in text', { text: 'سارة' }],
    ['text matching the label shown', { text: 'Contact' }],
    ['text in the values', { text: 'Azure' }],
    ['users', { users: ['OdooBot', 'سارة أحمد'] }],
    ['changed field', { changedField: 'name' }],
    ['changed field known only from the values', { changedField: 'phone' }],
    ['value contains', { value: { text: 'deco' } }],
    ['value equals, new side, of a field', { changedField: 'children', value: { text: '3', match: 'equals', side: 'new' } }],
    ['present', { presence: 'present' }],
    ['removed', { presence: 'removed' }],
    ['four filters', { instanceIds: ['inst-prod', 'inst-demo'], models: ['res.partner'], events: ['write', 'create'], from: iso(END - 2 * 86400) }],
  ];

  /** Every page of a walk in one direction, as returned (rows and cursors). */
  async function walk(service: IChangeService, filter: ChangeFilter, size: number, direction: 'older' | 'newer') {
    const pages = [];
    let cursor: TimelineCursor | undefined;
    for (let guard = 0; guard < 1000; guard++) {
      const query: TimelineQuery = { filter, limit: size, cursor, direction };
      const page = await service.timeline(query);
      pages.push(page);
      cursor = direction === 'older' ? page.older : page.newer;
      if (!cursor) return pages;
    }
    throw new Error('paging did not end');
  }

  it.each(FILTERS)('%s: timeline pages, count, facets and histogram are identical', async (_name, filter) => {
    expect(await walk(post, filter, 250, 'older')).toEqual(await walk(lite, filter, 250, 'older'));
    expect(await post.count(filter)).toBe(await lite.count(filter));
    expect(await post.facets(filter)).toEqual(await lite.facets(filter));
    expect(await post.histogram(filter)).toEqual(await lite.histogram(filter));
  });

  it('the scenarios are not trivial: each matches some rows but not all', async () => {
    const all = await lite.count({});
    for (const [name, filter] of FILTERS.slice(1)) {
      const count = await lite.count(filter);
      expect(count, name).toBeGreaterThan(0);
      expect(count, name).toBeLessThan(all);
    }
  });

  it('pages towards newer rows identically, with keyset ties across pages', async () => {
    const filter: ChangeFilter = { models: ['res.partner', 'sale.order'] };
    expect(await walk(post, filter, 7, 'newer')).toEqual(await walk(lite, filter, 7, 'newer'));
    const tie = { from: iso(END - 7200 + 17), to: iso(END - 7200 + 18) };
    expect(await walk(post, tie, 2, 'older')).toEqual(await walk(lite, tie, 2, 'older'));
  });

  it('histograms of other bucket counts and a record\'s history are identical', async () => {
    for (const maxBuckets of [5, 60, 400, 1000]) {
      const filter: ChangeFilter = { from: iso(END - 3 * 86400 + 77), to: iso(END) };
      expect(await post.histogram(filter, { maxBuckets })).toEqual(await lite.histogram(filter, { maxBuckets }));
    }
    // 5- and 15-minute buckets come from the five-minute aggregate, 1-minute ones from the rows.
    for (const [hours, maxBuckets, size] of [[8, 120, 300], [24, 120, 900], [20, 100, 900], [1.5, 100, 60]]) {
      const filter: ChangeFilter = { instanceIds: ['inst-prod', 'inst-demo'], from: iso(END - hours * 3600 - 77), to: iso(END - 131) };
      const histogram = await post.histogram(filter, { maxBuckets });
      expect(histogram.bucketSeconds).toBe(size);
      expect(histogram.buckets.some((bucket) => bucket.count > 0)).toBe(true);
      expect(histogram).toEqual(await lite.histogram(filter, { maxBuckets }));
    }
    expect(await post.recordHistory('inst-prod', 'res.partner', 4242)).toEqual(await lite.recordHistory('inst-prod', 'res.partner', 4242));
  });

  it('errors and their groups are identical', async () => {
    for (const filter of [{}, { instanceIds: ['inst-prod'] }, { text: 'timeout' }, { text: 'recei*' }]) {
      expect(await post.errors(filter)).toEqual(await lite.errors(filter));
      expect(await post.errorGroups(filter)).toEqual(await lite.errorGroups(filter));
    }
  });

  it('rejects bad input as the SQLite store does', async () => {
    await expect(post.timeline({ filter: { from: 'yesterday' }, limit: 10 })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(post.timeline({ filter: {}, limit: 0 })).rejects.toThrow(/positive/);
  });

  it('marks rows removed on both stores alike: timeline, facets and histograms of removed rows stay identical', async () => {
    const sqlite = new MirrorRepository(mirror.db as unknown as SqlDatabase);
    const writer = new PgMirrorRepository(pg);
    const serverIds = Array.from({ length: 60 }, (_, index) => 100 + index * 7);
    const at = END + 60;
    const removed = sqlite.markRemoved('inst-staging', 0, serverIds, 'user', at);
    expect(removed).toBeGreaterThan(50);
    expect(await writer.markRemoved('inst-staging', 0, serverIds, 'user', at)).toBe(removed);
    expect(await writer.markRemoved('inst-staging', 0, serverIds, 'user', at + 1)).toBe(0);
    for (const filter of [{ presence: 'removed' }, { presence: 'present', instanceIds: ['inst-staging'] }, { instanceIds: ['inst-staging'], from: iso(END - 86400) }] as ChangeFilter[]) {
      expect(await walk(post, filter, 500, 'older')).toEqual(await walk(lite, filter, 500, 'older'));
      expect(await post.facets(filter)).toEqual(await lite.facets(filter));
      expect(await post.histogram(filter)).toEqual(await lite.histogram(filter));
    }
  });

  it('ingests idempotently: a re-sent batch adds nothing, and the hourly aggregates stay equal to the rows', async () => {
    const writer = new PgMirrorRepository(pg);
    const rows = Array.from({ length: 1200 }, (_, index) => ({
      serverId: 50_000 + index,
      model: index % 3 ? 'res.partner' : 'sale.order',
      recordId: index,
      event: (['create', 'write', 'unlink'] as const)[index % 3],
      ts: END + index * 7,
      userName: 'Ingest',
      values: index % 2 ? [{ field: 'name', old: 'a', new: `b${index}` }] : null,
    }));
    expect(await writer.insertChanges('inst-new', 0, rows, { changeCursor: 51_199, snapshotDone: true }, END + 9000)).toBe(1200);
    expect(await writer.insertChanges('inst-new', 0, rows.slice(600), { changeCursor: 50_700 }, END + 9001)).toBe(0);
    const [state] = await pg.unsafe(`SELECT change_cursor, snapshot_done FROM sync_state WHERE instance_id = 'inst-new'`);
    expect(state).toEqual({ change_cursor: 51_199, snapshot_done: true });
    const [check] = await pg.unsafe(`SELECT (SELECT count(*) FROM changes WHERE instance_id = 'inst-new') AS rows,
      (SELECT sum(present)::bigint FROM change_hours WHERE instance_id = 'inst-new') AS hours,
      (SELECT sum(present)::bigint FROM change_five_minutes WHERE instance_id = 'inst-new') AS slots`);
    expect(check).toEqual({ rows: 1200, hours: 1200, slots: 1200 });
    expect(await post.count({ instanceIds: ['inst-new'], text: 'b1199' })).toBe(1);
    expect(await post.count({ instanceIds: ['inst-new'] })).toBe(1200);
    const errors = [{ serverId: 1, model: 'sale.order', recordId: 1, message: 'Boom 42', ts: END }];
    expect(await writer.insertErrors('inst-new', 0, errors, { errorCursor: 1 }, END)).toBe(1);
    expect(await writer.insertErrors('inst-new', 0, errors, { errorCursor: 1 }, END)).toBe(0);
  });
});
