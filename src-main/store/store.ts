/** The opened mirror: one connection and the repositories over it. */
import type { SqlDatabase } from './database';
import { openDatabase, translateSqliteError, type OpenStoreOptions } from './open';
import { InstanceRepository } from './repositories/instances';
import { MirrorRepository } from './repositories/mirror';
import { SettingsRepository } from './repositories/settings';
import { SyncLogRepository } from './repositories/sync-log';
import { SyncStateRepository } from './repositories/sync-state';

/** One connection to the mirror database with its repositories. */
export class Store {
  readonly instances: InstanceRepository;
  readonly syncState: SyncStateRepository;
  readonly syncLog: SyncLogRepository;
  readonly settings: SettingsRepository;
  readonly mirror: MirrorRepository;

  constructor(
    /** The connection, for read-only query modules (store/queries). */
    readonly db: SqlDatabase,
    /** The database file's path. */
    readonly path: string,
  ) {
    this.instances = new InstanceRepository(db);
    this.syncState = new SyncStateRepository(db);
    this.syncLog = new SyncLogRepository(db);
    this.settings = new SettingsRepository(db);
    this.mirror = new MirrorRepository(db);
  }

  /**
   * Runs `work` and rethrows driver failures as OcmError ('store-locked' when another process holds the
   * write lock past the busy timeout, 'store-corrupt' for a malformed file).
   */
  guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw translateSqliteError(error, this.path);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens the mirror at `path` (creating and migrating it unless `readonly`). Throws OcmError
 * 'store-locked', 'store-corrupt' (the file is left untouched) or 'conflict' (newer schema).
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  return new Store(openDatabase(path, options), path);
}
