import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import type { ChangeFilter, TimelineCursor } from '../../../src-main/common/model';
import { OcmError } from '../../../src-main/common/errors';
import { chooseTimelinePlan, iterateChanges, orderedRowsSql, recordHistory, timelinePage } from '../../../src-main/store/queries/change-queries';
import { normalizeFilter } from '../../../src-main/store/queries/filter';
import { allRows, END, iso, matches, openTestMirror, type PlainRow } from './test-mirror';

let mirror: ReturnType<typeof openTestMirror>;
let db: Database.Database;
let rows: PlainRow[];

beforeAll(() => {
  mirror = openTestMirror();
  db = mirror.db;
  rows = allRows(db);
});
afterAll(() => mirror.dispose());

/** Walks the whole timeline in pages of `size`, older and older, and returns the keys in order. */
function walkOlder(filter: ChangeFilter, size: number): string[] {
  const keys: string[] = [];
  let cursor: TimelineCursor | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = timelinePage(db, { filter, limit: size, cursor, direction: 'older' });
    keys.push(...page.rows.map((row) => row.key));
    if (!page.older) return keys;
    cursor = page.older;
  }
  throw new Error('paging did not end');
}

/** The same walk from the oldest row towards the newest; each page is newest first. */
function walkNewer(filter: ChangeFilter, size: number): string[] {
  const pages: string[][] = [];
  let cursor: TimelineCursor | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = timelinePage(db, { filter, limit: size, cursor, direction: 'newer' });
    pages.push(page.rows.map((row) => row.key));
    if (!page.newer) return pages.reverse().flat();
    cursor = page.newer;
  }
  throw new Error('paging did not end');
}

const expected = (filter: ChangeFilter) => rows.filter((row) => matches(row, filter)).map((row) => String(row.id));

const FILTERS: [string, ChangeFilter][] = [
  ['no filter', {}],
  ['one instance', { instanceIds: ['inst-staging'] }],
  ['two instances', { instanceIds: ['inst-staging', 'inst-demo'] }],
  ['one model', { models: ['sale.order'] }],
  ['three models', { models: ['sale.order', 'hr.expense', 'x.custom_model'] }],
  ['one event', { events: ['unlink'] }],
  ['two events', { events: ['create', 'unlink'] }],
  ['record id alone', { recordId: 4242 }],
  ['record id with a model', { models: ['res.partner'], recordId: 4242 }],
  ['record id with two models', { models: ['res.partner', 'sale.order'], recordId: 4242 }],
  ['time range', { from: iso(END - 86400 - 1234), to: iso(END - 3600 + 17) }],
  ['from only', { from: iso(END - 5000) }],
  ['to only', { to: iso(END - 2 * 86400) }],
  ['text', { text: 'partner' }],
  ['text, two words', { text: 'res. 42' }],
  ['text with LIKE wildcards', { text: '100%' }],
  ['text with underscore', { text: 'sure_' }],
  ['text with a backslash', { text: 'back\\slash' }],
  ['text matching changed fields', { text: 'amount_total' }],
  ['Arabic user in text', { text: 'سارة' }],
  ['text matching the label shown ("Contact")', { text: 'Contact' }],
  ['text matching the Arabic label shown', { text: 'جهة اتصال' }],
  ['text matching a label in two words', { text: 'sales order' }],
  ['users', { users: ['OdooBot', 'سارة أحمد'] }],
  ['changed field (whole name)', { changedField: 'name' }],
  ['present', { presence: 'present' }],
  ['removed', { presence: 'removed' }],
  ['four filters', { instanceIds: ['inst-prod', 'inst-demo'], models: ['res.partner'], events: ['write', 'create'], from: iso(END - 2 * 86400) }],
  ['everything', { instanceIds: ['inst-prod'], models: ['res.partner', 'sale.order'], events: ['write'], from: iso(END - 3 * 86400), to: iso(END), presence: 'present', text: 'a', changedField: 'name' }],
  ['empty lists mean any', { instanceIds: [], models: [], events: [] }],
];

