/**
 * Plain-JSON data types shared by the services and the UI. Times are ISO-8601 UTC strings
 * (`2026-11-30T09:51:44Z`); Odoo's naive UTC `YYYY-MM-DD HH:MM:SS` is converted at the edge.
 */
import type { SerializedError } from './errors';

/** A local instance id (stable, opaque). */
export type InstanceId = string;

/** The three events auto_webhook logs. */
export type ChangeEvent = 'create' | 'write' | 'unlink';

/** The ten models auto_webhook tracks by default, with their human names. */
export const TRACKED_MODELS: Readonly<Record<string, string>> = {
  'sale.order': 'Sales Order',
  'product.template': 'Product',
  'product.category': 'Product Category',
  'res.partner': 'Contact',
  'account.move': 'Journal Entry',
  'account.journal': 'Journal',
  'hr.expense': 'Expense',
  'stock.picking': 'Transfer',
  'purchase.order': 'Purchase Order',
  'hr.employee': 'Employee',
};

/** Wire protocol of an instance (the one definition: the contracts, the store and odoo/ use it). */
export type TransportKind = 'xmlrpc' | 'jsonrpc';

/** How each transport is named to people; a new kind does not compile until it has a name here. */
export const TRANSPORT_LABELS: Readonly<Record<TransportKind, string>> = { xmlrpc: 'XML-RPC', jsonrpc: 'JSON-RPC' };

/** What `common.version()` answers. */
export interface ServerVersion {
  serverVersion: string; // '18.0-20250421'
  serverSerie: string; // '18.0'
  /** Major version number (18), from server_version_info. */
  major: number;
  protocolVersion: number;
}

/** What a server offers this login, detected on connect and kept with the sync state. */
export interface Capabilities {
  version: ServerVersion;
  uid: number;
  /** update.webhook exists (the module is installed). */
  changeLogInstalled: boolean;
  /** Field names of update.webhook (empty when not installed). */
  changeLogFields: string[];
  /** Richer fields of our own addon that are present: 'user_id', 'changed_fields', 'change_count'. */
  richFields: string[];
  /** webhook.errors can be read by this user ('unreadable' is the original module's state). */
  errorLog: 'readable' | 'unreadable' | 'missing';
  /** The user's rights on update.webhook. */
  canReadChanges: boolean;
  canDeleteChanges: boolean;
  /**
   * Our addon's change-log protocol (`update.webhook.protocol_version()`): 2 offers `sync_state`, `digest`
   * and tombstones (docs/addon-protocol.md); absent or 0 for the original module and protocol 1.
   */
  addonProtocol?: number;
}

/** A configured Odoo server (one database, one login). The password is never part of it. */
export interface InstanceConfig {
  id: InstanceId;
  name: string;
  url: string;
  db: string;
  login: string;
  transport: TransportKind;
  /** Production instances ask for the instance name to be typed before destructive actions. */
  production: boolean;
  /** The built-in demo instance (the simulator), labelled as such and removable. */
  demo: boolean;
  /** Seconds between polls when idle (adaptive polling goes faster while changes flow). */
  pollIntervalSeconds: number;
  /** SHA-256 of a self-signed certificate trusted for this instance only. */
  trustedCertificateSha256?: string;
  createdAt: string;
  /** Set on an instance removed with its history kept (listed only when asked for). */
  removedAt?: string;
}

/** What the user types to add or edit an instance. `password` is stored encrypted, never echoed back. */
export interface InstanceInput {
  name: string;
  url: string;
  db: string;
  login: string;
  /** Password or API key. Omitted on edit = keep the stored one. */
  password?: string;
  transport?: TransportKind;
  production?: boolean;
  pollIntervalSeconds?: number;
  trustedCertificateSha256?: string;
}

/** Sync state of one instance, as the side bar and status bar show it. */
export type InstanceState = 'idle' | 'syncing' | 'up-to-date' | 'error' | 'offline' | 'paused';

