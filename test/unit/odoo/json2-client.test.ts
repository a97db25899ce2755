/**
 * The JSON-2 client against a loopback server that replays the exchanges recorded from a real Odoo 19
 * server (test/fixtures/odoo19-recordings/exchanges.json) verbatim: a request gets the recorded answer
 * whose method, path and body it matches, and the authentication answers (wrong key, no key, unknown
 * database) whatever the path, as Odoo checks those before it looks at the model. Every recorded JSON-2
 * error status is also mapped through `json2Error` and checked for its code and message.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectJson2, fetchServerVersion, type Json2Connection } from '../../../src-main/odoo/json2-client';
import { json2Error } from '../../../src-main/odoo/json2-errors';
import { failure, startServer, type ReceivedRequest, type TestServer } from './servers';
import { ODOO19_EXCHANGES_FILE, RECORDINGS_DIR } from '../../fixtures/recordings';

const recordingsFile = ODOO19_EXCHANGES_FILE;

interface Exchange {
  n: number;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  status: number;
  request: string | null;
  response: string;
}
const exchanges = JSON.parse(readFileSync(recordingsFile, 'utf8')) as Exchange[];
const recorded = (name: string) => exchanges.find((exchange) => exchange.name === name)!;

/** The keys the recordings were made with (replaced by placeholders there). */
const adminKey = '0123456789abcdef0123456789abcdef01234567';
const demoKey = 'fedcba9876543210fedcba9876543210fedcba98';
const database = 'plain19';

function contentTypeOf(body: string): string {
  return /^\s*</.test(body) ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
}

function parsedBody(text: string | null): unknown {
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Answers like the recorded server: authentication first, then the exchange with the same request. */
function replay(request: ReceivedRequest, response: http.ServerResponse): void {
  const method = request.method;
  const send = (exchange: Exchange) => {
    const headers: Record<string, string> = { 'Content-Type': contentTypeOf(exchange.response) };
    if (exchange.status === 401) headers['WWW-Authenticate'] = 'Bearer';
    response.writeHead(exchange.status, headers).end(exchange.response);
  };
  const path = request.path;
  if (path.startsWith('/json/2/') && method === 'POST') {
    const authorization = String(request.headers.authorization ?? '');
    if (request.headers['x-odoo-database'] !== database) return send(recorded('json2_no_db_header'));
    if (!authorization) return send(recorded('json2_no_auth_header'));
    const key = /^bearer (.*)$/i.exec(authorization)?.[1];
    if (key !== adminKey && key !== demoKey) return send(recorded('json2_bad_key'));
    const user = key === demoKey ? 'demo' : 'admin';
    const body = parsedBody(request.body);
    const match = exchanges.find(
      (exchange) => exchange.method === method && exchange.path === path && isDeepStrictEqual(parsedBody(exchange.request), body) && exchange.name.includes('demo') === (user === 'demo'),
    );
    if (match) return send(match);
    // Not recorded: has_access on no records (Odoo answers a bare boolean), to check the request's shape.
    if (path.endsWith('/has_access') && isDeepStrictEqual(body, { operation: 'read' })) return void response.writeHead(200, { 'Content-Type': 'application/json' }).end('true');
    return void response.writeHead(599, { 'Content-Type': 'text/plain' }).end(`no recording for ${method} ${path} ${request.body}`);
  }
  const match = exchanges.find((exchange) => exchange.method === method && exchange.path === path);
  if (match) return send(match);
  response.writeHead(599, { 'Content-Type': 'text/plain' }).end(`no recording for ${method} ${path}`);
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(replay);
});
afterAll(() => server.close());

/** Connects with the admin key (context_get answers uid 2). */
async function connect(key = adminKey): Promise<Json2Connection> {
  return connectJson2({ url: server.url, db: database, secret: key });
}

