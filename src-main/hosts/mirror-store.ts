/**
 * Where the mirror lives, and what the composition root builds on it: a SQLite file (a workstation, or
 * a small team server) or a PostgreSQL database (team mode). Both give the same repositories (store/ports.ts)
 * and the same read sides (timeline queries, the admin actions' rows, report data); only this module
 * knows which one is open. On PostgreSQL, the rows other processes commit are also heard as they commit
 * (store/postgres/change-notices.ts), and their engines' sync activity as it happens (sync-events.ts);
 * on a SQLite file, they show at the next query.
 */
import { existsSync } from 'node:fs';
import { pgRowSource } from '../admin/pg-adapters';
import { storeRowSource } from '../admin/store-adapters';
import type { AdminRowSource } from '../admin/ports';
import { pgPreviewer } from '../alerts/pg-preview';
import { sqlitePreviewer, type AlertPreviewer } from '../alerts/preview';
import { OcmError } from '../common/errors';
import { Emitter, type Event } from '../common/event';
import type { ChangesNotice, InstanceId } from '../common/model';
import type { IChangeService } from '../common/services';
import type { ReportDataSource } from '../reports/report-service';
import { pgReportData } from '../reports/pg-data-source';
import { storeReportData } from '../reports/store-data-source';
import type { Repositories } from '../store/ports';
import { listenForChanges } from '../store/postgres/change-notices';
import { listenForSyncEvents, pgPublishSyncEvent, type HeardSyncEvent, type SyncEvent } from '../store/postgres/sync-events';
import { listenForSyncRequests, pgRequestSync } from '../store/postgres/sync-requests';
import { PgChangeService } from '../store/postgres/change-service';
import { redactUrl } from '../store/postgres/connection';
import { openPgStore, type PgStore } from '../store/postgres/pg-store';
import { ChangeService } from '../store/queries/change-service';
import { openStore, type Store } from '../store/store';

/** A mirror's location: a SQLite file, or a PostgreSQL database URL. */
export type MirrorLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** An open mirror: its repositories, its read sides, and the SQLite store when it is one. */
export interface OpenedMirror {
  readonly location: MirrorLocation;
  readonly repositories: Repositories;
  /** The SQLite store (the worker engine opens the same file; a workstation's team-server links live in it). */
  readonly sqlite?: Store;
  /**
   * Rows other processes added to or removed from the mirror, as they commit (PostgreSQL opened with
   * `listen`). This process's own writes are not repeated here: its engine and admin actions announce them.
   * Never fires on a SQLite file (other processes' rows show at the next query).
   */
  readonly onDidChangeData: Event<ChangesNotice>;
  /**
   * A team database's "sync now" between processes (store/postgres/sync-requests.ts): `request` reaches
   * the collector holding the instance wherever it runs, `onDidRequest` hears requests (opened with `listen`).
   */
  readonly syncRequests?: { request(instanceId?: InstanceId): Promise<void>; readonly onDidRequest: Event<InstanceId | undefined> };
  /**
   * A team database's live sync activity between processes (store/postgres/sync-events.ts): `publish`
   * sends this process's engine's events, `onDidHear` hears the other processes' (opened with `listen`).
   */
  readonly syncEvents?: { publish(event: SyncEvent, ttlMs: number): Promise<void>; readonly onDidHear: Event<HeardSyncEvent> };
  changeService(notices: Event<ChangesNotice>): IChangeService;
  rowSource(): AdminRowSource;
  reportData(): ReportDataSource;
  alertPreviewer(): AlertPreviewer;
  close(): Promise<void>;
}

/** Options of {@link openMirror}. */
export interface OpenMirrorOptions {
  /** Open without writing (no migrations); the mirror must exist ('not-found'). */
  readonly?: boolean;
  /** SQLite: how long a statement waits for another process's lock before 'store-locked'. */
  busyTimeoutMs?: number;
  /**
   * PostgreSQL: hear other processes' commits ({@link OpenedMirror.onDidChangeData}) on one more
   * connection, listening before `openMirror` resolves. Default false (a one-off reader needs none).
   */
  listen?: boolean;
}

