/**
 * The Odoo client over XML-RPC or JSON-RPC: authentication, `execute_kw` and typed helpers over one
 * {@link RpcTransport}. Reached through `connectOdoo` (connection.ts), never constructed directly.
 * Values are returned as Odoo sends them (datetimes stay naive-UTC strings 'YYYY-MM-DD HH:MM:SS');
 * converting them is the caller's job, at the edge where they are stored or shown.
 */
import { OcmError } from '../common/errors';
import { formattedReadGroupSince, planReadGroup, readGroupRowsFromFormatted } from './group-totals';
import { keysetPages } from './paging';
import type { ServerVersion, TransportKind } from '../common/model';
import type { CallOptions, Domain, KeysetPageOptions, OdooConnection, OdooRecord, OdooEndpoint, OdooValue, ReadGroupRow, RpcTransport, SearchReadOptions } from './types';

/** The first Odoo major version without the `db` service (Odoo's documentation: removed in 20). */
const dbServiceRemovedIn = 20;

/**
 * One server over XML-RPC or JSON-RPC, before login: `common.version()` and `common.authenticate`
 * over `transport`. The connection {@link OdooEndpoint.login} returns owns the transport from then on.
 */
export function rpcEndpoint(transport: RpcTransport): OdooEndpoint {
  /** The major version once read (the connection test reads it before logging in). */
  let major: number | undefined;
  const version = async (call?: CallOptions) => {
    const read = parseVersion(await transport.call('common', 'version', [], call), transport.url);
    major = read.major;
    return read;
  };
  return {
    url: transport.url,
    transport: transport.kind,
    version,
    async login(credentials, call) {
      try {
        const uid = await transport.call('common', 'authenticate', [credentials.db, credentials.login, credentials.secret, {}], call);
        if (uid === false) {
          throw new OcmError('auth-failed', `Wrong login or password for ${credentials.login} on database ${credentials.db} at ${transport.url}.`, {
            hint: 'Check the login and the password (or API key); logins are case-sensitive.',
          });
        }
        if (typeof uid !== 'number') throw unexpected(transport.url, 'authenticate', uid);
        return new RpcOdooClient(transport, { db: credentials.db, uid, secret: credentials.secret, major });
      } catch (error) {
        if (!(error instanceof OcmError) || error.code !== 'database-missing') throw error;
        // Odoo 20 has no `db` service: the login's answer is all there is to know.
        major ??= await version({ signal: call?.signal, timeoutMs: 10_000 }).then((read) => read.major, () => undefined);
        if (major !== undefined && major >= dbServiceRemovedIn) throw error;
        throw await withDatabaseList(error, transport, call?.signal);
      }
    },
    close: () => transport.close(),
  };
}

/** A 'database-missing' error whose hint lists the server's databases, when `db.list` is allowed. */
async function withDatabaseList(error: OcmError, transport: RpcTransport, signal?: AbortSignal): Promise<OcmError> {
  const databases = await listDatabases(transport, signal);
  if (!databases) return error;
  const hint = databases.length
    ? `Check the database name (it is case-sensitive). Databases on this server: ${databases.join(', ')}.`
    : 'Check the database name: this server lists no databases.';
  return new OcmError('database-missing', error.message, { hint, detail: error.detail });
}

