/**
 * The web client's routes a monitoring client meets: `/web/webclient/version_info`, `/web/version` and
 * `/json/version` (19+), `/web/health`, `/web/database/list`, `/web/session/authenticate` (with a
 * `session_id` cookie), and the bus: `/websocket` and `/websocket/peek_notifications`. Shapes per the 19
 * recordings (the session info: its top-level keys, the recording being cut at 4,000 characters).
 */
import { randomBytes } from 'node:crypto';
import { pythonJsonDumps } from './codec/python';
import type { WireValue } from './codec/values';
import type { Database } from './database';
import { accessDenied, accessError } from './errors';
import { BAD_REQUEST_PAGE, JSON_TYPE, pageReply, type HttpRequest, type Reply } from './http-exchange';
import { jsonRpcReply } from './rpc-routes';
import type { RpcHost } from './rpc';
import { versionAnswer } from './versions';

/** A logged-in browser session (`/web/session/authenticate`). */
export interface Session {
  db: string;
  uid: number;
}

/** Sessions by `session_id` cookie value. */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  /** Opens a session; returns its id. */
  open(session: Session): string {
    const id = randomBytes(20).toString('hex');
    this.byId.set(id, session);
    return id;
  }

  /** The session of a request's `Cookie` header, if any. */
  fromCookie(cookie: string | undefined): Session | undefined {
    const id = /(?:^|;\s*)session_id=([^;]+)/.exec(cookie ?? '')?.[1];
    return id ? this.byId.get(id) : undefined;
  }
}

/** What the web routes need: the RPC host and the browser sessions. */
export interface WebHost extends RpcHost {
  readonly sessions: Sessions;
}

/** `/web/webclient/version_info` (JSON-RPC, every version). */
export function versionInfoRoute(host: WebHost, request: HttpRequest): Reply {
  return jsonRpcReply(host, request, '/web/webclient/version_info', () => versionAnswer(host.profile));
}

/** `GET /web/version` and `/json/version` (19+): `{"version_info", "version"}`, no credentials. */
export function versionRoute(host: WebHost): Reply {
  return { status: 200, contentType: JSON_TYPE, body: pythonJsonDumps({ version_info: [...host.profile.versionInfo], version: host.profile.serverVersion }) };
}

/** `/web/health`: `{"status": "pass"}`, with `db_server_status` when asked. */
export function healthRoute(request: HttpRequest): Reply {
  const body: { [key: string]: WireValue } = { status: 'pass' };
  if (request.query.has('db_server_status')) body.db_server_status = true;
  return { status: 200, contentType: JSON_TYPE, body: pythonJsonDumps(body) };
}

/** `/web/database/list` (JSON-RPC): the database names, unless `list_db` is off. */
export function databaseListRoute(host: WebHost, request: HttpRequest): Reply {
  return jsonRpcReply(host, request, '/web/database/list', () => {
    if (!host.listDb) throw accessDenied();
    return host.databaseNames();
  });
}

/** The session info of a logged-in user (19's top-level keys; values simplified). */
function sessionInfo(host: WebHost, db: Database, uid: number): { [key: string]: WireValue } {
  const user = db.table('res.users').get(uid);
  const partnerId = typeof user?.partner_id === 'number' ? user.partner_id : false;
  const partner = partnerId ? db.table('res.partner').get(partnerId) : undefined;
  const system = db.hasGroup(uid, 'base.group_system');
  const context = db.userContext(uid);
  return {
    uid,
    is_system: system,
    is_admin: system,
    is_public: false,
    is_internal_user: db.hasGroup(uid, 'base.group_user'),
    user_context: { ...context },
    db: db.name,
    registry_hash: randomBytes(32).toString('hex'),
    user_settings: { id: uid, user_id: { id: uid } },
    server_version: host.profile.serverVersion,
    server_version_info: [...host.profile.versionInfo],
    support_url: 'https://www.odoo.com/buy',
    name: String(user?.name ?? ''),
    username: String(user?.login ?? ''),
    quick_login: true,
    partner_write_date: String(partner?.write_date ?? ''),
    partner_display_name: partner ? db.displayName('res.partner', partner) : '',
    partner_id: partnerId,
    'web.base.url': 'http://127.0.0.1:8069',
    active_ids_limit: 20000,
    profile_session: null,
    profile_collectors: null,
    profile_params: null,
    max_file_upload_size: 134217728,
    home_action_id: false,
    currencies: { 1: { name: 'USD', symbol: '$', position: 'before', digits: [69, 2] } },
    bundle_params: { lang: context.lang },
    test_mode: false,
    view_info: { list: { display_name: 'List', icon: 'oi oi-view-list', multi_record: true } },
    groups: { 'base.group_allow_export': true },
    user_companies: { current_company: 1, allowed_companies: { 1: { id: 1, name: 'YourCompany', sequence: 0, child_ids: [], parent_id: false, currency_id: 1 } }, disallowed_ancestor_companies: {} },
    show_effect: true,
    max_time_between_keys_in_ms: 150,
    websocket_worker_version: `${host.profile.serie}-2`,
    tour_enabled: false,
    current_tour: null,
    storeData: { Store: { self_partner: partnerId } },
  };
}

/** `/web/session/authenticate` (JSON-RPC): the session info and a `session_id` cookie, or AccessDenied. */
export function sessionAuthenticateRoute(host: WebHost, request: HttpRequest): Reply {
  let cookie: string | undefined;
  const reply = jsonRpcReply(host, request, '/web/session/authenticate', (params) => {
    const db = typeof params.db === 'string' ? host.database(params.db) : undefined;
    if (!db) throw accessError('Database not found.');
    const uid = db.authenticate(params.login, params.password);
    if (uid === false) throw accessDenied();
    cookie = host.sessions.open({ db: db.name, uid });
    return sessionInfo(host, db, uid);
  });
  if (cookie) reply.headers = { ...reply.headers, 'Set-Cookie': `session_id=${cookie}; Expires=${new Date(Date.now() + 7 * 86400000).toUTCString()}; Max-Age=604800; HttpOnly; Path=/` };
  return reply;
}

/** `/websocket/peek_notifications` (JSON-RPC, a database route): the channels a client listens to, no news. */
export function peekNotificationsRoute(host: WebHost, request: HttpRequest, db: Database): Reply {
  return jsonRpcReply(host, request, '/websocket/peek_notifications', () => {
    const session = host.sessions.fromCookie(request.headers.cookie);
    const uid = session?.db === db.name ? session.uid : undefined;
    // The public user's group when nobody is logged in (id 11 in the recording), else the user's own.
    const group = uid === undefined ? 11 : db.hasGroup(uid, 'base.group_system') ? 4 : 1;
    return { channels: [[db.name, 'broadcast'], [db.name, 'res.groups', group]], notifications: [] };
  });
}

/** `GET /websocket` without a WebSocket upgrade (a database route): werkzeug's 400. */
export function websocketWithoutUpgrade(): Reply {
  return pageReply(400, BAD_REQUEST_PAGE);
}
