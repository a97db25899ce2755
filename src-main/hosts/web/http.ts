/**
 * The HTTP pieces both browser-mode servers share (`ocm ui` on loopback with a token, `ocm serve` for a
 * team): strict security headers, the built renderer served from one folder only, files offered as
 * downloads, and a WebSocket wrapped as a channel port.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { WebSocket } from 'ws';
import type { ChannelMessage, MessagePort } from '../../common/channel';

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

/** The content type of a file by its extension. */
export function contentType(file: string): string {
  return CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
}

/** Headers every answer carries: the page's CSP, no sniffing, no framing, no referrer. */
export function securityHeaders(response: ServerResponse, contentSecurityPolicy: string): void {
  response.setHeader('Content-Security-Policy', contentSecurityPolicy);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** A short plain-text answer. */
export function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

/** Serves `pathname` from the built renderer in `root`, never a file outside it. */
export async function serveStatic(root: string, pathname: string, response: ServerResponse): Promise<void> {
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
    const isIndex = extname(file) === '.html';
    response.writeHead(200, {
      'Content-Type': contentType(file),
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
}

/** Sends a file as an attachment named `fileName` (410 when it is gone). */
export async function serveAttachment(filePath: string, fileName: string, response: ServerResponse): Promise<void> {
  try {
    const info = await stat(filePath);
    response.writeHead(200, {
      'Content-Type': contentType(filePath),
      'Content-Length': info.size,
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      'Cache-Control': 'no-store',
    });
    createReadStream(filePath).pipe(response);
  } catch {
    plain(response, 410, 'The exported file is gone.');
  }
}

/** Wraps one WebSocket as a channel port (JSON text frames). */
export function socketPort(socket: WebSocket): MessagePort {
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

/** Writes a refusal on a raw upgrade socket and closes it. */
export function refuseUpgrade(socket: { end(text: string): void }, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
