/**
 * The service contracts the workbench, the CLI and the hosts speak. Each is implemented once on the
 * Node side and reached from the renderer through a channel (Electron IPC, WebSocket, or in-memory),
 * so every member is Promise-returning or an `onDid…` event, and carries plain JSON only.
 */
import type { Event } from './event';
import type {
  AdminResult,
  ChangeFilter,
  ChangeRow,
  ChangesNotice,
  DeletePreview,
  ErrorFilter,
  ErrorGroup,
  ErrorRow,
  ExportRequest,
  ExportResult,
  Facets,
  Histogram,
  InstanceConfig,
  InstanceId,
  InstanceInput,
  InstanceStatus,
  JournalEntry,
  MessageValues,
  OrphanPreview,
  PdfEngineStatus,
  Progress,
  ReportDefinition,
  RowSelection,
  Settings,
  SyncLogEntry,
  TimelinePage,
  TimelineQuery,
} from './model';

/** A connection-test step as shown in the instance editor and `ocm instance test`. */
export interface ConnectionCheck {
  id: 'reach' | 'version' | 'database' | 'login' | 'change-log' | 'error-log' | 'rights';
  status: 'ok' | 'warning' | 'failed' | 'skipped';
  /** The English sentence (CLI, and the fallback when the UI does not know `messageKey`). */
  message: string;
  hint?: string;
  code?: string;
  /** Catalogue key of `message` for the UI, e.g. 'check.reach.ok'. */
  messageKey?: string;
  /** Catalogue key of `hint` for the UI. */
  hintKey?: string;
  /** Values for the keys' placeholders. */
  params?: MessageValues;
}

/** Configured Odoo instances. */
export interface IInstanceService {
  /** All instances, in the order the user sees them. */
  list(): Promise<InstanceConfig[]>;
  /** Adds an instance (password stored encrypted); rejects 'conflict' on a duplicate name. */
  add(input: InstanceInput): Promise<InstanceConfig>;
  /** Edits an instance; an omitted password keeps the stored one. */
  update(id: InstanceId, input: Partial<InstanceInput>): Promise<InstanceConfig>;
  /** Removes an instance; with keepHistory its mirrored rows stay in the local database. */
  remove(id: InstanceId, options: { keepHistory: boolean }): Promise<void>;
  /** Runs each capability check against unsaved input (or a saved instance when `id` is given). */
  test(input: InstanceInput & { id?: InstanceId }): Promise<ConnectionCheck[]>;
  /** Fires with the full list whenever it changes. */
  readonly onDidChangeInstances: Event<InstanceConfig[]>;
}

/** Read-only queries over the local mirror. */
export interface IChangeService {
  /** One page of the timeline (newest first), keyset-paged in both directions. */
  timeline(query: TimelineQuery): Promise<TimelinePage>;
  /** How many rows match. */
  count(filter: ChangeFilter): Promise<number>;
  /** Counts per instance, model and event. */
  facets(filter: ChangeFilter): Promise<Facets>;
  /** Buckets over the filter's time range (or the data's range when open). */
  histogram(filter: ChangeFilter, options?: { maxBuckets?: number }): Promise<Histogram>;
  /** The same record's other events (details drawer). */
  recordHistory(instanceId: InstanceId, model: string, recordId: number): Promise<ChangeRow[]>;
  /** Error rows, newest first. */
  errors(filter: ErrorFilter, options?: { limit?: number; offset?: number }): Promise<ErrorRow[]>;
  /** Error groups by fingerprint, most recent first. */
  errorGroups(filter: ErrorFilter): Promise<ErrorGroup[]>;
  /** Fires when a sync adds rows or finds rows removed on the server. */
  readonly onDidChangeData: Event<ChangesNotice>;
}

/** The sync engine's control surface. */
export interface ISyncService {
  /** Status of every instance. */
  statuses(): Promise<InstanceStatus[]>;
  /** Starts a sync now (all instances when id is omitted) without waiting for it. */
  syncNow(id?: InstanceId): Promise<void>;
  pause(id: InstanceId): Promise<void>;
  resume(id: InstanceId): Promise<void>;
  /** The latest sync log lines, newest first. */
  activity(options?: { instanceId?: InstanceId; limit?: number }): Promise<SyncLogEntry[]>;
  readonly onDidChangeStatus: Event<InstanceStatus>;
  readonly onDidLog: Event<SyncLogEntry>;
  readonly onDidProgress: Event<Progress & { instanceId: InstanceId }>;
}

/** Destructive actions on a server, always previewed, confirmed and journaled. */
export interface IAdminService {
  /** What deleting `selection` on `instanceId` would do (count, whether the name must be typed). */
  previewDelete(instanceId: InstanceId, selection: RowSelection): Promise<DeletePreview>;
  /**
   * Deletes the rows on the server. `typedName` must equal the instance name when the preview said
   * so. Local history keeps the rows, marked as removed by the user.
   */
  deleteRows(instanceId: InstanceId, selection: RowSelection, confirmation: { typedName?: string }): Promise<AdminResult>;
  /** Scans for orphaned log rows (one existence request per model and batch). */
  findOrphans(instanceId: InstanceId, options: { includeUnlink: boolean }): Promise<OrphanPreview & { jobId: string }>;
  /** Deletes the previewed orphans in batches. */
  cleanOrphans(instanceId: InstanceId, keys: string[], confirmation: { typedName?: string }): Promise<AdminResult>;
  /** Cancels a running scan or cleanup. */
  cancel(jobId: string): Promise<void>;
  /** The admin-action journal, newest first. */
  journal(options?: { instanceId?: InstanceId; limit?: number }): Promise<JournalEntry[]>;
  readonly onDidProgress: Event<Progress>;
}

/** Exports and saved report definitions. */
export interface IReportService {
  /** Runs an export; progress is reported through onDidProgress with the returned jobId. */
  export(request: ExportRequest): Promise<ExportResult>;
  cancel(jobId: string): Promise<void>;
  listDefinitions(): Promise<ReportDefinition[]>;
  saveDefinition(definition: Omit<ReportDefinition, 'id'> & { id?: string }): Promise<ReportDefinition>;
  deleteDefinition(id: string): Promise<void>;
  /** What would print a PDF here and whether it can: where it looked for a browser when none was found. */
  pdfEngine(): Promise<PdfEngineStatus>;
  readonly onDidProgress: Event<Progress>;
}

/** User preferences, persisted. */
export interface ISettingsService {
  get(): Promise<Settings>;
  update(patch: Partial<Settings>): Promise<Settings>;
  readonly onDidChangeSettings: Event<Settings>;
}

/** Facts about the host the workbench runs in. */
export interface HostInfo {
  kind: 'electron' | 'browser';
  version: string;
  platform: string;
  /** How secrets are protected at rest, said plainly in Settings. */
  secretStorage: 'os-keychain' | 'local-key-file';
  dataDirectory: string;
}

/** Host-level facts and actions. */
export interface IHostService {
  info(): Promise<HostInfo>;
  /** Opens a URL in the user's browser (Open in Odoo). */
  openExternal(url: string): Promise<void>;
}

/** Every service the workbench uses, by channel name. */
export interface Services {
  instances: IInstanceService;
  changes: IChangeService;
  sync: ISyncService;
  admin: IAdminService;
  reports: IReportService;
  settings: ISettingsService;
  host: IHostService;
}

/** Channel names, in one place for all three transports. */
export const SERVICE_NAMES = ['instances', 'changes', 'sync', 'admin', 'reports', 'settings', 'host'] as const satisfies readonly (keyof Services)[];
