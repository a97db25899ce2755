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

/**
 * Where an instance's changes are read from: the auto_webhook module's log (`update.webhook`), or, on a
 * server without the module (Odoo Online included), polling of the watched models' `write_date` plus
 * Odoo's own field tracking (docs/architecture.md, "The polling source").
 */
export type SourceSetting = 'module' | 'polling';

/** The models watched when none were chosen: the ten the auto_webhook module tracks. */
export const DEFAULT_WATCHED_MODELS: readonly string[] = Object.keys(TRACKED_MODELS);

/** Wire protocol of an instance (the one definition: the contracts, the store and odoo/ use it). */
export type TransportKind = 'xmlrpc' | 'jsonrpc' | 'json2';

/** How each transport is named to people; a new kind does not compile until it has a name here. */
export const TRANSPORT_LABELS: Readonly<Record<TransportKind, string>> = { xmlrpc: 'XML-RPC', jsonrpc: 'JSON-RPC', json2: 'JSON-2' };

/** A transport as the user sets it: one kind, or `'auto'` to let the server's version decide. */
export type TransportSetting = TransportKind | 'auto';

/**
 * Why an instance uses its transport: `json2`, Odoo 19+ and an API key; `json2-needs-key`, Odoo 19+
 * offers JSON-2 but a password was given (JSON-RPC meanwhile); `jsonrpc`, the server answers JSON-RPC
 * (Odoo before 19); `xmlrpc`, it answers only XML-RPC; `unreachable`, the server could not be asked
 * (XML-RPC until it is chosen again); `forced`, the user chose it.
 */
export type TransportReason = 'json2' | 'json2-needs-key' | 'jsonrpc' | 'xmlrpc' | 'unreachable' | 'forced';

/** How an instance's transport was chosen, kept with it. */
export interface TransportChoice {
  reason: TransportReason;
  /** The server's series when its version was read, e.g. '19.0'. */
  serverSerie?: string;
  /** Its major version (19). */
  major?: number;
}

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
  /** What watching without the module can use on this server (detected for polling or tracking values). */
  watch?: WatchCapabilities;
  /**
   * Our addon's change-log protocol (`update.webhook.protocol_version()`): 2 offers `sync_state`, `digest`
   * and tombstones (docs/addon-protocol.md); absent or 0 for the original module and protocol 1.
   */
  addonProtocol?: number;
}

/** What a login may read to watch a server without the module (odoo/watch-capabilities.ts). */
export interface WatchCapabilities {
  /** Watched models that exist and this user may read. */
  readable: string[];
  /** Watched models that do not exist on the server (module not installed). */
  missing: string[];
  /** Watched models this user may not read. */
  unreadable: string[];
  /** `mail.message` is readable: the chatter's creation notes and tracking messages. */
  messages: boolean;
  /** `mail.tracking.value` is readable (administrators): old → new of tracked fields. */
  trackingValues: boolean;
  /** Technical names of the tracked fields per readable model (`ir.model.fields.tracking`). */
  trackedFields: Record<string, string[]>;
}

/** A model of a server, as the instance editor offers it for watching. */
export interface ServerModel {
  /** Technical name, e.g. `res.partner`. */
  model: string;
  /** The model's description on the server, e.g. "Contact". */
  name: string;
  /** How many of its fields Odoo tracks in the chatter (0: changes are seen, not their values). */
  trackedFields: number;
}

/** A configured Odoo server (one database, one login). The password is never part of it. */
export interface InstanceConfig {
  id: InstanceId;
  name: string;
  url: string;
  db: string;
  login: string;
  transport: TransportKind;
  /** How `transport` was chosen; absent on instances saved before the app chose transports (they keep theirs). */
  transportChoice?: TransportChoice;
  /** Production instances ask for the instance name to be typed before destructive actions. */
  production: boolean;
  /** The built-in demo instance (the simulator), labelled as such and removable. */
  demo: boolean;
  /** Seconds between polls when idle (adaptive polling goes faster while changes flow). */
  pollIntervalSeconds: number;
  /** SHA-256 of a self-signed certificate trusted for this instance only. */
  trustedCertificateSha256?: string;
  /** Where changes are read from; absent = the module log. */
  source?: SourceSetting;
  /** Models watched by polling (and read for tracking values); absent = {@link DEFAULT_WATCHED_MODELS}. */
  watchedModels?: string[];
  /** The module log is enriched with Odoo's tracking values (opt-in); absent = off. */
  trackingValues?: boolean;
  createdAt: string;
  /** Set on an instance removed with its history kept (listed only when asked for). */
  removedAt?: string;
  /** Team mode: what the person at the workbench may do with it (absent: their own instance, everything). */
  access?: InstanceAccess;
}

