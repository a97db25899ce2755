/**
 * The service contracts the workbench, the CLI and the hosts speak. Each is implemented once on the
 * Node side and reached from the renderer through a channel (Electron IPC, WebSocket, or in-memory),
 * so every member is Promise-returning or an `onDid…` event, and carries plain JSON only.
 *
 * Each service's remote surface is declared once below ({@link SERVICE_SURFACES}): the methods the
 * channel serves, with a check of every argument, and the events it lets a peer listen to. The
 * declarations are typed against the interfaces, so a method or event added to an interface and not
 * to its surface, or the reverse, or an argument check that does not fit its parameter, fails `tsc -b`.
 */
import type {
  AlertChannelInput,
  AlertCondition,
  AlertDelivery,
  AlertPreview,
  AlertRule,
  AlertRuleInput,
  AlertTestResult,
  AlertTiming,
  ChangeCondition,
  DesktopNotice,
  ErrorRateCondition,
  InstanceCondition,
  NewErrorCondition,
  QuietHours,
  SmtpInput,
  SmtpSettings,
} from './alerts';
import type { Event } from './event';
import { TRANSPORT_LABELS } from './model';
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
  SavedFilter,
  ServerModel,
  Settings,
  SyncLogEntry,
  TimelineCursor,
  TimelinePage,
  TimelineQuery,
  TransportKind,
  ValueCondition,
} from './model';
import { array, boolean, integer, number, object, oneOf, optional, string, tagged, variants, type Check } from './validation';

/** A connection-test step as shown in the instance editor and `ocm instance test`. */
export interface ConnectionCheck {
  /** 'watch': the watched models and tracking values of an instance watched without the module. */
  id: 'reach' | 'version' | 'transport' | 'database' | 'login' | 'change-log' | 'error-log' | 'rights' | 'watch';
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
  /** A way forward the UI may offer: 'polling' = watch this server without the module. */
  offer?: 'polling';
}

/** What a connection test runs against: typed input, or a saved instance's secret (`id`, no password). */
export type InstanceTestInput = InstanceInput & {
  id?: InstanceId;
  /** Per-request timeout (default 30 s). */
  timeoutSeconds?: number;
};

