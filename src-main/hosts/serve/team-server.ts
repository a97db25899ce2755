/**
 * The team server: the workbench and its channel for signed-in people, over HTTPS (a certificate pair)
 * or behind a named reverse proxy, or over plain HTTP on loopback only (config.ts enforces which).
 *
 * - Sign-in is a JSON POST (`/api/login`) from the server's own origin; it sets an HttpOnly,
 *   SameSite=Strict session cookie (Secure and `__Host-` prefixed under HTTPS), rotated at every sign-in.
 *   Failed sign-ins are throttled per login and address.
 * - The WebSocket upgrade (`/channel`) needs the session cookie and the server's own Origin (a page on
 *   another site can neither read nor use the cookie, and cross-site upgrades are refused: no CSRF).
 * - Each connection serves the services wrapped by the policy for its session (accounts/policy.ts); a
 *   session that ends (logout, expiry, an admin revoking it, a removed user) closes its connections.
 * - Behind a proxy only the proxy may connect, and only its X-Forwarded-* headers are read.
 * - Downloads (exports) work once, for the user who exported.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AccountService, accountInfo } from '../../accounts/account-service';
import type { LoginThrottle } from '../../accounts/login-throttle';
import { policedServices, policedUsers } from '../../accounts/policy';
import type { Principal, SessionManager } from '../../accounts/sessions';
import { tokenHash } from '../../accounts/sessions';
import { serveChannel } from '../../common/channel';
import { OcmError, toOcmError } from '../../common/errors';
import { SERVICE_SURFACES, type Services } from '../../common/services';
import { TEAM_SURFACES, type IUserService } from '../../common/team';
import type { JournalPort } from '../../store/ports';
import type { AccountStore } from '../../store/repositories/accounts';
import type { DownloadRegistry } from '../web/downloads';
import { plain, refuseUpgrade, securityHeaders, serveAttachment, serveStatic, socketPort } from '../web/http';
import { isLoopback, type ServeConfig } from './config';

/** The team pages' Content-Security-Policy: only this origin, for scripts, styles, data and the socket. */
export const TEAM_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/** The session cookie's name: `__Host-` prefixed when Secure (the browser then pins it to this host and path). */
export function cookieName(secure: boolean): string {
  return secure ? '__Host-ocm-session' : 'ocm-session';
}

/** WebSocket close code sent when the session behind a connection ended. */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/** What the team server serves and with what. */
export interface TeamServerOptions {
  services: Services;
  accounts: AccountStore;
  journal: Pick<JournalPort, 'begin' | 'finish'>;
  sessions: SessionManager;
  /** The shared users service (the policy lets admins only use it). */
  users: IUserService;
  throttle: LoginThrottle;
  downloads: DownloadRegistry;
  staticDir: string;
  config: Pick<ServeConfig, 'host' | 'port' | 'tls' | 'behindProxy' | 'publicOrigin'>;
  /** What `/healthz` adds to `{ status: 'ok' }` (no secrets, no instance names). */
  health?(): Record<string, unknown>;
  /** How often an open connection re-checks its session (default 15 s). */
  revalidateMs?: number;
}

/** A running team server. */
export interface TeamServer {
  /** The address it answers on. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Where a request came from, as far as this server may believe. */
interface RequestFacts {
  /** The client's address (behind the proxy: the one the proxy saw). */
  address: string;
  scheme: 'http' | 'https';
  host: string | undefined;
}

const bare = (address: string | undefined) => (address ?? '').replace(/^::ffff:/, '');
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) cookies.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  return cookies;
}

