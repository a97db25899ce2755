/**
 * Tiny servers for transport tests: they answer with the recorded bodies of a real Odoo 18 server
 * (test/fixtures/odoo-recordings) or with broken answers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { RECORDINGS_DIR } from '../../fixtures/recordings';

/** Where the recorded exchanges live. */
export const recordingsDir = RECORDINGS_DIR;

/** One recorded answer: status line, content type and body. */
export interface RecordedAnswer {
  status: number;
  statusText: string;
  contentType: string;
  body: string;
}

/** Reads `NN-name.response.*` (an "HTTP 200 OK" line, headers, a blank line, the body). */
export function recordedAnswer(file: string): RecordedAnswer {
  const text = readFileSync(join(recordingsDir, file), 'utf8');
  const blank = text.indexOf('\n\n');
  const head = text.slice(0, blank).split('\n');
  const [, status, ...statusText] = head[0].split(' ');
  const contentType = head.find((line) => line.toLowerCase().startsWith('content-type:'))?.split(':').slice(1).join(':').trim() ?? '';
  return { status: Number(status), statusText: statusText.join(' '), contentType, body: text.slice(blank + 2) };
}

/** A received request. */
export interface ReceivedRequest {
  method: string;
  path: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A running test server. */
export interface TestServer {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** How many TCP connections were opened (keep-alive checks). */
  connections: number;
  close(): Promise<void>;
}

type Handler = (request: ReceivedRequest, response: http.ServerResponse, socket: Socket) => void;

/** Starts an http (or, with `tls`, https) server on 127.0.0.1 with a request handler. */
export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const state = { requests: [] as ReceivedRequest[], connections: 0 };
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? 'GET', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      state.requests.push(request);
      handler(request, res, req.socket);
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a recorded response file. */
export function answerWith(answer: RecordedAnswer, response: http.ServerResponse): void {
  response.writeHead(answer.status, answer.statusText, { 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
  response.end(answer.body);
}

/** The XML-RPC method name or JSON-RPC `params.method` of a request body. */
export function methodOf(request: ReceivedRequest): string {
  const xml = /<methodName>([^<]*)<\/methodName>/.exec(request.body);
  if (xml) return xml[1];
  try {
    return (JSON.parse(request.body) as { params?: { method?: string } }).params?.method ?? '';
  } catch {
    return '';
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A self-signed certificate for 127.0.0.1 made with openssl, or a reason why there is none. */
export function selfSignedCertificate(): { key: string; cert: string; fingerprint256: string } | { skip: string } {
  let opensslFound = false;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    opensslFound = true;
  } catch {
    return { skip: 'openssl is not installed, so no self-signed certificate can be made for the TLS test' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ocm-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=ocm-test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    if (!opensslFound || !existsSync(certFile)) return { skip: 'openssl could not create a certificate' };
    const cert = readFileSync(certFile, 'utf8');
    const fingerprint = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    return { key: readFileSync(keyFile, 'utf8'), cert, fingerprint256: fingerprint.trim().split('=')[1] };
  } catch (error) {
    return { skip: `openssl failed to create a certificate: ${String(error)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rejection of a promise as an OcmError (fails the test when it resolves or rejects with something else). */
export async function failure(promise: Promise<unknown>): Promise<OcmError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OcmError);
  return error as OcmError;
}
