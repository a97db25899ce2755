/**
 * Row queries over the mirrored change log: timeline pages keyset-paged on (ts, id) in both directions,
 * counts, a record's history, and a bounded-memory stream for exports and the CLI.
 *
 * Query plans are chosen here rather than left to SQLite's guesses (the store may have no ANALYZE
 * statistics): every shape reads rows in (ts, id) order straight from an index that ends in (ts, id), so
 * a 100-row page stops after ~100 matching index entries instead of sorting the million-row table.
 * - one value of model, instance or event: that column's (column, ts, id) index drives the scan;
 * - several values of one: a `UNION ALL` of one ordered index scan per value, which SQLite merges
 *   lazily (MERGE (UNION ALL)) and stops at the LIMIT;
 * - a record id with models: the (model, record_id, ts) index, sorting only that record's rows;
 * - otherwise: the (ts, id) timeline index, filtering as it goes.
 * Unary `+` on the other filtered columns keeps SQLite from switching to an index that cannot deliver the
 * order (which would sort every matching row).
 */
import { OcmError } from '../../common/errors';
import type { ChangeFilter, ChangeRow, InstanceId, TimelineCursor, TimelinePage, TimelineQuery } from '../../common/model';
import { cachedStatement, placeholders } from './statements';
import type { SqlDatabase, SqlValue } from '../database';
import { filterConditions, inCondition, normalizeFilter, whereClause, type Condition, type Dimension, type NormalizedFilter } from './filter';
import { CHANGE_RECORD_COLUMNS, toChangeRow, type ChangeRecord } from './rows';
import { isoFromSeconds, secondsFromIso } from '../../common/time';

/** Position of a row in timeline order. */
export interface Keyset {
  ts: number;
  id: number;
}

/** How a timeline query reads its rows (see the module comment). */
export type TimelinePlan =
  | { kind: 'record' }
  | { kind: 'index'; driver?: Dimension }
  | { kind: 'merge'; driver: Dimension; values: string[] };

/** Dimensions in the order they are preferred to drive a scan: models are usually the most selective. */
const DRIVER_PREFERENCE: readonly Dimension[] = ['model', 'instance_id', 'event'];
/** Beyond this many values a merge has too many arms; the timeline index with a filter is used instead. */
const MAX_MERGE_ARMS = 16;
/** Largest page a caller may ask for. */
export const MAX_PAGE_SIZE = 5000;
/** How many of a record's events the details drawer gets (newest first). */
export const RECORD_HISTORY_LIMIT = 1000;

/** Picks the plan for a filter; exported so tests can check each shape's EXPLAIN QUERY PLAN. */
export function chooseTimelinePlan(filter: NormalizedFilter): TimelinePlan {
  if (filter.recordId !== undefined && filter.dimensions.model) return { kind: 'record' };
  for (const dimension of DRIVER_PREFERENCE) {
    if (filter.dimensions[dimension]?.length === 1) return { kind: 'index', driver: dimension };
  }
  for (const dimension of DRIVER_PREFERENCE) {
    const values = filter.dimensions[dimension];
    if (values && values.length <= MAX_MERGE_ARMS) return { kind: 'merge', driver: dimension, values };
  }
  return { kind: 'index' };
}

/** Options of {@link orderedRowsSql}. */
export interface OrderedRowsOptions {
  /** 'desc' = newest first. */
  order: 'desc' | 'asc';
  /** Only rows strictly after this position in `order`. */
  after?: Keyset;
  limit: number;
  offset?: number;
}

