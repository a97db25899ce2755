/**
 * Counts, facets and histograms. When a filter only constrains instance, model, event, time range and
 * presence, counts come from `change_hours` (one row per instance, model, event and hour, kept by the
 * writer in the same transaction as the rows): whole hours from the aggregate, the partial hours at the
 * edges of a range that is not hour-aligned from the base table. Other filters (text, users, record id,
 * changed field) need the rows themselves and read the base table.
 */
import type { Facets, FacetValue, Histogram, HistogramBucket } from '../../common/model';
import { cachedStatement } from './statements';
import type { SqlDatabase } from '../database';
import { countRows, orderedRows } from './change-queries';
import { filterConditions, inCondition, isAggregatable, whereClause, type Condition, type Dimension, type NormalizedFilter } from './filter';
import { isoFromSeconds } from '../../common/time';

const HOUR = 3600;
const DIMENSIONS: readonly Dimension[] = ['instance_id', 'model', 'event'];
/**
 * The hour index of change_hours is not covering (each hit costs a primary-key lookup, ~7× a row of a
 * plain scan), so it only pays when the range covers a small part of the hours held.
 */
const HOUR_INDEX_MAX_FRACTION = 0.1;

/** One aggregated count; dimension fields are set when grouped by them. */
export interface Cell {
  instance_id?: string;
  model?: string;
  event?: string;
  bucket?: number;
  count: number;
}

/** What to aggregate. */
export interface AggregateOptions {
  /** Apply the filter's instance/model/event lists in SQL (facets apply them in code, one facet at a time). */
  applyDimensions: boolean;
  group: readonly Dimension[];
  /** Also group by time bucket: index = floor((ts - origin) / size); rows are all at or after origin. */
  bucket?: { origin: number; size: number };
}

/** Counts grouped as asked, from change_hours where the filter allows, else from the base table. */
export function aggregate(db: SqlDatabase, filter: NormalizedFilter, options: AggregateOptions): Cell[] {
  const { from, to } = filter;
  const hourAligned = !options.bucket || (options.bucket.size % HOUR === 0 && options.bucket.origin % HOUR === 0);
  if (!isAggregatable(filter) || !hourAligned) return baseCells(db, filter, options, from, to);
  const firstHour = from === undefined ? undefined : Math.ceil(from / HOUR);
  const endHour = to === undefined ? undefined : Math.floor(to / HOUR);
  if (firstHour !== undefined && endHour !== undefined && firstHour >= endHour) return baseCells(db, filter, options, from, to);
  const cells = hourCells(db, filter, options, firstHour, endHour);
  if (from !== undefined && firstHour !== undefined && from < firstHour * HOUR) {
    cells.push(...baseCells(db, filter, options, from, firstHour * HOUR));
  }
  if (to !== undefined && endHour !== undefined && endHour * HOUR < to) {
    cells.push(...baseCells(db, filter, options, endHour * HOUR, to));
  }
  return mergeCells(cells, options);
}

/** better-sqlite3 binds JS numbers as REAL: the casts keep bucket division integral. */
function groupSql(options: AggregateOptions, bucketExpression: string): { select: string; group: string; params: number[] } {
  const columns: string[] = [...options.group];
  const params: number[] = [];
  if (options.bucket) {
    columns.push(`${bucketExpression} AS bucket`);
    params.push(options.bucket.origin, options.bucket.size);
  }
  const names = [...options.group, ...(options.bucket ? ['bucket'] : [])];
  return { select: columns.join(', '), group: names.length ? ` GROUP BY ${names.join(', ')}` : '', params };
}

function hourCells(db: SqlDatabase, filter: NormalizedFilter, options: AggregateOptions, firstHour: number | undefined, endHour: number | undefined): Cell[] {
  const conditions: Condition[] = [];
  if (options.applyDimensions) {
    for (const dimension of DIMENSIONS) {
      const values = filter.dimensions[dimension];
      if (values) conditions.push(inCondition(dimension, values));
    }
  }
  const hourColumn = useHourIndex(db, firstHour, endHour) ? 'hour' : '+hour';
  if (firstHour !== undefined) conditions.push({ sql: `${hourColumn} >= ?`, params: [firstHour] });
  if (endHour !== undefined) conditions.push({ sql: `${hourColumn} < ?`, params: [endHour] });
  const count = filter.presence === 'present' ? 'present' : filter.presence === 'removed' ? 'removed' : 'present + removed';
  const grouping = groupSql(options, '(hour * 3600 - CAST(? AS INTEGER)) / CAST(? AS INTEGER)');
  const where = whereClause(conditions);
  const select = [grouping.select, `sum(${count}) AS count`].filter(Boolean).join(', ');
  const sql = `SELECT ${select} FROM change_hours${where.sql}${grouping.group}`;
  return cachedStatement(db, sql).all(...grouping.params, ...where.params) as Cell[];
}