/** Live status of one instance. */
export interface InstanceStatus {
  instanceId: InstanceId;
  state: InstanceState;
  /** When the last successful sync finished. */
  lastSyncAt?: string;
  /** Why the instance is in 'error' or 'offline'. */
  lastError?: SerializedError;
  /** When the next attempt is due (after a failure: backoff). */
  nextAttemptAt?: string;
  /** Rows mirrored locally (including removed ones), rows removed from the server, error rows. */
  changeCount: number;
  removedCount: number;
  errorCount: number;
  /** 'unknown' until the first connect. */
  errorLog: 'readable' | 'unreadable' | 'missing' | 'unknown';
  serverVersion?: string;
  /** Richer fields of our addon present on this server ('user_id', 'changed_fields', 'change_count'). */
  richFields: string[];
  canDeleteChanges: boolean;
  /** Progress of a running snapshot. */
  progress?: { done: number; total?: number };
}

/** One mirrored change-log row. `key` is unique across instances. */
export interface ChangeRow {
  key: string;
  instanceId: InstanceId;
  /** The row id on the server (`update.webhook.id`). */
  serverId: number;
  model: string;
  recordId: number;
  event: ChangeEvent;
  /** The server's timestamp (UTC). */
  timestamp: string;
  /** When this app first saw the row. */
  firstSeenAt: string;
  /** When the row was found gone from the server (history keeps it). */
  removedAt?: string;
  /** Who removed it: the server (consumer, module, another admin) or this app's user. */
  removedBy?: 'server' | 'user';
  /** Rich fields (our addon): who made the change, which fields a write changed, how many times. */
  userName?: string;
  changedFields?: string[];
  changeCount?: number;
  /** Where the row came from (absent on rows mirrored before sources existed: the module log). */
  origin?: ChangeOrigin;
  /** Old → new of the changed fields, where the source knows them (our addon, Odoo's tracking). */
  values?: FieldChange[];
}

/**
 * Where a change came from: the module's log (`update.webhook`), polling of a model's `write_date`
 * (several writes between two polls merge into one event; a deletion's author is unknown), or Odoo's own
 * field tracking (`mail.tracking.value`: tracked fields only). The UI never claims more than its source knows.
 */
export type ChangeOrigin = 'module' | 'polling' | 'tracking';

/**
 * One side of a field change, rendered for people as docs/addon-protocol.md ("The value format") says:
 * `false` for empty, text, a number, a boolean, `[id, name]` for many2one, a list of `[id, name]` for x2many.
 */
export type FieldValue = string | number | boolean | [number, string] | [number, string][];

/** One field's change, from our addon's `changed_values` or from Odoo's tracking values. */
export interface FieldChange {
  /** Technical field name, e.g. `list_price`. */
  field: string;
  /** The field's label on the server, e.g. "Sales Price". */
  label?: string;
  /** Odoo field type, e.g. 'monetary', 'many2one'. */
  type?: string;
  old?: FieldValue;
  new?: FieldValue;
  /** Set when only the fact of a change is known (binary fields, restricted fields). */
  changed?: boolean;
  /** A side was cut; the full lengths (characters) or counts (x2many records) of the cut sides. */
  truncated?: boolean;
  oldLength?: number;
  newLength?: number;
  oldCount?: number;
  newCount?: number;
}

/** Filters shared by the timeline, facets, histogram, exports and bulk deletes. All optional, and-ed. */
export interface ChangeFilter {
  instanceIds?: InstanceId[];
  models?: string[];
  events?: ChangeEvent[];
  recordId?: number;
  /** Inclusive lower and exclusive upper bound on `timestamp`. */
  from?: string;
  to?: string;
  /** Free text: matched against model, record id, user and changed fields. */
  text?: string;
  users?: string[];
  changedField?: string;
  /** 'all' (default), 'present' (still on the server) or 'removed'. */
  presence?: 'all' | 'present' | 'removed';
}

/** Keyset position in the timeline: rows are ordered by (timestamp, key) descending = newest first. */
export interface TimelineCursor {
  timestamp: string;
  key: string;
}