/** The SQL and parameters reading filtered rows in (ts, id) order; exported for plan tests. */
export function orderedRowsSql(filter: NormalizedFilter, options: OrderedRowsOptions): Condition {
  const plan = chooseTimelinePlan(filter);
  const direction = options.order === 'desc' ? 'DESC' : 'ASC';
  const keyset: Condition[] = options.after
    ? [{ sql: `(ts, id) ${options.order === 'desc' ? '<' : '>'} (?, ?)`, params: [options.after.ts, options.after.id] }]
    : [];
  const tail = { sql: ' LIMIT ? OFFSET ?', params: [options.limit, options.offset ?? 0] as SqlValue[] };
  if (plan.kind === 'merge') {
    const rest = filterConditions(filter, { omit: [plan.driver], indexable: [] });
    const arms = plan.values.map((value) => {
      const where = whereClause([inCondition(plan.driver, [value]), ...rest, ...keyset]);
      return { sql: `SELECT ${CHANGE_RECORD_COLUMNS} FROM changes${where.sql}`, params: where.params };
    });
    return {
      sql: arms.map((arm) => arm.sql).join(' UNION ALL ') + ` ORDER BY ts ${direction}, id ${direction}` + tail.sql,
      params: [...arms.flatMap((arm) => arm.params), ...tail.params],
    };
  }
  const indexable: Dimension[] = plan.kind === 'record' ? ['model'] : plan.driver ? [plan.driver] : [];
  const where = whereClause([...filterConditions(filter, { indexable }), ...keyset]);
  // A record's rows are few: let the (model, record_id, ts) index find them and sort them (unary `+` stops
  // SQLite from preferring an index that yields the order but scans every row of the model).
  const order = plan.kind === 'record' ? `+ts ${direction}, +id ${direction}` : `ts ${direction}, id ${direction}`;
  return { sql: `SELECT ${CHANGE_RECORD_COLUMNS} FROM changes${where.sql} ORDER BY ${order}${tail.sql}`, params: [...where.params, ...tail.params] };
}

/** Reads filtered rows in (ts, id) order. */
export function orderedRows(db: SqlDatabase, filter: NormalizedFilter, options: OrderedRowsOptions): ChangeRecord[] {
  const query = orderedRowsSql(filter, options);
  return cachedStatement(db, query.sql).all(...query.params) as ChangeRecord[];
}

/** The keyset position of a contract cursor; throws 'invalid-input' when it is malformed. */
export function keysetFromCursor(cursor: TimelineCursor): Keyset {
  const id = Number(cursor.key);
  if (!Number.isSafeInteger(id)) throw new OcmError('invalid-input', `Timeline cursor key "${cursor.key}" is not a row key.`);
  return { ts: secondsFromIso(cursor.timestamp, 'The timeline cursor'), id };
}

function cursorOf(record: ChangeRecord): TimelineCursor {
  return { timestamp: isoFromSeconds(record.ts), key: String(record.id) };
}

/**
 * One timeline page, newest first. 'older' (default) reads rows before the cursor (or from the newest),
 * 'newer' rows after it (or from the oldest). `older`/`newer` are set when more rows exist that way:
 * found by reading one row past the page; on the side the caller came from, rows are known to exist.
 */
export function timelinePage(db: SqlDatabase, query: TimelineQuery): TimelinePage {
  const { limit, filter, after, order } = timelineRead(query);
  return timelinePageOf(orderedRows(db, filter, { order, after, limit: limit + 1 }), query);
}

/** What a timeline page reads: the page size, the filter, the keyset to start after and the order. Throws 'invalid-input'. */
export function timelineRead(query: TimelineQuery): { limit: number; filter: NormalizedFilter; after?: Keyset; order: 'desc' | 'asc' } {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
    throw new OcmError('invalid-input', `Page size must be a positive whole number, not ${String(query.limit)}.`);
  }
  return {
    limit: Math.min(query.limit, MAX_PAGE_SIZE),
    filter: normalizeFilter(query.filter),
    after: query.cursor ? keysetFromCursor(query.cursor) : undefined,
    order: (query.direction ?? 'older') === 'older' ? 'desc' : 'asc',
  };
}

/** The page of `query` from the rows {@link timelineRead} asked for (one past the page size, in read order). */
export function timelinePageOf(records: ChangeRecord[], query: TimelineQuery): TimelinePage {
  const limit = Math.min(query.limit, MAX_PAGE_SIZE);
  const direction = query.direction ?? 'older';
  const hasMore = records.length > limit;
  const page = records.slice(0, limit);
  if (direction === 'newer') page.reverse();
  const result: TimelinePage = { rows: page.map(toChangeRow) };
  const first = page[0];
  const last = page[page.length - 1];
  if (direction === 'older') {
    if (hasMore) result.older = cursorOf(last);
    if (query.cursor) result.newer = first ? cursorOf(first) : query.cursor;
  } else {
    if (hasMore) result.newer = cursorOf(first);
    if (query.cursor) result.older = last ? cursorOf(last) : query.cursor;
  }
  return result;
}

