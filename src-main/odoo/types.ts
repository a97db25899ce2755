/**
 * The Odoo connection layer's contracts: what a transport does, what the client offers on top of it,
 * and the capabilities detected on connect. Implementations live beside this file; the sync engine,
 * admin actions and tests depend only on these types. The plain-JSON facts about a server (its transport,
 * version and capabilities) are contract types in common, since the services and the store carry them.
 */
import type { ServerVersion, TransportChoice, TransportKind, TransportSetting } from '../common/model';

/** A value as Odoo's RPC marshals it: no null on the wire (empty values are `false`). */
export type OdooValue = boolean | number | string | OdooValue[] | { [key: string]: OdooValue };

/** One leaf `[field, operator, value]` or a prefix operator `'&' | '|' | '!'`. */
export type DomainTerm = '&' | '|' | '!' | [string, string, OdooValue];

/** An Odoo domain in prefix notation; consecutive leaves are implicitly and-ed. */
export type Domain = DomainTerm[];

/** A record as returned by read/search_read: field name to value (`id` always present). */
export interface OdooRecord {
  id: number;
  [field: string]: OdooValue;
}

/** Per-call options every transport honours. */
export interface CallOptions {
  /** Aborts the call; the promise rejects with an OcmError of code 'cancelled'. */
  signal?: AbortSignal;
  /** Overrides the transport's default timeout (ms) for this call. */
  timeoutMs?: number;
}

/** Where and how to reach one Odoo server. */
export interface TransportOptions {
  /** Base URL of the server, e.g. `https://erp.example.com` (a trailing path like `/odoo` is kept). */
  url: string;
  /** Default per-call timeout in ms (default 30,000). */
  timeoutMs?: number;
  /**
   * SHA-256 fingerprint (hex, colons optional) of a certificate the user chose to trust for this
   * instance only (self-signed servers). Without it, https certificates are verified normally.
   */
  trustedCertificateSha256?: string;
}

/**
 * One wire protocol. Calls are `service.method(...args)` as Odoo's `dispatch_rpc` sees them
 * (`common.version`, `object.execute_kw`, `db.list`). Every failure rejects with an OcmError whose
 * message names the URL and says what to do.
 */
export interface RpcTransport {
  readonly kind: TransportKind;
  /** The base URL, normalised (no trailing slash). */
  readonly url: string;
  call(service: 'common' | 'object' | 'db', method: string, args: OdooValue[], options?: CallOptions): Promise<OdooValue>;
  /** Releases keep-alive sockets. */
  close(): void;
}

/** Everything needed to open a connection: server, credentials and transport options. */
export interface ConnectionInput {
  /** Base URL of the server (a trailing path like `/odoo` is kept). */
  url: string;
  db: string;
  login: string;
  /** The password or an API key. */
  secret: string;
  transport: TransportKind;
  /** Default per-call timeout in ms (default 30,000). */
  timeoutMs?: number;
  /** See {@link TransportOptions.trustedCertificateSha256}. */
  trustedCertificateSha256?: string;
}

/**
 * What the connection test runs against: a {@link ConnectionInput} whose transport may be `'auto'`
 * (chosen from the server's version), and, for a saved instance's own transport, how it was chosen.
 */
export type ConnectionTestInput = Omit<ConnectionInput, 'transport'> & { transport: TransportSetting; transportChoice?: TransportChoice };

/** Options of search_read beyond the domain. */
export interface SearchReadOptions {
  fields?: string[];
  offset?: number;
  limit?: number;
  order?: string;
  context?: Record<string, OdooValue>;
}

