/**
 * Counts, facets and histograms on the team mirror, same answers as the SQLite store
 * (store/queries/aggregates.ts), in PostgreSQL's own terms:
 * - one statement per answer: the hourly aggregate (`change_hours`) for whole hours and the base table
 *   for the partial hours at a range's edges are one `UNION ALL` of "cells", summed in the same query;
 * - facets are one `GROUP BY GROUPING SETS ((instance_id), (model), (event), ())` over those cells, each
 *   facet's count a `sum(n) FILTER (WHERE …)` that applies every filter except its own dimension;
 * - histograms read the hourly aggregate for buckets of whole hours and the five-minute one
 *   (`change_five_minutes`) for 5- and 15-minute buckets; an aggregate's cells are binned with
 *   `date_bin(size, cell start, origin)`, base-table rows by integer division of their Unix seconds.
 * Filters the aggregate cannot answer (text, users, record id, changed field, values) read the base
 * table, where the BRIN index on `ts` bounds a time range.
 */
import type { Facets, FacetValue, Histogram } from '../../common/model';
import { isoFromSeconds } from '../../common/time';
import { bucketGrid, DEFAULT_MAX_BUCKETS, emptyBuckets, type BucketGrid } from '../queries/aggregates';
import { FIELD_FACET_ROWS, fieldFacetOf } from '../queries/field-facet';
import { isAggregatable, type Dimension, type NormalizedFilter } from '../queries/filter';
import { pgAll, pgOrderedRows } from './change-queries';
import type { PgConnection } from './connection';
import { anyOf, pgFilterConditions, pgWhere, type PgCondition } from './filter';

const HOUR = 3600;
const DIMENSIONS: readonly Dimension[] = ['instance_id', 'model', 'event'];
const MINUTE = 60;

/** How a cell's bucket is computed: from an aggregate cell's start (Unix seconds, SQL), and on a row. */
interface Bucketing {
  cell(start: PgCondition): PgCondition;
  row: PgCondition;
}

/** No buckets: every cell in bucket 0. */
const NO_BUCKETS: Bucketing = { cell: () => ({ sql: '0', params: [] }), row: { sql: '0', params: [] } };

/**
 * A subquery of cells `(instance_id, model, event, bucket, n)`: `n` rows. `applyDimensions: false`
 * keeps every instance, model and event (facets filter them per facet).
 */
/** An aggregate table and the seconds each of its cells spans. */
interface Resolution {
  seconds: number;
  table: 'change_hours' | 'change_five_minutes';
  column: 'hour' | 'slot';
}

const HOURS: Resolution = { seconds: HOUR, table: 'change_hours', column: 'hour' };
const FIVE_MINUTES: Resolution = { seconds: 300, table: 'change_five_minutes', column: 'slot' };

/** The coarsest aggregate whose cells fit in the grid's buckets, if any. */
function resolutionFor(grid: { size: number; origin: number } | undefined): Resolution | undefined {
  return [HOURS, FIVE_MINUTES].find((resolution) => !grid || (grid.size % resolution.seconds === 0 && grid.origin % resolution.seconds === 0));
}

function cellsSql(filter: NormalizedFilter, applyDimensions: boolean, resolution: Resolution | undefined, bucketing: Bucketing = NO_BUCKETS): PgCondition {
  const omit = applyDimensions ? [] : DIMENSIONS;
  const base = (from: number | undefined, to: number | undefined): PgCondition => {
    const where = pgWhere([...pgFilterConditions({ ...filter, from, to }, { omit })]);
    return { sql: `SELECT instance_id, model, event, ${bucketing.row.sql} AS bucket, 1::bigint AS n FROM changes${where.sql}`, params: [...bucketing.row.params, ...where.params] };
  };
  const { from, to } = filter;
  if (!isAggregatable(filter) || !resolution) return base(from, to);
  const size = resolution.seconds;
  const first = from === undefined ? undefined : Math.ceil(from / size);
  const end = to === undefined ? undefined : Math.floor(to / size);
  if (first !== undefined && end !== undefined && first >= end) return base(from, to);
  const conditions: PgCondition[] = [];
  if (applyDimensions) {
    for (const dimension of DIMENSIONS) {
      const values = filter.dimensions[dimension];
      if (values) conditions.push(anyOf(dimension, values));
    }
  }
  if (first !== undefined) conditions.push({ sql: `${resolution.column} >= ?`, params: [first] });
  if (end !== undefined) conditions.push({ sql: `${resolution.column} < ?`, params: [end] });
  const count = filter.presence === 'present' ? 'present' : filter.presence === 'removed' ? 'removed' : 'present + removed';
  const where = pgWhere(conditions);
  const cellStart = { sql: `${resolution.column} * ${size}`, params: [] };
  const bucket = bucketing.cell(cellStart);
  const arms: PgCondition[] = [{
    sql: `SELECT instance_id, model, event, ${bucket.sql} AS bucket, ${count} AS n FROM ${resolution.table}${where.sql}`,
    params: [...bucket.params, ...where.params],
  }];
  if (from !== undefined && first !== undefined && from < first * size) arms.push(base(from, first * size));
  if (to !== undefined && end !== undefined && end * size < to) arms.push(base(end * size, to));
  return { sql: arms.map((arm) => arm.sql).join(' UNION ALL '), params: arms.flatMap((arm) => arm.params) };
}