/** Number of rows matching a filter, read from the base table. */
export function countRows(db: SqlDatabase, filter: NormalizedFilter): number {
  const where = whereClause(filterConditions(filter));
  return (cachedStatement(db, `SELECT count(*) AS n FROM changes${where.sql}`).get(...where.params) as { n: number }).n;
}

/** The record's events on one instance, newest first (at most {@link RECORD_HISTORY_LIMIT}). */
export function recordHistory(db: SqlDatabase, instanceId: InstanceId, model: string, recordId: number): ChangeRow[] {
  const filter = normalizeFilter({ instanceIds: [instanceId], models: [model], recordId });
  return orderedRows(db, filter, { order: 'desc', limit: RECORD_HISTORY_LIMIT }).map(toChangeRow);
}

/** Keys or ids per `IN (…)` query (SQLite's default limit on bound parameters is far above it). */
const IN_CHUNK = 500;

/** The rows with these local keys (`changes.id`); keys that are not row keys are skipped. */
export function changeRowsByKeys(db: SqlDatabase, keys: readonly string[]): ChangeRow[] {
  const ids = [...new Set(keys.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0))];
  const rows: ChangeRow[] = [];
  for (let start = 0; start < ids.length; start += IN_CHUNK) {
    const chunk = ids.slice(start, start + IN_CHUNK);
    const records = db.prepare(`SELECT ${CHANGE_RECORD_COLUMNS} FROM changes WHERE id IN (${placeholders(chunk.length)})`).all(...chunk) as ChangeRecord[];
    for (const record of records) rows.push(toChangeRow(record));
  }
  return rows;
}

/** The rows of `instanceId` still present on the server with these server ids (`update.webhook.id`). */
export function presentRowsByServerIds(db: SqlDatabase, instanceId: InstanceId, serverIds: readonly number[]): ChangeRow[] {
  const rows: ChangeRow[] = [];
  const ids = [...new Set(serverIds)];
  for (let start = 0; start < ids.length; start += IN_CHUNK) {
    const chunk = ids.slice(start, start + IN_CHUNK);
    const records = db
      .prepare(`SELECT ${CHANGE_RECORD_COLUMNS} FROM changes WHERE instance_id = ? AND removed_at IS NULL AND server_id IN (${placeholders(chunk.length)}) ORDER BY id`)
      .all(instanceId, ...chunk) as ChangeRecord[];
    for (const record of records) rows.push(toChangeRow(record));
  }
  return rows;
}

/** Options of {@link iterateChanges}. */
export interface IterateOptions {
  /** Rows read per query; memory stays bounded by one batch. Default 1000. */
  batchSize?: number;
  /** 'oldest-first' (default, time order) or 'newest-first'. */
  order?: 'oldest-first' | 'newest-first';
  /** Only the newest `last` matching rows (still yielded in `order`). */
  last?: number;
}

/**
 * Streams every matching row in time order, one keyset batch at a time (never one giant `all()`), so
 * exports and `ocm changes` of millions of rows use constant memory. Rows added while iterating after
 * the current position are included; nothing is yielded twice.
 */
export function* iterateChanges(db: SqlDatabase, filter: ChangeFilter, options: IterateOptions = {}): Generator<ChangeRow, void, undefined> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 1000, MAX_PAGE_SIZE));
  const normalized = normalizeFilter(filter);
  const order = options.order === 'newest-first' ? 'desc' : 'asc';
  let after: Keyset | undefined;
  let remaining = Number.POSITIVE_INFINITY;
  if (options.last !== undefined) {
    if (options.last < 1) return;
    // The oldest of the newest `last` rows: start just before it (ids are integers, so id - 1 is "before").
    const [boundary] = orderedRows(db, normalized, { order: 'desc', limit: 1, offset: options.last - 1 });
    if (order === 'asc' && boundary) after = { ts: boundary.ts, id: boundary.id - 1 };
    if (order === 'desc') remaining = options.last;
  }
  while (remaining > 0) {
    const batch = orderedRows(db, normalized, { order, after, limit: Math.min(batchSize, remaining) });
    for (const record of batch) yield toChangeRow(record);
    if (batch.length < Math.min(batchSize, remaining)) return;
    remaining -= batch.length;
    const last = batch[batch.length - 1];
    after = { ts: last.ts, id: last.id };
  }
}
