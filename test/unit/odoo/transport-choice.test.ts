/**
 * The transport chosen from the server's version (odoo/transport-choice.ts) against simulated Odoo 17
 * to 20 over loopback HTTP, and through a proxy that lets only some paths through; and the `db` service
 * left alone on Odoo 20, where it was removed.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transportNote } from '../../../src-main/common/transport-note';
import { openEndpoint } from '../../../src-main/odoo/connection';
import { chooseTransport, transportFor } from '../../../src-main/odoo/transport-choice';
import { startSimulator, type OdooVersion, type RunningSimulator } from '../../../src-main/simulator';
import { closedPort, failure, startServer, type TestServer } from './servers';

const simulators = new Map<OdooVersion, RunningSimulator>();
beforeAll(async () => {
  for (const odoo of [17, 18, 19, 20] as const) simulators.set(odoo, await startSimulator({ odoo, seed: 2 }));
});
afterAll(async () => {
  for (const simulator of simulators.values()) await simulator.close();
});
const sim = (odoo: OdooVersion) => simulators.get(odoo)!;

/** A proxy in front of `target` that answers 404 for every path `blocked` matches, and records what passed. */
async function proxy(target: RunningSimulator, blocked: RegExp): Promise<TestServer> {
  return startServer((request, response) => {
    if (blocked.test(request.path)) return void response.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>Not Found</body></html>');
    const forwarded = http.request(`${target.url}${request.path}`, { method: request.method, headers: { ...request.headers, host: `127.0.0.1:${target.port}` } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forwarded.end(request.body);
  });
}

describe('chooseTransport', () => {
  it.each([17, 18] as const)('chooses JSON-RPC on Odoo %i, whatever the secret', async (odoo) => {
    for (const secret of ['admin', sim(odoo).database('seed').apiKey('admin')]) {
      expect(await chooseTransport({ url: sim(odoo).url, secret })).toMatchObject({ transport: 'jsonrpc', reason: 'jsonrpc', serverSerie: `${odoo}.0`, major: odoo });
    }
  });

  it.each([19, 20] as const)('chooses JSON-2 on Odoo %i with an API key, JSON-RPC with a password (an API key is needed)', async (odoo) => {
    const server = sim(odoo);
    const before = server.deprecatedCalls();
    expect(await chooseTransport({ url: server.url, secret: server.database('seed').apiKey('admin') })).toMatchObject({ transport: 'json2', reason: 'json2', major: odoo });
    expect(await chooseTransport({ url: server.url, secret: 'admin' })).toMatchObject({ transport: 'jsonrpc', reason: 'json2-needs-key', major: odoo });
    // The version came from /web/version: choosing called no deprecated endpoint.
    expect(server.deprecatedCalls()).toBe(before);
  });

  it('chooses XML-RPC where only /xmlrpc/2 answers (a proxy that filters the rest)', async () => {
    const filtering = await proxy(sim(18), /^\/(jsonrpc|web\/version)/);
    try {
      expect(await chooseTransport({ url: filtering.url, secret: 'admin' })).toMatchObject({ transport: 'xmlrpc', reason: 'xmlrpc', major: 18 });
      // A JSON-RPC answer no Odoo gives is checked once against Odoo's own version page before XML-RPC is tried.
      expect(filtering.requests.map((request) => request.path)).toEqual(['/web/version', '/jsonrpc', '/web/webclient/version_info', '/xmlrpc/2/common']);
    } finally {
      await filtering.close();
    }
  });

  it('rejects with the first answer\'s error when nothing answers like Odoo, or nothing answers at all', async () => {
    const nothing = await startServer((_request, response) => void response.writeHead(404, { 'Content-Type': 'text/html' }).end('<html>no</html>'));
    try {
      expect((await failure(chooseTransport({ url: nothing.url, secret: 'x' }))).code).toBe('not-odoo');
    } finally {
      await nothing.close();
    }
    expect((await failure(chooseTransport({ url: `http://127.0.0.1:${await closedPort()}`, secret: 'x' }))).code).toBe('network-refused');
  });

  it('chooses JSON-2 from Odoo 22 on (XML-RPC and JSON-RPC removed), saying a key is needed when a password is given', () => {
    const version = (major: number) => ({ serverVersion: `${major}.0`, serverSerie: `${major}.0`, major, protocolVersion: 1 });
    expect(transportFor(version(21), 'admin')).toEqual({ transport: 'jsonrpc', reason: 'json2-needs-key' });
    expect(transportFor(version(22), 'admin')).toEqual({ transport: 'json2', reason: 'json2-needs-key' });
    expect(transportFor(version(22), 'ab'.repeat(20))).toEqual({ transport: 'json2', reason: 'json2' });
  });
});

describe('the db service on Odoo 20', () => {
  it.each([['xmlrpc', /\/xmlrpc\/2\/db/], ['jsonrpc', /"service":\s*"db"/]] as const)('is not called over %s for an unknown database, before 20 it lists them', async (transport, dbCall) => {
    for (const odoo of [19, 20] as const) {
      const recording = await proxy(sim(odoo), /^$/);
      try {
        const endpoint = openEndpoint({ url: recording.url, transport });
        const error = await failure(endpoint.login({ db: 'nosuchdb', login: 'admin', secret: 'admin' }));
        endpoint.close();
        expect(error.code).toBe('database-missing');
        const dbCalls = recording.requests.filter((request) => dbCall.test(request.path) || dbCall.test(request.body));
        if (odoo === 20) {
          expect(dbCalls).toEqual([]);
          expect(error.hint).not.toMatch(/Databases on this server/);
        } else {
          expect(dbCalls).toHaveLength(1);
          expect(error.hint).toMatch(/Databases on this server: .*seed/);
        }
      } finally {
        await recording.close();
      }
    }
  });
});

describe('transportNote', () => {
  it('warns about XML-RPC and JSON-RPC on a server that offers JSON-2, whatever chose them', () => {
    expect(transportNote('jsonrpc', { reason: 'jsonrpc', serverSerie: '18.0', major: 18 })).toMatchObject({ status: 'ok', messageKey: 'transport.jsonrpc' });
    // The server was upgraded since the choice: the last sync saw 19.
    expect(transportNote('jsonrpc', { reason: 'jsonrpc', serverSerie: '18.0', major: 18 }, { major: 19 })).toMatchObject({
      status: 'warning',
      messageKey: 'transport.deprecated',
      message: 'JSON-RPC is deprecated on Odoo 19.0, which offers JSON-2; Odoo 22 removes it.',
    });
    expect(transportNote('xmlrpc', undefined, { major: 20, serie: '20.0' })).toMatchObject({ status: 'warning', messageKey: 'transport.deprecated' });
    expect(transportNote('xmlrpc', undefined)).toMatchObject({ status: 'ok', message: 'XML-RPC, as chosen.' });
    expect(transportNote('json2', { reason: 'forced' }, { major: 18, serie: '18.0' })).toMatchObject({ status: 'failed', messageKey: 'transport.json2TooOld' });
  });
});
