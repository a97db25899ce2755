/**
 * What the admin actions need from the rest of the app, declared here as small interfaces (the store,
 * the queries and the Odoo connection pool implement them; tests pass fakes).
 */
import type { ChangeFilter, ChangeRow, InstanceConfig, InstanceId, Settings } from '../common/model';
import type { OdooClient } from '../odoo/types';
import type { JournalPort } from '../store/ports';

/** Looks up configured instances. */
export interface InstanceDirectory {
  get(id: InstanceId): InstanceConfig | undefined | Promise<InstanceConfig | undefined>;
}

/** Hands out a logged-in client per instance. The provider owns the client's lifetime (and closes it). */
export interface ClientProvider {
  clientFor(instanceId: InstanceId): Promise<OdooClient>;
}

/** Reads the local mirror. */
export interface AdminRowSource {
  /** The rows with these keys (unknown keys are skipped). */
  rowsByKeys(keys: readonly string[]): Iterable<ChangeRow> | Promise<Iterable<ChangeRow>>;
  /** The instance's rows still present on the server with these server ids (unknown ids are skipped). */
  rowsByServerIds(instanceId: InstanceId, serverIds: readonly number[]): Iterable<ChangeRow> | Promise<Iterable<ChangeRow>>;
  /** The rows matching a filter, streamed. */
  rows(filter: ChangeFilter): Iterable<ChangeRow> | AsyncIterable<ChangeRow>;
}

/** Marks mirrored rows as deleted on the server by this app's user (history keeps them). */
export interface RowMarker {
  /** Marks the present rows with these server ids; returns how many local rows changed (later on PostgreSQL). */
  markRemovedByUser(instanceId: InstanceId, serverIds: readonly number[], at: Date): number | Promise<number>;
}

/** The one setting the admin actions read (ISettingsService satisfies it). */
export interface AdminSettings {
  get(): Promise<Pick<Settings, 'deleteConfirmThreshold'>>;
}

/** The admin-action journal: a row written before each action starts and finished when it ends. */
export type AdminJournal = Pick<JournalPort, 'begin' | 'finish' | 'list'>;
