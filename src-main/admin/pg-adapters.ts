/**
 * The admin ports over the team mirror on PostgreSQL, as store-adapters.ts implements them on SQLite:
 * the mirror repository marks rows removed (the aggregates move in the same statement), the PostgreSQL
 * queries read rows. The instance directory and the settings are store-adapters.ts' own
 * (`storeInstanceDirectory`, `storeAdminSettings`), which accept either store's repositories.
 */
import type { PgConnection } from '../store/postgres/connection';
import { pgChangeRowsByKeys, pgIterateChanges, pgPresentRowsByServerIds } from '../store/postgres/row-queries';
import type { Repositories } from '../store/ports';
import type { AdminRowSource, RowMarker } from './ports';

/** Marks rows of the instance's current epoch removed by 'user' through the mirror repository. */
export function pgRowMarker(store: Pick<Repositories, 'mirror' | 'syncState'>): RowMarker {
  return {
    async markRemovedByUser(instanceId, serverIds, at) {
      if (serverIds.length === 0) return 0;
      const { epoch } = await store.syncState.get(instanceId);
      return store.mirror.markRemoved(instanceId, epoch, serverIds, 'user', Math.floor(at.getTime() / 1000));
    },
  };
}

/** Reads mirrored rows by key, by server id and by filter (streamed through a cursor, bounded memory). */
export function pgRowSource(sql: PgConnection): AdminRowSource {
  return {
    rowsByKeys: (keys) => pgChangeRowsByKeys(sql, keys),
    rowsByServerIds: (instanceId, serverIds) => pgPresentRowsByServerIds(sql, instanceId, serverIds),
    rows: (filter) => pgIterateChanges(sql, filter, { batchSize: 2000 }),
  };
}
