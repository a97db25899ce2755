/**
 * The admin ports implemented over the local store: the mirror writer marks rows removed (it keeps
 * `change_hours` consistent in the same transaction), the store's queries read rows.
 */
import type { ChangesNotice } from '../common/model';
import type { SqlDatabase } from '../store/database';
import type { Repositories } from '../store/ports';
import { changeRowsByKeys, iterateChanges, presentRowsByServerIds } from '../store/queries/change-queries';
import type { AdminRowSource, AdminSettings, InstanceDirectory, RowMarker } from './ports';

/** Marks rows of the instance's current epoch removed by 'user' through either store's mirror repository. */
export function storeRowMarker(store: Pick<Repositories, 'mirror' | 'syncState'>): RowMarker {
  return {
    async markRemovedByUser(instanceId, serverIds, at) {
      if (serverIds.length === 0) return 0;
      const { epoch } = await store.syncState.get(instanceId);
      return store.mirror.markRemoved(instanceId, epoch, serverIds, 'user', Math.floor(at.getTime() / 1000));
    },
  };
}

/**
 * A marker that announces what it marked, as the sync engine announces what it finds: open timelines,
 * facets, histograms and record histories hear of rows the user deleted (or cleaned as orphans) at once.
 */
export function announcingMarker(marker: RowMarker, announce: (notice: ChangesNotice) => void): RowMarker {
  return {
    markRemovedByUser(instanceId, serverIds, at) {
      const announced = (removed: number): number => {
        if (removed > 0) announce({ instanceId, added: 0, removed });
        return removed;
      };
      const removed = marker.markRemovedByUser(instanceId, serverIds, at);
      return typeof removed === 'number' ? announced(removed) : removed.then(announced);
    },
  };
}

/** Reads mirrored rows by key, by server id and by filter (streamed, bounded memory). */
export function storeRowSource(db: SqlDatabase): AdminRowSource {
  return {
    rowsByKeys: (keys) => changeRowsByKeys(db, keys),
    rowsByServerIds: (instanceId, serverIds) => presentRowsByServerIds(db, instanceId, serverIds),
    rows: (filter) => iterateChanges(db, filter, { batchSize: 2000 }),
  };
}

/** Instances from the store's repository; hidden (removed) instances are not found. */
export function storeInstanceDirectory(store: Pick<Repositories, 'instances'>): InstanceDirectory {
  return {
    async get(id) {
      const record = await store.instances.get(id);
      return record && !record.removed ? record.config : undefined;
    },
  };
}

/** The delete threshold from the store's settings repository. */
export function storeAdminSettings(store: Pick<Repositories, 'settings'>): AdminSettings {
  return { get: async () => store.settings.get() };
}
