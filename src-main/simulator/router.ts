/**
 * Routes one request like Odoo's werkzeug routing: the server-wide routes (RPC, version, health, database
 * list, session login) answer without a database; the database routes (JSON-2, the bus) need one, chosen by
 * the `X-Odoo-Database` header (19+), `?db=`, the session, or the only database there is. Without one,
 * 19+ answers its "No database is selected" page, older versions werkzeug's 404.
 */
import type { Database } from './database';
import { NO_DATABASE_PAGE, NOT_FOUND_PAGE, pageReply, type HttpRequest, type Reply } from './http-exchange';
import { json2Reply } from './json2';
import { jsonRpcEndpoint, xmlRpcReply } from './rpc-routes';
import {
  databaseListRoute,
  healthRoute,
  peekNotificationsRoute,
  sessionAuthenticateRoute,
  versionInfoRoute,
  versionRoute,
  websocketWithoutUpgrade,
  type WebHost,
} from './web-routes';

/** The database a request selects, if any. */
export function selectDatabase(host: WebHost, request: HttpRequest): Database | undefined {
  const named = (name: string | null | undefined): Database | undefined => (name ? host.database(name) : undefined);
  if (host.profile.databaseHeader) {
    const byHeader = named(request.headers['x-odoo-database']);
    if (byHeader) return byHeader;
  }
  const byQuery = named(request.query.get('db'));
  if (byQuery) return byQuery;
  const bySession = named(host.sessions.fromCookie(request.headers.cookie)?.db);
  if (bySession) return bySession;
  const names = host.databaseNames();
  return names.length === 1 ? host.database(names[0]) : undefined;
}

/** The answer for a path no route serves, or a database route without a database. */
export function notFound(host: WebHost, db: Database | undefined): Reply {
  return pageReply(404, !db && host.profile.noDatabasePage ? NO_DATABASE_PAGE : NOT_FOUND_PAGE);
}

/** Server-wide routes (no database needed); undefined when the path is not one of them. */
function serverWideRoute(host: WebHost, request: HttpRequest): Reply | undefined {
  const xmlrpc = /^\/xmlrpc\/(?:(2)\/)?([^/]+)$/.exec(request.path);
  if (xmlrpc) return xmlRpcReply(host, request, xmlrpc[2], xmlrpc[1] !== '2');
  switch (request.path) {
    case '/jsonrpc':
      return jsonRpcEndpoint(host, request);
    case '/web/webclient/version_info':
      return versionInfoRoute(host, request);
    case '/web/version':
    case '/json/version':
      return host.profile.versionRoutes ? versionRoute(host) : undefined;
    case '/web/health':
      return healthRoute(request);
    case '/web/database/list':
      return databaseListRoute(host, request);
    case '/web/session/authenticate':
      return sessionAuthenticateRoute(host, request);
    default:
      return undefined;
  }
}

/** Database routes; undefined when the path is not one of them (for this version). */
function databaseRoute(host: WebHost, request: HttpRequest, db: Database): Reply | undefined {
  if (host.profile.json2 && (request.path === '/json/2' || request.path.startsWith('/json/2/'))) return json2Reply(host, request, db);
  if (request.path === '/websocket') return websocketWithoutUpgrade();
  if (request.path === '/websocket/peek_notifications') return peekNotificationsRoute(host, request, db);
  return undefined;
}

/** Answers one (non-upgrade) request. */
export function routeRequest(host: WebHost, request: HttpRequest): Reply {
  const serverWide = serverWideRoute(host, request);
  if (serverWide) return serverWide;
  const db = selectDatabase(host, request);
  return (db && databaseRoute(host, request, db)) || notFound(host, db);
}
