/**
 * Both transports against tiny local servers answering with recorded Odoo 18 bodies and with broken
 * answers: the same inputs must give the same OcmErrors over XML-RPC and JSON-RPC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { ERROR_LOG_ACCESS_ADVICE } from '../../../src-main/odoo/log-models';
import { createTransport } from '../../../src-main/odoo/transport';
import type { OdooValue, RpcTransport } from '../../../src-main/odoo/types';
import { answerWith, closedPort, methodOf, recordedAnswer, selfSignedCertificate, startServer, type RecordedAnswer, type TestServer } from './servers';
import type { RpcTransportKind } from '../../../src-main/odoo/transport';

/** Rejection of a promise as an OcmError (fails the test when it resolves or rejects with something else). */
async function failure(promise: Promise<unknown>): Promise<OcmError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OcmError);
  return error as OcmError;
}

function xmlFaultString(file: string): string {
  const body = recordedAnswer(file).body;
  const match = /<name>faultString<\/name>\s*<value><string>([\s\S]*?)<\/string>/.exec(body)!;
  return match[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** A JSON-RPC error answer like Odoo's for an exception without a recording of its own. */
function jsonError(name: string, message: string, debug: string): RecordedAnswer {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error', data: { name, debug, message, arguments: [message], context: {} } } });
  return { status: 200, statusText: 'OK', contentType: 'application/json; charset=utf-8', body };
}

/** The recorded answer each transport gets for one scenario. */
const scenarios: Record<string, Record<RpcTransportKind, () => RecordedAnswer>> = {
  version: { xmlrpc: () => recordedAnswer('01-version.response.xml'), jsonrpc: () => recordedAnswer('27-jsonrpc-version.response.json') },
  'access-denied': { xmlrpc: () => recordedAnswer('17-fault3-wrong-password.response.xml'), jsonrpc: () => recordedAnswer('30-jsonrpc-fault-access-denied.response.json') },
  'access-error': { xmlrpc: () => recordedAnswer('16-fault4-webhook.errors-unreadable.response.xml'), jsonrpc: () => recordedAnswer('31-jsonrpc-fault-access-error.response.json') },
  'model-missing': { xmlrpc: () => recordedAnswer('18-fault2-model-missing.response.xml'), jsonrpc: () => recordedAnswer('32-jsonrpc-fault-model-missing.response.json') },
  'database-missing': {
    xmlrpc: () => recordedAnswer('04-authenticate-unknown-db.response.xml'),
    jsonrpc: () => {
      const traceback = xmlFaultString('04-authenticate-unknown-db.response.xml');
      return jsonError('psycopg2.OperationalError', traceback.trim().split('\n').pop()!, traceback);
    },
  },
  'server-error': {
    xmlrpc: () => recordedAnswer('21-fault-bad-domain-field.response.xml'),
    jsonrpc: () => {
      const traceback = xmlFaultString('21-fault-bad-domain-field.response.xml');
      return jsonError('builtins.ValueError', "Invalid field update.webhook.nosuchfield in leaf ('nosuchfield', '=', 1)", traceback);
    },
  },
  'private-method': { xmlrpc: () => recordedAnswer('20-fault-private-method.response.xml'), jsonrpc: () => jsonError('odoo.exceptions.AccessError', xmlFaultString('20-fault-private-method.response.xml'), 'Traceback ...') },
};

const html502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';

describe.each(['xmlrpc', 'jsonrpc'] as const)('%s transport', (kind) => {
  let server: TestServer;
  /** What the server does next, set per test. */
  let behaviour: Parameters<typeof startServer>[0] = () => undefined;

  beforeAll(async () => {
    server = await startServer((request, response, socket) => behaviour(request, response, socket));
  });
  afterAll(() => server.close());

  const open = (timeoutMs?: number): RpcTransport => createTransport(kind, { url: server.url, timeoutMs });
  const answer = (scenario: string) => {
    behaviour = (_request, response) => answerWith(scenarios[scenario][kind](), response);
  };
  const executeKw = (transport: RpcTransport, db: string, model: string, method = 'search_count') =>
    transport.call('object', 'execute_kw', [db, 2, 'admin', model, method, [[]], {}]);

  it('decodes a recorded version answer and posts to the right path', async () => {
    answer('version');
    const transport = open();
    const before = server.requests.length;
    const version = await transport.call('common', 'version', []);
    transport.close();
    expect(version).toEqual({ server_version: '18.0-20250421', server_version_info: [18, 0, 0, 'final', 0, ''], server_serie: '18.0', protocol_version: 1 });
    expect(server.requests[before].path).toBe(kind === 'xmlrpc' ? '/xmlrpc/2/common' : '/jsonrpc');
    expect(methodOf(server.requests[before])).toBe('version');
  });

  it('keeps one connection alive across sequential calls', async () => {
    answer('version');
    const transport = open();
    const before = server.connections;
    await transport.call('common', 'version', []);
    await transport.call('common', 'version', []);
    await transport.call('common', 'version', []);
    transport.close();
    expect(server.connections - before).toBe(1);
  });

  it('retries a read once on a fresh connection when a kept-alive socket was closed, but never a create', async () => {
    const served = new WeakMap<object, number>();
    behaviour = (_request, response, socket) => {
      const count = (served.get(socket) ?? 0) + 1;
      served.set(socket, count);
      if (count === 2) return void socket.destroy(); // the server dropped the idle connection as the request came
      answerWith(scenarios.version[kind](), response);
    };
    const transport = open();
    const before = server.connections;
    await transport.call('common', 'version', []);
    expect(await transport.call('common', 'version', [])).toMatchObject({ server_serie: '18.0' });
    expect(server.connections - before).toBe(2);
    const error = await failure(transport.call('object', 'execute_kw', ['seed', 2, 'admin', 'res.partner', 'create', [{ name: 'x' }], {}]));
    transport.close();
    expect(error.code).toBe('network-reset');
  });

  it('maps Fault 3 to access-denied naming database and URL', async () => {
    answer('access-denied');
    const transport = open();
    const error = await failure(executeKw(transport, 'seed', 'update.webhook'));
    transport.close();
    expect(error.code).toBe('access-denied');
    expect(error.message).toBe(`Odoo refused the login or password for database seed on ${server.url}.`);
    expect(error.hint).toMatch(/password or API key/);
  });

  it('maps Fault 4 on webhook.errors to access-error keeping Odoo\'s message, with the addon hint', async () => {
    answer('access-error');
    const transport = open();
    const error = await failure(executeKw(transport, 'seed', 'webhook.errors'));
    transport.close();
    expect(error.code).toBe('access-error');
    expect(error.message).toMatch(/^You are not allowed to access 'Log errors occurring in webhook tracking' \(webhook.errors\) records\./);
    expect(error.hint).toBe(ERROR_LOG_ACCESS_ADVICE);
  });

  it('maps a refused private method to access-error', async () => {
    answer('private-method');
    const transport = open();
    const error = await failure(executeKw(transport, 'seed', 'res.partner', '_log_webhook_event'));
    transport.close();
    expect(error.code).toBe('access-error');
    expect(error.message).toMatch(/^Private methods \(such as 'res.partner._log_webhook_event'\) cannot be called remotely/);
  });

  it('maps "Object update.webhook doesn\'t exist" to model-missing', async () => {
    answer('model-missing');
    const transport = open();
    const error = await failure(executeKw(transport, 'plain', 'update.webhook'));
    transport.close();
    expect(error.code).toBe('model-missing');
    expect(error.message).toBe(`The auto_webhook module is not installed on database plain at ${server.url} (model update.webhook is missing).`);
    expect(error.hint).toMatch(/Install the auto_webhook module/);
  });

  it('maps an unknown database to database-missing with the exact wording', async () => {
    answer('database-missing');
    const transport = open();
    const error = await failure(transport.call('common', 'authenticate', ['nosuchdb', 'admin', 'admin', {}]));
    transport.close();
    expect(error.code).toBe('database-missing');
    expect(error.message).toBe(`database "nosuchdb" does not exist on ${server.url}`);
    expect(error.detail).toMatch(/^Traceback/);
  });

  it('maps other server exceptions to server-error: last traceback line as message, traceback as detail', async () => {
    answer('server-error');
    const transport = open();
    const error = await failure(executeKw(transport, 'seed', 'update.webhook'));
    transport.close();
    expect(error.code).toBe('server-error');
    expect(error.message).toBe("ValueError: Invalid field update.webhook.nosuchfield in leaf ('nosuchfield', '=', 1)");
    expect(error.detail).toMatch(/^Traceback \(most recent call last\)/);
  });

  it('turns an HTML 502 page into http-status with a proxy/restart hint', async () => {
    behaviour = (_request, response) => {
      response.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/html' });
      response.end(html502);
    };
    const transport = open();
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('http-status');
    expect(error.message).toMatch(/answered 502 Bad Gateway/);
    expect(error.message).toContain(server.url);
    expect(error.hint).toMatch(/restarting/);
    expect(error.detail).toContain('nginx');
  });

  it('turns the recorded 404 page, answered to Odoo\'s version request too, into not-odoo', async () => {
    behaviour = (_request, response) => answerWith(recordedAnswer('33-not-odoo-path.response.txt'), response);
    const transport = open();
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('not-odoo');
    expect(error.message).toMatch(/is not an Odoo server: it answered 404 NOT FOUND/i);
    expect(error.detail).toMatch(/404 NOT FOUND/i);
  });

  it('turns a 200 HTML page (a login portal) on every path into not-odoo, naming the HTML page', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><html><body>Please sign in</body></html>');
    };
    const transport = open();
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('not-odoo');
    expect(error.message).toMatch(/answered an HTML page/);
  });

  it('reports a body cut off before Content-Length as truncated', async () => {
    behaviour = (_request, response, socket) => {
      const full = scenarios.version[kind]();
      response.writeHead(200, { 'Content-Type': full.contentType, 'Content-Length': Buffer.byteLength(full.body) });
      response.write(full.body.slice(0, Math.floor(full.body.length / 2)));
      setImmediate(() => socket.destroy());
    };
    const transport = open();
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('protocol');
    expect(error.message).toMatch(/cut off/);
  });

  it('reports a close-delimited body that stops mid-document as truncated', async () => {
    behaviour = (_request, response) => {
      const full = scenarios.version[kind]();
      response.writeHead(200, { 'Content-Type': full.contentType, Connection: 'close' });
      response.end(full.body.slice(0, Math.floor(full.body.length / 2)));
    };
    const transport = open();
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('protocol');
    expect(error.message).toMatch(/cut off/);
  });

  it('times out a call the server never answers, saying how long it waited', async () => {
    behaviour = () => undefined; // never answers
    const transport = open(300);
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/within 300 ms/);
  });

  it('cancels a call in flight when its signal aborts', async () => {
    const controller = new AbortController();
    behaviour = () => controller.abort();
    const transport = open();
    const error = await failure(transport.call('common', 'version', [], { signal: controller.signal }));
    transport.close();
    expect(error.code).toBe('cancelled');
  });

  it('rejects undefined and BigInt arguments before sending anything', async () => {
    answer('version');
    const transport = open();
    const before = server.requests.length;
    const undefinedError = await failure(transport.call('object', 'execute_kw', ['seed', 2, 'admin', 'res.partner', 'search', [[['id', '>', undefined as unknown as OdooValue]]], {}]));
    const bigintError = await failure(transport.call('object', 'execute_kw', ['seed', 2, 'admin', 'res.partner', 'search', [[['id', '>', 1n as unknown as OdooValue]]], {}]));
    transport.close();
    expect(undefinedError.code).toBe('invalid-input');
    expect(undefinedError.message).toMatch(/undefined/);
    expect(bigintError.code).toBe('invalid-input');
    expect(bigintError.message).toMatch(/BigInt/);
    expect(server.requests.length).toBe(before);
  });

  it('reports a closed port as network-refused', async () => {
    const port = await closedPort();
    const transport = createTransport(kind, { url: `http://127.0.0.1:${port}` });
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('network-refused');
    expect(error.message).toBe(`Nothing answered at http://127.0.0.1:${port}: connection refused.`);
    expect(error.hint).toMatch(/URL and the port/);
  });
});

