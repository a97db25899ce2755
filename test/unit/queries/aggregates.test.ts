import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import type { ChangeFilter } from '../../../src-main/common/model';
import { BUCKET_LADDER, bucketGrid, countChanges, facetCounts, histogram } from '../../../src-main/store/queries/aggregates';
import { normalizeFilter } from '../../../src-main/store/queries/filter';
import { insertChanges, markRemoved } from './fixtures';
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

/** Facet counts written plainly: a GROUP BY over the base table with the other dimensions' filters. */
function plainFacet(filter: ChangeFilter, column: 'instance_id' | 'model' | 'event'): { value: string; count: number }[] {
  const without: ChangeFilter = {
    ...filter,
    ...(column === 'instance_id' ? { instanceIds: undefined } : column === 'model' ? { models: undefined } : { events: undefined }),
  };
  const counts = new Map<string, number>();
  for (const row of rows) if (matches(row, without)) counts.set(row[column], (counts.get(row[column]) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

const HALF_HOUR_OFF = END - 86400 - 1800 + 7;
const FILTERS: [string, ChangeFilter][] = [
  ['no filter', {}],
  ['instances and events', { instanceIds: ['inst-prod', 'inst-demo'], events: ['write'] }],
  ['models and presence', { models: ['res.partner', 'sale.order'], presence: 'present' }],
  ['removed only', { presence: 'removed' }],
  ['hour-aligned range', { from: iso(END - 86400), to: iso(END - 3600) }],
  ['range with partial edge hours', { from: iso(HALF_HOUR_OFF), to: iso(END - 7200 + 18) }],
  ['range inside one hour', { from: iso(END - 7200 + 10), to: iso(END - 7200 + 1000) }],
  ['open end, partial start', { from: iso(HALF_HOUR_OFF), models: ['res.partner'] }],
  ['open start, partial end', { to: iso(END - 7200 + 17), events: ['unlink', 'create'] }],
  ['text (base table)', { text: 'partner', from: iso(HALF_HOUR_OFF) }],
  ['users and record id (base table)', { users: ['Mitchell Admin', 'OdooBot'], recordId: 4242 }],
];

describe('facets', () => {
  it.each(FILTERS)('%s: each facet equals a plain GROUP BY that ignores its own dimension', (_name, filter) => {
    const facets = facetCounts(db, normalizeFilter(filter));
    expect(facets.total).toBe(rows.filter((row) => matches(row, filter)).length);
    expect(facets.instances).toEqual(plainFacet(filter, 'instance_id'));
    expect(facets.models).toEqual(plainFacet(filter, 'model'));
    expect(facets.events).toEqual(plainFacet(filter, 'event'));
  });

  it.each(FILTERS)('%s: count equals the matching rows', (_name, filter) => {
    expect(countChanges(db, normalizeFilter(filter))).toBe(rows.filter((row) => matches(row, filter)).length);
  });

  it('reads whole hours from change_hours and edges from the base table', () => {
    // A cell the base table does not have: counted when its hour is whole inside the range, not at an edge.
    const hour = Math.floor((END - 10 * 3600) / 3600);
    db.prepare('INSERT INTO change_hours (instance_id, model, event, hour, present, removed) VALUES (?, ?, ?, ?, 1000, 0)').run('ghost', 'ghost.model', 'write', hour);
    try {
      const whole = normalizeFilter({ from: iso(hour * 3600 - 60), to: iso(hour * 3600 + 3600 + 60) });
      expect(facetCounts(db, whole).instances.find((facet) => facet.value === 'ghost')?.count).toBe(1000);
      const partial = normalizeFilter({ from: iso(hour * 3600 + 1), to: iso(hour * 3600 + 3599) });
      expect(facetCounts(db, partial).instances.find((facet) => facet.value === 'ghost')).toBeUndefined();
      const text = normalizeFilter({ from: iso(hour * 3600 - 60), to: iso(hour * 3600 + 3600 + 60), text: 'ghost' });
      expect(facetCounts(db, text).total).toBe(0);
    } finally {
      db.prepare("DELETE FROM change_hours WHERE instance_id = 'ghost'").run();
    }
  });

  it('follows removal marks through change_hours', () => {
    const [id] = insertChanges(db, [{ instanceId: 'inst-new', model: 'hr.employee', recordId: 1, event: 'create', ts: END - 100 }]);
    const present = normalizeFilter({ instanceIds: ['inst-new'], presence: 'present' });
    const removed = normalizeFilter({ instanceIds: ['inst-new'], presence: 'removed' });
    expect([countChanges(db, present), countChanges(db, removed)]).toEqual([1, 0]);
    markRemoved(db, [id], END);
    expect([countChanges(db, present), countChanges(db, removed)]).toEqual([0, 1]);
    db.prepare('DELETE FROM changes WHERE id = ?').run(id);
    db.prepare("DELETE FROM change_hours WHERE instance_id = 'inst-new'").run();
  });
});

describe('histogram', () => {
  it('picks the smallest ladder size that fits, aligned in UTC (weeks on Mondays)', () => {
    expect(bucketGrid(END - 3600, END, 120)).toMatchObject({ size: 60, count: 60 });
    expect(bucketGrid(END - 86400, END, 120)).toMatchObject({ size: 900, count: 96 });
    expect(bucketGrid(END - 30 * 86400, END, 120)).toMatchObject({ size: 21600, count: 120 });
    expect(bucketGrid(END - 90 * 86400, END, 120)).toMatchObject({ size: 86400, count: 90 });
    const weeks = bucketGrid(END - 400 * 86400, END, 120);
    expect(weeks.size).toBe(7 * 86400);
    expect(new Date(weeks.origin * 1000).getUTCDay()).toBe(1);
    const years = bucketGrid(END - 10 * 365 * 86400, END, 120);
    expect(years.count).toBeLessThanOrEqual(120);
    for (const size of BUCKET_LADDER) expect(bucketGrid(END - 7 * size - 13, END, 120).size).toBeLessThanOrEqual(size);
  });

  it.each(FILTERS)('%s: bucket counts sum to the count and agree with the rows', (_name, filter) => {
    const result = histogram(db, normalizeFilter(filter));
    const matching = rows.filter((row) => matches(row, filter));
    expect(result.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(matching.length);
    for (const bucket of result.buckets) expect(bucket.create + bucket.write + bucket.unlink).toBe(bucket.count);
    const start = Date.parse(result.buckets[0].start) / 1000;
    const perBucket = new Map<number, number>();
    for (const row of matching) {
      const index = Math.floor((row.ts - start) / result.bucketSeconds);
      perBucket.set(index, (perBucket.get(index) ?? 0) + 1);
    }
    result.buckets.forEach((bucket, index) => expect(bucket.count, bucket.start).toBe(perBucket.get(index) ?? 0));
    expect(result.buckets.length).toBeLessThanOrEqual(120);
  });

  it('uses the data range when the filter is open, and the filter range otherwise', () => {
    const open = histogram(db, normalizeFilter({}));
    expect(open.from).toBe(iso(rows.at(-1)!.ts));
    expect(open.to).toBe(iso(rows[0].ts + 1));
    expect(open.bucketSeconds).toBe(3600);
    expect(open.buckets.length).toBeGreaterThanOrEqual(60);
    const day = histogram(db, normalizeFilter({ from: iso(END - 86400), to: iso(END) }));
    expect([day.bucketSeconds, day.buckets.length, day.buckets[0].start]).toEqual([900, 96, iso(END - 86400)]);
    const few = histogram(db, normalizeFilter({ from: iso(END - 86400), to: iso(END) }), 30);
    expect([few.bucketSeconds, few.buckets.length]).toEqual([3600, 24]);
  });

  it('is empty when nothing matches an open range', () => {
    expect(histogram(db, normalizeFilter({ models: ['no.such.model'] })).buckets).toEqual([]);
  });
});