/** A role in team mode: viewers read, operators also delete rows and clean orphans, admins manage everything. */
export type TeamRole = 'viewer' | 'operator' | 'admin';

/** What the person at the workbench may do with an instance read from a team server. */
export interface InstanceAccess {
  role: TeamRole;
  /** The team server it is read from, when the desktop app reaches one (the tree groups by it). */
  server?: { id: string; name: string };
}

/** What the user types to add or edit an instance. `password` is stored encrypted, never echoed back. */
export interface InstanceInput {
  name: string;
  url: string;
  db: string;
  login: string;
  /** Password or API key. Omitted on edit = keep the stored one. */
  password?: string;
  /** Omitted on add = `'auto'` (the server's version decides); omitted on edit = keep the current one. */
  transport?: TransportSetting;
  production?: boolean;
  pollIntervalSeconds?: number;
  trustedCertificateSha256?: string;
  /** Default 'module'. */
  source?: SourceSetting;
  /** Default {@link DEFAULT_WATCHED_MODELS}. */
  watchedModels?: string[];
  /** Default false. */
  trackingValues?: boolean;
}

/** The models an instance watches: its own list, else the default ten. */
export function watchedModelsOf(config: Pick<InstanceConfig, 'watchedModels'>): string[] {
  return config.watchedModels && config.watchedModels.length > 0 ? [...config.watchedModels] : [...DEFAULT_WATCHED_MODELS];
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
  /**
   * The row id on the server (`update.webhook.id`, > 0). Rows of the polling source have negative
   * synthetic ids (docs/architecture.md, "Synthetic server ids").
   */
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
  /** Free text: matched against model (and its label, in English or Arabic), record id, user and changed fields. */
  text?: string;
  users?: string[];
  changedField?: string;
  /** 'all' (default), 'present' (still on the server) or 'removed'. */
  presence?: 'all' | 'present' | 'removed';
  /** "Value contained Y": the old or new value of `changedField` (else of any field) matches (rows with values only). */
  value?: ValueCondition;
}

/**
 * A condition on the old or new value of a changed field, as the timeline filter and alert rules use it.
 * Text is compared without case for ASCII letters (as SQLite's LIKE); a many2one or x2many value
 * matches by the display names it holds, a number by its digits; empty and boolean values match nothing.
 */
export interface ValueCondition {
  text: string;
  /** 'contains' (default) or 'equals' (the whole value, or one of a relation's names). */
  match?: 'contains' | 'equals';
  /** Which side of the change: 'either' (default), 'old' or 'new'. */
  side?: 'either' | 'old' | 'new';
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
  /** How people call the value, where the server said (a field's label). */
  label?: string;
}

/** Counts per facet under a filter (each facet ignores its own filter, as search UIs do). */
export interface Facets {
  total: number;
  instances: FacetValue[];
  models: FacetValue[];
  events: FacetValue[];
  /**
   * Changed fields, when the filter names exactly one model (field names belong to a model), counted over
   * the newest {@link Facets.fieldsFrom} matching rows so the count stays fast on a large mirror.
   */
  fields?: FacetValue[];
  /** How many rows (the newest matching ones) the field counts were taken from. */
  fieldsFrom?: number;
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
  action: 'delete-rows' | 'clean-orphans' | TeamJournalAction;
  /** Human summary, e.g. "12 rows matching model=res.partner". */
  description: string;
  requested: number;
  succeeded: number;
  result: 'ok' | 'partial' | 'failed' | 'cancelled';
  error?: string;
}

/** Admin actions journaled in team mode, beside the deletions (instanceId and instanceName are '' for user actions). */
export type TeamJournalAction =
  | 'instance-add'
  | 'instance-edit'
  | 'instance-remove'
  | 'sync-pause'
  | 'sync-resume'
  | 'settings-change'
  | 'user-add'
  | 'user-edit'
  | 'user-grant'
  | 'user-password'
  | 'user-remove'
  | 'user-sessions'
  | 'alert-save'
  | 'alert-remove'
  | 'alert-smtp';

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
  /** CSV, JSON, NDJSON, XLSX: one line per field change (old → new) instead of one per row; rows without values keep one line. */
  fieldChanges?: boolean;
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
