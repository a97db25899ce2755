/**
 * Public types of the Odoo simulator (re-exported by `index.ts`).
 */

/** Which variant of the `auto_webhook` module the simulated databases run. */
export type ModuleFlavour = 'original' | 'fixed';

/** An Odoo major version the simulator can play. */
export type OdooVersion = 17 | 18 | 19 | 20;

/** One database to create at start. */
export interface DatabaseSpec {
  name: string;
  /** Whether auto_webhook is installed (false: `update.webhook` does not exist). Default true. */
  module?: boolean;
  /** Load the demo business data and its 19 install-time log rows. Default true. */
  demo?: boolean;
  /** Synthetic `update.webhook` rows added after the demo data. Default 0. */
  syntheticRows?: number;
}

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The Odoo version to play: 17, 18 (default), 19 or 20. */
  odoo?: OdooVersion;
  /** Module flavour; default 'original' on 17 and 18, 'fixed' on 19 and 20 (the original does not install there). */
  flavour?: ModuleFlavour;
  /** Receives every line the simulated server logs (Odoo's format), e.g. to print them. */
  onLog?: (line: string) => void;
  /** Charge answers CPU time like a real server (off by default). */
  pace?: PaceOptions;
  /** Rows in the `big` database; 0/undefined = no `big` database. */
  bigRows?: number;
  /** Events per second the traffic generator starts with, on each driven database; default 0 (stopped). */
  trafficRate?: number;
  /** Databases the traffic generator drives; default `seed` and `plain` (each the first of its kind). */
  trafficDatabases?: string[];
  /** Seed of every pseudo-random choice (demo API keys, traffic, synthetic rows); default 1. */
  seed?: number;
  /** `db.list()` allowed (Odoo's `list_db`); default true. */
  listDb?: boolean;
  /** The clock; default real time. */
  now?: () => Date;
  /** Databases to create instead of the default `seed`, `plain` (and `big`). */
  databases?: DatabaseSpec[];
}

/**
 * CPU pacing (`SimulatorOptions.pace`): each answer burns CPU for a time proportional to its rows, on one
 * queue (threaded Odoo) or on `workers` worker threads (prefork Odoo).
 */
export interface PaceOptions {
  /** `cpu`: burn CPU for each answer. */
  mode: 'cpu';
  /** Prefork workers serving at once; 0 or absent = threaded (one queue). */
  workers?: number;
  /** Microseconds per row over JSON-RPC and JSON-2; default 38. */
  jsonPerRowUs?: number;
  /** Microseconds per row over XML-RPC; default 74. */
  xmlrpcPerRowUs?: number;
  /** Microseconds every answer costs on top; default 0. */
  perRequestUs?: number;
  /** Told of every paced answer (start and end in ms of `performance.now()`), for tests and benchmarks. */
  onServed?: (served: PacedAnswer) => void;
}

/** One paced answer. */
export interface PacedAnswer {
  rows: number;
  microseconds: number;
  startedAt: number;
  finishedAt: number;
}

/** A plain copy of one `update.webhook` row. */
export interface WebhookRow {
  id: number;
  model: string;
  record_id: number;
  event: 'create' | 'write' | 'unlink';
  /** Naive UTC `YYYY-MM-DD HH:MM:SS`. */
  timestamp: string;
  create_uid: number;
  create_date: string;
  write_uid: number;
  write_date: string;
  /** Fixed flavour only. */
  change_count?: number;
  /** Fixed flavour only: the user whose change was logged. */
  user_id?: number;
  /** Fixed flavour only: comma-separated field names of logged writes (false otherwise). */
  changed_fields?: string | false;
  /** Fixed flavour only (protocol 2): JSON of the old and new values of a write's fields (false otherwise). */
  changed_values?: string | false;
}

/** Options of {@link SimulatedDatabase.seedWebhookRows}. */
export interface SeedOptions {
  /** Earliest timestamp (naive UTC string or Date); default: now minus `spanHours`. */
  from?: string | Date;
  /** Hours the timestamps spread over; default 24. */
  spanHours?: number;
  /** Id of the first new row (must be above every existing id); default the next id. */
  firstId?: number;
  /** Share of `unlink` events (0..1); default 1/3, with creates and writes sharing the rest. */
  unlinkShare?: number;
}

/** One operation applied by the traffic generator. */
export interface TrafficOperation {
  /** 1-based count of operations applied so far. */
  sequence: number;
  database: string;
  kind: 'create' | 'write' | 'unlink' | 'archive' | 'unarchive' | 'confirm';
  model: string;
  recordIds: number[];
  uid: number;
}

