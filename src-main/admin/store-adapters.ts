/**
 * The admin ports implemented over the local store: the mirror writer marks rows removed (it keeps
 * `change_hours` consistent in the same transaction), the query module reads rows.
 */
import { OcmError } from '../common/errors';
import type { ChangeRow, InstanceConfig, InstanceId, Settings } from '../common/model';
import { connectOdoo } from '../odoo/client';
import type { ConnectionInput, OdooClient } from '../odoo/types';
import type { SqlDatabase } from '../store/database';
import { iterateChanges } from '../store/queries/change-queries';
import { CHANGE_RECORD_COLUMNS, toChangeRow, type ChangeRecord } from '../store/queries/rows';
import type { AdminRowSource, AdminSettings, ClientProvider, InstanceDirectory, RowMarker } from './ports';

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
export function storeRowSource(db: SqlDatabase): AdminRowSource {
  return {
    rowsByKeys(keys) {
      const ids = [...new Set(keys.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0))];
      const rows: ChangeRow[] = [];
      for (let start = 0; start < ids.length; start += KEY_CHUNK) {
        const chunk = ids.slice(start, start + KEY_CHUNK);
        const records = db.prepare(`SELECT ${CHANGE_RECORD_COLUMNS} FROM changes WHERE id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as ChangeRecord[];
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

/** The local keys of the present mirrored rows with these server ids (the CLI's `--id`). */
export function keysForServerIds(db: SqlDatabase, instanceId: InstanceId, serverIds: readonly number[]): string[] {
  const keys: string[] = [];
  for (let start = 0; start < serverIds.length; start += KEY_CHUNK) {
    const chunk = serverIds.slice(start, start + KEY_CHUNK);
    const ids = db
      .prepare(`SELECT id FROM changes WHERE instance_id = ? AND removed_at IS NULL AND server_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY id`)
      .all(instanceId, ...chunk) as { id: number }[];
    for (const row of ids) keys.push(String(row.id));
  }
  return keys;
}

/** A {@link ClientProvider} that logs in with the stored (decrypted) password and reuses the client. */
export interface ClosableClientProvider extends ClientProvider {
  /** Closes every client handed out. */
  close(): void;
}

/** Clients for stored instances: `secretOf` returns the decrypted password of an instance. */
export function storeClientProvider(
  instances: InstanceDirectory,
  secretOf: (instanceId: InstanceId) => string,
  connect: (input: ConnectionInput) => Promise<OdooClient> = (input) => connectOdoo(input),
): ClosableClientProvider {
  const clients = new Map<InstanceId, Promise<OdooClient>>();
  return {
    clientFor(instanceId) {
      let client = clients.get(instanceId);
      if (!client) {
        client = (async () => {
          const config = await instances.get(instanceId);
          if (!config) throw new OcmError('not-found', `No instance with id ${instanceId}.`);
          return connect({
            url: config.url,
            db: config.db,
            login: config.login,
            password: secretOf(instanceId),
            transport: config.transport,
            trustedCertificateSha256: config.trustedCertificateSha256,
          });
        })();
        // A failed login is not cached: the next action tries again.
        client.catch(() => clients.delete(instanceId));
        clients.set(instanceId, client);
      }
      return client;
    },
    close() {
      for (const client of clients.values()) void client.then((connected) => connected.close(), () => undefined);
      clients.clear();
    },
  };
}