function useHourIndex(db: SqlDatabase, firstHour: number | undefined, endHour: number | undefined): boolean {
  if (firstHour === undefined && endHour === undefined) return false;
  const span = cachedStatement(db, 'SELECT (SELECT min(hour) FROM change_hours) AS low, (SELECT max(hour) FROM change_hours) AS high')
    .get() as { low: number | null; high: number | null };
  if (span.low === null || span.high === null) return true;
  const held = span.high - span.low + 1;
  const wanted = Math.min(endHour ?? span.high + 1, span.high + 1) - Math.max(firstHour ?? span.low, span.low);
  return wanted <= held * HOUR_INDEX_MAX_FRACTION;
}

function baseCells(db: SqlDatabase, filter: NormalizedFilter, options: AggregateOptions, from: number | undefined, to: number | undefined): Cell[] {
  const conditions = filterConditions(filter, { omit: options.applyDimensions ? [] : DIMENSIONS, omitTime: true });
  if (from !== undefined) conditions.push({ sql: 'ts >= ?', params: [from] });
  if (to !== undefined) conditions.push({ sql: 'ts < ?', params: [to] });
  const grouping = groupSql(options, '(ts - CAST(? AS INTEGER)) / CAST(? AS INTEGER)');
  const where = whereClause(conditions);
  const select = [grouping.select, 'count(*) AS count'].filter(Boolean).join(', ');
  const sql = `SELECT ${select} FROM changes${where.sql}${grouping.group}`;
  return cachedStatement(db, sql).all(...grouping.params, ...where.params) as Cell[];
}

function mergeCells(cells: Cell[], options: AggregateOptions): Cell[] {
  const merged = new Map<string, Cell>();
  for (const cell of cells) {
    if (!cell.count) continue;
    const key = JSON.stringify([...options.group.map((dimension) => cell[dimension]), cell.bucket]);
    const existing = merged.get(key);
    if (existing) existing.count += cell.count;
    else merged.set(key, { ...cell });
  }
  return [...merged.values()];
}

/** How many rows match: from change_hours when possible, else a count over the base table. */
export function countChanges(db: SqlDatabase, filter: NormalizedFilter): number {
  if (!isAggregatable(filter)) return countRows(db, filter);
  return aggregate(db, filter, { applyDimensions: true, group: [] }).reduce((sum, cell) => sum + cell.count, 0);
}

/**
 * Counts per instance, model and event; each facet applies every filter except its own dimension, so the
 * UI can show how many rows picking another value would give. Values with no rows are left out.
 */
export function facetCounts(db: SqlDatabase, filter: NormalizedFilter): Facets {
  const cells = aggregate(db, filter, { applyDimensions: false, group: DIMENSIONS });
  const matches = (cell: Cell, except?: Dimension) =>
    DIMENSIONS.every((dimension) => dimension === except || !filter.dimensions[dimension] || filter.dimensions[dimension]!.includes(cell[dimension]!));
  const facet = (dimension: Dimension): FacetValue[] => {
    const counts = new Map<string, number>();
    for (const cell of cells) {
      if (matches(cell, dimension)) counts.set(cell[dimension]!, (counts.get(cell[dimension]!) ?? 0) + cell.count);
    }
    return [...counts]
      .filter(([, count]) => count > 0)
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  };
  return {
    total: cells.reduce((sum, cell) => sum + (matches(cell) ? cell.count : 0), 0),
    instances: facet('instance_id'),
    models: facet('model'),
    events: facet('event'),
  };
}

/**
 * Bucket sizes a histogram may use, smallest first: 1 s, 5 s, 10 s, 30 s, 1 min, 5 min, 15 min, 1 h, 3 h,
 * 6 h, 1 d, 7 d. The sub-minute sizes keep a few rows within a minute (or a range dragged down to
 * seconds) readable as several bars instead of one.
 */
