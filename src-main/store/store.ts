/**
 * The opened mirror: one connection and the repositories over it. The connection translates driver
 * failures itself ('store-locked', 'store-corrupt'), so callers never wrap calls.
 */
import { AlertQueue } from './alert-queue';
import type { SqlDatabase } from './database';
import { openDatabase, type OpenStoreOptions } from './open';
import type { Repositories } from './ports';
import { SqliteAccountStore, type AccountStore } from './repositories/accounts';
import { AlertRepository } from './repositories/alerts';
import { InstanceRepository } from './repositories/instances';
import { JournalRepository } from './repositories/journal';
import { MirrorRepository } from './repositories/mirror';
import { PollingRepository } from './repositories/polling';
import { ReportDefinitionRepository } from './repositories/report-definitions';
import { SettingsRepository } from './repositories/settings';
import { SyncLogRepository } from './repositories/sync-log';
import { SyncStateRepository } from './repositories/sync-state';
import { SqliteLeaseStore, type LeaseStore } from './repositories/leases';
import { TeamServerRepository } from './repositories/team-servers';

/** One connection to the mirror database with its repositories. */
export class Store implements Repositories {
  readonly instances: InstanceRepository;
  readonly syncState: SyncStateRepository;
  readonly syncLog: SyncLogRepository;
  readonly settings: SettingsRepository;
  readonly mirror: MirrorRepository;
  readonly journal: JournalRepository;
  readonly reportDefinitions: ReportDefinitionRepository;
  /** The polling source's cursors and record sets. */
  readonly polling: PollingRepository;
  /** Team mode: users, grants and sessions. */
  readonly accounts: AccountStore;
  /** Team mode: which collector syncs which instance. */
  readonly leases: LeaseStore;
  /** The team servers this workstation reads from. */
  readonly teamServers: TeamServerRepository;
  /** Alert rules, the events they fired and their deliveries. */
  readonly alerts: AlertRepository;

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
    this.journal = new JournalRepository(db);
    this.reportDefinitions = new ReportDefinitionRepository(db);
    this.polling = new PollingRepository(db, this.mirror);
    this.accounts = new SqliteAccountStore(db);
    this.leases = new SqliteLeaseStore(db);
    this.teamServers = new TeamServerRepository(db);
    this.alerts = new AlertRepository(db);
    // Whoever writes the mirror queues the alerts its rows fire, in the same transaction.
    this.mirror.setInsertHook(new AlertQueue(db, this.alerts));
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
