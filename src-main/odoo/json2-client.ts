/**
 * The JSON-2 client (Odoo 19 and later): `POST /json/2/<model>/<method>` with `Authorization: bearer
 * <API key>`, `X-Odoo-Database: <db>`, a JSON object of named arguments (`ids`, `context` and the
 * method's keywords) and the bare result as the answer. There is no login: the key is the credential on
 * every call, and the user is learned from `res.users/context_get`. Errors come back as an HTTP status
 * with Odoo's JSON error body (mapped in json2-errors.ts).
 *
 * It offers the same {@link OdooConnection} as the XML-RPC/JSON-RPC client, over the same keep-alive
 * {@link HttpEndpoint} (TLS pinning, timeouts, cancellation, retry on a stale socket for repeatable calls).
 * Differences that follow from JSON-2 itself: `executeKw` turns positional arguments into named ones
 * for the methods it knows; `readGroup` runs as `formatted_read_group` (read_group is deprecated in 19);
 * `checkAccessRights` asks `has_access` (check_access_rights is deprecated since 18 and gone after 19).
 */
import type http from 'node:http';
import { OcmError } from '../common/errors';
import type { ServerVersion, TransportKind } from '../common/model';
import { looksLikeApiKey } from '../common/transport-note';
import { createTransport } from './transport';
import { parseVersion } from './client';
import { isRepeatable, protocolError, type CallContext } from './faults';
import {
  formattedReadGroupArguments,
  planReadGroup,
  readGroupRowsFromFormatted,
  totalsFromFormattedReadGroup,
  type GroupTotals,
  type GroupTotalsQuery,
} from './group-totals';
import { displayedUrl, HttpEndpoint, parseBaseUrl, readBody } from './http-exchange';
import { apiKeyHint, json2Error } from './json2-errors';
import { keysetPages } from './paging';
import type {
  CallOptions,
  ConnectionInput,
  Domain,
  KeysetPageOptions,
  OdooConnection,
  OdooEndpoint,
  OdooRecord,
  OdooValue,
  ReadGroupRow,
  SearchReadOptions,
  TransportOptions,
} from './types';
import { assertOdooValues } from './values';

/** The transport kind of a JSON-2 connection. */
export type Json2TransportKind = Extract<TransportKind, 'json2'>;

/** Where and how to reach a server over JSON-2: the `secret` is the API key; `login` only names the user in messages. */
export type Json2ConnectionInput = Pick<ConnectionInput, 'url' | 'db' | 'secret' | 'timeoutMs' | 'trustedCertificateSha256'> & { login?: string };

/** An {@link OdooConnection} over JSON-2, plus what only JSON-2 offers. */
export interface Json2Connection extends Omit<OdooConnection, 'transport'> {
  readonly transport: Json2TransportKind;
  /** Calls `model.method` with named arguments (`ids`, `context`, the method's keywords); resolves with the bare result. */
  call(model: string, method: string, named?: Record<string, OdooValue>, options?: CallOptions): Promise<OdooValue>;
  /** Counts and sums per group with `formatted_read_group` (see group-totals.ts). */
  groupTotals(model: string, query: GroupTotalsQuery, call?: CallOptions): Promise<GroupTotals[]>;
}

/**
 * Checks the API key and returns a connection: one `res.users/context_get` call learns the key's user.
 * Rejects with 'access-denied' for a wrong, expired or missing key (the hint says how to make one),
 * 'database-missing' when the server has no such database, 'http-status' when the server has no JSON-2
 * API (Odoo before 19), or a network/protocol error.
 */
export async function connectJson2(input: Json2ConnectionInput, options: { signal?: AbortSignal } = {}): Promise<Json2Connection> {
  for (const [key, label] of [['url', 'URL'], ['db', 'database'], ['secret', 'API key']] as const) {
    if (typeof input[key] !== 'string' || input[key].trim() === '') {
      throw new OcmError('invalid-input', `The ${label} is missing.`, { hint: key === 'secret' ? apiKeyHint : `Enter the ${label}.` });
    }
  }
  const client = new Json2Client(input);
  try {
    const user = await client.call('res.users', 'context_get', {}, { signal: options.signal });
    const uid = typeof user === 'object' && user !== null && !Array.isArray(user) ? user.uid : undefined;
    if (typeof uid !== 'number') throw unexpected(client.url, 'res.users.context_get', user);
    client.uid = uid;
    return client;
  } catch (error) {
    client.close();
    if (error instanceof OcmError && error.code === 'access-denied' && !looksLikeApiKey(input.secret)) {
      throw new OcmError('access-denied', `${error.message} What was entered looks like a password, not an API key.`, { hint: apiKeyHint, detail: error.detail });
    }
    throw error;
  }
}

