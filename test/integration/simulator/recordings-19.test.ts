/**
 * Replays the 45 exchanges recorded from a real Odoo 19.0 server (`../shared/odoo19-recordings/`, or the
 * copy in test/fixtures, or OCM_RECORDINGS19_DIR) against `--odoo 19` over real HTTP: status, content
 * type, shape and value types, error name and message (and the last traceback line). The recordings keep
 * bodies only, so the request headers below are the ones the README says were used, and the expected
 * content type follows the recorded body (XML-RPC, an HTML page, or JSON).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator/index';
import { compareJson2, compareJsonRpc, compareTruncatedJsonRpc, compareXmlRpc } from './shape';
import { ODOO19_RECORDINGS_DIR } from '../../fixtures/recordings';

const recordingsDir = ODOO19_RECORDINGS_DIR;

interface Exchange {
  n: number;
  name: string;
  method: string;
  path: string;
  status: number;
  request: string | null;
  response: string;
}

const exchanges = JSON.parse(readFileSync(join(recordingsDir, 'exchanges.json'), 'utf8')) as Exchange[];
const DB = 'plain19';

/** Headers changed from the defaults of its kind of request, per recorded exchange. */
const HEADER_CHANGES: Readonly<Record<string, Record<string, string | undefined>>> = {
  json2_bad_key: { Authorization: 'bearer 0123456789abcdef0123456789abcdef01234567' },
  json2_no_auth_header: { Authorization: undefined },
  json2_no_db_header: { 'X-Odoo-Database': undefined },
  json2_root_GET: { 'X-Odoo-Database': undefined },
  json2_text_plain: { 'Content-Type': 'text/plain' },
  json2_access_error_demo: { Authorization: 'demo' },
  json2_context_get_demo: { Authorization: 'demo' },
  websocket_plain_GET_nodb: { 'X-Odoo-Database': undefined },
};

function requestOf(simulator: RunningSimulator, exchange: Exchange): { headers: Record<string, string>; body: string | undefined } {
  const db = simulator.database(DB);
  const body = exchange.request?.replace('<ADMIN_API_KEY>', db.apiKey('admin')).replace('<DEMO_API_KEY>', db.apiKey('demo')) ?? undefined;
  const defaults: Record<string, string | undefined> = {};
  if (body !== undefined) defaults['Content-Type'] = body.startsWith('<?xml') ? 'text/xml' : 'application/json';
  if (exchange.path.startsWith('/json/2')) defaults.Authorization = 'admin';
  if (exchange.path.startsWith('/json/2') || exchange.path.startsWith('/websocket')) defaults['X-Odoo-Database'] = DB;
  const merged = { ...defaults, ...HEADER_CHANGES[exchange.name] };
  if (merged.Authorization === 'admin' || merged.Authorization === 'demo') merged.Authorization = `bearer ${db.apiKey(merged.Authorization)}`;
  const headers = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { headers, body };
}

/** The content type a real server sends with such a body (the recordings keep bodies only). */
function contentTypeOf(body: string): string {
  if (body.startsWith('<?xml')) return 'text/xml; charset=utf-8';
  if (body.startsWith('<')) return 'text/html; charset=utf-8';
  return 'application/json; charset=utf-8';
}

/** A WebSocket handshake; resolves the status line's code (101 when upgraded). */
function upgrade(url: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, {
      headers: { ...headers, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('recorded Odoo 19 exchanges replayed against --odoo 19', () => {
  let simulator: RunningSimulator;
  const log: string[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({
      odoo: 19,
      databases: [
        { name: DB, module: false },
        { name: 'seed19', module: true },
      ],
      onLog: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('finds all 45 recorded exchanges', () => {
    expect(exchanges).toHaveLength(45);
  });

  it.each(exchanges.map((exchange) => [`${String(exchange.n).padStart(2, '0')}-${exchange.name}`, exchange] as const))('%s', async (_name, exchange) => {
    const { headers, body } = requestOf(simulator, exchange);
    if (exchange.status === 101) {
      expect(await upgrade(simulator.url, exchange.path, headers)).toBe(101);
      return;
    }
    const response = await fetch(simulator.url + exchange.path, { method: exchange.method, headers, body: exchange.method === 'GET' ? undefined : body });
    const text = await response.text();
    expect(response.status).toBe(exchange.status);
    expect(response.headers.get('content-type')).toBe(contentTypeOf(exchange.response));
    if (exchange.status === 401) expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const recorded = exchange.response;
    if (recorded.startsWith('<?xml')) compareXmlRpc(text, recorded);
    else if (recorded.startsWith('<')) expect(text).toBe(recorded);
    else if (!recorded.startsWith('{"jsonrpc"')) compareJson2(text, recorded);
    else if (recorded.length >= 4000) compareTruncatedJsonRpc(text, recorded);
    else compareJsonRpc(text, recorded);
  });

  it('logged the deprecation WARNING of every XML-RPC and JSON-RPC call, word for word, and read_group once', () => {
    const rpcCalls = exchanges.filter((exchange) => exchange.path.startsWith('/xmlrpc') || exchange.path === '/jsonrpc').length;
    expect(simulator.deprecatedCalls('endpoint')).toBe(rpcCalls);
    expect(simulator.deprecatedCalls('read_group')).toBe(1);
    expect(simulator.deprecatedCalls()).toBe(rpcCalls + 1);
    const recordedLog = readFileSync(join(recordingsDir, 'server-log-warnings.txt'), 'utf8');
    const notice = /WARNING \? (odoo\.addons\.rpc\.controllers\.xmlrpc: The \/xmlrpc[^\n]*\nMute[^\n]*\nhttps:[^\n]*?) ?\n/.exec(recordedLog)?.[1];
    expect(notice).toBeDefined();
    expect(log.some((line) => line.endsWith(` WARNING ? ${notice!.trimEnd()}`))).toBe(true);
    const readGroupWarning = /DeprecationWarning: Since 19\.0, read_group is deprecated[^\n]*/.exec(recordedLog)?.[0];
    expect(log.filter((line) => line.includes(readGroupWarning!))).toHaveLength(1);
  });
});
