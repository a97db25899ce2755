/**
 * The admin ports implemented over the local store: the mirror writer marks rows removed (it keeps
 * `change_hours` consistent in the same transaction), the query module reads rows.
 */
import type { ChangeRow, InstanceConfig, InstanceId, Settings } from '../common/model';
import type { QueryDatabase } from '../store/queries/database';
import { iterateChanges } from '../store/queries/change-queries';
import { CHANGE_COLUMNS, toChangeRow, type ChangeRecord } from '../store/queries/rows';
import type { AdminRowSource, AdminSettings, InstanceDirectory, RowMarker } from './ports';

/** Keys per `IN (...)` query (SQLite's default limit on bound parameters is far above it). */
const KEY_CHUNK = 500;

/** The part of the store the marker needs (`Store` satisfies it). */
export interface MarkerStore {
  mirror: { markRemoved(instanceId: InstanceId, epoch: number, serverIds: readonly number[], by: 'user', at: number): number };
  syncState: { get(instanceId: InstanceId): { epoch: number } };
}

/** Marks rows of the instance's current epoch removed by 'user' through the mirror writer. */
export function storeRowMarker(store: MarkerStore): RowMarker {
  return {
    markRemovedByUser(instanceId, serverIds, at) {
      if (serverIds.length === 0) return 0;
      return store.mirror.markRemoved(instanceId, store.syncState.get(instanceId).epoch, serverIds, 'user', Math.floor(at.getTime() / 1000));
    },
  };
}

/** Reads mirrored rows by key (`changes.id`) and by filter (streamed, bounded memory). */
export function storeRowSource(db: QueryDatabase): AdminRowSource {
  return {
    rowsByKeys(keys) {
      const ids = [...new Set(keys.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0))];
      const rows: ChangeRow[] = [];
      for (let start = 0; start < ids.length; start += KEY_CHUNK) {
        const chunk = ids.slice(start, start + KEY_CHUNK);
        const records = db.prepare(`SELECT ${CHANGE_COLUMNS} FROM changes WHERE id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as ChangeRecord[];
        for (const record of records) rows.push(toChangeRow(record));
      }
      return rows;
    },
    rows: (filter) => iterateChanges(db, filter, { batchSize: 2000 }),
  };
}

/** Instances from the store's repository; hidden (removed) instances are not found. */
export function storeInstanceDirectory(store: { instances: { get(id: InstanceId): ({ config: InstanceConfig } & { removed: boolean }) | undefined } }): InstanceDirectory {
  return {
    get(id) {
      const record = store.instances.get(id);
      return record && !record.removed ? record.config : undefined;
    },
  };
}

/** The delete threshold from the store's settings repository. */
export function storeAdminSettings(store: { settings: { get(): Settings } }): AdminSettings {
  return { get: async () => store.settings.get() };
}
