/** A read-only handle on the mirror for the CLI's query commands: the connection plus instance-name lookups. */
import { existsSync } from 'node:fs';
import { OcmError } from '../../common/errors';
import type { InstanceId } from '../../common/model';
import { databasePath, dataDirectory } from '../data-directory';
import { openDatabase } from '../open';
import type { SqlDatabase } from '../database';

/** What the `changes` and `errors` commands need from the store. */
export interface ReadStore {
  readonly db: SqlDatabase;
  /** The instance's name (removed instances included: their history stays), or undefined. */
  instanceNameById(id: InstanceId): string | undefined;
  /** The id of the instance with this name (active ones first) or this id; undefined when unknown. */
  resolveInstanceId(nameOrId: string): InstanceId | undefined;
  close(): void;
}

/** Opens a {@link ReadStore} for the CLI's environment (reads `OCM_HOME`). */
export type OpenReadStore = (env: Readonly<Record<string, string | undefined>>) => ReadStore | Promise<ReadStore>;

/** Builds the name lookups over an open connection (one read of the small instances table). */
export function readStoreFor(db: SqlDatabase, close: () => void = () => {}): ReadStore {
  const instances = db.prepare('SELECT id, name, removed_at FROM instances ORDER BY removed_at IS NOT NULL, position, name')
    .all() as { id: string; name: string; removed_at: number | null }[];
  const nameById = new Map(instances.map((instance) => [instance.id, instance.name]));
  return {
    db,
    instanceNameById: (id) => nameById.get(id),
    resolveInstanceId: (nameOrId) => instances.find((instance) => instance.name === nameOrId)?.id
      ?? instances.find((instance) => instance.name.toLowerCase() === nameOrId.toLowerCase())?.id
      ?? (nameById.has(nameOrId) ? nameOrId : undefined),
    close,
  };
}

/**
 * Opens `$OCM_HOME/mirror.sqlite` (or the platform's data folder, e.g. `~/.config/odoo-change-monitor`
 * on Linux) read-only: the query commands never write, so they can run beside a syncing app.
 */
export const openDefaultReadStore: OpenReadStore = (env) => {
  const path = databasePath(dataDirectory(env));
  if (!existsSync(path)) {
    throw new OcmError('not-found', `There is no local mirror at ${path} yet.`, {
      hint: 'Add an instance with `ocm instance add` and run `ocm sync`, or set OCM_HOME to the data folder.',
    });
  }
  // The shared opener: read-only, the same locked / corrupt / newer-schema errors as the app's store.
  const db = openDatabase(path, { readonly: true });
  return readStoreFor(db, () => db.close());
};