/** A database of the running simulator, for tests and tools (no HTTP involved). */
export interface SimulatedDatabase {
  readonly name: string;
  /** Whether auto_webhook is installed. */
  readonly hasModule: boolean;
  readonly flavour: ModuleFlavour;
  /** Current `update.webhook` rows in id order (copies). */
  webhookRows(): WebhookRow[];
  /** Current `webhook.errors` rows in id order (copies). */
  errorRows(): Array<{ id: number; model: string; record_id: number; error_message: string; timestamp: string }>;
  /** Adds `count` synthetic log rows across the ten models; returns the new ids' range. */
  seedWebhookRows(count: number, options?: SeedOptions): { firstId: number; lastId: number };
  /** Deletes log rows by id (missing ids ignored); returns the ids deleted. */
  deleteWebhookRows(ids: readonly number[]): number[];
  /** Deletes `count` random log rows (seeded); returns their ids, ascending. */
  deleteRandomWebhookRows(count: number): number[];
  /** Deletes every log row and restarts ids from 1 (a reset log; with our addon, a new `sync_state.log` token). */
  resetWebhookLog(): void;
  /** Fixed flavour: turns `changed_values` on or off for a model (our addon's per-model setting; default on). */
  setChangedValues(model: string, enabled: boolean): void;
  /** Fixed flavour: the kept tombstones of deleted log rows, oldest first. */
  tombstones(): Array<{ id: number; rowId: number; deletedAt: string }>;
  /**
   * Fixed flavour: drops tombstones older than `days` (default `auto_webhook.tombstone_days`, 30), as the
   * addon's daily cleanup does; returns how many.
   */
  purgeTombstones(days?: number): number;
  /**
   * Runs `action` (creates, writes, deletes on this database) as a transaction that began `secondsAgo`
   * seconds ago and commits now: its rows carry timestamps older than rows already visible, as a long
   * transaction's do. Returns what `action` returns.
   */
  commitLate<T>(secondsAgo: number, action: () => T): T;
  /** Changes a user's password (the old one stops working immediately). */
  setPassword(login: string, password: string): void;
  /** The user's API key (authenticates like the password). */
  apiKey(login: string): string;
  /** The uid of a login. */
  uid(login: string): number;
  /** Creates records as a user (default admin), through the module's logging; returns the new ids. */
  create(model: string, values: Record<string, unknown> | Array<Record<string, unknown>>, login?: string): number[];
  /** Writes records as a user, through the module's logging. */
  write(model: string, ids: readonly number[], values: Record<string, unknown>, login?: string): void;
  /** Deletes records as a user, through the module's logging. */
  unlink(model: string, ids: readonly number[], login?: string): void;
  /** Calls a public model method as a user, like `execute_kw` (returns the decoded result). */
  call(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>, login?: string): unknown;
  /** Calls a public model method as a user with JSON-2's named arguments (`ids`, `context`, keywords). */
  callNamed(model: string, method: string, kwargs?: Record<string, unknown>, login?: string): unknown;
  /** Adds a `webhook.errors` row; returns its id. */
  addError(model: string, recordId: number, message: string): number;
  /** Whether a record exists (archived records count). */
  recordExists(model: string, id: number): boolean;
  /** Ids of existing records of a model (archived included), ascending. */
  recordIds(model: string): number[];
}

/** Drives synthetic changes through the ORM (so the module's logging and Odoo's field tracking apply). */
export interface TrafficGenerator {
  /** Starts (or re-rates) timed traffic at `rate` operations per second on each driven database; 0 stops. */
  start(rate: number): void;
  stop(): void;
  /** Applies `count` operations synchronously on each driven database, in turn; returns them. */
  step(count?: number): TrafficOperation[];
  /** Operations applied so far. */
  readonly operations: number;
  readonly running: boolean;
  /** Subscribes to applied operations; returns an unsubscribe function. */
  onOperation(listener: (operation: TrafficOperation) => void): () => void;
}

/** Misbehaviours to inject into the HTTP layer. */
export interface FaultInjector {
  /** Delays every answer by `ms` (plus up to `jitterMs` random). */
  setLatency(ms: number, jitterMs?: number): void;
  /** Destroys the socket of the next `count` requests mid-response. */
  dropNext(count: number): void;
  /** Answers the next `count` requests with nginx's HTML 502 page. */
  badGatewayNext(count: number): void;
  /** Cuts the body of the next `count` answers in half. */
  truncateNext(count: number): void;
  /** Clears latency and pending faults. */
  clear(): void;
  /** Stops listening and listens again on the same port. */
  restart(): Promise<void>;
  /** Stops accepting connections (existing ones are closed). */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  resumeListening(): Promise<void>;
}

/** What was deprecated: the XML-RPC / JSON-RPC endpoints (19+), or `read_group` (19+). */
export type DeprecationKind = 'endpoint' | 'read_group';

/** A started simulator. */
export interface RunningSimulator {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** The Odoo version played. */
  readonly odoo: OdooVersion;
  /** The module flavour of the databases. */
  readonly flavour: ModuleFlavour;
  /** Calls to deprecated endpoints and methods served so far (of one kind, or all), e.g. to assert none. */
  deprecatedCalls(kind?: DeprecationKind): number;
  /** The last lines of the server log (up to 1,000), oldest first. */
  logLines(): string[];
  /** Names of the databases, sorted. */
  readonly databases: readonly string[];
  /** A database by name; throws if unknown. */
  database(name: string): SimulatedDatabase;
  readonly traffic: TrafficGenerator;
  readonly faults: FaultInjector;
  /** Stops traffic and the server. */
  close(): Promise<void>;
}