/**
 * One server over JSON-2, before login (the `json2` case of `openEndpoint`): the version comes from
 * {@link fetchServerVersion}, so a server older than 19 still tells its version (and the connection
 * test can say JSON-2 needs 19); the login checks the API key with {@link connectJson2}.
 */
export function json2Endpoint(options: TransportOptions): OdooEndpoint {
  const url = displayedUrl(parseBaseUrl(options.url));
  const where = { timeoutMs: options.timeoutMs, trustedCertificateSha256: options.trustedCertificateSha256 };
  return {
    url,
    transport: 'json2',
    version: (call) => fetchServerVersion(url, { ...where, ...call, timeoutMs: call?.timeoutMs ?? options.timeoutMs }),
    login: (credentials, call) => connectJson2({ url, ...where, db: credentials.db, secret: credentials.secret, login: credentials.login }, { signal: call?.signal }),
    close: () => undefined,
  };
}

/**
 * The server's version without credentials: `GET /web/version` (Odoo 19 and later, in the `rpc` module
 * beside JSON-2), else `common.version` over JSON-RPC (every Odoo before 19 has it, and has no
 * `/web/version`). Network and TLS failures are not retried the other way: they would fail alike.
 */
export async function fetchServerVersion(url: string, options: Omit<TransportOptions, 'url'> & CallOptions = {}): Promise<ServerVersion> {
  const endpoint = new HttpEndpoint(url, { trustedCertificateSha256: options.trustedCertificateSha256 });
  try {
    return await webVersion(endpoint, options);
  } catch (error) {
    if (!(error instanceof OcmError) || !['http-status', 'protocol'].includes(error.code)) throw error;
  } finally {
    endpoint.close();
  }
  const transport = createTransport('jsonrpc', { url, timeoutMs: options.timeoutMs, trustedCertificateSha256: options.trustedCertificateSha256 });
  try {
    return parseVersion(await transport.call('common', 'version', [], { signal: options.signal, timeoutMs: options.timeoutMs }), transport.url);
  } finally {
    transport.close();
  }
}

/** `GET /web/version` → `{version_info, version}`, read as a {@link ServerVersion}. */
async function webVersion(endpoint: HttpEndpoint, options: CallOptions): Promise<ServerVersion> {
  const context: CallContext = { url: endpoint.url, service: 'web', method: 'version', timeoutMs: options.timeoutMs };
  const answer = await endpoint.post(
    { path: '/web/version', method: 'GET', body: '', contentType: 'application/json', accept: 'application/json', acceptContentType: /json/i, context, timeoutMs: options.timeoutMs, signal: options.signal, repeatable: true },
    async (response) => parseJson(await readBody(response), context),
  );
  const info = typeof answer === 'object' && answer !== null && !Array.isArray(answer) && Array.isArray(answer.version_info) ? answer.version_info : undefined;
  if (!info || typeof answer !== 'object' || Array.isArray(answer) || typeof answer.version !== 'string') throw unexpected(endpoint.url, '/web/version', answer);
  // Odoo's own serie is the first two parts of version_info ('19.0', 'saas~18.4').
  return parseVersion({ server_version: answer.version, server_version_info: info, server_serie: `${String(info[0])}.${String(info[1])}`, protocol_version: 1 }, endpoint.url);
}

/** The options of {@link OdooConnection.readGroup}. */
type ReadGroupOptions = NonNullable<Parameters<OdooConnection['readGroup']>[4]>;

/** Positional argument names of the model methods the app may call through `executeKw` (as in Odoo's signatures). */
const modelMethodArguments: Record<string, string[]> = {
  search: ['domain', 'offset', 'limit', 'order'],
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  fields_get: ['allfields', 'attributes'],
  read_group: ['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'],
  formatted_read_group: ['domain', 'groupby', 'aggregates', 'having', 'offset', 'limit', 'order'],
  create: ['vals_list'],
  name_search: ['name', 'domain', 'operator', 'limit'],
  check_access_rights: ['operation', 'raise_exception'],
  default_get: ['fields'],
};
/** The same for record methods, after the ids (their first positional argument in execute_kw). */
const recordMethodArguments: Record<string, string[]> = {
  read: ['fields', 'load'],
  write: ['vals'],
  unlink: [],
  has_access: ['operation'],
  exists: [],
  copy: ['default'],
};

