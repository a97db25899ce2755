/**
 * The RPC services of `odoo.http.dispatch_rpc`: `common` (version, login, authenticate), `db` (list, ...;
 * removed in Odoo 20) and `object` (execute_kw, execute), over a set of simulated databases.
 */
import type { WireValue } from './codec/values';
import type { Database } from './database';
import { accessDenied, frame, OdooException, pythonError } from './errors';
import { callModelMethod, type CallHooks } from './methods';
import type { ServerLog } from './server-log';
import { DISPATCH_RPC, objectFrames, unknownDatabase, unknownService } from './tracebacks';
import { versionAnswer, type VersionProfile } from './versions';

/** What the dispatcher needs from the simulator. */
export interface RpcHost {
  database(name: string): Database | undefined;
  databaseNames(): string[];
  readonly listDb: boolean;
  /** The Odoo version played. */
  readonly profile: VersionProfile;
  /** The server log (deprecation warnings are written and counted there). */
  readonly log: ServerLog;
}

/**
 * Hooks that log `read_group`'s DeprecationWarning (19+) the way Python shows it: once per place it is
 * raised from (`where`, e.g. the JSON-2 controller), while every call is counted.
 */
export function deprecationHooks(host: RpcHost, db: string, where: string): CallHooks {
  return {
    deprecated: (method) =>
      host.log.deprecated(
        'read_group',
        db,
        'py.warnings',
        `${where}: DeprecationWarning: Since 19.0, ${method} is deprecated. Please use _read_group in the backend code or formatted_read_group for a complete formatted result`,
        where,
      ),
  };
}

function typeError(fn: string, given: number, expected: string): OdooException {
  return pythonError('TypeError', `${fn}() ${expected} but ${given} were given`);
}

function arity(fn: string, params: readonly WireValue[], min: number, max: number, names: string[]): void {
  if (params.length > max) throw typeError(fn, params.length, `takes from ${min} to ${max} positional arguments`);
  if (params.length < min) {
    const missing = names.slice(params.length, min);
    throw pythonError(
      'TypeError',
      `${fn}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((name) => `'${name}'`).join(' and ')}`,
    );
  }
}

/** Adds object-service frames to plain Python errors raised without any (so tracebacks look real). */
function withFrames(error: unknown, method: string): unknown {
  if (error instanceof OdooException && error.kind === 'Python' && !error.frames.length && !error.options.entry) {
    return new OdooException(error.kind, error.pythonType, error.message, objectFrames(method));
  }
  return error;
}

/** Dispatches one RPC call; returns the result (null = Python None) or throws an {@link OdooException}. */
export function dispatchRpc(host: RpcHost, service: string, method: string, params: readonly WireValue[]): WireValue | null {
  switch (service) {
    case 'common':
      return dispatchCommon(host, method, params);
    case 'db':
      if (!host.profile.dbService) throw unknownService(service);
      return dispatchDb(host, method, params);
    case 'object':
      return dispatchObject(host, method, params);
    default:
      throw unknownService(service);
  }
}

function dispatchCommon(host: RpcHost, method: string, params: readonly WireValue[]): WireValue | null {
  switch (method) {
    case 'version':
      return versionAnswer(host.profile);
    case 'about':
      return params[0] ? ['See http://openerp.com', host.profile.serverVersion] : 'See http://openerp.com';
    case 'login':
    case 'authenticate': {
      if (method === 'login') arity('exp_login', params, 3, 3, ['db', 'login', 'password']);
      else arity('exp_authenticate', params, 4, 4, ['db', 'login', 'password', 'user_agent_env']);
      const [dbName, login, password] = params;
      const db = typeof dbName === 'string' ? host.database(dbName) : undefined;
      if (!db) throw unknownDatabase(String(dbName), 'common', method);
      return db.authenticate(login, password);
    }
    default:
      throw pythonError('Exception', `Method not found: ${method}`, [
        ...DISPATCH_RPC,
        frame('service/common.py', 60, 'dispatch', 'raise Exception("Method not found: %s" % method)', false),
      ]);
  }
}

function dispatchDb(host: RpcHost, method: string, params: readonly WireValue[]): WireValue | null {
  switch (method) {
    case 'list':
      if (!host.listDb) throw accessDenied();
      return host.databaseNames();
    case 'db_exist':
      return typeof params[0] === 'string' && host.database(params[0]) !== undefined;
    case 'server_version':
      return host.profile.serverVersion;
    case 'list_lang':
      return [['en_US', 'English (US)']];
    case 'create_database':
    case 'duplicate_database':
    case 'drop':
    case 'dump':
    case 'restore':
    case 'rename':
    case 'change_admin_password':
    case 'migrate_databases':
      // check_super(passwd): the simulator has no master password, so every attempt is refused.
      throw accessDenied();
    default:
      throw pythonError('KeyError', `'Method not found: ${method}'`, [
        ...DISPATCH_RPC,
        frame('service/db.py', 461, 'dispatch', "raise KeyError(\"Method not found: %s\" % method)", false),
      ]);
  }
}

function dispatchObject(host: RpcHost, method: string, params: readonly WireValue[]): WireValue | null {
  if (method !== 'execute_kw' && method !== 'execute') {
    throw pythonError('NameError', `Method not available ${method}`, [
      ...DISPATCH_RPC,
      frame('service/model.py', 62, 'dispatch', 'raise NameError("Method not available %s" % method)', false),
    ]);
  }
  if (params.length < 3) throw pythonError('IndexError', 'tuple index out of range', [...DISPATCH_RPC]);
  const [dbName, uidValue, password] = params;
  const db = typeof dbName === 'string' ? host.database(dbName) : undefined;
  if (!db) throw unknownDatabase(String(dbName), 'object', method);
  const uid = typeof uidValue === 'string' && /^\d+$/.test(uidValue) ? Number(uidValue) : uidValue;
  if (typeof uid !== 'number' && uid !== false) {
    throw pythonError('ValueError', `invalid literal for int() with base 10: ${JSON.stringify(uid)}`, [...DISPATCH_RPC]);
  }
  db.checkCredentials(uid, password);
  const rest = params.slice(3);
  let model: WireValue;
  let name: WireValue;
  let args: WireValue[];
  let kwargs: Record<string, unknown> = {};
  if (method === 'execute_kw') {
    if (rest.length < 3) {
      throw pythonError('TypeError', `execute_kw() missing ${3 - rest.length} required positional argument${rest.length === 2 ? '' : 's'}`, [...DISPATCH_RPC]);
    }
    [model, name] = rest;
    const argList = rest[2];
    if (!Array.isArray(argList)) throw pythonError('TypeError', 'odoo.api.call_kw() argument after * must be an iterable', objectFrames('call_kw'));
    args = argList;
    const kw = rest[3];
    if (kw && typeof kw === 'object' && !Array.isArray(kw)) kwargs = kw as Record<string, unknown>;
  } else {
    [model, name, ...args] = rest;
  }
  if (typeof model !== 'string' || typeof name !== 'string') throw pythonError('TypeError', 'model and method names must be strings', objectFrames('call_kw'));
  try {
    return callModelMethod(db, uid as number, model, name, args, kwargs, deprecationHooks(host, db.name, '/usr/lib/python3/dist-packages/odoo/service/model.py:72'));
  } catch (error) {
    throw withFrames(error, name);
  }
}