describe('connectJson2', () => {
  it('learns the user from res.users/context_get, sending the key, the database and no login call', async () => {
    const client = await connect();
    expect(client.uid).toBe(2);
    expect(client.transport).toBe('json2');
    const request = server.requests.at(-1)!;
    expect(request.path).toBe('/json/2/res.users/context_get');
    expect(request.body).toBe('{}');
    expect(request.headers.authorization).toBe(`bearer ${adminKey}`);
    expect(request.headers['x-odoo-database']).toBe(database);
    expect(request.headers['content-type']).toBe('application/json');
    client.close();
  });

  it('learns another key\'s user', async () => {
    const client = await connect(demoKey);
    expect(client.uid).toBe(5);
    client.close();
  });

  it('says the API key was refused (401 on context_get), with how to make one', async () => {
    const error = await failure(connect('0000000000000000000000000000000000000000'));
    expect(error.code).toBe('access-denied');
    expect(error.message).toBe(`Odoo refused the API key for database ${database} at ${server.url}: Invalid apikey.`);
    expect(error.hint).toMatch(/Preferences → Account Security → New API Key/);
    expect(error.detail).toMatch(/^Traceback/);
  });

  it('says when the secret looks like a password rather than an API key', async () => {
    const error = await failure(connect('admin'));
    expect(error.code).toBe('access-denied');
    expect(error.message).toMatch(/looks like a password, not an API key/);
  });

  it('turns the "no database is selected" page into database-missing', async () => {
    const error = await failure(connectJson2({ url: server.url, db: 'nosuchdb', secret: adminKey }));
    expect(error.code).toBe('database-missing');
    expect(error.message).toBe(`${server.url} has no database named nosuchdb: Odoo answered that no database is selected.`);
  });

  it('refuses a missing key without calling the server', async () => {
    const before = server.requests.length;
    const error = await failure(connectJson2({ url: server.url, db: database, secret: ' ' }));
    expect(error.code).toBe('invalid-input');
    expect(server.requests.length).toBe(before);
  });
});

describe('Json2Connection over the recorded answers', () => {
  let client: Json2Connection;
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(() => client.close());

  it('search_read sends named arguments and returns the bare result', async () => {
    expect(await client.searchRead('res.partner', [], { fields: ['name', 'write_date'], limit: 2 })).toEqual(JSON.parse(recorded('json2_search_read').response));
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ domain: [], fields: ['name', 'write_date'], limit: 2 });
  });

  it('search_count, read, and read of a missing id', async () => {
    expect(await client.searchCount('res.partner', [])).toBe(60);
    expect(await client.read('res.partner', [1], ['name'])).toEqual([{ id: 1, name: 'My Company (San Francisco)' }]);
    expect(await client.read('res.partner', [999999], ['name'])).toEqual([]);
  });

  it('names execute_kw\'s positional arguments (fields_get, read_group, write)', async () => {
    expect(await client.executeKw('res.partner', 'fields_get', [['name', 'email']], { attributes: ['string', 'type', 'required'] })).toEqual(JSON.parse(recorded('json2_fields_get').response));
    expect(await client.executeKw('res.partner', 'read_group', [[], ['__count'], ['is_company']])).toEqual(JSON.parse(recorded('json2_read_group').response));
    const error = await failure(client.executeKw('res.partner', 'write', [[999999], { name: 'x' }]));
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ ids: [999999], vals: { name: 'x' } });
    expect(error.code).toBe('not-found');
    expect(error.message).toBe(`Record does not exist or has been deleted. (res.partner.write on database ${database} at ${server.url}).`);
  });

  it('refuses positional arguments it cannot name, without calling the server', async () => {
    const before = server.requests.length;
    const error = await failure(client.executeKw('res.partner', 'message_post', [[1], 'hello', 'extra']));
    expect(error.code).toBe('invalid-input');
    expect(server.requests.length).toBe(before);
  });

  it('groups with formatted_read_group: groupTotals and readGroup', async () => {
    expect(await client.groupTotals('res.partner', { domain: [], groupby: ['is_company'] })).toEqual([
      { group: { is_company: false }, count: 48, sums: {} },
      { group: { is_company: true }, count: 12, sums: {} },
    ]);
    expect(server.requests.at(-1)!.path).toBe('/json/2/res.partner/formatted_read_group');
    expect(await client.readGroup('res.partner', [], ['__count'], ['is_company'])).toEqual([
      { is_company: false, __count: 48, __domain: [['is_company', '=', false]] },
      { is_company: true, __count: 12, __domain: [['is_company', '=', true]] },
    ]);
  });

  it('checks access rights with has_access on no records', async () => {
    expect(await client.checkAccessRights('res.partner', 'read')).toBe(true);
    expect(server.requests.at(-1)!.path).toBe('/json/2/res.partner/has_access');
  });

  it('reads the version from GET /web/version', async () => {
    expect(await client.version()).toEqual({ serverVersion: '19.0+e-20251227', serverSerie: '19.0', major: 19, protocolVersion: 1 });
  });

  it('maps each recorded error answer of a call to its code', async () => {
    const privateMethod = await failure(client.call('res.partner', '_read_group', { domain: [], groupby: ['is_company'], aggregates: ['__count'] }));
    expect([privateMethod.code, privateMethod.hint]).toEqual(['access-error', 'Methods whose name starts with "_" cannot be called over RPC.']);
    const model = await failure(client.searchRead('no.such.model', []));
    expect([model.code, model.message]).toEqual(['model-missing', `Model no.such.model does not exist on database ${database} at ${server.url}.`]);
    const method = await failure(client.call('res.partner', 'no_such_method'));
    expect([method.code, method.message]).toEqual(['not-found', `Odoo at ${server.url} has no public method res.partner.no_such_method.`]);
    const keyword = await failure(client.executeKw('res.partner', 'search_read', [[]], { bogus: 1 }));
    expect([keyword.code, keyword.message]).toEqual(['server-error', "Odoo failed on res.partner.search_read: TypeError: BaseModel._read_format() got an unexpected keyword argument 'bogus'"]);
    expect(keyword.detail).toMatch(/^Traceback/);
    const ids = await failure(client.call('res.partner', 'search_count', { ids: [1], domain: [] }));
    expect([ids.code, ids.message]).toEqual(['user-error', 'Odoo refused res.partner.search_count: cannot call res.partner.search_count with ids']);
  });

  it('maps an AccessError of another user to access-error with Odoo\'s message', async () => {
    const demo = await connect(demoKey);
    const error = await failure(demo.searchRead('ir.config_parameter', [], { fields: ['key'], limit: 1 }));
    expect(error.code).toBe('access-error');
    expect(error.message).toMatch(/^You are not allowed to access 'System Parameter' \(ir.config_parameter\) records\./);
    expect(error.detail).toMatch(/^Traceback/);
    demo.close();
  });
});