/** `column = ANY(…)` for a filtered dimension, `true` for an open one (inside FILTER clauses). */
function dimensionTest(filter: NormalizedFilter, dimension: Dimension): PgCondition {
  const values = filter.dimensions[dimension];
  return values ? anyOf(dimension, values) : { sql: 'true', params: [] };
}

function both(a: PgCondition, b: PgCondition): PgCondition {
  return { sql: `${a.sql} AND ${b.sql}`, params: [...a.params, ...b.params] };
}

/** How many rows match: from the aggregate where it can answer, else a count over the base table. */
export async function pgCountChanges(sql: PgConnection, filter: NormalizedFilter): Promise<number> {
  const cells = cellsSql(filter, true, HOURS);
  const [row] = await pgAll<{ n: number }>(sql, { sql: `SELECT coalesce(sum(n), 0)::bigint AS n FROM (${cells.sql}) AS cells`, params: cells.params });
  return row.n;
}

/** Rows per instance, model and event (cells with rows only), from the aggregate where it can answer. */
export async function pgCountsByInstanceModelEvent(sql: PgConnection, filter: NormalizedFilter): Promise<{ instance_id: string; model: string; event: string; count: number }[]> {
  const cells = cellsSql(filter, true, HOURS);
  return pgAll(sql, {
    sql: `SELECT instance_id, model, event, sum(n)::bigint AS count FROM (${cells.sql}) AS cells GROUP BY 1, 2, 3 HAVING sum(n) > 0`,
    params: cells.params,
  });
}

