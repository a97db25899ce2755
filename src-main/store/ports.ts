/**
 * The store as the engine and the services use it, whichever database holds it: the SQLite store
 * (store/store.ts) answers synchronously, the PostgreSQL store (store/postgres/pg-store.ts) with
 * Promises, and every caller awaits. Each port is the SQLite repository's own method list, so the two
 * stores cannot drift apart: a method added to a repository is a method the other store must have.
 */
import type { SqlDatabase } from './database';
import type { AccountStore } from './repositories/accounts';
import type { AlertRepository } from './repositories/alerts';
import type { InstanceRepository } from './repositories/instances';
import type { JournalRepository } from './repositories/journal';
import type { LeaseStore } from './repositories/leases';
import type { MirrorRepository } from './repositories/mirror';
import type { PollingRepository } from './repositories/polling';
import type { ReportDefinitionRepository } from './repositories/report-definitions';
import type { SettingsRepository } from './repositories/settings';
import type { SyncLogRepository } from './repositories/sync-log';
import type { SyncStateRepository } from './repositories/sync-state';

/** A value now or later. */
export type Awaitable<T> = T | Promise<T>;

/** The methods `K` of a repository `T`, each of whose results may also come as a Promise. */
export type PortOf<T, K extends keyof T> = {
  [M in K]: T[M] extends (...args: infer A) => infer R ? (...args: A) => Awaitable<R> : never;
};

export type InstancesPort = PortOf<InstanceRepository, 'list' | 'names' | 'get' | 'findByName' | 'insert' | 'update' | 'replaceSecret' | 'hide' | 'deleteWithHistory'>;
export type SyncStatePort = PortOf<SyncStateRepository, 'get' | 'update'>;
export type SyncLogPort = PortOf<SyncLogRepository, 'append' | 'list'>;
export type SettingsPort = PortOf<SettingsRepository, 'get' | 'hasFlag' | 'setFlag' | 'update'>;
export type JournalPort = PortOf<JournalRepository, 'begin' | 'finish' | 'list' | 'detail'>;
export type ReportDefinitionsPort = PortOf<ReportDefinitionRepository, 'list' | 'save' | 'delete'>;
export type MirrorPort = PortOf<
  MirrorRepository,
  | 'insertChanges'
  | 'insertErrors'
  | 'markRemoved'
  | 'startNewEpoch'
  | 'beginBulkLoad'
  | 'endBulkLoad'
  | 'ensureReadIndexes'
  | 'presentServerIds'
  | 'presentRows'
  | 'presentAggregate'
  | 'rowIdentity'
  | 'lastRow'
  | 'latestRevisions'
  | 'counts'
>;
export type PollingPort = PortOf<PollingRepository, 'state' | 'begin' | 'models' | 'knownAggregate' | 'knownIds' | 'knownAmong' | 'addBaseline' | 'trackingWithin' | 'commit'>;
export type AlertsPort = PortOf<
  AlertRepository,
  | 'revision'
  | 'list'
  | 'get'
  | 'save'
  | 'remove'
  | 'queue'
  | 'hasEvent'
  | 'waiting'
  | 'lastMessageAt'
  | 'cutMessage'
  | 'messageEvents'
  | 'claim'
  | 'markSent'
  | 'markFailed'
  | 'postpone'
  | 'nextDue'
  | 'pendingCount'
  | 'deliveries'
  | 'delivery'
  | 'smtp'
  | 'setSmtp'
>;

/** Every repository of a store, as the engine and the services reach them. */
export interface Repositories {
  readonly instances: InstancesPort;
  readonly syncState: SyncStatePort;
  readonly syncLog: SyncLogPort;
  readonly settings: SettingsPort;
  readonly mirror: MirrorPort;
  readonly journal: JournalPort;
  readonly reportDefinitions: ReportDefinitionsPort;
  readonly polling: PollingPort;
  readonly alerts: AlertsPort;
  readonly accounts: AccountStore;
  readonly leases: LeaseStore;
}

/** Which database a store is: the SQLite one also hands its connection to the SQLite query modules. */
export type StoreKind = { kind: 'sqlite'; db: SqlDatabase } | { kind: 'postgres' };