/** {@link Json2Connection} over one keep-alive endpoint. */
class Json2Client implements Json2Connection {
  readonly url: string;
  readonly db: string;
  readonly transport = 'json2' as const;
  /** Set by {@link connectJson2} from `context_get`. */
  uid = 0;
  private readonly endpoint: HttpEndpoint;
  private readonly apiKey: string;
  private readonly timeoutMs: number | undefined;

  constructor(input: Json2ConnectionInput) {
    this.endpoint = new HttpEndpoint(input.url, { trustedCertificateSha256: input.trustedCertificateSha256 });
    this.url = this.endpoint.url;
    this.db = input.db;
    this.apiKey = input.secret.trim();
    this.timeoutMs = input.timeoutMs;
  }

  call(model: string, method: string, named: Record<string, OdooValue> = {}, options: CallOptions = {}): Promise<OdooValue> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const context: CallContext = { url: this.url, service: 'json2', method: `${model}.${method}`, db: this.db, model, modelMethod: method, timeoutMs };
    try {
      assertOdooValues([named], `${model}.${method}`);
    } catch (error) {
      return Promise.reject(error);
    }
    const path = `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
    return this.endpoint.post(
      {
        path,
        body: JSON.stringify(named),
        contentType: 'application/json',
        accept: 'application/json',
        acceptContentType: /json/i,
        headers: { Authorization: `bearer ${this.apiKey}`, 'X-Odoo-Database': this.db },
        readAnyStatus: true,
        context,
        timeoutMs,
        signal: options.signal,
        repeatable: isRepeatable({ ...context, service: 'object' }),
      },
      (response) => this.answer(response, path, context),
    );
  }

  private async answer(response: http.IncomingMessage, path: string, context: CallContext): Promise<OdooValue> {
    const body = await readBody(response);
    const status = response.statusCode ?? 0;
    if (status !== 200) throw json2Error(status, response.statusMessage, body.toString('utf8'), path, context);
    const contentType = String(response.headers['content-type'] ?? '');
    if (contentType && !/json/i.test(contentType)) throw protocolError('not-rpc', context, body.toString('utf8', 0, 4096), contentType);
    // A method returning None answers null; Odoo's other transports say False for it.
    return parseJson(body, context) ?? false;
  }

  async version(call?: CallOptions): Promise<ServerVersion> {
    return webVersion(this.endpoint, { ...call, timeoutMs: call?.timeoutMs ?? this.timeoutMs });
  }

  executeKw(model: string, method: string, args: OdooValue[], kwargs: Record<string, OdooValue> = {}, call?: CallOptions): Promise<OdooValue> {
    let named: Record<string, OdooValue>;
    try {
      named = { ...namedArguments(model, method, args), ...kwargs };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.call(model, method, named, call);
  }

  async search(model: string, domain: Domain, options: Omit<SearchReadOptions, 'fields'> = {}, call?: CallOptions): Promise<number[]> {
    const ids = await this.call(model, 'search', defined({ domain, offset: options.offset, limit: options.limit, order: options.order, context: options.context }), call);
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'number')) throw unexpected(this.url, `${model}.search`, ids);
    return ids as number[];
  }

  async searchRead(model: string, domain: Domain, options: SearchReadOptions = {}, call?: CallOptions): Promise<OdooRecord[]> {
    const named = defined({ domain, fields: options.fields, offset: options.offset, limit: options.limit, order: options.order, context: options.context });
    return this.records(await this.call(model, 'search_read', named, call), `${model}.search_read`);
  }

  async searchCount(model: string, domain: Domain, context?: Record<string, OdooValue>, call?: CallOptions): Promise<number> {
    const count = await this.call(model, 'search_count', defined({ domain, context }), call);
    if (typeof count !== 'number') throw unexpected(this.url, `${model}.search_count`, count);
    return count;
  }

  async read(model: string, ids: number[], fields?: string[], context?: Record<string, OdooValue>, call?: CallOptions): Promise<OdooRecord[]> {
    return this.records(await this.call(model, 'read', defined({ ids, fields, context }), call), `${model}.read`);
  }

  async unlink(model: string, ids: number[], call?: CallOptions): Promise<boolean> {
    return (await this.call(model, 'unlink', { ids }, call)) === true;
  }

  async fieldsGet(model: string, attributes?: string[], call?: CallOptions): Promise<Record<string, Record<string, OdooValue>>> {
    const fields = await this.call(model, 'fields_get', defined({ attributes }), call);
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw unexpected(this.url, `${model}.fields_get`, fields);
    return fields as Record<string, Record<string, OdooValue>>;
  }

  /** read_group's answer, computed by `formatted_read_group` when the fields say how to aggregate (else read_group itself). */
  async readGroup(model: string, domain: Domain, fields: string[], groupby: string[], options: ReadGroupOptions = {}, call?: CallOptions): Promise<ReadGroupRow[]> {
    const lazy = options.lazy ?? false;
    const plan = planReadGroup(domain, fields, groupby, { ...options, lazy });
    if (plan) return readGroupRowsFromFormatted(await this.call(model, 'formatted_read_group', plan.arguments, call), plan, lazy);
    const rows = await this.call(model, 'read_group', defined({ domain, fields, groupby, lazy, orderby: options.orderby, context: options.context }), call);
    if (!Array.isArray(rows)) throw unexpected(this.url, `${model}.read_group`, rows);
    return rows as ReadGroupRow[];
  }

  async groupTotals(model: string, query: GroupTotalsQuery, call?: CallOptions): Promise<GroupTotals[]> {
    return totalsFromFormattedReadGroup(await this.call(model, 'formatted_read_group', formattedReadGroupArguments(query), call), query);
  }

  /** `has_access(operation)` on no records: the model-level right (check_access_rights is deprecated since 18, gone after 19). */
  async checkAccessRights(model: string, operation: 'read' | 'write' | 'create' | 'unlink', call?: CallOptions): Promise<boolean> {
    return (await this.call(model, 'has_access', { operation }, call)) === true;
  }

  pages(model: string, options: KeysetPageOptions): AsyncIterable<OdooRecord[]> {
    return keysetPages(this, model, options);
  }

  close(): void {
    this.endpoint.close();
  }

  private records(value: OdooValue, what: string): OdooRecord[] {
    if (!Array.isArray(value)) throw unexpected(this.url, what, value);
    return value as OdooRecord[];
  }
}

/** execute_kw's positional arguments as JSON-2's named ones; refuses those it cannot name. */
function namedArguments(model: string, method: string, args: OdooValue[]): Record<string, OdooValue> {
  const named: Record<string, OdooValue> = {};
  const recordNames = recordMethodArguments[method];
  const modelNames = modelMethodArguments[method];
  let rest = args;
  let names = modelNames;
  if (!modelNames && args.length > 0 && (recordNames || (args.length === 1 && isIdList(args[0])))) {
    named.ids = args[0];
    rest = args.slice(1);
    names = recordNames ?? [];
  }
  if (rest.length > (names?.length ?? 0)) {
    throw new OcmError('invalid-input', `JSON-2 takes named arguments, and ${model}.${method} was called with ${rest.length} positional argument${rest.length > 1 ? 's' : ''} it cannot name.`, {
      hint: 'This is a bug in the caller: pass the method\'s arguments as keyword arguments. The call was not sent.',
    });
  }
  rest.forEach((value, index) => (named[names![index]] = value));
  return named;
}

function isIdList(value: OdooValue): boolean {
  return Array.isArray(value) && value.every((id) => typeof id === 'number');
}

/** Parses a JSON answer; a body that stops mid-way is "cut off", anything else is not JSON. */
function parseJson(body: Buffer, context: CallContext): OdooValue {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as OdooValue;
  } catch (error) {
    const truncated = text.length > 0 && /^\s*[[{"\d-]/.test(text) && /end of json|unterminated|expected/i.test(String(error));
    throw protocolError(truncated ? 'truncated' : 'unparsable', context, `${String(error)}\n\n${text.slice(0, 2048)}`);
  }
}

/** Drops the named arguments that are undefined (JSON-2 would otherwise receive nothing, silently). */
function defined(entries: Record<string, OdooValue | undefined>): Record<string, OdooValue> {
  const out: Record<string, OdooValue> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out;
}

function unexpected(url: string, what: string, value: unknown): OcmError {
  return new OcmError('protocol', `${url} gave an unexpected answer to ${what}.`, {
    hint: 'Check that the URL leads to an Odoo 19 (or later) server.',
    detail: JSON.stringify(value)?.slice(0, 2000),
  });
}