export const BUCKET_LADDER: readonly number[] = [1, 5, 10, 30, 60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400];
/** The span given to a histogram whose range is known on one side only (and nothing matches). */
const MINUTE = 60;
const WEEK = 7 * 86400;
/** 1970-01-05 was a Monday: weekly buckets start on Mondays (UTC). */
const MONDAY_OFFSET = 4 * 86400;
/** Default upper bound on buckets: with the ladder's steps, 60–120 buckets for most ranges. */
export const DEFAULT_MAX_BUCKETS = 120;

/**
 * A bucket grid: the first bucket starts at `origin` (aligned to the size in UTC, so at or before the
 * range's start), and `count` buckets end at or after the range's end: together they cover it whole.
 */
export interface BucketGrid {
  size: number;
  origin: number;
  count: number;
}

/**
 * The smallest ladder size (at least `minimumSize`, e.g. the resolution counts were kept at) whose
 * aligned grid over [from, to) has at most `maxBuckets` buckets.
 */
export function bucketGrid(from: number, to: number, maxBuckets: number, minimumSize = 1): BucketGrid {
  const gridFor = (size: number): BucketGrid => {
    const offset = size % WEEK === 0 ? MONDAY_OFFSET : 0;
    const origin = Math.floor((from - offset) / size) * size + offset;
    return { size, origin, count: Math.max(1, Math.ceil((to - origin) / size)) };
  };
  for (const size of BUCKET_LADDER) {
    if (size < minimumSize) continue;
    const grid = gridFor(size);
    if (grid.count <= maxBuckets) return grid;
  }
  // Ranges of years: whole weeks per bucket.
  let weeks = 2;
  while (gridFor(weeks * WEEK).count > maxBuckets) weeks *= 2;
  return gridFor(weeks * WEEK);
}

/** The grid's buckets, every count zero. */
export function emptyBuckets(grid: BucketGrid): HistogramBucket[] {
  return Array.from({ length: grid.count }, (_, index) => ({ start: isoFromSeconds(grid.origin + index * grid.size), count: 0, create: 0, write: 0, unlink: 0 }));
}

/**
 * Per-event counts in buckets over the filter's range, or over the matching data's range when the filter
 * leaves it open (oldest row to newest row inclusive). Buckets are zero-filled and cover the range whole:
 * the first starts at or before `from` and the last ends at or after `to`, so they may stick out of it
 * (only rows inside the range are counted). `from`/`to` echo the range used; a chart should span the
 * buckets (first start to last end), not `from`/`to`, or it cuts the edge buckets off.
 */
export function histogram(db: SqlDatabase, filter: NormalizedFilter, maxBuckets = DEFAULT_MAX_BUCKETS): Histogram {
  const limit = Math.max(1, Math.min(Math.floor(maxBuckets), 1000));
  let { from, to } = filter;
  if (from === undefined) from = orderedRows(db, filter, { order: 'asc', limit: 1 })[0]?.ts;
  if (to === undefined) {
    const newest = orderedRows(db, filter, { order: 'desc', limit: 1 })[0]?.ts;
    to = newest === undefined ? undefined : newest + 1;
  }
  if (from === undefined && to === undefined) {
    return { bucketSeconds: MINUTE, from: isoFromSeconds(0), to: isoFromSeconds(0), buckets: [] };
  }
  from ??= to! - MINUTE;
  to ??= from + MINUTE;
  if (to <= from) return { bucketSeconds: MINUTE, from: isoFromSeconds(from), to: isoFromSeconds(to), buckets: [] };
  const grid = bucketGrid(from, to, limit);
  const buckets = emptyBuckets(grid);
  const cells = aggregate(db, { ...filter, from, to }, { applyDimensions: true, group: ['event'], bucket: grid });
  for (const cell of cells) {
    const bucket = buckets[cell.bucket!];
    if (!bucket) continue;
    bucket.count += cell.count;
    bucket[cell.event as 'create' | 'write' | 'unlink'] += cell.count;
  }
  return { bucketSeconds: grid.size, from: isoFromSeconds(from), to: isoFromSeconds(to), buckets };
}
