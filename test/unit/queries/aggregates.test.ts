import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import fc from 'fast-check';
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
    expect(bucketGrid(END - 900, END, 120)).toMatchObject({ size: 10, count: 90 });
    expect(bucketGrid(END - 3600, END, 120)).toMatchObject({ size: 30, count: 120 });
    expect(bucketGrid(END - 2 * 3600, END, 120)).toMatchObject({ size: 60, count: 120 });
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

describe('histogram of a few rows (issue 14, item 1)', () => {
  const base = END - 5 * 86400 + 13 * 3600 + 42 * 60; // 13:42:00 UTC, before the seeded period
  /** Inserts rows of one record at these offsets from `base`; returns the filter that finds exactly them. */
  function record(recordId: number, offsets: number[]): ChangeFilter {
    insertChanges(db, offsets.map((offset) => ({ instanceId: 'inst-few', model: 'res.partner', recordId, event: 'write' as const, ts: base + offset })));
    return { instanceIds: ['inst-few'], recordId };
  }
  /** Every matching row lies in a bucket, and that bucket counts it; the buckets run from before the first row to after the last. */
  function expectCovered(filter: ChangeFilter, times: number[]): void {
    const result = histogram(db, normalizeFilter(filter));
    const starts = result.buckets.map((bucket) => Date.parse(bucket.start) / 1000);
    const end = starts.at(-1)! + result.bucketSeconds;
    expect(starts[0]).toBeLessThanOrEqual(Math.min(...times));
    expect(end).toBeGreaterThan(Math.max(...times));
    const expected = starts.map((start) => times.filter((ts) => ts >= start && ts < start + result.bucketSeconds).length);
    expect(result.buckets.map((bucket) => bucket.count)).toEqual(expected);
    expect(result.buckets[0].count, 'the first bucket holds the oldest row').toBeGreaterThan(0);
  }

  it('four rows across three minutes: the oldest row is in the first bucket, every row is counted', () => {
    // 13:42:35, 13:42:39, 13:43:57, 13:44:03 (the trial's record).
    const offsets = [35, 39, 117, 123];
    expectCovered(record(9001, offsets), offsets.map((offset) => base + offset));
  });

  it('one row gets one non-empty bucket', () => {
    const filter = record(9002, [35]);
    const result = histogram(db, normalizeFilter(filter));
    expect(result.buckets.filter((bucket) => bucket.count > 0)).toHaveLength(1);
    expectCovered(filter, [base + 35]);
  });

  it('rows within one minute spread over several buckets', () => {
    const offsets = [5, 6, 20, 44];
    const filter = record(9003, offsets);
    expectCovered(filter, offsets.map((offset) => base + offset));
    expect(histogram(db, normalizeFilter(filter)).buckets.filter((bucket) => bucket.count > 0).length).toBeGreaterThan(1);
  });

  it('any range at any zoom is covered whole by at most maxBuckets buckets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86400 }), fc.integer({ min: 1, max: 30 * 86400 }), fc.integer({ min: 10, max: 200 }), (offset, span, maxBuckets) => {
        const from = END - offset - span;
        const to = from + span;
        const grid = bucketGrid(from, to, maxBuckets);
        expect(grid.origin).toBeLessThanOrEqual(from);
        expect(grid.origin + grid.count * grid.size).toBeGreaterThanOrEqual(to);
        expect(grid.count).toBeLessThanOrEqual(maxBuckets);
        // Not needlessly coarse: the next smaller size of the ladder would not have fitted.
        const smaller = BUCKET_LADDER.filter((size) => size < grid.size).at(-1);
        if (smaller !== undefined && grid.size <= BUCKET_LADDER.at(-1)!) expect(Math.ceil((to - Math.floor(from / smaller) * smaller) / smaller)).toBeGreaterThan(maxBuckets);
      }),
    );
  });
});