describe.each(['xmlrpc', 'jsonrpc'] as const)('%s over https with a self-signed certificate', (kind) => {
  const certificate = selfSignedCertificate();
  const skip = 'skip' in certificate ? certificate.skip : undefined;
  let server: TestServer | undefined;

  beforeAll(async () => {
    if ('skip' in certificate) return;
    server = await startServer((_request, response) => answerWith(scenarios.version[kind](), response), certificate);
  });
  afterAll(() => server?.close());

  it.skipIf(skip !== undefined)(`refuses it, naming its SHA-256 fingerprint${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const fingerprint = (certificate as { fingerprint256: string }).fingerprint256;
    const transport = createTransport(kind, { url: server!.url });
    const before = server!.requests.length;
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('tls');
    expect(error.message).toContain(fingerprint);
    expect(error.message).toMatch(/self-signed/);
    expect(server!.requests.length).toBe(before); // nothing (no password) was sent
  });

  it.skipIf(skip !== undefined)('accepts it when its fingerprint is trusted for the instance', async () => {
    const fingerprint = (certificate as { fingerprint256: string }).fingerprint256;
    const transport = createTransport(kind, { url: server!.url, trustedCertificateSha256: fingerprint.replace(/:/g, '').toLowerCase() });
    const version = await transport.call('common', 'version', []);
    transport.close();
    expect(version).toMatchObject({ server_serie: '18.0' });
  });

  it.skipIf(skip !== undefined)('refuses it when another fingerprint is trusted', async () => {
    const transport = createTransport(kind, { url: server!.url, trustedCertificateSha256: 'AB'.repeat(32) });
    const before = server!.requests.length;
    const error = await failure(transport.call('common', 'version', []));
    transport.close();
    expect(error.code).toBe('tls');
    expect(error.message).toMatch(/not the one trusted for this instance/);
    expect(server!.requests.length).toBe(before);
  });
});
