/**
 * The services' read adapters on both stores: a seeded workstation store (two instances, one hidden,
 * field values, rows removed, errors) is copied into PostgreSQL by the migration tool, then the report
 * data source and the admin adapters of each store must give the same rows, counts, summaries, error
 * groups, instances and exported files, and the row marker must mark the same rows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeFilter, ChangeRow, ChangesNotice, ErrorFilter } from '../../../src-main/common/model';
import { pgRowSource } from '../../../src-main/admin/pg-adapters';
import type { AdminRowSource, RowMarker } from '../../../src-main/admin/ports';
import { announcingMarker, storeInstanceDirectory, storeRowMarker, storeRowSource } from '../../../src-main/admin/store-adapters';
import { pgReportData } from '../../../src-main/reports/pg-data-source';
import { ReportService, type ReportDataSource } from '../../../src-main/reports/report-service';
import { storeReportData } from '../../../src-main/reports/store-data-source';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { PgMirrorRepository } from '../../../src-main/store/postgres/mirror-repository';
import { PgInstanceRepository } from '../../../src-main/store/postgres/repositories/instances';
import { copySqliteToPostgres, verifyCopy } from '../../../src-main/store/postgres/sqlite-copy';
import { migratedDatabase, postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';
import { SEED_START, seededStore, type SeededStore } from '../reports/seed-store';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const FILTERS: [string, ChangeFilter][] = [
  ['everything', {}],
  ['one instance', { instanceIds: ['main'] }],
  ['models over a range not hour-aligned', { models: ['res.partner', 'sale.order'], from: iso(SEED_START + 3600 * 5 + 17), to: iso(SEED_START + 86400 + 1234) }],
  ['events of the hidden instance', { instanceIds: ['branch'], events: ['unlink'] }],
  ['removed rows', { presence: 'removed' }],
  ['present rows', { presence: 'present', instanceIds: ['main'] }],
  ['a changed field', { changedField: 'state' }],
  ['a value', { value: { text: 'Draft', side: 'old' } }],
  ['free text', { text: 'partner' }],
  ['a record', { recordId: 42 }],
];

async function collect(rows: Iterable<ChangeRow> | AsyncIterable<ChangeRow>): Promise<ChangeRow[]> {
  const out: ChangeRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe.skipIf(Boolean(skip))('the PostgreSQL read adapters answer as the SQLite ones', () => {
  let server: TestPostgres;
  let seeded: SeededStore;
  let pg: PgConnection;
  let url: string;
  let lite: ReportDataSource;
  let post: ReportDataSource;

  beforeAll(async () => {
    server = await startTestPostgres();
    seeded = seededStore(1500);
    const { store } = seeded;
    // Field values, a refreshed revision, removals by the server and by a user, a hidden instance.
    store.mirror.insertChanges(
      'main',
      0,
      Array.from({ length: 40 }, (_, index) => ({
        serverId: 5000 + index,
        model: 'sale.order',
        recordId: 700 + (index % 5),
        event: 'write' as const,
        ts: SEED_START + 7200 + index * 61,
        userName: index % 2 ? 'Marc Demo' : 'مدير النظام',
        changedFields: 'state',
        values: [{ field: 'state', label: 'Status', type: 'selection', old: index % 3 ? 'Draft' : 'Sent', new: `Sales Order ${index}` }],
      })),
      { changeCursor: 5039 },
      SEED_START + 86400,
    );
    store.mirror.insertChanges('main', 0, [{ serverId: 5001, revision: 1, model: 'sale.order', recordId: 701, event: 'write', ts: SEED_START + 9000, changedFields: 'state' }], {}, SEED_START + 86401);
    store.mirror.markRemoved('main', 0, Array.from({ length: 90 }, (_, index) => 1 + index * 13), 'server', SEED_START + 90_000);
    store.mirror.markRemoved('branch', 0, [4, 8, 15, 16, 23, 42], 'user', SEED_START + 90_001);
    store.syncState.update('main', { capabilities: { errorLog: 'readable' } as never });
    store.instances.hide('branch', SEED_START + 100_000);

    ({ url, pg } = await migratedDatabase(server));
    await copySqliteToPostgres(store.db, pg, { source: 'read-adapters-test', batchSize: 1000 });
    expect((await verifyCopy(store.db, pg)).filter((table) => !table.ok)).toEqual([]);
    lite = storeReportData(store, { batchSize: 97 });
    // The instances and their sync state come from the store's repositories whichever database holds the
    // rows (PostgreSQL's own repositories are other classes); here the SQLite ones stand in for them.
    post = pgReportData(pg, store, { batchSize: 97 });
  }, 120_000);

  afterAll(async () => {
    if (pg) await closePostgres(pg);
    seeded?.close();
    await server?.stop();
  });

  describe('report data source', () => {
    it.each(FILTERS)('%s: the same rows oldest first, count and summary', async (name, filter) => {
      const rows = await collect(post.rows(filter));
      expect(rows).toEqual(await collect(lite.rows(filter)));
      expect(await post.count!(filter)).toBe(await lite.count!(filter));
      expect(await post.summary!(filter)).toEqual(await lite.summary!(filter));
      expect(rows.length, name).toBeGreaterThan(0);
    });

    it('gives the same error groups, instances and names', async () => {
      for (const filter of [{}, { instanceIds: ['main'] }, { text: 'timeout' }, { from: iso(SEED_START + 5 * 3600) }] as ErrorFilter[]) {
        const groups = await post.errorGroups!(filter);
        expect(groups).toEqual(await lite.errorGroups!(filter));
        expect(groups.length).toBeGreaterThan(0);
      }
      expect(await post.instances!()).toEqual(await lite.instances!());
      expect([...(await lite.instances!())].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: 'branch', name: 'فرع الرياض', removed: true, errorLog: 'unknown' },
        { id: 'main', name: 'Main ERP', removed: false, errorLog: 'readable' },
      ]);
      expect(await post.instanceNames!()).toEqual(await lite.instanceNames!());
    });

    it('writes the same CSV, JSON and HTML reports', async () => {
      const services = [lite, post].map((data) => new ReportService({ data, definitions: seeded.store.reportDefinitions, downloadsDirectory: seeded.dir, now: () => new Date(SEED_START * 1000) }));
      const filter: ChangeFilter = { instanceIds: ['main', 'branch'], from: iso(SEED_START + 600) };
      for (const [format, extra] of [['csv', { bom: true }], ['json', { fieldChanges: true }], ['html', { title: 'Both stores' }]] as const) {
        const files = await Promise.all(
          services.map(async (service, index) => {
            const outPath = path.join(seeded.dir, `report-${index}.${format}`);
            const result = await service.export({ format, filter, outPath, ...extra });
            return { rows: result.rows, text: readFileSync(outPath, 'utf8') };
          }),
        );
        expect(files[1].rows).toBe(files[0].rows);
        expect(files[0].rows).toBeGreaterThan(2500);
        expect(files[1].text).toBe(files[0].text);
      }
    });

    it('streams through a cursor: a stream closed early gives its connection back', async () => {
      const one = await openPostgres(url, { max: 1 });
      try {
        const data = pgReportData(one, seeded.store, { batchSize: 10 });
        let seen = 0;
        for await (const row of data.rows({})) {
          expect(row.instanceId).toBeDefined();
          if (++seen === 25) break;
        }
        // The only connection of the pool is free again (an open cursor would hold it: this would wait).
        const [{ n }] = await one.unsafe('SELECT count(*) AS n FROM changes');
        expect(n).toBeGreaterThan(3000);
        expect(seen).toBe(25);
      } finally {
        await closePostgres(one);
      }
    });
  });

  describe('admin adapters', () => {
    let liteRows: AdminRowSource;
    let postRows: AdminRowSource;

    beforeAll(() => {
      liteRows = storeRowSource(seeded.store.db);
      postRows = pgRowSource(pg);
    });

    it('reads the same rows by key, by server id and by filter', async () => {
      const keys = ['1', '2', '999999', 'x', '-4', '17', '17', '3001', '3050', '6000'];
      const byKeys = [...(await postRows.rowsByKeys(keys))];
      expect(byKeys).toEqual([...(await liteRows.rowsByKeys(keys))]);
      expect(byKeys.length).toBe(4); // 3050 and 6000 are past the last row
      const serverIds = [1, 2, 14, 27, 5001, 5002, 99_999, 2];
      for (const instanceId of ['main', 'branch']) {
        expect([...(await postRows.rowsByServerIds(instanceId, serverIds))]).toEqual([...(await liteRows.rowsByServerIds(instanceId, serverIds))]);
      }
      expect([...(await postRows.rowsByServerIds('main', []))]).toEqual([]);
      for (const [, filter] of FILTERS) expect(await collect(postRows.rows(filter))).toEqual(await collect(liteRows.rows(filter)));
    });

    it('marks the same rows removed by the user, announcing what it marked', async () => {
      const notices: ChangesNotice[] = [];
      const liteMarker: RowMarker = storeRowMarker(seeded.store);
      const postMarker: RowMarker = announcingMarker(storeRowMarker({ mirror: new PgMirrorRepository(pg), syncState: seeded.store.syncState }), (notice) => notices.push(notice));
      const serverIds = [3, 5, 14, 27, 5003, 5001, 123_456];
      const at = new Date((SEED_START + 200_000) * 1000);
      const removed = await liteMarker.markRemovedByUser('main', serverIds, at);
      expect(removed).toBeGreaterThan(4);
      expect(await postMarker.markRemovedByUser('main', serverIds, at)).toBe(removed);
      expect(notices).toEqual([{ instanceId: 'main', added: 0, removed }]);
      expect(await postMarker.markRemovedByUser('main', serverIds, at)).toBe(0);
      expect(await postMarker.markRemovedByUser('main', [], at)).toBe(0);
      expect(notices).toHaveLength(1);
      for (const filter of [{ presence: 'removed' }, { instanceIds: ['main'], presence: 'present' }] as ChangeFilter[]) {
        expect(await collect(postRows.rows(filter))).toEqual(await collect(liteRows.rows(filter)));
        expect(await post.summary!(filter)).toEqual(await lite.summary!(filter));
      }
    });

    it('finds visible instances through either store’s port', async () => {
      const liteDirectory = storeInstanceDirectory(seeded.store);
      const pgDirectory = storeInstanceDirectory({ instances: new PgInstanceRepository(pg) });
      expect((await liteDirectory.get('main'))?.name).toBe('Main ERP');
      expect((await pgDirectory.get('main'))?.name).toBe('Main ERP');
      expect(await pgDirectory.get('branch')).toBeUndefined(); // hidden
      expect(await liteDirectory.get('branch')).toBeUndefined();
    });
  });
});
