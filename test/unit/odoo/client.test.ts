import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { parseVersion } from '../../../src-main/odoo/client';
import { connectOdoo } from '../../../src-main/odoo/connection';
import { answerWith, methodOf, recordedAnswer, startServer, type TestServer } from './servers';

/** A server answering authenticate per database from the recordings, and db.list. */
let server: TestServer;
let listAllowed = true;

beforeAll(async () => {
  server = await startServer((request, response) => {
    const method = methodOf(request);
    if (method === 'list') {
      if (listAllowed) return answerWith(recordedAnswer('06-db-list.response.xml'), response);
      return answerWith(recordedAnswer('17-fault3-wrong-password.response.xml'), response); // list_db = False answers AccessDenied
    }
    if (method === 'authenticate') {
      if (request.body.includes('<string>nosuchdb</string>')) return answerWith(recordedAnswer('04-authenticate-unknown-db.response.xml'), response);
      if (request.body.includes('<string>WRONG</string>')) return answerWith(recordedAnswer('03-authenticate-wrong-password.response.xml'), response);
      return answerWith(recordedAnswer('02-authenticate-ok.response.xml'), response);
    }
    if (method === 'version') return answerWith(recordedAnswer('01-version.response.xml'), response);
    response.writeHead(500).end();
  });
});
afterAll(() => server.close());

const input = (db: string, secret: string) => ({ url: server.url, db, login: 'admin', secret, transport: 'xmlrpc' as const });

async function failure(promise: Promise<unknown>): Promise<OcmError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(OcmError);
  return error as OcmError;
}

describe('connectOdoo', () => {
  it('returns a client with the uid on success', async () => {
    const client = await connectOdoo(input('seed', 'admin'));
    expect(client.uid).toBe(2);
    expect(client.db).toBe('seed');
    expect(client.transport).toBe('xmlrpc');
    expect(await client.version()).toEqual({ serverVersion: '18.0-20250421', serverSerie: '18.0', major: 18, protocolVersion: 1 });
    client.close();
  });

  it('turns authenticate → False into auth-failed naming login, database and URL', async () => {
    const error = await failure(connectOdoo(input('seed', 'WRONG')));
    expect(error.code).toBe('auth-failed');
    expect(error.message).toBe(`Wrong login or password for admin on database seed at ${server.url}.`);
  });

  it('lists the server\'s databases in the hint of an unknown database when db.list is allowed', async () => {
    listAllowed = true;
    const error = await failure(connectOdoo(input('nosuchdb', 'admin')));
    expect(error.code).toBe('database-missing');
    expect(error.message).toBe(`database "nosuchdb" does not exist on ${server.url}`);
    expect(error.hint).toBe('Check the database name (it is case-sensitive). Databases on this server: big, plain, seed.');
  });

  it('keeps the plain hint when db.list is refused', async () => {
    listAllowed = false;
    const error = await failure(connectOdoo(input('nosuchdb', 'admin')));
    expect(error.code).toBe('database-missing');
    expect(error.hint).toBe('Check the database name (it is case-sensitive).');
    listAllowed = true;
  });

  it('refuses a URL that is not http(s)', async () => {
    const error = await failure(connectOdoo({ ...input('seed', 'admin'), url: 'ftp://erp.example.com' }));
    expect(error.code).toBe('invalid-input');
  });
});

describe('parseVersion', () => {
  it('reads the major from server_version_info, also for saas series', () => {
    expect(parseVersion({ server_version: 'saas~17.2+e', server_version_info: ['saas~17', 2, 0, 'final', 0, 'e'], server_serie: 'saas~17.2', protocol_version: 1 }, 'u').major).toBe(17);
  });
  it('rejects an answer that is not a version', () => {
    expect(() => parseVersion([1, 2], 'http://x')).toThrow(/unexpected answer to version/);
  });
});