describe('fetchServerVersion', () => {
  it('reads /web/version on Odoo 19', async () => {
    expect(await fetchServerVersion(server.url)).toMatchObject({ serverVersion: '19.0+e-20251227', major: 19 });
  });

  it('falls back to common.version on a server without /web/version (Odoo 18)', async () => {
    const odoo18 = await startServer((request, response) => {
      if (request.path === '/web/version') return void response.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>');
      const answer = readFileSync(join(RECORDINGS_DIR, '27-jsonrpc-version.response.json'), 'utf8');
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(answer.slice(answer.indexOf('\n\n') + 2));
    });
    try {
      expect(await fetchServerVersion(odoo18.url)).toEqual({ serverVersion: '18.0-20250421', serverSerie: '18.0', major: 18, protocolVersion: 1 });
      expect(odoo18.requests.map((request) => request.path)).toEqual(['/web/version', '/jsonrpc']);
    } finally {
      await odoo18.close();
    }
  });
});

describe('json2Error maps every recorded JSON-2 error status', () => {
  const context = { url: 'http://odoo.test', service: 'json2', method: 'res.partner.search_read', db: database, model: 'res.partner', modelMethod: 'search_read' };
  const expected: Record<string, [string, RegExp]> = {
    json2_private_read_group: ['access-error', /^Private methods \(such as 'res\.partner\._read_group'\) cannot be called remotely\.$/],
    json2_missing_model: ['model-missing', /^Model no\.such\.model does not exist on database plain19 at http:\/\/odoo\.test\.$/],
    json2_bad_key: ['access-denied', /^Odoo refused the API key for database plain19 at http:\/\/odoo\.test: Invalid apikey\.$/],
    json2_no_auth_header: ['access-denied', /^http:\/\/odoo\.test received no API key/],
    json2_no_db_header: ['database-missing', /^http:\/\/odoo\.test has no database named plain19: Odoo answered that no database is selected\.$/],
    json2_wrong_method: ['not-found', /^Odoo at http:\/\/odoo\.test has no public method res\.partner\.no_such_method\.$/],
    json2_bad_kwarg: ['server-error', /^Odoo failed on res\.partner\.search_read: TypeError: BaseModel\._read_format\(\) got an unexpected keyword argument 'bogus'$/],
    json2_model_method_with_ids: ['user-error', /^Odoo refused res\.partner\.search_read: cannot call res\.partner\.search_count with ids$/],
    json2_context_get_GET: ['http-status', /as something other than a POST \(Did you mean POST \/json\/2\/<model>\/<method>\?\)/],
    json2_root_GET: ['database-missing', /no database is selected/],
    json2_bad_json: ['protocol', /could not read the JSON-2 request for res\.partner\.search_read: could not parse the body as json/],
    json2_text_plain: ['protocol', /refused the JSON-2 request's content type \(415 Unsupported Media Type\)/],
    json2_access_error_admin_write_readonly: ['not-found', /^Record does not exist or has been deleted\./],
    json2_access_error_demo: ['access-error', /^You are not allowed to access 'System Parameter'/],
  };
  const errors = exchanges.filter((exchange) => exchange.path.startsWith('/json/2') && exchange.status !== 200);

  it('covers every error exchange of the recordings', () => {
    expect(errors.map((exchange) => exchange.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(errors.map((exchange) => [exchange.name, exchange.status, exchange] as const))('%s (%i)', (name, status, exchange) => {
    const error = json2Error(status, undefined, exchange.response, exchange.path, context);
    const [code, message] = expected[name];
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/Traceback|File "/);
    if (exchange.response.includes('"debug"')) expect(error.detail).toBe((JSON.parse(exchange.response) as { debug: string }).debug);
  });
});