/** A request for one page of the timeline. */
export interface TimelineQuery {
  filter: ChangeFilter;
  limit: number;
  /** Start after this row; absent = from the newest (direction 'older') or oldest ('newer'). */
  cursor?: TimelineCursor;
  direction?: 'older' | 'newer';
}

/** One page of the timeline, always newest first. */
export interface TimelinePage {
  rows: ChangeRow[];
  /** Cursor to fetch older rows, absent at the end. */
  older?: TimelineCursor;
  /** Cursor to fetch newer rows, absent at the start. */
  newer?: TimelineCursor;
}

/** A value with how many rows have it. */
export interface FacetValue {
  value: string;
  count: number;
}

/** Counts per facet under a filter (each facet ignores its own filter, as search UIs do). */
export interface Facets {
  total: number;
  instances: FacetValue[];
  models: FacetValue[];
  events: FacetValue[];
}

/** One histogram bucket. */
export interface HistogramBucket {
  start: string;
  count: number;
  create: number;
  write: number;
  unlink: number;
}

/** A histogram whose bucket size fits the range (about 60–120 buckets). */
export interface Histogram {
  bucketSeconds: number;
  from: string;
  to: string;
  buckets: HistogramBucket[];
}

/** One mirrored webhook.errors row. */
export interface ErrorRow {
  key: string;
  instanceId: InstanceId;
  serverId: number;
  model: string;
  recordId: number;
  message: string;
  timestamp: string;
  firstSeenAt: string;
  removedAt?: string;
}

/** Filters for the error log. */
export interface ErrorFilter {
  instanceIds?: InstanceId[];
  models?: string[];
  from?: string;
  to?: string;
  /** Full-text search in messages. */
  text?: string;
  fingerprint?: string;
}

/** Errors whose messages differ only in numbers and ids form one group. */
export interface ErrorGroup {
  fingerprint: string;
  /** The normalized message, e.g. `Timeout calling <url> for res.partner <n>`. */
  title: string;
  /** One real message of the group. */
  sample: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  models: string[];
  instanceIds: InstanceId[];
}

/** One line of the sync activity log. */
export interface SyncLogEntry {
  id: number;
  instanceId: InstanceId;
  at: string;
  level: 'info' | 'warning' | 'error';
  /** e.g. 'snapshot', 'poll', 'deletions', 'reset', 'retry'. */
  kind: string;
  /** The English sentence (CLI, logs, and the fallback when the UI does not know `messageKey`). */
  message: string;
  /** Catalogue key of the same sentence for the UI, e.g. 'sync.poll'; absent on old rows. */
  messageKey?: string;
  /** Values for `messageKey`'s placeholders (numbers are localized by the UI). */
  params?: MessageValues;
  /** Rows added / removed by this step. */
  added?: number;
  removed?: number;
  durationMs?: number;
}

/** Placeholder values of a translatable message sent by a service. */
export type MessageValues = Record<string, string | number>;

/** New or removed rows, announced to the UI (live tail, "N new events" pill). */
export interface ChangesNotice {
  instanceId: InstanceId;
  added: number;
  removed: number;
  newestTimestamp?: string;
}

/** A saved filter (quick open lists them). */
export interface SavedFilter {
  id: string;
  name: string;
  filter: ChangeFilter;
}

/** User preferences. */
export interface Settings {
  language: 'en' | 'ar';
  theme: 'system' | 'dark' | 'light' | 'high-contrast';
  savedFilters: SavedFilter[];
  /** Deleting more server rows than this asks for the instance name to be typed. */
  deleteConfirmThreshold: number;
}

/** A journal entry of an admin action on a server. */
export interface JournalEntry {
  id: number;
  at: string;
  /** OS user name of who ran it, and the Odoo login used. */
  actor: string;
  instanceId: InstanceId;
  instanceName: string;
  action: 'delete-rows' | 'clean-orphans';
  /** Human summary, e.g. "12 rows matching model=res.partner". */
  description: string;
  requested: number;
  succeeded: number;
  result: 'ok' | 'partial' | 'failed' | 'cancelled';
  error?: string;
}