/** Sorted facet values, most rows first, then by value (as the SQLite store sorts them). */
function sortFacet(values: FacetValue[]): FacetValue[] {
  return values.filter((value) => value.count > 0).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** Counts per instance, model and event, each applying every filter but its own dimension; plus the total. */
export async function pgFacetCounts(sql: PgConnection, filter: NormalizedFilter): Promise<Facets> {
  const cells = cellsSql(filter, false, HOURS);
  const [instance, model, event] = DIMENSIONS.map((dimension) => dimensionTest(filter, dimension));
  const sums = [both(model, event), both(instance, event), both(instance, model), both(both(instance, model), event)];
  const select = sums.map((condition, index) => ({ sql: `coalesce(sum(n) FILTER (WHERE ${condition.sql}), 0)::bigint AS c${index}`, params: condition.params }));
  const rows = await pgAll<{ g: number; instance_id: string | null; model: string | null; event: string | null; c0: number; c1: number; c2: number; c3: number }>(sql, {
    sql: `SELECT grouping(instance_id, model, event) AS g, instance_id, model, event, ${select.map((part) => part.sql).join(', ')}`
      // Cells are first summed per (instance, model, event): the grouping sets then work on a few hundred rows.
      + ` FROM (SELECT instance_id, model, event, sum(n) AS n FROM (${cells.sql}) AS cells GROUP BY 1, 2, 3) AS combinations`
      + ' GROUP BY GROUPING SETS ((instance_id), (model), (event), ())',
    params: [...select.flatMap((part) => part.params), ...cells.params],
  });
  // grouping() sets a bit per column not grouped by: instance_id 4, model 2, event 1.
  const facet = (bits: number, pick: (row: (typeof rows)[number]) => [string | null, number]): FacetValue[] =>
    sortFacet(rows.filter((row) => row.g === bits).map((row) => pick(row)).map(([value, count]) => ({ value: value ?? '', count })));
  return {
    total: rows.find((row) => row.g === 7)?.c3 ?? 0,
    instances: facet(3, (row) => [row.instance_id, row.c0]),
    models: facet(5, (row) => [row.model, row.c1]),
    events: facet(6, (row) => [row.event, row.c2]),
  };
}

/**
 * Per-event counts in the grid's buckets over [from, to), from the coarsest aggregate that fits the
 * grid. An aggregate's cells are binned with `date_bin(size, cell start, origin)`; rows of the base
 * table (partial cells at the edges, 1- to 30-second buckets, filters the aggregates cannot answer) by
 * integer division of their Unix seconds, which costs half of `date_bin(…, to_timestamp(ts), …)` per
 * row (measured on 330,000 rows of a 24-hour range: 83 ms against 166 ms) and gives the same bucket.
 */
async function bucketCounts(sql: PgConnection, filter: NormalizedFilter, grid: BucketGrid): Promise<{ event: string; bucket: number; count: number }[]> {
  const bin = (start: string) => `date_bin(make_interval(secs => ?::double precision), to_timestamp(${start}), to_timestamp(?::double precision))`;
  const cells = cellsSql(filter, true, resolutionFor(grid), {
    cell: (start) => ({ sql: `floor((extract(epoch FROM ${bin(start.sql)}) - ?::double precision) / ?::double precision)::bigint`, params: [grid.size, grid.origin, grid.origin, grid.size] }),
    row: { sql: '(ts - ?::bigint) / ?::bigint', params: [grid.origin, grid.size] },
  });
  return pgAll(sql, { sql: `SELECT event, bucket, sum(n)::bigint AS count FROM (${cells.sql}) AS cells GROUP BY 1, 2`, params: cells.params });
}

/** Per-event counts in buckets over the filter's range (or the matching rows' range), as the SQLite store's `histogram`. */
export async function pgHistogram(sql: PgConnection, filter: NormalizedFilter, maxBuckets = DEFAULT_MAX_BUCKETS): Promise<Histogram> {
  const limit = Math.max(1, Math.min(Math.floor(maxBuckets), 1000));
  let { from, to } = filter;
  if (from === undefined) from = (await pgOrderedRows(sql, filter, { order: 'asc', limit: 1 }))[0]?.ts;
  if (to === undefined) {
    const newest = (await pgOrderedRows(sql, filter, { order: 'desc', limit: 1 }))[0]?.ts;
    to = newest === undefined ? undefined : newest + 1;
  }
  if (from === undefined && to === undefined) return { bucketSeconds: MINUTE, from: isoFromSeconds(0), to: isoFromSeconds(0), buckets: [] };
  from ??= to! - MINUTE;
  to ??= from + MINUTE;
  if (to <= from) return { bucketSeconds: MINUTE, from: isoFromSeconds(from), to: isoFromSeconds(to), buckets: [] };
  const grid = bucketGrid(from, to, limit);
  const buckets = emptyBuckets(grid);
  for (const cell of await bucketCounts(sql, { ...filter, from, to }, grid)) {
    const bucket = buckets[cell.bucket];
    if (!bucket) continue;
    bucket.count += cell.count;
    bucket[cell.event as 'create' | 'write' | 'unlink'] += cell.count;
  }
  return { bucketSeconds: grid.size, from: isoFromSeconds(from), to: isoFromSeconds(to), buckets };
}

/** The "changed field" facet over the newest matching rows of one model (see store/queries/field-facet.ts). */
export async function pgFieldFacet(sql: PgConnection, filter: NormalizedFilter): Promise<{ fields: FacetValue[]; fieldsFrom: number } | undefined> {
  if (filter.dimensions.model?.length !== 1) return undefined;
  const own: NormalizedFilter = { ...filter, changedField: undefined, value: undefined };
  const rows = await pgOrderedRows(sql, own, { order: 'desc', limit: FIELD_FACET_ROWS });
  return fieldFacetOf(rows.map((row) => [row.changed_fields, row.field_values]));
}