/** Configured Odoo instances. */
export interface IInstanceService {
  /** All instances, in the order the user sees them; with `includeRemoved`, hidden ones (history kept) follow. */
  list(options?: { includeRemoved?: boolean }): Promise<InstanceConfig[]>;
  /** Adds an instance (password stored encrypted); rejects 'conflict' on a duplicate name. */
  add(input: InstanceInput): Promise<InstanceConfig>;
  /**
   * Edits an instance; an omitted password keeps the stored one, unless the URL's origin or the
   * database changes: a saved password only goes where it was saved for ('invalid-input' otherwise).
   */
  update(id: InstanceId, input: Partial<InstanceInput>): Promise<InstanceConfig>;
  /** Removes an instance; with keepHistory its mirrored rows stay in the local database. */
  remove(id: InstanceId, options: { keepHistory: boolean }): Promise<void>;
  /**
   * Runs each capability check against typed input, or with a saved instance's secret when `id` is
   * given without a password: then only against the origin and database it was saved for.
   */
  test(input: InstanceTestInput): Promise<ConnectionCheck[]>;
  /**
   * The models of the server `input` points to (`ir.model`, transient ones left out), with how many of
   * their fields Odoo tracks: what the instance editor offers for watching. Same secret rules as `test`.
   */
  serverModels(input: InstanceTestInput): Promise<ServerModel[]>;
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

/** What the details drawer learns of a record from its server, on demand. */
export interface RecordFacts {
  /** The record's `display_name`, when this login may read it. */
  displayName?: string;
  /** False when the record no longer exists on the server; absent when that could not be learnt. */
  exists?: boolean;
  /** True when the server hosts this one database only (links then need no `?db=`); absent when unknown. */
  singleDatabase?: boolean;
}

/** Facts about Odoo records, read from their server when asked (cached; the mirror is never written). */
export interface IRecordService {
  /**
   * The record's name and whether it still exists (`read` of `display_name`), and whether its server
   * hosts several databases. Never rejects for a server that cannot answer: the facts are then empty.
   */
  describe(instanceId: InstanceId, model: string, recordId: number): Promise<RecordFacts>;
}

/** Facts about the host the workbench runs in. */
export interface HostInfo {
  kind: 'electron' | 'browser';
  version: string;
  platform: string;
  /** How secrets are protected at rest, said plainly in Settings and `ocm status`. */
  secretStorage: 'os-keychain' | 'local-key-file' | 'team-key-file';
  dataDirectory: string;
}

/** Host-level facts and actions. */
export interface IHostService {
  info(): Promise<HostInfo>;
  /** Opens a URL in the user's browser (Open in Odoo). */
  openExternal(url: string): Promise<void>;
}

/** Alert rules, their preview over the mirror, test messages, the delivery log and the e-mail server. */
export interface IAlertService {
  /** Every rule, by name. */
  list(): Promise<AlertRule[]>;
  /** Adds a rule (no `id`) or replaces one; 'invalid-input' says what is wrong, 'conflict' a taken name. */
  save(input: AlertRuleInput): Promise<AlertRule>;
  /** Removes a rule; its waiting events are dropped, its delivery log is kept. */
  remove(id: string): Promise<void>;
  /** How often the condition would have fired over the last `days` (default 7) of the mirror. */
  preview(condition: AlertCondition, options?: { days?: number }): Promise<AlertPreview>;
  /** Sends a test message to each of the rule's deliveries now and says how each went. */
  test(id: string): Promise<AlertTestResult[]>;
  /** The delivery log (sent, failed and why, pending), newest first. */
  deliveries(options?: { ruleId?: string; limit?: number }): Promise<AlertDelivery[]>;
  /** The e-mail server, when one is set. */
  smtp(): Promise<SmtpSettings | undefined>;
  /** Sets (or with null, removes) the e-mail server; the password is kept encrypted. */
  setSmtp(input: SmtpInput | null): Promise<SmtpSettings | undefined>;
  /** Fires with each desktop notification to show (browser mode shows it with the Notification API). */
  readonly onDidNotify: Event<DesktopNotice>;
  /** Fires with the full list whenever a rule is added, changed or removed. */
  readonly onDidChangeRules: Event<AlertRule[]>;
  /** Fires with a delivery's log line after each attempt. */
  readonly onDidDeliver: Event<AlertDelivery>;
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
  alerts: IAlertService;
  records: IRecordService;
}

/** Channel names, in one place for all three transports. */
export const SERVICE_NAMES = ['instances', 'changes', 'sync', 'admin', 'reports', 'settings', 'host', 'alerts', 'records'] as const satisfies readonly (keyof Services)[];

// ---------------------------------------------------------------------------------------------------
// The remote surface of each service: what the channel serves, and the check of every argument.

type Callable = (...args: never[]) => unknown;
/** The `onDid…` members of a contract. */
export type EventName<T> = { [K in keyof T]-?: K extends `onDid${string}` ? K : never }[keyof T] & string;
/** The methods of a contract. */
export type MethodName<T> = { [K in keyof T]-?: K extends `onDid${string}` ? never : T[K] extends Callable ? K : never }[keyof T] & string;
/** One check per parameter of a method, optional parameters included. */
export type ArgumentChecks<F> = F extends (...args: infer P) => unknown ? { readonly [I in keyof P]-?: Check<P[I]> } : never;

/** A service's remote surface: its methods with their argument checks, and its events. */
export interface Surface<T> {
  readonly methods: { readonly [K in MethodName<T>]: ArgumentChecks<T[K]> };
  readonly events: readonly EventName<T>[];
}

/** Declares the surface of contract `T`; every method and every event of `T`, and nothing else, must be listed. */
export function declareSurface<T>() {
  return <const E extends readonly EventName<T>[]>(
    methods: Surface<T>['methods'],
    events: [Exclude<EventName<T>, E[number]>] extends [never] ? E : { missingEvents: Exclude<EventName<T>, E[number]> },
  ): Surface<T> => ({ methods, events: events as E });
}

const id = string({ min: 1, max: 200 });
const name = string({ max: 500 });
const names = array(name, { max: 1000 });
const isoTime = string({ max: 64 });
const keys = array(string({ min: 1, max: 200 }), { max: 1_000_000 });
const rowLimit = integer({ min: 0, max: 1_000_000 });
const transport = oneOf('auto', ...(Object.keys(TRANSPORT_LABELS) as TransportKind[]));
const language = oneOf('en', 'ar');
const byInstance = optional(object<{ instanceId?: InstanceId; limit?: number }>({ instanceId: optional(id), limit: optional(rowLimit) }));
const confirmation = object<{ typedName?: string }>({ typedName: optional(name) });

const valueCondition = object<ValueCondition>({ text: string({ max: 1000 }), match: optional(oneOf('contains', 'equals')), side: optional(oneOf('either', 'old', 'new')) });

const changeFilter = object<ChangeFilter>({
  instanceIds: optional(array(id, { max: 1000 })),
  models: optional(names),
  events: optional(array(oneOf('create', 'write', 'unlink'), { max: 3 })),
  recordId: optional(integer()),
  from: optional(isoTime),
  to: optional(isoTime),
  text: optional(string({ max: 1000 })),
  users: optional(names),
  changedField: optional(name),
  presence: optional(oneOf('all', 'present', 'removed')),
  value: optional(valueCondition),
});

const errorFilter = object<ErrorFilter>({
  instanceIds: optional(array(id, { max: 1000 })),
  models: optional(names),
  from: optional(isoTime),
  to: optional(isoTime),
  text: optional(string({ max: 1000 })),
  fingerprint: optional(string({ max: 64 })),
});

const instanceFields = {
  name: string({ max: 200 }),
  url: string({ max: 2048 }),
  db: string({ max: 200 }),
  login: string({ max: 320 }),
  password: optional(string({ max: 4096 })),
  transport: optional(transport),
  production: optional(boolean),
  pollIntervalSeconds: optional(integer()),
  trustedCertificateSha256: optional(string({ max: 200 })),
  source: optional(oneOf('module', 'polling')),
  watchedModels: optional(array(string({ min: 1, max: 200 }), { max: 1000 })),
  trackingValues: optional(boolean),
};

const instanceInput = object<InstanceInput>(instanceFields);
const instancePatch = object<Partial<InstanceInput>>({
  name: optional(instanceFields.name),
  url: optional(instanceFields.url),
  db: optional(instanceFields.db),
  login: optional(instanceFields.login),
  password: instanceFields.password,
  transport: instanceFields.transport,
  production: instanceFields.production,
  pollIntervalSeconds: instanceFields.pollIntervalSeconds,
  trustedCertificateSha256: instanceFields.trustedCertificateSha256,
  source: instanceFields.source,
  watchedModels: instanceFields.watchedModels,
  trackingValues: instanceFields.trackingValues,
});
const testInput = object<InstanceTestInput>({ ...instanceFields, id: optional(id), timeoutSeconds: optional(number({ min: 0.001, max: 600 })) });

const rowSelection = variants<RowSelection>({
  keys: object<{ keys: string[] }>({ keys }),
  serverIds: object<{ serverIds: number[] }>({ serverIds: array(integer({ min: 1 }), { max: 1_000_000 }) }),
  filter: object<{ filter: ChangeFilter }>({ filter: changeFilter }),
});

const exportFields = {
  format: oneOf('csv', 'json', 'ndjson', 'xlsx', 'html', 'pdf'),
  filter: changeFilter,
  bom: optional(boolean),
  language: optional(language),
  title: optional(string({ max: 500 })),
  fieldChanges: optional(boolean),
};
const exportRequest = object<ExportRequest>({ ...exportFields, outPath: optional(string({ max: 4096 })) });
const definition = object<Omit<ReportDefinition, 'id'> & { id?: string }>({
  id: optional(id),
  name: string({ max: 200 }),
  request: object<ReportDefinition['request']>(exportFields),
});

const settingsPatch = object<Partial<Settings>>({
  language: optional(language),
  theme: optional(oneOf('system', 'dark', 'light', 'high-contrast')),
  savedFilters: optional(array(object<SavedFilter>({ id, name: string({ max: 200 }), filter: changeFilter }), { max: 1000 })),
  deleteConfirmThreshold: optional(integer({ min: 0 })),
});

const scope = { instanceIds: optional(array(id, { max: 1000 })) };
// Bounds of counts and durations are the alert service's to say, in words a person can act on.
const minutes = integer();
const alertCondition = tagged<AlertCondition>('kind', {
  change: object<ChangeCondition>({
    kind: oneOf('change'),
    ...scope,
    models: optional(names),
    events: optional(array(oneOf('create', 'write', 'unlink'), { max: 3 })),
    field: optional(name),
    users: optional(names),
    value: optional(valueCondition),
  }),
  'error-new': object<NewErrorCondition>({ kind: oneOf('error-new'), ...scope, models: optional(names) }),
  'error-rate': object<ErrorRateCondition>({ kind: oneOf('error-rate'), ...scope, models: optional(names), count: integer(), windowMinutes: minutes }),
  'instance-unreachable': object<InstanceCondition>({ kind: oneOf('instance-unreachable', 'instance-behind'), ...scope, minutes }),
  'instance-behind': object<InstanceCondition>({ kind: oneOf('instance-unreachable', 'instance-behind'), ...scope, minutes }),
});
const alertChannel = tagged<AlertChannelInput>('kind', {
  desktop: object<{ kind: 'desktop' }>({ kind: oneOf('desktop') }),
  webhook: object<{ kind: 'webhook'; url: string; secret?: string }>({ kind: oneOf('webhook'), url: string({ min: 1, max: 2048 }), secret: optional(string({ max: 1024 })) }),
  email: object<{ kind: 'email'; to: string[] }>({ kind: oneOf('email'), to: array(string({ max: 320 }), { max: 50 }) }),
});
const alertRuleInput = object<AlertRuleInput>({
  id: optional(id),
  name: string({ max: 200 }),
  enabled: optional(boolean),
  condition: alertCondition,
  channels: array(alertChannel, { max: 10 }),
  timing: optional(
    object<Partial<AlertTiming>>({
      groupSeconds: optional(integer()),
      throttleSeconds: optional(integer()),
      quietHours: optional(object<QuietHours>({ start: string({ max: 5 }), end: string({ max: 5 }), timeZone: optional(string({ max: 100 })) })),
    }),
  ),
});
const smtpInput = object<SmtpInput>({
  host: string({ min: 1, max: 255 }),
  port: integer({ min: 1, max: 65_535 }),
  secure: optional(boolean),
  user: optional(string({ max: 320 })),
  password: optional(string({ max: 1024 })),
  from: string({ min: 1, max: 320 }),
});

/** Every service's remote surface, by channel name. */
export const SERVICE_SURFACES: { readonly [K in keyof Services]: Surface<Services[K]> } = {
  instances: declareSurface<IInstanceService>()(
    {
      list: [optional(object<{ includeRemoved?: boolean }>({ includeRemoved: optional(boolean) }))],
      add: [instanceInput],
      update: [id, instancePatch],
      remove: [id, object<{ keepHistory: boolean }>({ keepHistory: boolean })],
      test: [testInput],
      serverModels: [testInput],
    },
    ['onDidChangeInstances'],
  ),
  changes: declareSurface<IChangeService>()(
    {
      timeline: [
        object<TimelineQuery>({
          filter: changeFilter,
          limit: integer({ min: 1, max: 100_000 }),
          cursor: optional(object<TimelineCursor>({ timestamp: isoTime, key: string({ min: 1, max: 64 }) })),
          direction: optional(oneOf('older', 'newer')),
        }),
      ],
      count: [changeFilter],
      facets: [changeFilter],
      histogram: [changeFilter, optional(object<{ maxBuckets?: number }>({ maxBuckets: optional(integer({ min: 1, max: 10_000 })) }))],
      recordHistory: [id, name, integer()],
      errors: [errorFilter, optional(object<{ limit?: number; offset?: number }>({ limit: optional(rowLimit), offset: optional(integer({ min: 0 })) }))],
      errorGroups: [errorFilter],
    },
    ['onDidChangeData'],
  ),
  sync: declareSurface<ISyncService>()(
    { statuses: [], syncNow: [optional(id)], pause: [id], resume: [id], activity: [byInstance] },
    ['onDidChangeStatus', 'onDidLog', 'onDidProgress'],
  ),
  admin: declareSurface<IAdminService>()(
    {
      previewDelete: [id, rowSelection],
      deleteRows: [id, rowSelection, confirmation],
      findOrphans: [id, object<{ includeUnlink: boolean }>({ includeUnlink: boolean })],
      cleanOrphans: [id, keys, confirmation],
      cancel: [string({ min: 1, max: 200 })],
      journal: [byInstance],
    },
    ['onDidProgress'],
  ),
  reports: declareSurface<IReportService>()(
    {
      export: [exportRequest],
      cancel: [string({ min: 1, max: 200 })],
      listDefinitions: [],
      saveDefinition: [definition],
      deleteDefinition: [id],
      pdfEngine: [],
    },
    ['onDidProgress'],
  ),
  settings: declareSurface<ISettingsService>()({ get: [], update: [settingsPatch] }, ['onDidChangeSettings']),
  host: declareSurface<IHostService>()({ info: [], openExternal: [string({ min: 1, max: 8192 })] }, []),
  alerts: declareSurface<IAlertService>()(
    {
      list: [],
      save: [alertRuleInput],
      remove: [id],
      preview: [alertCondition, optional(object<{ days?: number }>({ days: optional(integer({ min: 1, max: 90 })) }))],
      test: [id],
      deliveries: [optional(object<{ ruleId?: string; limit?: number }>({ ruleId: optional(id), limit: optional(integer({ min: 1, max: 5000 })) }))],
      smtp: [],
      setSmtp: [(value, path) => (value === null ? null : smtpInput(value, path))],
    },
    ['onDidNotify', 'onDidChangeRules', 'onDidDeliver'],
  ),
  records: declareSurface<IRecordService>()({ describe: [id, name, integer({ min: 1 })] }, []),
};