describe('timeline filters', () => {
  it.each(FILTERS)('%s: pages hold exactly the matching rows, newest first', (_name, filter) => {
    expect(walkOlder(filter, 97)).toEqual(expected(filter));
  });

  it('non-trivial filters match some but not all rows', () => {
    for (const [name, filter] of FILTERS.slice(1, -1)) {
      const count = expected(filter).length;
      expect(count, name).toBeGreaterThan(0);
      expect(count, name).toBeLessThan(rows.length);
    }
  });

  it('changed field matches whole field names only', () => {
    const keys = new Set(expected({ changedField: 'name' }));
    const displayOnly = rows.find((row) => row.changed_fields === 'display_name')!;
    expect(keys.has(String(displayOnly.id))).toBe(false);
    expect(walkOlder({ changedField: 'display_name' }, 500)).toContain(String(displayOnly.id));
  });

  it('rejects bad input with invalid-input', () => {
    expect(() => timelinePage(db, { filter: { from: 'yesterday' }, limit: 10 })).toThrowError(OcmError);
    expect(() => timelinePage(db, { filter: { events: ['delete' as 'unlink'] }, limit: 10 })).toThrowError(/Unknown event/);
    expect(() => timelinePage(db, { filter: {}, limit: 0 })).toThrowError(/positive/);
    expect(() => timelinePage(db, { filter: {}, limit: 5, cursor: { timestamp: iso(END), key: 'x' } })).toThrowError(/cursor/);
  });
});

