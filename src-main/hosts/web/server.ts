/**
 * Browser mode: serves the built renderer and the service channel over a WebSocket, on 127.0.0.1
 * only, behind a random per-start token. Every WebSocket connection is one channel peer
 * (`serveChannel`), disposed when it closes. Download links (exports) need the token too.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveChannel } from '../../common/channel';
import { SERVICE_SURFACES, type Services } from '../../common/services';
import { TEAM_CLIENT_SURFACES, type ITeamServerService } from '../../common/team';
import { DownloadRegistry } from './downloads';
import { plain, refuseUpgrade, securityHeaders, serveAttachment, serveStatic, socketPort } from './http';

/** The Content-Security-Policy of every page (no inline script, no remote origin). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; font-src 'self'; object-src 'none'; frame-ancestors 'none'";

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  services: Services;
  /** The team servers this workstation reads (served beside the services when given). */
  teams?: ITeamServerService;
  /** Only loopback is allowed; the option exists to make that explicit at call sites. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (`out/renderer`). */
  staticDir: string;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /** Where exports registered their files; one is created when absent. */
  downloads?: DownloadRegistry;
}

/** A running browser-mode server. */
export interface WebServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  downloads: DownloadRegistry;
  close(): Promise<void>;
}

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the browser-mode server. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const downloads = options.downloads ?? new DownloadRegistry();
  downloads.token = token;
  const root = resolve(options.staticDir);
  let port = 0;

  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host header.
  const allowedHost = (value: string | undefined) => value === `${host}:${port}` || value === `localhost:${port}`;
  const allowedOrigin = (value: string | undefined) =>
    value === undefined || value === `http://${host}:${port}` || value === `http://localhost:${port}`;

  const serveDownload = async (id: string, given: string | null, response: ServerResponse) => {
    if (!sameToken(given, token)) {
      plain(response, 403, 'This download link needs the token of the running app.');
      return;
    }
    const entry = downloads.take(id);
    if (!entry) {
      plain(response, 404, 'This download link was already used or has expired. Export again.');
      return;
    }
    await serveAttachment(entry.filePath, entry.fileName, response);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    securityHeaders(response, CONTENT_SECURITY_POLICY);
    if (!allowedHost(request.headers.host)) {
      plain(response, 421, 'Wrong host.');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      plain(response, 405, 'Method not allowed.');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${host}`);
    const download = /^\/download\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (download) {
      void serveDownload(download[1], url.searchParams.get('token'), response);
      return;
    }
    void serveStatic(root, url.pathname, response);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  const peers = new Set<{ socket: WebSocket; dispose(): void }>();
  sockets.on('connection', (socket: WebSocket) => {
    const served = options.teams
      ? serveChannel(socketPort(socket), { ...options.services, teams: options.teams }, { ...SERVICE_SURFACES, ...TEAM_CLIENT_SURFACES })
      : serveChannel(socketPort(socket), options.services, SERVICE_SURFACES);
    const peer = { socket, dispose: () => served.dispose() };
    peers.add(peer);
    socket.on('close', () => {
      served.dispose();
      peers.delete(peer);
    });
    socket.on('error', () => socket.close());
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', `http://${host}`);
    const refuse = (status: string) => refuseUpgrade(socket, status);
    if (url.pathname !== '/channel' || !allowedHost(request.headers.host)) return refuse('404 Not Found');
    if (!allowedOrigin(request.headers.origin)) return refuse('403 Forbidden');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse('401 Unauthorized');
    sockets.handleUpgrade(request, socket, head, (client) => sockets.emit('connection', client, request));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    downloads,
    async close() {
      for (const peer of peers) {
        peer.dispose();
        peer.socket.terminate();
      }
      peers.clear();
      await new Promise<void>((done) => sockets.close(() => done()));
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Reads the renderer's index.html (tests check it is built). */
export async function rendererBuilt(staticDir: string): Promise<boolean> {
  try {
    await readFile(resolve(staticDir, 'index.html'));
    return true;
  } catch {
    return false;
  }
}

export { openBrowser } from './open-browser';
export { DownloadRegistry } from './downloads';
