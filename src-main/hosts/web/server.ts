/**
 * Browser mode: serves the built renderer and the service channel over a WebSocket, on 127.0.0.1
 * only, behind a random per-start token. Every WebSocket connection is one channel peer
 * (`serveChannel`), disposed when it closes. Download links (exports) need the token too.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveChannel, type ChannelMessage, type MessagePort } from '../../common/channel';
import { SERVICE_SURFACES, type Services } from '../../common/services';
import { DownloadRegistry } from './downloads';

/** The Content-Security-Policy of every page (no inline script, no remote origin). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; font-src 'self'; object-src 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  services: Services;
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

function securityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

/** Wraps one WebSocket as a channel port (JSON text frames). */
function socketPort(socket: WebSocket): MessagePort {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    onMessage(listener) {
      const handler = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (isBinary) return;
        let message: ChannelMessage;
        try {
          message = JSON.parse(String(data)) as ChannelMessage;
        } catch {
          return;
        }
        listener(message);
      };
      socket.on('message', handler);
      return { dispose: () => socket.off('message', handler) };
    },
  };
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

  const serveStatic = async (pathname: string, response: ServerResponse) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      plain(response, 400, 'Bad path.');
      return;
    }
    const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const file = resolve(root, relative);
    if (file !== root && !file.startsWith(root + sep)) {
      plain(response, 403, 'Forbidden.');
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      const isIndex = extname(file) === '.html';
      response.writeHead(200, {
        'Content-Type': type,
        'Content-Length': info.size,
        // Hashed assets never change; the page itself must always be revalidated.
        'Cache-Control': isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
      });
      createReadStream(file).pipe(response);
    } catch {
      if (relative === 'index.html') {
        plain(response, 503, 'The workbench is not built. Run: npx vite build -c vite.renderer.config.ts');
        return;
      }
      plain(response, 404, 'Not found.');
    }
  };

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
    try {
      const info = await stat(entry.filePath);
      const type = CONTENT_TYPES[extname(entry.filePath)] ?? 'application/octet-stream';
      response.writeHead(200, {
        'Content-Type': type,
        'Content-Length': info.size,
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(entry.fileName)}`,
        'Cache-Control': 'no-store',
      });
      createReadStream(entry.filePath).pipe(response);
    } catch {
      plain(response, 410, 'The exported file is gone.');
    }
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    securityHeaders(response);
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
    void serveStatic(url.pathname, response);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  const peers = new Set<{ socket: WebSocket; dispose(): void }>();
  sockets.on('connection', (socket: WebSocket) => {
    const served = serveChannel(socketPort(socket), options.services, SERVICE_SURFACES);
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
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
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