describe('keyset paging', () => {
  it.each([1, 7, 100, 5000])('walks the whole table older and newer in pages of %i without gaps or duplicates', (size) => {
    const want = rows.map((row) => String(row.id));
    if (size === 1) {
      // Pages of one: only the filtered walk, to keep the test quick.
      const filter: ChangeFilter = { models: ['hr.employee'] };
      expect(walkOlder(filter, 1)).toEqual(expected(filter));
      expect(walkNewer(filter, 1)).toEqual(expected(filter));
      return;
    }
    expect(walkOlder({}, size)).toEqual(want);
    expect(walkNewer({}, size)).toEqual(want);
  });

  it('walks merged plans both ways', () => {
    const filter: ChangeFilter = { models: ['res.partner', 'sale.order', 'hr.expense'], events: ['write', 'unlink'] };
    expect(walkOlder(filter, 33)).toEqual(expected(filter));
    expect(walkNewer(filter, 33)).toEqual(expected(filter));
  });

  it('orders rows of the same second by key, across page boundaries', () => {
    const tie = END - 7200 + 17;
    const sameSecond = rows.filter((row) => row.ts === tie).map((row) => String(row.id));
    expect(sameSecond.length).toBeGreaterThanOrEqual(4);
    const page = timelinePage(db, { filter: { from: iso(tie), to: iso(tie + 1) }, limit: 2 });
    expect(page.rows.map((row) => row.key)).toEqual(sameSecond.slice(0, 2));
    const next = timelinePage(db, { filter: { from: iso(tie), to: iso(tie + 1) }, limit: 2, cursor: page.older });
    expect(next.rows.map((row) => row.key)).toEqual(sameSecond.slice(2, 4));
  });

  it('sets older and newer cursors only where rows exist', () => {
    const first = timelinePage(db, { filter: {}, limit: 10 });
    expect(first.newer).toBeUndefined();
    expect(first.older).toEqual({ timestamp: first.rows[9].timestamp, key: first.rows[9].key });
    const second = timelinePage(db, { filter: {}, limit: 10, cursor: first.older });
    expect(second.newer).toEqual({ timestamp: second.rows[0].timestamp, key: second.rows[0].key });
    const back = timelinePage(db, { filter: {}, limit: 10, cursor: second.newer, direction: 'newer' });
    expect(back.rows).toEqual(first.rows);
    expect(back.newer).toBeUndefined();
    const oldest = timelinePage(db, { filter: {}, limit: 10, direction: 'newer' });
    expect(oldest.older).toBeUndefined();
    expect(oldest.rows.at(-1)!.key).toBe(String(rows.at(-1)!.id));
  });

  it('maps rows to the contract', () => {
    const page = timelinePage(db, { filter: { users: ['back\\slash'] }, limit: 5 });
    expect(page.rows).toEqual([{
      key: expect.stringMatching(/^\d+$/),
      instanceId: 'inst-prod',
      serverId: expect.any(Number),
      model: 'res.partner',
      recordId: 4242,
      event: 'write',
      timestamp: iso(END - 7200 + 17),
      firstSeenAt: iso(END - 7200 + 17),
      removedAt: iso(END),
      removedBy: 'user',
      userName: 'back\\slash',
      changedFields: ['display_name'],
    }]);
    expect(page.rows[0].timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe('record history and streaming', () => {
  it('returns the same record on the same instance, newest first', () => {
    const history = recordHistory(db, 'inst-prod', 'res.partner', 4242);
    const want = rows.filter((row) => row.instance_id === 'inst-prod' && row.model === 'res.partner' && row.record_id === 4242).map((row) => String(row.id));
    expect(want.length).toBeGreaterThanOrEqual(3);
    expect(history.map((row) => row.key)).toEqual(want);
  });

  it('streams every matching row in time order in small batches', () => {
    const filter: ChangeFilter = { instanceIds: ['inst-demo'], presence: 'present' };
    const streamed = [...iterateChanges(db, filter, { batchSize: 37 })].map((row) => row.key);
    expect(streamed).toEqual(expected(filter).reverse());
    const newestFirst = [...iterateChanges(db, filter, { batchSize: 37, order: 'newest-first' })].map((row) => row.key);
    expect(newestFirst).toEqual(expected(filter));
  });

  it('streams only the newest N rows with last, still in time order', () => {
    const filter: ChangeFilter = { models: ['sale.order', 'res.partner'] };
    const want = expected(filter).slice(0, 250).reverse();
    expect([...iterateChanges(db, filter, { batchSize: 100, last: 250 })].map((row) => row.key)).toEqual(want);
    expect([...iterateChanges(db, filter, { batchSize: 100, last: 250, order: 'newest-first' })].map((row) => row.key)).toEqual([...want].reverse());
    expect([...iterateChanges(db, { recordId: 7 }, { last: 1_000_000 })].length).toBe(expected({ recordId: 7 }).length);
  });
});

describe('query plans', () => {
  const shapes: [string, ChangeFilter, RegExp][] = [
    ['no filter', {}, /changes_timeline/],
    ['one instance', { instanceIds: ['inst-prod'] }, /changes_instance_timeline/],
    ['one model', { models: ['res.partner'] }, /changes_model_timeline/],
    ['one event', { events: ['unlink'] }, /changes_event_timeline/],
    ['instance and model', { instanceIds: ['inst-prod'], models: ['res.partner'] }, /changes_model_timeline/],
    ['instance, model, event, range', { instanceIds: ['inst-prod'], models: ['res.partner'], events: ['write'], from: iso(END - 86400), to: iso(END) }, /changes_model_timeline \(model=\? AND ts>\? AND ts<\?\)/],
    ['two models', { models: ['res.partner', 'sale.order'] }, /MERGE \(UNION ALL\)[\s\S]*changes_model_timeline/],
    ['two instances, two events', { instanceIds: ['inst-prod', 'inst-demo'], events: ['write', 'create'] }, /MERGE \(UNION ALL\)[\s\S]*changes_instance_timeline/],
    ['time range', { from: iso(END - 86400), to: iso(END) }, /changes_timeline \(ts>\? AND ts<\?\)/],
    ['text and presence', { text: 'partner', presence: 'removed' }, /changes_timeline/],
    ['users', { users: ['OdooBot'] }, /changes_timeline/],
  ];

  const planOf = (sql: string, params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join('\n');

  it.each(shapes)('%s reads an ordered index without sorting', (_name, filter, index) => {
    for (const order of ['desc', 'asc'] as const) {
      const query = orderedRowsSql(normalizeFilter(filter), { order, limit: 101, after: { ts: END - 3600, id: 1500 } });
      const plan = planOf(query.sql, query.params);
      expect(plan).toMatch(index);
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect(plan).not.toMatch(/^SCAN changes$/m);
    }
  });

  it('finds a record through the record index', () => {
    const filter = normalizeFilter({ models: ['res.partner'], recordId: 4242 });
    expect(chooseTimelinePlan(filter)).toEqual({ kind: 'record' });
    const query = orderedRowsSql(filter, { order: 'desc', limit: 101 });
    expect(planOf(query.sql, query.params)).toMatch(/changes_record \(model=\? AND record_id=\?\)/);
  });

  it('binds every value: hostile values change results, never the SQL', () => {
    const hostile = "x') OR 1=1 --";
    const query = orderedRowsSql(normalizeFilter({ models: [hostile], text: hostile, users: [hostile] }), { order: 'desc', limit: 5 });
    expect(query.sql).not.toContain(hostile);
    expect(timelinePage(db, { filter: { models: [hostile] }, limit: 5 }).rows).toEqual([]);
  });
});