/**
 * Which rows a delete targets: explicit local keys, server row ids of the instance (`ocm delete --id`),
 * or everything matching a filter on one instance.
 */
export type RowSelection = { keys: string[] } | { serverIds: number[] } | { filter: ChangeFilter };

/** What the confirmation dialog shows before deleting server rows. */
export interface DeletePreview {
  instanceId: InstanceId;
  instanceName: string;
  /** Rows still present on the server that would be deleted. */
  count: number;
  /** When set, the user must type the instance name (production instance or count over threshold). */
  requiresTypedName: boolean;
  canDelete: boolean;
  /** Why deletion is not possible (no unlink right), when canDelete is false. */
  reason?: string;
  /** The same failure with its code, so the UI can word it in the user's language. */
  error?: SerializedError;
}

/** One candidate orphan: a log row whose record no longer exists. */
export interface OrphanCandidate {
  key: string;
  serverId: number;
  model: string;
  recordId: number;
  event: ChangeEvent;
  /** e.g. 'record no longer exists', 'deletion record (included on request)'. */
  reason: string;
}

/** A model whose records could not be checked for orphans. */
export interface UncheckedModel {
  model: string;
  /** The error code: 'model-missing' (not installed) or 'access-error' (not readable by this user). */
  code: string;
  message: string;
}

/** The preview of an orphan cleanup. */
export interface OrphanPreview {
  instanceId: InstanceId;
  orphans: OrphanCandidate[];
  /** Models whose log rows could not be checked because the model is not installed on the server. */
  missingModels: string[];
  /** Models whose log rows could not be checked because this user may not read them. */
  unreadableModels: UncheckedModel[];
  checkedRows: number;
  requests: number;
}

/** Progress of a long operation (sync snapshot, orphan scan, export). */
export interface Progress {
  jobId: string;
  phase: string;
  done: number;
  total?: number;
}

/** Outcome of a server-side delete. */
export interface AdminResult {
  journalId: number;
  requested: number;
  deleted: number;
  result: JournalEntry['result'];
  error?: SerializedError;
}

/** Export formats. */
export type ExportFormat = 'csv' | 'json' | 'ndjson' | 'xlsx' | 'html' | 'pdf';

/** What to export. */
export interface ExportRequest {
  format: ExportFormat;
  filter: ChangeFilter;
  /** Absolute output path (desktop, CLI); in browser mode the file is offered as a download. */
  outPath?: string;
  /** CSV only: prefix a UTF-8 BOM so Excel shows Arabic correctly. */
  bom?: boolean;
  language?: 'en' | 'ar';
  /** Report title (HTML/PDF). */
  title?: string;
}

/** A saved report definition that can be re-run. */
export interface ReportDefinition {
  id: string;
  name: string;
  request: Omit<ExportRequest, 'outPath'>;
}

/** Result of an export. */
export interface ExportResult {
  jobId: string;
  rows: number;
  bytes: number;
  path?: string;
  /** Browser mode: a one-time URL (token-protected) to download the file. */
  downloadUrl?: string;
}

/** A place the PDF engine looked for a browser: an exact file, or command names looked up on PATH. */
export type BrowserLocation = { kind: 'file'; path: string } | { kind: 'path-command'; names: string[] };

/** One browser the PDF engine looked for ("Google Chrome", or `OCM_CHROMIUM` when set), and where. */
export interface BrowserSearch {
  browser: string;
  locations: BrowserLocation[];
}

/** What renders PDF reports on this host, and whether it can (asked before PDF is offered). */
export interface PdfEngineStatus {
  /** 'electron': the desktop app's own Chromium; 'browser': a Chromium-based browser installed on the machine. */
  engine: 'electron' | 'browser';
  /** False when no browser was found: PDF export fails, HTML export works. */
  available: boolean;
  /** The browser that will print the PDF (engine 'browser', when found). */
  browser?: { name: string; path: string };
  /** Where the engine looked, in order (`OCM_CHROMIUM` first when set); empty for 'electron'. */
  searched: BrowserSearch[];
}
