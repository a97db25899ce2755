/**
 * Row queries over the team mirror: timeline pages keyset-paged on (ts, id) in both directions, counts
 * and a record's history, with the same filter meaning and the same result shapes as the SQLite queries
 * (store/queries/change-queries.ts), whose paging rules and row mapping are reused as they are.
 *
 * No plan steering is needed here: PostgreSQL keeps statistics and walks `changes_timeline`,
 * `changes_model_timeline`, `changes_instance_timeline` or the partial `changes_present_timeline`
 * backwards, stopping after a page, and compares the keyset as a row value, `(ts, id) < (?, ?)`.
 */
import type { ChangeRow, InstanceId, TimelinePage, TimelineQuery } from '../../common/model';
import { RECORD_HISTORY_LIMIT, timelinePageOf, timelineRead, type Keyset } from '../queries/change-queries';
import { normalizeFilter, type NormalizedFilter } from '../queries/filter';
import { toChangeRow, type ChangeRecord } from '../queries/rows';
import type { PgConnection } from './connection';
import { numbered, pgFilterConditions, pgWhere, type PgCondition } from './filter';

/** The columns every row query selects, shaped as {@link ChangeRecord} (JSON as text, as SQLite gives it). */
export const PG_CHANGE_RECORD_COLUMNS =
  'id, instance_id, server_id, model, record_id, event, ts, first_seen_at, removed_at, removed_by, user_name, changed_fields, change_count, origin, field_values::text AS field_values';

/** Options of {@link pgOrderedRowsSql}. */
export interface PgOrderedRowsOptions {
  order: 'desc' | 'asc';
  /** Only rows strictly after this position in `order`. */
  after?: Keyset;
  limit: number;
  offset?: number;
}

/** The SQL reading filtered rows in (ts, id) order. */
export function pgOrderedRowsSql(filter: NormalizedFilter, options: PgOrderedRowsOptions): PgCondition {
  const direction = options.order === 'desc' ? 'DESC' : 'ASC';
  const keyset: PgCondition[] = options.after
    ? [{ sql: `(ts, id) ${options.order === 'desc' ? '<' : '>'} (?::bigint, ?::bigint)`, params: [options.after.ts, options.after.id] }]
    : [];
  const where = pgWhere([...pgFilterConditions(filter), ...keyset]);
  return {
    sql: `SELECT ${PG_CHANGE_RECORD_COLUMNS} FROM changes${where.sql} ORDER BY ts ${direction}, id ${direction} LIMIT ? OFFSET ?`,
    params: [...where.params, options.limit, options.offset ?? 0],
  };
}

/** Runs a `?` query (numbered here) and returns its rows. */
export async function pgAll<T>(sql: PgConnection, query: PgCondition): Promise<T[]> {
  const { text, params } = numbered(query);
  return (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
}

/** Reads filtered rows in (ts, id) order. */
export async function pgOrderedRows(sql: PgConnection, filter: NormalizedFilter, options: PgOrderedRowsOptions): Promise<ChangeRecord[]> {
  return pgAll<ChangeRecord>(sql, pgOrderedRowsSql(filter, options));
}

/** One timeline page, newest first, paged exactly as the SQLite store's `timelinePage`. */
export async function pgTimelinePage(sql: PgConnection, query: TimelineQuery): Promise<TimelinePage> {
  const { limit, filter, after, order } = timelineRead(query);
  return timelinePageOf(await pgOrderedRows(sql, filter, { order, after, limit: limit + 1 }), query);
}

/** Number of rows matching a filter, counted on the base table. */
export async function pgCountRows(sql: PgConnection, filter: NormalizedFilter): Promise<number> {
  const where = pgWhere(pgFilterConditions(filter));
  const [row] = await pgAll<{ n: number }>(sql, { sql: `SELECT count(*) AS n FROM changes${where.sql}`, params: where.params });
  return row.n;
}

/** The record's events on one instance, newest first (at most {@link RECORD_HISTORY_LIMIT}). */
export async function pgRecordHistory(sql: PgConnection, instanceId: InstanceId, model: string, recordId: number): Promise<ChangeRow[]> {
  const filter = normalizeFilter({ instanceIds: [instanceId], models: [model], recordId });
  return (await pgOrderedRows(sql, filter, { order: 'desc', limit: RECORD_HISTORY_LIMIT })).map(toChangeRow);
}
