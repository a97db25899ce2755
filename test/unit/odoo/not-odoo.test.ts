/**
 * Issue 14, item 10, against real servers on loopback: a plain web server (not Odoo) is said to be "not
 * an Odoo server", never "the server failed; try again"; Odoo at a wrong path stays "wrong path"; and an
 * https:// address on a port that speaks plain HTTP (Odoo's own port, as the simulator serves it) is said
 * to speak plain HTTP, not "the connection was cut off".
 */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { runConnectionChecks } from '../../../src-main/odoo/capabilities';
import { connectionInputOf } from '../../../src-main/odoo/connection';
import { createTransport } from '../../../src-main/odoo/transport';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator/index';
import { recordedAnswer, startServer, type TestServer } from './servers';

async function failure(promise: Promise<unknown>): Promise<OcmError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(OcmError);
  return error as OcmError;
}

const version = (url: string, kind: 'xmlrpc' | 'jsonrpc') => {
  const transport = createTransport(kind, { url, timeoutMs: 5000 });
  return failure(transport.call('common', 'version', [])).finally(() => transport.close());
};

let plainWebServer: TestServer;
let notFoundServer: TestServer;
let odooAtWrongPath: TestServer;
let simulator: RunningSimulator;

beforeAll(async () => {
  // Python's `http.server`: GET serves files, any POST is "501 Unsupported method".
  plainWebServer = await startServer((request, response) => {
    if (request.method === 'POST') {
      response.writeHead(501, 'Unsupported method (\'POST\')', { 'Content-Type': 'text/html;charset=utf-8', Server: 'SimpleHTTP/0.6 Python/3.12' });
      response.end('<!DOCTYPE HTML><html><head><title>Error response</title></head><body><h1>Error response</h1><p>Error code: 501</p></body></html>');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<html><body>Directory listing</body></html>');
  });
  // A web application that knows no such path: 404 for everything.
  notFoundServer = await startServer((_request, response) => {
    response.writeHead(404, 'Not Found', { 'Content-Type': 'text/plain' });
    response.end('Cannot POST');
  });
  // Odoo, but the RPC path answers 404 (the recorded page): its version request answers as Odoo's does.
  odooAtWrongPath = await startServer((request, response) => {
    if (request.path === '/web/webclient/version_info') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { server_version: '18.0', server_version_info: [18, 0, 0, 'final', 0, ''], server_serie: '18.0', protocol_version: 1 } }));
      return;
    }
    const answer = recordedAnswer('33-not-odoo-path.response.txt');
    response.writeHead(answer.status, answer.statusText, { 'Content-Type': answer.contentType });
    response.end(answer.body);
  });
  simulator = await startSimulator({ databases: [{ name: 'seed', module: true, demo: false }] });
});

afterAll(async () => {
  await Promise.all([plainWebServer?.close(), notFoundServer?.close(), odooAtWrongPath?.close(), simulator?.close()]);
});

describe('a server that is not Odoo', () => {
  for (const kind of ['xmlrpc', 'jsonrpc'] as const) {
    it(`is said to be not Odoo over ${kind}, whatever status it answers`, async () => {
      for (const server of [plainWebServer, notFoundServer]) {
        const error = await version(server.url, kind);
        expect(error.code).toBe('not-odoo');
        expect(error.message).toMatch(/is not an Odoo server/);
        expect(error.hint).not.toMatch(/try again/i);
      }
      // The question was asked: Odoo's version request went to the same server.
      expect(plainWebServer.requests.some((request) => request.path === '/web/webclient/version_info')).toBe(true);
    });
  }

  it('stays a wrong path when the server is Odoo after all', async () => {
    const error = await version(odooAtWrongPath.url, 'xmlrpc');
    expect(error.code).toBe('http-status');
    expect(error.message).toMatch(/404/);
  });

  it('fails the connection test at "reach" with its own words, and skips the rest as not Odoo', async () => {
    const checks = await runConnectionChecks(connectionInputOf({ url: plainWebServer.url, db: 'seed', login: 'admin', transport: 'xmlrpc' }, 'admin', { timeoutMs: 5000 }));
    expect(checks[0]).toMatchObject({ id: 'reach', status: 'failed', code: 'not-odoo' });
    expect(checks.slice(1).every((check) => check.status === 'skipped' && check.messageKey === 'check.skipped.notOdoo')).toBe(true);
  });
});

describe('https:// on a port that speaks plain HTTP', () => {
  it('is said to speak plain HTTP on Odoo\'s own port (the simulator, as a real Odoo serves 8069)', async () => {
    const url = simulator.url.replace(/^http:/, 'https:');
    for (const kind of ['xmlrpc', 'jsonrpc'] as const) {
      const error = await version(url, kind);
      expect(error.code).toBe('not-tls');
      expect(error.message).toMatch(/speaks plain HTTP, not HTTPS/);
      expect(error.hint).toContain(simulator.url);
    }
  });

  it('is said so too when the server drops the TLS handshake without a word (a reset)', async () => {
    // Answers HTTP requests, but cuts a connection that starts with a TLS record (0x16) off at once.
    const server = net.createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        if (chunk[0] === 0x16) return socket.resetAndDestroy();
        socket.end('HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const error = await version(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, 'xmlrpc');
      expect(error.code).toBe('not-tls');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('skips the rest of the connection test as an unusable address', async () => {
    const checks = await runConnectionChecks(connectionInputOf({ url: simulator.url.replace(/^http:/, 'https:'), db: 'seed', login: 'admin', transport: 'xmlrpc' }, 'admin', { timeoutMs: 5000 }));
    expect(checks[0]).toMatchObject({ id: 'reach', status: 'failed', code: 'not-tls' });
    expect(checks[1]).toMatchObject({ status: 'skipped', messageKey: 'check.skipped.urlUnusable' });
  });
});
