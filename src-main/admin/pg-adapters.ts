/**
 * The admin actions' rows read from the team mirror on PostgreSQL, as store-adapters.ts reads them on
 * SQLite. The marker, the instance directory and the settings are store-adapters.ts' own
 * (`storeRowMarker`, `storeInstanceDirectory`, `storeAdminSettings`), over either store's repositories.
 */
import type { PgConnection } from '../store/postgres/connection';
import { pgChangeRowsByKeys, pgIterateChanges, pgPresentRowsByServerIds } from '../store/postgres/row-queries';
import type { AdminRowSource } from './ports';

/** Reads mirrored rows by key, by server id and by filter (streamed through a cursor, bounded memory). */
export function pgRowSource(sql: PgConnection): AdminRowSource {
  return {
    rowsByKeys: (keys) => pgChangeRowsByKeys(sql, keys),
    rowsByServerIds: (instanceId, serverIds) => pgPresentRowsByServerIds(sql, instanceId, serverIds),
    rows: (filter) => pgIterateChanges(sql, filter, { batchSize: 2000 }),
  };
}