/** Opens (creating and migrating unless read-only) the mirror at `location`. */
export async function openMirror(location: MirrorLocation, options: OpenMirrorOptions = {}): Promise<OpenedMirror> {
  return location.kind === 'sqlite' ? openSqliteMirror(location, options) : openPostgresMirror(location, options);
}

function openSqliteMirror(location: MirrorLocation & { kind: 'sqlite' }, options: OpenMirrorOptions): OpenedMirror {
  if (options.readonly && !existsSync(location.file)) {
    throw new OcmError('not-found', `There is no local mirror at ${location.file} yet.`, {
      hint: 'Add an instance with `ocm instance add` and run `ocm sync`, or set OCM_HOME to the data folder.',
    });
  }
  const store = openStore(location.file, { readonly: options.readonly, busyTimeoutMs: options.busyTimeoutMs });
  return {
    location,
    repositories: store,
    sqlite: store,
    onDidChangeData: () => ({ dispose: () => undefined }),
    changeService: (notices) => new ChangeService(store.db, notices),
    rowSource: () => storeRowSource(store.db),
    reportData: () => storeReportData(store),
    alertPreviewer: () => sqlitePreviewer(store.db),
    close: async () => store.close(),
  };
}

/** Connections of a team server's pool: the engine, the workbenches' queries, and exports streaming. */
const TEAM_POOL_SIZE = 12;

async function openPostgresMirror(location: MirrorLocation & { kind: 'postgres' }, options: OpenMirrorOptions): Promise<OpenedMirror> {
  const store = await openPgStore(location.url, { readonly: options.readonly, max: TEAM_POOL_SIZE });
  const notices = new Emitter<ChangesNotice>();
  const requests = new Emitter<InstanceId | undefined>();
  const syncEvents = new Emitter<HeardSyncEvent>();
  if (options.listen) await listen(store, { notices, requests, syncEvents }, location);
  return {
    location,
    repositories: store,
    onDidChangeData: notices.event,
    syncRequests: { request: (instanceId) => pgRequestSync(store.sql, instanceId), onDidRequest: requests.event },
    syncEvents: { publish: (event, ttlMs) => pgPublishSyncEvent(store.sql, store.mirror.noticeOrigin, ttlMs, event), onDidHear: syncEvents.event },
    changeService: (notices) => new PgChangeService(store.sql, notices),
    rowSource: () => pgRowSource(store.sql),
    reportData: () => pgReportData(store.sql, store),
    alertPreviewer: () => pgPreviewer(store.sql),
    close: async () => {
      notices.dispose();
      requests.dispose();
      syncEvents.dispose();
      await store.close(); // ends the listening connection too
    },
  };
}

/** What {@link listen} hands on: rows committed, sync requests, and sync activity, of other processes. */
interface Heard {
  notices: Emitter<ChangesNotice>;
  requests: Emitter<InstanceId | undefined>;
  syncEvents: Emitter<HeardSyncEvent>;
}

/**
 * LISTENs for other processes' notices, sync requests and sync activity. A failure does not stop the
 * mirror from opening: it is logged, and this process's workbenches see other processes' rows at their
 * next query, as on SQLite, and their instances' resting statuses; its collector syncs at its next poll.
 */
async function listen(store: PgStore, heard: Heard, location: MirrorLocation & { kind: 'postgres' }): Promise<void> {
  const origin = store.mirror.noticeOrigin;
  try {
    await listenForChanges(store.sql, origin, (notice) => heard.notices.fire(notice));
    await listenForSyncRequests(store.sql, (instanceId) => heard.requests.fire(instanceId));
    await listenForSyncEvents(store.sql, origin, (event) => heard.syncEvents.fire(event));
  } catch (error) {
    console.warn(`Live notices from other processes are off: listening on ${redactUrl(location.url)} failed (${error instanceof Error ? error.message : String(error)}). Workbenches see other processes' rows at their next query and their instances' resting statuses, and "Sync now" waits for the next poll.`);
  }
}
