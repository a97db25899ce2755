/**
 * The simulator's HTTP front: Odoo 18's RPC routes on `node:http` (no framework) with werkzeug's status
 * pages, plus the fault injector (latency, dropped connections, nginx 502 pages, truncated bodies,
 * stop/restart on the same port).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pythonJsonDumps } from './codec/python';
import type { WireValue } from './codec/values';
import { formatFault, formatResponse, MarshalError, parseMethodCall, XmlRpcParseError } from './codec/xmlrpc';
import { faultCode, faultString, formatTraceback, jsonRpcError, legacyFault, OdooException, pythonError, XMLRPC_ENTRY_FRAMES } from './errors';
import { Random } from './random';
import { dispatchRpc, VERSION_INFO, type RpcHost } from './rpc';
import { cannotMarshal, malformedXml } from './tracebacks';
import type { FaultInjector } from './types';

const XML = 'text/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

/** werkzeug's 404 page (recording 33). */
export const NOT_FOUND_PAGE =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
/** werkzeug's 405 page (recording 34). */
export const METHOD_NOT_ALLOWED_PAGE =
  '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n';
/** nginx's 502 page, as a reverse proxy in front of a dead Odoo answers. */
export const BAD_GATEWAY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';

function badRequestPage(description: string): string {
  const escaped = description.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;').replace(/"/g, '&#34;');
  return `<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>${escaped}</p>\n`;
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 400: 'BAD REQUEST', 404: 'NOT FOUND', 405: 'METHOD NOT ALLOWED', 502: 'Bad Gateway' };

/** Turns anything thrown by dispatch into an Odoo exception (bugs become fault 1 with the JS message). */
function asOdooException(error: unknown): OdooException {
  if (error instanceof OdooException) return error;
  const message = error instanceof Error ? error.message : String(error);
  return pythonError('Exception', message);
}

function xmlRpcReply(host: RpcHost, service: string, legacy: boolean, body: string): Reply {
  const fault = (error: OdooException): Reply => {
    if (legacy) {
      const { code, message } = legacyFault(error, XMLRPC_ENTRY_FRAMES);
      return { status: 200, contentType: XML, body: formatFault(code, message) };
    }
    return { status: 200, contentType: XML, body: formatFault(faultCode(error), faultString(error)) };
  };
  let call;
  try {
    call = parseMethodCall(body);
  } catch (error) {
    if (error instanceof XmlRpcParseError) return fault(malformedXml(error.message));
    throw error;
  }
  let result: WireValue | null;
  try {
    result = dispatchRpc(host, service, call.method, call.params);
  } catch (error) {
    return fault(asOdooException(error));
  }
  try {
    if (result === null) throw new MarshalError('cannot marshal None unless allow_none is enabled');
    return { status: 200, contentType: XML, body: formatResponse(result) };
  } catch (error) {
    if (error instanceof MarshalError) return fault(cannotMarshal(error.message));
    throw error;
  }
}

function isJsonRequest(contentType: string | undefined): boolean {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return mime === 'application/json' || mime === 'application/json-rpc';
}

function jsonReply(host: RpcHost, path: string, body: string, contentType: string | undefined): Reply {
  if (!isJsonRequest(contentType)) {
    return {
      status: 400,
      contentType: HTML,
      body: badRequestPage(
        `Request inferred type is compatible with ['http'] but '${path}' is type='json'.\n\nPlease verify the Content-Type request header and try again.`,
      ),
    };
  }
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return { status: 400, contentType: HTML, body: 'Invalid JSON data' };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { status: 400, contentType: HTML, body: 'Invalid JSON-RPC data' };
  }
  const envelope = request as { id?: WireValue; params?: unknown };
  const id = envelope.id ?? null;
  const answer = (payload: { result?: WireValue | null; error?: WireValue }): Reply => ({
    status: 200,
    contentType: JSON_TYPE,
    body: pythonJsonDumps({ jsonrpc: '2.0', id, ...('error' in payload ? { error: payload.error as WireValue } : { result: payload.result ?? null }) }),
  });
  if (path === '/web/webclient/version_info') return answer({ result: { ...VERSION_INFO } });
  const params = (envelope.params && typeof envelope.params === 'object' ? envelope.params : {}) as Record<string, unknown>;
  try {
    const missing = ['service', 'method', 'args'].filter((name) => !(name in params));
    if (missing.length) {
      throw pythonError(
        'TypeError',
        `RPC.jsonrpc() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((name) => `'${name}'`).join(', ')}`,
      );
    }
    const args = Array.isArray(params.args) ? (params.args as WireValue[]) : [];
    const result = dispatchRpc(host, String(params.service), String(params.method), args);
    return answer({ result });
  } catch (error) {
    return answer({ error: jsonRpcError(asOdooException(error)) });
  }
}

/** Routes one request like Odoo 18 (werkzeug routing + the RPC controller). */
export function routeRequest(host: RpcHost, method: string, path: string, body: string, contentType: string | undefined): Reply {
  const xmlrpc = /^\/xmlrpc\/(?:(2)\/)?([^/]+)$/.exec(path);
  if (xmlrpc) {
    if (method !== 'POST') return { status: 405, contentType: HTML, body: METHOD_NOT_ALLOWED_PAGE, headers: { Allow: 'POST' } };
    return xmlRpcReply(host, xmlrpc[2], xmlrpc[1] !== '2', body);
  }
  if (path === '/jsonrpc' || path === '/web/webclient/version_info') return jsonReply(host, path, body, contentType);
  return { status: 404, contentType: HTML, body: NOT_FOUND_PAGE };
}

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
    private readonly host: RpcHost,
    seed: number,
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
    const path = (request.url ?? '/').split('?')[0];

    if (this.latencyMs > 0 || this.jitterMs > 0) {
      const delay = this.latencyMs + (this.jitterMs > 0 ? this.random.next() * this.jitterMs : 0);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    if (this.badGateways > 0) {
      this.badGateways--;
      this.send(response, { status: 502, contentType: 'text/html', body: BAD_GATEWAY_PAGE, headers: { Server: 'nginx/1.22.1' } });
      return;
    }
    const reply = routeRequest(this.host, request.method ?? 'GET', path, body, request.headers['content-type']);
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
