/**
 * The team mirror on PostgreSQL as the engine and the services use it: every repository of
 * store/ports.ts over one pool, the mirror's inserts queueing the alerts their rows fire in the same
 * transaction (as store/store.ts does on SQLite).
 */
import type { Repositories } from '../ports';
import { PgAlertQueue } from './alert-queue';
import { closePostgres, openPostgres, redactUrl, type PgConnection } from './connection';
import { migratePostgres } from './migrate';
import { PgMirrorRepository } from './mirror-repository';
import { PgAccountStore } from './repositories/accounts';
import { PgAlertRepository } from './repositories/alerts';
import { PgInstanceRepository } from './repositories/instances';
import { PgJournalRepository } from './repositories/journal';
import { PgLeaseStore } from './repositories/leases';
import { PgPollingRepository } from './repositories/polling';
import { PgReportDefinitionRepository } from './repositories/report-definitions';
import { PgSettingsRepository } from './repositories/settings';
import { PgSyncLogRepository } from './repositories/sync-log';
import { PgSyncStateRepository } from './repositories/sync-state';
import { OcmError } from '../../common/errors';
import { PG_SCHEMA_VERSION } from './schema';

/** Every repository over one PostgreSQL pool. */
export class PgStore implements Repositories {
  readonly instances: PgInstanceRepository;
  readonly syncState: PgSyncStateRepository;
  readonly syncLog: PgSyncLogRepository;
  readonly settings: PgSettingsRepository;
  readonly mirror: PgMirrorRepository;
  readonly journal: PgJournalRepository;
  readonly reportDefinitions: PgReportDefinitionRepository;
  readonly polling: PgPollingRepository;
  readonly alerts: PgAlertRepository;
  readonly accounts: PgAccountStore;
  readonly leases: PgLeaseStore;

  constructor(
    /** The pool, for the read-only query modules (store/postgres/*-queries.ts). */
    readonly sql: PgConnection,
  ) {
    this.instances = new PgInstanceRepository(sql);
    this.syncState = new PgSyncStateRepository(sql);
    this.syncLog = new PgSyncLogRepository(sql);
    this.settings = new PgSettingsRepository(sql);
    this.mirror = new PgMirrorRepository(sql);
    this.journal = new PgJournalRepository(sql);
    this.reportDefinitions = new PgReportDefinitionRepository(sql);
    this.polling = new PgPollingRepository(sql, this.mirror);
    this.alerts = new PgAlertRepository(sql);
    this.accounts = new PgAccountStore(sql);
    this.leases = new PgLeaseStore(sql);
    // Whoever writes the mirror queues the alerts its rows fire, in the same transaction.
    this.mirror.setInsertHook(new PgAlertQueue(this.alerts));
  }

  close(): Promise<void> {
    return closePostgres(this.sql);
  }
}

/** Options of {@link openPgStore}. */
export interface OpenPgStoreOptions {
  /** Open without migrating: the schema must be this build's ('not-found' when there is none yet). */
  readonly?: boolean;
  /** Connections in the pool (each export or filtered delete holds one while it streams). */
  max?: number;
}

/**
 * Opens the pool at `url`, checks it can log in, and brings the schema up to date (under an advisory
 * lock, so collectors starting together migrate once). Rejects with the connection's coded errors,
 * 'conflict' (a newer schema) or, read-only, 'not-found'.
 */
export async function openPgStore(url: string, options: OpenPgStoreOptions = {}): Promise<PgStore> {
  const sql = await openPostgres(url, { max: options.max });
  try {
    if (options.readonly) await assertSchemaReady(sql, url);
    else await migratePostgres(sql);
    return new PgStore(sql);
  } catch (error) {
    await closePostgres(sql);
    throw error;
  }
}

async function assertSchemaReady(sql: PgConnection, url: string): Promise<void> {
  const [row] = (await sql.unsafe("SELECT CASE WHEN to_regclass('ocm_schema') IS NULL THEN 0 ELSE (SELECT coalesce(max(version), 0) FROM ocm_schema) END::integer AS version")) as unknown as { version: number }[];
  if (row.version === 0) {
    throw new OcmError('not-found', `The PostgreSQL database at ${redactUrl(url)} holds no mirror yet.`, { hint: 'Start `ocm serve` with OCM_DATABASE_URL set to it once, or copy a mirror into it with `ocm store migrate`.' });
  }
  if (row.version !== PG_SCHEMA_VERSION) {
    throw new OcmError('conflict', `The PostgreSQL mirror at ${redactUrl(url)} has schema ${row.version}; this app writes ${PG_SCHEMA_VERSION}.`, { hint: row.version > PG_SCHEMA_VERSION ? 'Update Odoo Change Monitor on this machine.' : 'Start `ocm serve` (it migrates the database), then try again.' });
  }
}