/** One page of a keyset scan by id. */
export interface KeysetPageOptions {
  /** Rows with `id > afterId` (default 0). */
  afterId?: number;
  /** Rows with `id <= upToId` (optional upper bound, for scanning a fixed range). */
  upToId?: number;
  /** Rows expected in `(afterId, upToId]`, which sizes the pipelined ranges; learnt when absent. */
  count?: number;
  pageSize: number;
  fields?: string[];
  /** Extra domain and-ed to the id bounds. */
  domain?: Domain;
  context?: Record<string, OdooValue>;
  /**
   * How many page requests may be in flight at once (default 1). Pages are still yielded in id order;
   * pipelined pages may hold up to 4 × pageSize rows where ids are sparse (paging.ts).
   */
  pipelineDepth?: number;
  signal?: AbortSignal;
}

/** One row of `read_group(..., lazy=False)`: group values plus `__count`. */
export interface ReadGroupRow {
  [key: string]: OdooValue;
  __count: number;
}

/**
 * A logged-in connection to one database. Every method rejects with an OcmError:
 * 'access-denied' (Fault 3), 'access-error' (Fault 4), 'model-missing'/'user-error' (Fault 2),
 * 'server-error' (Fault 1, traceback in `detail`), or a network/protocol code.
 */
export interface OdooClient {
  readonly url: string;
  readonly db: string;
  readonly uid: number;
  readonly transport: TransportKind;
  /** `execute_kw(db, uid, password, model, method, args, kwargs)`. */
  executeKw(model: string, method: string, args: OdooValue[], kwargs?: Record<string, OdooValue>, options?: CallOptions): Promise<OdooValue>;
  search(model: string, domain: Domain, options?: Omit<SearchReadOptions, 'fields'>, call?: CallOptions): Promise<number[]>;
  searchRead(model: string, domain: Domain, options?: SearchReadOptions, call?: CallOptions): Promise<OdooRecord[]>;
  searchCount(model: string, domain: Domain, context?: Record<string, OdooValue>, call?: CallOptions): Promise<number>;
  read(model: string, ids: number[], fields?: string[], context?: Record<string, OdooValue>, call?: CallOptions): Promise<OdooRecord[]>;
  unlink(model: string, ids: number[], call?: CallOptions): Promise<boolean>;
  fieldsGet(model: string, attributes?: string[], call?: CallOptions): Promise<Record<string, Record<string, OdooValue>>>;
  readGroup(model: string, domain: Domain, fields: string[], groupby: string[], options?: { lazy?: boolean; orderby?: string; context?: Record<string, OdooValue> }, call?: CallOptions): Promise<ReadGroupRow[]>;
  checkAccessRights(model: string, operation: 'read' | 'write' | 'create' | 'unlink', call?: CallOptions): Promise<boolean>;
  /**
   * Pages `model` by ascending id (`id > cursor`, `order='id asc'`), yielding each non-empty page in id
   * order. With `pipelineDepth` > 1, id ranges are fetched concurrently (see `paging.ts`); together the
   * pages hold every matching row exactly once.
   */
  pages(model: string, options: KeysetPageOptions): AsyncIterable<OdooRecord[]>;
  close(): void;
}

/** What {@link OdooClient} offers plus the server's version: the type `connectOdoo` (connection.ts) returns. */
export interface OdooConnection extends OdooClient {
  /** `common.version()`: the server's version (no credentials needed). */
  version(call?: CallOptions): Promise<ServerVersion>;
}

/** One server over one transport, before login: what the connection test and `connectOdoo` (connection.ts) need. */
export interface OdooEndpoint {
  /** The base URL, normalised (no trailing slash). */
  readonly url: string;
  readonly transport: TransportKind;
  /** The server's version, without credentials. */
  version(call?: CallOptions): Promise<ServerVersion>;
  /**
   * Logs in. Rejects 'auth-failed' (wrong login or secret), 'database-missing' (the hint lists the
   * server's databases when it allows that), or a network/protocol error. The connection owns the
   * endpoint from then on: closing it closes the endpoint.
   */
  login(credentials: Pick<ConnectionInput, 'db' | 'login' | 'secret'>, call?: CallOptions): Promise<OdooConnection>;
  /** Releases the endpoint's sockets. */
  close(): void;
}
