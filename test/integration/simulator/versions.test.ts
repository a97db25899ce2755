/**
 * Each Odoo version the simulator plays, over real HTTP: what 17, 18, 19 and 20 answer differently
 * (version strings, JSON-2, the `db` service, `/web/version`, `formatted_read_group`, error layouts), and
 * the JSON-2 API beyond the recordings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCall, parseMethodResponse } from '../../../src-main/simulator/codec/xmlrpc';
import { startSimulator, type OdooVersion, type RunningSimulator } from '../../../src-main/simulator/index';
import { versionProfile } from '../../../src-main/simulator/versions';
import { lastLine } from './shape';

const running = new Map<OdooVersion, RunningSimulator>();
const sim = (version: OdooVersion): RunningSimulator => running.get(version)!;

beforeAll(async () => {
  for (const version of [17, 18, 19, 20] as const) running.set(version, await startSimulator({ odoo: version, seed: 3 }));
});

afterAll(async () => {
  for (const simulator of running.values()) await simulator.close();
});

async function xmlrpc(version: OdooVersion, path: string, method: string, params: unknown[]): Promise<{ fault: boolean; value: unknown }> {
  const response = await fetch(sim(version).url + path, { method: 'POST', body: formatCall(method, params as never) });
  return parseMethodResponse(await response.text());
}

async function jsonrpc(version: OdooVersion, service: string, method: string, args: unknown[]): Promise<Record<string, unknown>> {
  const response = await fetch(`${sim(version).url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args } }),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function json2(version: OdooVersion, model: string, method: string, body: unknown, login = 'admin'): Promise<{ status: number; body: unknown }> {
  const simulator = sim(version);
  const response = await fetch(`${simulator.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `bearer ${simulator.database('seed').apiKey(login)}`, 'X-Odoo-Database': 'seed' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('every version', () => {
  it.each([17, 18, 19, 20] as const)('Odoo %i answers its own version everywhere it is asked', async (version) => {
    const serie = `${version}.0`;
    const common = await xmlrpc(version, '/xmlrpc/2/common', 'version', []);
    expect(common.value).toMatchObject({ server_serie: serie, server_version_info: [version, 0, 0, 'final', 0, ''], protocol_version: 1 });
    const web = await fetch(`${sim(version).url}/web/webclient/version_info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","params":{}}' });
    expect(((await web.json()) as { result: { server_serie: string } }).result.server_serie).toBe(serie);
    const health = await fetch(`${sim(version).url}/web/health`);
    expect(await health.json()).toEqual({ status: 'pass' });
    const plainVersion = await fetch(`${sim(version).url}/web/version`);
    expect(plainVersion.status).toBe(version >= 19 ? 200 : 404);
    if (version >= 19) expect(await plainVersion.json()).toEqual({ version_info: [version, 0, 0, 'final', 0, ''], version: versionProfile(version).serverVersion });
  });

  it('runs the original module on 17 and 18 by default, ours on 19 and 20, and refuses the original on 19', async () => {
    expect([17, 18, 19, 20].map((version) => sim(version as OdooVersion).flavour)).toEqual(['original', 'original', 'fixed', 'fixed']);
    await expect(startSimulator({ odoo: 19, flavour: 'original' })).rejects.toThrow('does not install on Odoo 19');
    await expect(startSimulator({ odoo: 21 as OdooVersion })).rejects.toThrow('the simulator plays Odoo 17, 18, 19, 20, not 21');
  });

  it('reports JSON-RPC errors with code 200 until 18 and code 0 from 19', async () => {
    const denied = async (version: OdooVersion) => (await jsonrpc(version, 'object', 'execute_kw', ['seed', 2, 'WRONG', 'res.partner', 'search', [[]]])).error as Record<string, unknown>;
    expect((await denied(17)).code).toBe(200);
    expect((await denied(18)).code).toBe(200);
    const nineteen = await denied(19);
    expect(nineteen.code).toBe(0);
    expect(Object.keys(nineteen.data as object)).toEqual(['name', 'message', 'arguments', 'context', 'debug']);
    expect((nineteen.data as { debug: string }).debug).toBe('odoo.exceptions.AccessDenied: Access Denied\n');
  });

  it('answers a JSON route called with the wrong content type with 400 until 18, 415 from 19', async () => {
    const plain = async (version: OdooVersion) => fetch(`${sim(version).url}/jsonrpc`, { method: 'POST', body: '{}' });
    expect((await plain(18)).status).toBe(400);
    const nineteen = await plain(19);
    expect(nineteen.status).toBe(415);
    expect(await nineteen.text()).toContain('but &#39;/jsonrpc&#39; is type=&#39;jsonrpc&#39;.<br><br>Please verify');
  });
});

describe('JSON-2 (19 and 20)', () => {
  it('does not exist before 19', async () => {
    const response = await fetch(`${sim(18).url}/json/2/res.partner/search_count`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"domain": []}' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('The requested URL was not found on the server.');
  });

  it('reads, creates, writes and deletes with named arguments and bare results', async () => {
    const [created] = (await json2(19, 'res.partner', 'create', { vals_list: { name: 'JSON-2 Partner' } })).body as number[];
    expect(typeof created).toBe('number');
    expect(await json2(19, 'res.partner', 'write', { ids: [created], vals: { phone: '+32 2 000' } })).toEqual({ status: 200, body: true });
    expect((await json2(19, 'res.partner', 'read', { ids: [created], fields: ['name', 'phone'] })).body).toEqual([{ id: created, name: 'JSON-2 Partner', phone: '+32 2 000' }]);
    expect((await json2(19, 'res.partner', 'search', { domain: [['id', '=', created]] })).body).toEqual([created]);
    expect(await json2(19, 'res.partner', 'unlink', { ids: [created] })).toEqual({ status: 200, body: true });
    expect((await json2(19, 'res.partner', 'search_count', { domain: [['id', '=', created]] })).body).toBe(0);
  });

  it('refuses a password as the bearer token, and maps Odoo errors to statuses', async () => {
    const simulator = sim(19);
    const password = await fetch(`${simulator.url}/json/2/res.partner/search_count`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'bearer admin', 'X-Odoo-Database': 'seed' },
      body: '{"domain": []}',
    });
    expect([password.status, password.headers.get('www-authenticate'), ((await password.json()) as { message: string }).message]).toEqual([401, 'Bearer', 'Invalid apikey']);
    expect((await json2(19, 'update.webhook', 'search_count', { domain: [] }, 'portal')).status).toBe(403);
    const missing = await json2(19, 'res.partner', 'write', { ids: [424242], vals: { name: 'x' } });
    expect([missing.status, (missing.body as { name: string }).name]).toEqual([404, 'odoo.exceptions.MissingError']);
    const invalid = await json2(19, 'res.partner', 'search_count', { domain: [['nosuchfield', '=', 1]] });
    expect([invalid.status, (invalid.body as { name: string }).name]).toEqual([500, 'builtins.ValueError']);
  });

  it('binds arguments before calling on 20 (422) but not on 19 (500)', async () => {
    const nineteen = await json2(19, 'res.partner', 'search_count', { domain: [], bogus: 1 });
    expect([nineteen.status, (nineteen.body as { message: string }).message]).toEqual([500, "BaseModel.search_count() got an unexpected keyword argument 'bogus'"]);
    const twenty = await json2(20, 'res.partner', 'search_count', { domain: [], bogus: 1 });
    expect([twenty.status, (twenty.body as { message: string }).message]).toEqual([422, "got an unexpected keyword argument 'bogus'"]);
    const missing = await json2(20, 'res.partner', 'search_count', {});
    expect([missing.status, (missing.body as { message: string }).message]).toEqual([422, "missing a required argument: 'domain'"]);
    // search_read takes **kwargs: the signature accepts 'bogus', the call fails on both.
    expect((await json2(20, 'res.partner', 'search_read', { domain: [], bogus: 1 })).status).toBe(500);
  });

  it('learns the key’s user from res.users/context_get', async () => {
    expect((await json2(20, 'res.users', 'context_get', {}, 'demo')).body).toEqual({ lang: 'en_US', tz: 'Europe/Brussels', uid: 6 });
  });

  it('serves a JSON-2 client without a single deprecated call, and counts XML-RPC, JSON-RPC and read_group', async () => {
    const simulator = await startSimulator({ odoo: 19 });
    try {
      const before = simulator.deprecatedCalls();
      expect(before).toBe(0);
      const request = (method: string, body: unknown) =>
        fetch(`${simulator.url}/json/2/update.webhook/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `bearer ${simulator.database('seed').apiKey('admin')}`, 'X-Odoo-Database': 'seed' },
          body: JSON.stringify(body),
        });
      expect((await request('search_read', { domain: [], fields: ['model'], limit: 5 })).status).toBe(200);
      expect((await request('formatted_read_group', { domain: [], groupby: ['timestamp:hour'], aggregates: ['__count'] })).status).toBe(200);
      expect(simulator.deprecatedCalls()).toBe(0);
      expect((await request('read_group', { domain: [], fields: ['__count'], groupby: ['model'] })).status).toBe(200);
      expect((await request('read_group', { domain: [], fields: ['__count'], groupby: ['event'] })).status).toBe(200);
      await fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) });
      expect([simulator.deprecatedCalls('read_group'), simulator.deprecatedCalls('endpoint')]).toEqual([2, 1]);
      // The DeprecationWarning is shown once per place it is raised from, like Python's warnings.
      expect(simulator.logLines().filter((line) => line.includes('read_group is deprecated'))).toHaveLength(1);
    } finally {
      await simulator.close();
    }
  });
});

describe('Odoo 20', () => {
  it('has no db service: a KeyError over XML-RPC and JSON-RPC, while the web database list still answers', async () => {
    const list = await xmlrpc(20, '/xmlrpc/2/db', 'list', []);
    expect(list.fault).toBe(true);
    expect((list.value as { faultCode: number }).faultCode).toBe(1);
    expect(lastLine((list.value as { faultString: string }).faultString)).toBe("KeyError: 'db'");
    const json = (await jsonrpc(20, 'db', 'list', [])).error as { data: { name: string; message: string } };
    expect([json.data.name, json.data.message]).toEqual(['builtins.KeyError', "'db'"]);
    expect((await xmlrpc(19, '/xmlrpc/2/db', 'list', [])).value).toEqual(['plain', 'seed']);
    const web = await fetch(`${sim(20).url}/web/database/list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","params":{}}' });
    expect(((await web.json()) as { result: string[] }).result).toEqual(['plain', 'seed']);
  });

  it('still answers common and object, with the deprecation notice naming Odoo 22', async () => {
    expect(await xmlrpc(20, '/xmlrpc/2/common', 'authenticate', ['seed', 'admin', 'admin', {}])).toEqual({ fault: false, value: 2 });
    expect(sim(20).logLines().some((line) => line.includes('scheduled for removal in Odoo 22'))).toBe(true);
  });
});

describe('formatted_read_group (19+)', () => {
  it('groups by date buckets as [start, label] with __extra_domain and no __range', async () => {
    const db = sim(19).database('seed');
    const { firstId } = db.seedWebhookRows(120, { from: '2026-11-30 09:00:00', spanHours: 2 });
    const groups = (await json2(19, 'update.webhook', 'formatted_read_group', {
      domain: [['id', '>=', firstId]],
      groupby: ['timestamp:hour'],
      aggregates: ['__count', 'record_id:max'],
    })).body as Array<Record<string, unknown>>;
    expect(groups).toEqual([
      {
        'timestamp:hour': ['2026-11-30 09:00:00', '09:00 30 Nov'],
        __extra_domain: ['&', ['timestamp', '>=', '2026-11-30 09:00:00'], ['timestamp', '<', '2026-11-30 10:00:00']],
        __count: 60,
        'record_id:max': expect.any(Number),
      },
      expect.objectContaining({ 'timestamp:hour': ['2026-11-30 10:00:00', '10:00 30 Nov'], __count: 60 }),
    ]);
  });

  it('does not exist on 18', async () => {
    const answer = await xmlrpc(18, '/xmlrpc/2/object', 'execute_kw', ['seed', 2, 'admin', 'update.webhook', 'formatted_read_group', [[]], { groupby: ['model'], aggregates: ['__count'] }]);
    expect(lastLine((answer.value as { faultString: string }).faultString)).toBe("AttributeError: The method 'update.webhook.formatted_read_group' does not exist");
  });
});