/** `db.list()`, or undefined when the server does not allow listing (or the call fails for any reason). */
export async function listDatabases(transport: RpcTransport, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    const names = await transport.call('db', 'list', [], { signal, timeoutMs: 10_000 });
    return Array.isArray(names) && names.every((name) => typeof name === 'string') ? (names as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `common.version()`'s answer; the major comes from server_version_info (e.g. 18, or 17 for 'saas~17'). */
export function parseVersion(value: OdooValue, url: string): ServerVersion {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unexpected(url, 'version', value);
  const info = Array.isArray(value.server_version_info) ? value.server_version_info : [];
  const serverVersion = typeof value.server_version === 'string' ? value.server_version : '';
  const serverSerie = typeof value.server_serie === 'string' ? value.server_serie : serverVersion.replace(/-.*$/, '');
  const first = info[0];
  const major = typeof first === 'number' ? first : Number.parseInt(String(first ?? serverSerie).replace(/^\D+/, ''), 10);
  if (!serverVersion || !Number.isFinite(major)) throw unexpected(url, 'version', value);
  return { serverVersion, serverSerie, major, protocolVersion: typeof value.protocol_version === 'number' ? value.protocol_version : 1 };
}

function unexpected(url: string, what: string, value: unknown): OcmError {
  return new OcmError('protocol', `${url} gave an unexpected answer to ${what}.`, {
    hint: 'Check that the URL leads to an Odoo server.',
    detail: JSON.stringify(value)?.slice(0, 2000),
  });
}

/** Adds the options that are set; `undefined` options are left out rather than sent as empty values. */
function kwargs(entries: Record<string, OdooValue | undefined>): Record<string, OdooValue> {
  const out: Record<string, OdooValue> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out;
}

/** {@link OdooConnection} over an RPC transport. */
class RpcOdooClient implements OdooConnection {
  readonly url: string;
  readonly db: string;
  readonly uid: number;
  readonly transport: TransportKind;
  private readonly secret: string;
  /** The server's major version once known: it decides between read_group and formatted_read_group. */
  private major: number | undefined;

  constructor(
    private readonly rpc: RpcTransport,
    session: { db: string; uid: number; secret: string; major?: number },
  ) {
    this.url = rpc.url;
    this.db = session.db;
    this.uid = session.uid;
    this.secret = session.secret;
    this.transport = rpc.kind;
    this.major = session.major;
  }

  async version(call?: CallOptions): Promise<ServerVersion> {
    const version = parseVersion(await this.rpc.call('common', 'version', [], call), this.url);
    this.major = version.major;
    return version;
  }

  executeKw(model: string, method: string, args: OdooValue[], kw: Record<string, OdooValue> = {}, call?: CallOptions): Promise<OdooValue> {
    return this.rpc.call('object', 'execute_kw', [this.db, this.uid, this.secret, model, method, args, kw], call);
  }

  async search(model: string, domain: Domain, options: Omit<SearchReadOptions, 'fields'> = {}, call?: CallOptions): Promise<number[]> {
    const kw = kwargs({ offset: options.offset, limit: options.limit, order: options.order, context: options.context });
    return this.expectIds(await this.executeKw(model, 'search', [domain], kw, call), `${model}.search`);
  }

  async searchRead(model: string, domain: Domain, options: SearchReadOptions = {}, call?: CallOptions): Promise<OdooRecord[]> {
    const kw = kwargs({ fields: options.fields, offset: options.offset, limit: options.limit, order: options.order, context: options.context });
    return this.expectRecords(await this.executeKw(model, 'search_read', [domain], kw, call), `${model}.search_read`);
  }

  async searchCount(model: string, domain: Domain, context?: Record<string, OdooValue>, call?: CallOptions): Promise<number> {
    const count = await this.executeKw(model, 'search_count', [domain], kwargs({ context }), call);
    if (typeof count !== 'number') throw unexpected(this.url, `${model}.search_count`, count);
    return count;
  }

  async read(model: string, ids: number[], fields?: string[], context?: Record<string, OdooValue>, call?: CallOptions): Promise<OdooRecord[]> {
    return this.expectRecords(await this.executeKw(model, 'read', [ids], kwargs({ fields, context }), call), `${model}.read`);
  }

  async unlink(model: string, ids: number[], call?: CallOptions): Promise<boolean> {
    return (await this.executeKw(model, 'unlink', [ids], {}, call)) === true;
  }

  async fieldsGet(model: string, attributes?: string[], call?: CallOptions): Promise<Record<string, Record<string, OdooValue>>> {
    const fields = await this.executeKw(model, 'fields_get', [], kwargs({ attributes }), call);
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw unexpected(this.url, `${model}.fields_get`, fields);
    return fields as Record<string, Record<string, OdooValue>>;
  }

  /**
   * `read_group`'s answer; `lazy` defaults to false so every row has `__count` (lazy grouping names it
   * `<field>_count`). On Odoo 19 and later, where read_group is deprecated, it is computed by
   * `formatted_read_group` when the fields say how to aggregate (group-totals.ts).
   */
  async readGroup(
    model: string,
    domain: Domain,
    fields: string[],
    groupby: string[],
    options: { lazy?: boolean; orderby?: string; context?: Record<string, OdooValue> } = {},
    call?: CallOptions,
  ): Promise<ReadGroupRow[]> {
    const lazy = options.lazy ?? false;
    const major = this.major ?? (await this.version(call)).major;
    const plan = major >= formattedReadGroupSince ? planReadGroup(domain, fields, groupby, { ...options, lazy }) : undefined;
    if (plan) return readGroupRowsFromFormatted(await this.executeKw(model, 'formatted_read_group', [], plan.arguments, call), plan, lazy);
    const kw = kwargs({ lazy, orderby: options.orderby, context: options.context });
    const rows = await this.executeKw(model, 'read_group', [domain, fields, groupby], kw, call);
    if (!Array.isArray(rows)) throw unexpected(this.url, `${model}.read_group`, rows);
    return rows as ReadGroupRow[];
  }

  async checkAccessRights(model: string, operation: 'read' | 'write' | 'create' | 'unlink', call?: CallOptions): Promise<boolean> {
    return (await this.executeKw(model, 'check_access_rights', [operation], { raise_exception: false }, call)) === true;
  }

  pages(model: string, options: KeysetPageOptions): AsyncIterable<OdooRecord[]> {
    return keysetPages(this, model, options);
  }

  close(): void {
    this.rpc.close();
  }

  private expectIds(value: OdooValue, what: string): number[] {
    if (!Array.isArray(value) || !value.every((id) => typeof id === 'number')) throw unexpected(this.url, what, value);
    return value as number[];
  }

  private expectRecords(value: OdooValue, what: string): OdooRecord[] {
    if (!Array.isArray(value)) throw unexpected(this.url, what, value);
    return value as OdooRecord[];
  }
}
