/**
 * Rows of the team mirror read whole rather than paged: every row of a filter streamed for exports and
 * admin actions, and rows by local key or by server id (as store/queries/change-queries.ts does on SQLite).
 */
import type { ChangeFilter, ChangeRow, InstanceId } from '../../common/model';
import { normalizeFilter } from '../queries/filter';
import { toChangeRow, type ChangeRecord } from '../queries/rows';
import { pgAll, pgOrderedRowsSql, PG_CHANGE_RECORD_COLUMNS } from './change-queries';
import type { PgConnection } from './connection';
import { numbered } from './filter';

/** Options of {@link pgIterateChanges}. */
export interface PgIterateOptions {
  /** Rows fetched from the cursor at a time; memory stays bounded by one batch. Default 1000. */
  batchSize?: number;
}

/**
 * Streams every matching row oldest first through a server-side cursor (the portal's rows are fetched
 * `batchSize` at a time, never all at once). The rows are those of one snapshot, taken at the first
 * fetch; the cursor holds one pooled connection until the stream ends or is closed early.
 */
export async function* pgIterateChanges(sql: PgConnection, filter: ChangeFilter, options: PgIterateOptions = {}): AsyncGenerator<ChangeRow, void, undefined> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000));
  // No LIMIT: PostgreSQL reads `LIMIT NULL` as none, so the shared row query serves unchanged.
  const { text, params } = numbered(pgOrderedRowsSql(normalizeFilter(filter), { order: 'asc', limit: null as unknown as number }));
  for await (const batch of sql.unsafe(text, params as never[], { prepare: true }).cursor(batchSize)) {
    for (const record of batch) yield toChangeRow(record as unknown as ChangeRecord);
  }
}

/** The rows with these local keys (`changes.id` as text), by id; unknown or malformed keys are skipped. */
export async function pgChangeRowsByKeys(sql: PgConnection, keys: readonly string[]): Promise<ChangeRow[]> {
  const ids = [...new Set(keys.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0))];
  if (ids.length === 0) return [];
  const records = await pgAll<ChangeRecord>(sql, { sql: `SELECT ${PG_CHANGE_RECORD_COLUMNS} FROM changes WHERE id = ANY(?::bigint[]) ORDER BY id`, params: [ids] });
  return records.map(toChangeRow);
}

/** The rows of `instanceId` still present on the server with these server ids (`update.webhook.id`), by id. */
export async function pgPresentRowsByServerIds(sql: PgConnection, instanceId: InstanceId, serverIds: readonly number[]): Promise<ChangeRow[]> {
  if (serverIds.length === 0) return [];
  const records = await pgAll<ChangeRecord>(sql, {
    sql: `SELECT ${PG_CHANGE_RECORD_COLUMNS} FROM changes WHERE instance_id = ? AND removed_at IS NULL AND server_id = ANY(?::bigint[]) ORDER BY id`,
    params: [instanceId, [...new Set(serverIds)]],
  });
  return records.map(toChangeRow);
}