function json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new OcmError('invalid-input', 'The request is too large.'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts the team server. */
export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  const { config, sessions } = options;
  const root = resolve(options.staticDir);
  let port = config.port;

  /** What may be believed of a request; undefined when it must be refused (not from the proxy). */
  const factsOf = (request: IncomingMessage): RequestFacts | undefined => {
    const peer = bare(request.socket.remoteAddress);
    if (config.behindProxy) {
      if (peer !== bare(config.behindProxy)) return undefined;
      const proto = first(request.headers['x-forwarded-proto'])?.toLowerCase();
      const forwardedFor = (Array.isArray(request.headers['x-forwarded-for']) ? request.headers['x-forwarded-for'].join(',') : request.headers['x-forwarded-for'] ?? '').split(',').map((part) => part.trim()).filter(Boolean);
      return {
        // The proxy appends the address it saw last; earlier entries are whatever the client claimed.
        address: forwardedFor[forwardedFor.length - 1] ?? peer,
        scheme: proto === 'https' ? 'https' : 'http',
        host: first(request.headers['x-forwarded-host']) ?? request.headers.host,
      };
    }
    return { address: peer, scheme: config.tls ? 'https' : 'http', host: request.headers.host };
  };

  /** Plain HTTP on loopback: only this machine's names (DNS rebinding sends a foreign Host). */
  const hostAllowed = (facts: RequestFacts) => {
    if (config.publicOrigin) return facts.host === new URL(config.publicOrigin).host;
    if (config.tls || config.behindProxy) return facts.host !== undefined;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(facts.host ?? '');
  };
  const originOf = (facts: RequestFacts) => config.publicOrigin ?? `${facts.scheme}://${facts.host}`;
  const sameOrigin = (request: IncomingMessage, facts: RequestFacts) => request.headers.origin === originOf(facts);
  const sessionToken = (request: IncomingMessage) => {
    const cookies = parseCookies(request.headers.cookie);
    return cookies.get(cookieName(true)) ?? cookies.get(cookieName(false));
  };
  const setCookie = (facts: RequestFacts, token: string, maxAge: number) => {
    const secure = facts.scheme === 'https';
    return `${cookieName(secure)}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
  };

  const connections = new Map<string, Set<WebSocket>>();
  // After the current reply went out (it says why), so the workbench knows to show the sign-in page.
  const endConnection = (socket: WebSocket) => setImmediate(() => socket.close(SESSION_ENDED_CLOSE_CODE, 'session ended'));
  const closeSession = (sessionId: string) => {
    for (const socket of connections.get(sessionId) ?? []) endConnection(socket);
  };

  const login = async (request: IncomingMessage, response: ServerResponse, facts: RequestFacts) => {
    if (!sameOrigin(request, facts)) return json(response, 403, { error: { code: 'access-denied', message: 'Sign-in must come from this server’s own page.' } });
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return json(response, 415, { error: { code: 'invalid-input', message: 'Sign-in expects JSON.' } });
    let login = '';
    try {
      let body: { login?: unknown; password?: unknown };
      try {
        body = JSON.parse(await readBody(request, 8192)) as typeof body;
      } catch (error) {
        throw error instanceof OcmError ? error : new OcmError('invalid-input', 'The sign-in request is not valid JSON.');
      }
      if (typeof body !== 'object' || body === null || typeof body.login !== 'string' || typeof body.password !== 'string' || body.login.length > 200 || body.password.length > 1024) throw new OcmError('invalid-input', 'Give a login and a password.');
      login = body.login;
      options.throttle.check(login, facts.address);
      const { token, principal } = await sessions.signIn(login, body.password, sessionToken(request));
      options.throttle.succeeded(login, facts.address);
      json(response, 200, { account: accountInfo(principal) }, { 'Set-Cookie': setCookie(facts, token, sessions.policy.lifetimeSeconds) });
    } catch (error) {
      const failure = toOcmError(error);
      if (failure.code === 'auth-failed') options.throttle.failed(login, facts.address);
      const status = failure.code === 'auth-failed' ? 401 : failure.code === 'access-denied' ? 429 : failure.code === 'invalid-input' ? 400 : 500;
      const headers: Record<string, string> = status === 429 && failure.detail ? { 'Retry-After': failure.detail } : {};
      json(response, status, { error: { code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) } }, headers);
    }
  };

  const logout = async (request: IncomingMessage, response: ServerResponse, facts: RequestFacts) => {
    if (!sameOrigin(request, facts)) return json(response, 403, { error: { code: 'access-denied', message: 'Sign-out must come from this server’s own page.' } });
    const token = sessionToken(request);
    if (token) {
      await sessions.end(tokenHash(token));
      closeSession(tokenHash(token));
    }
    response.writeHead(204, { 'Set-Cookie': setCookie(facts, '', 0), 'Cache-Control': 'no-store' });
    response.end();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    securityHeaders(response, TEAM_CONTENT_SECURITY_POLICY);
    const url = new URL(request.url ?? '/', 'http://team.invalid');
    const facts = factsOf(request);
    if (!facts) {
      // The health check of the container or the service manager comes from this machine itself.
      if (url.pathname === '/healthz' && isLoopback(bare(request.socket.remoteAddress))) return json(response, 200, { status: 'ok', ...options.health?.() });
      return plain(response, 403, 'Only the reverse proxy may connect to this server.');
    }
    if (facts.scheme === 'https') response.setHeader('Strict-Transport-Security', 'max-age=31536000');
    if (url.pathname === '/healthz') return json(response, 200, { status: 'ok', ...options.health?.() });
    if (!hostAllowed(facts)) return plain(response, 421, 'Wrong host.');
    if (request.method === 'POST' && url.pathname === '/api/login') return login(request, response, facts);
    if (request.method === 'POST' && url.pathname === '/api/logout') return logout(request, response, facts);
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'Method not allowed.');
    const token = sessionToken(request);
    const principal = token ? await sessions.validate(token) : undefined;
    if (url.pathname === '/api/session') {
      return principal ? json(response, 200, { mode: 'team', account: accountInfo(principal) }) : json(response, 401, { mode: 'team' });
    }
    const download = /^\/download\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (download) {
      if (!principal) return plain(response, 401, 'Sign in to download this export.');
      const entry = options.downloads.take(download[1], principal.userId);
      if (!entry) return plain(response, 404, 'This download link was already used, has expired, or is someone else’s. Export again.');
      return serveAttachment(entry.filePath, entry.fileName, response);
    }
    return serveStatic(root, url.pathname, response);
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) plain(response, 500, 'The server failed to answer.');
      console.error('team server request failed', error);
    });
  };
  const server: Server = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key, minVersion: 'TLSv1.2' }, listener) : createHttpServer(listener);

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  const open = new Set<WebSocket>();
  const serveSession = (socket: WebSocket, first: Principal) => {
    const sessionId = first.sessionId;
    let latest = first;
    const current = async () => {
      const principal = await sessions.principal(sessionId);
      if (!principal) {
        endConnection(socket);
        throw new OcmError('access-denied', 'Your session ended; sign in again.');
      }
      latest = principal;
      return principal;
    };
    const session = { current, latest: () => latest };
    const policed = policedServices(options.services, {
      ...session,
      journal: options.journal,
      savePreferences: (userId, preferences) => options.accounts.updateUser(userId, { preferences }),
    });
    const account = new AccountService({ store: options.accounts, sessions, current, onLogout: closeSession });
    const served = serveChannel(socketPort(socket), { ...policed.services, account, users: policedUsers(options.users, session) }, { ...SERVICE_SURFACES, ...TEAM_SURFACES });
    const members = connections.get(sessionId) ?? new Set<WebSocket>();
    members.add(socket);
    connections.set(sessionId, members);
    open.add(socket);
    const timer = setInterval(() => void current().catch(() => undefined), options.revalidateMs ?? 15_000);
    socket.on('close', () => {
      clearInterval(timer);
      served.dispose();
      policed.dispose();
      members.delete(socket);
      if (members.size === 0) connections.delete(sessionId);
      open.delete(socket);
    });
    socket.on('error', () => socket.close());
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const facts = factsOf(request);
      const url = new URL(request.url ?? '/', 'http://team.invalid');
      if (!facts) return refuseUpgrade(socket, '403 Forbidden');
      if (url.pathname !== '/channel' || !hostAllowed(facts)) return refuseUpgrade(socket, '404 Not Found');
      if (!sameOrigin(request, facts)) return refuseUpgrade(socket, '403 Forbidden');
      const token = sessionToken(request);
      const principal = token ? await sessions.validate(token) : undefined;
      if (!principal) return refuseUpgrade(socket, '401 Unauthorized');
      sockets.handleUpgrade(request, socket, head, (client) => serveSession(client, principal));
    })().catch(() => refuseUpgrade(socket, '500 Internal Server Error'));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `${config.tls ? 'https' : 'http'}://${shownHost}:${port}/`,
    port,
    async close() {
      for (const socket of open) socket.terminate();
      open.clear();
      await new Promise<void>((done) => sockets.close(() => done()));
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
