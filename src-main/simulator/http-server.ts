/**
 * The simulator's HTTP front on `node:http` (no framework): builds each request for the router, writes
 * the answers the way werkzeug does, accepts WebSocket upgrades on `/websocket`, and carries the fault
 * injector (latency, dropped connections, nginx 502 pages, truncated bodies, stop/restart on the same port).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { formatTraceback, XMLRPC_ENTRY_FRAMES } from './errors';
import { BAD_GATEWAY_PAGE, BAD_REQUEST_PAGE, pageReply, STATUS_TEXT, type HttpRequest, type Reply } from './http-exchange';
import type { Pacer } from './pacing';
import { Random } from './random';
import { notFound, routeRequest, selectDatabase } from './router';
import { asOdooException } from './rpc-routes';
import type { FaultInjector } from './types';
import type { WebHost } from './web-routes';

/** The request as the router sees it: path and query apart, one value per header, the body as text. */
function httpRequest(request: IncomingMessage, body: string): HttpRequest {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body };
}

/** A reply written straight to a socket (answers to upgrade requests bypass `ServerResponse`). */
function writeRaw(socket: Duplex, reply: Reply): void {
  const bytes = Buffer.from(reply.body, 'utf8');
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_TEXT[reply.status] ?? ''}`, `Content-Type: ${reply.contentType}`, `Content-Length: ${bytes.length}`, 'Connection: close'];
  for (const [name, value] of Object.entries(reply.headers ?? {})) head.push(`${name}: ${value}`);
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]));
}

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The listening server with its fault injector. */
export class SimulatorServer implements FaultInjector {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private latencyMs = 0;
  private jitterMs = 0;
  private drops = 0;
  private badGateways = 0;
  private truncations = 0;
  private listening = false;
  private boundPort = 0;
  private readonly random: Random;

  constructor(
    private readonly host: WebHost,
    seed: number,
    private readonly pacer?: Pacer,
  ) {
    this.random = new Random(seed ^ 0x5bd1e995);
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          const text = formatTraceback(asOdooException(error), XMLRPC_ENTRY_FRAMES);
          response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          response.end(text);
        } else {
          response.destroy();
        }
      });
    });
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex) => this.upgrade(request, socket));
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The bound port (after {@link listen}). */
  get port(): number {
    return this.boundPort;
  }

  /** Starts listening on 127.0.0.1 (`port` 0 = any free port). */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        this.listening = true;
        resolve(this.boundPort);
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');

    if (this.latencyMs > 0 || this.jitterMs > 0) {
      const delay = this.latencyMs + (this.jitterMs > 0 ? this.random.next() * this.jitterMs : 0);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    if (this.badGateways > 0) {
      this.badGateways--;
      this.send(response, { status: 502, contentType: 'text/html', body: BAD_GATEWAY_PAGE, headers: { Server: 'nginx/1.22.1' } });
      return;
    }
    const reply = routeRequest(this.host, httpRequest(request, body));
    if (this.pacer) await this.pacer.serve(reply);
    if (this.drops > 0) {
      this.drops--;
      const bytes = Buffer.from(reply.body, 'utf8');
      response.writeHead(reply.status, STATUS_TEXT[reply.status] ?? '', { 'Content-Type': reply.contentType, 'Content-Length': bytes.length });
      response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.socket?.destroy());
      return;
    }
    if (this.truncations > 0) {
      this.truncations--;
      const bytes = Buffer.from(reply.body, 'utf8');
      response.shouldKeepAlive = false;
      response.writeHead(reply.status, STATUS_TEXT[reply.status] ?? '', { 'Content-Type': reply.contentType, Connection: 'close' });
      response.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return;
    }
    this.send(response, reply);
  }

  /**
   * A request with `Connection: Upgrade`: `/websocket` with a database and a valid handshake switches
   * protocols (and stays open, silent, until either side closes); anything else gets an ordinary answer.
   */
  private upgrade(request: IncomingMessage, socket: Duplex): void {
    socket.on('error', () => socket.destroy());
    const parsed = httpRequest(request, '');
    if (parsed.path !== '/websocket') {
      writeRaw(socket, routeRequest(this.host, parsed));
      return;
    }
    const db = selectDatabase(this.host, parsed);
    if (!db) {
      writeRaw(socket, notFound(this.host, db));
      return;
    }
    const key = parsed.headers['sec-websocket-key'];
    if (!key || parsed.headers['sec-websocket-version'] !== '13' || parsed.headers.upgrade?.toLowerCase() !== 'websocket') {
      writeRaw(socket, pageReply(400, BAD_REQUEST_PAGE));
      return;
    }
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.sockets.add(socket as Socket);
    socket.on('close', () => this.sockets.delete(socket as Socket));
  }

  private send(response: ServerResponse, reply: Reply): void {
    const bytes = Buffer.from(reply.body, 'utf8');
    response.writeHead(reply.status, STATUS_TEXT[reply.status] ?? '', {
      'Content-Type': reply.contentType,
      'Content-Length': bytes.length,
      Server: 'Werkzeug/2.2.2 Python/3.11.2',
      ...reply.headers,
    });
    response.end(bytes);
  }

  // FaultInjector ----------------------------------------------------------------------------------------

  setLatency(ms: number, jitterMs = 0): void {
    this.latencyMs = Math.max(0, ms);
    this.jitterMs = Math.max(0, jitterMs);
  }

  dropNext(count: number): void {
    this.drops += Math.max(0, count);
  }

  badGatewayNext(count: number): void {
    this.badGateways += Math.max(0, count);
  }

  truncateNext(count: number): void {
    this.truncations += Math.max(0, count);
  }

  clear(): void {
    this.latencyMs = 0;
    this.jitterMs = 0;
    this.drops = 0;
    this.badGateways = 0;
    this.truncations = 0;
  }

  async stopListening(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  async resumeListening(): Promise<void> {
    if (this.listening) return;
    await this.listen(this.boundPort);
  }

  async restart(): Promise<void> {
    await this.stopListening();
    await this.resumeListening();
  }
}
