/**
 * The simulator over real HTTP: protocol details beyond the recordings, credentials, fault injection and
 * the traffic generator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCall, parseMethodResponse } from '../../../src-main/simulator/codec/xmlrpc';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator/index';
import { lastLine } from './shape';

let simulator: RunningSimulator;

async function xmlrpc(path: string, method: string, params: unknown[]): Promise<{ fault: boolean; value: unknown }> {
  const response = await fetch(simulator.url + path, { method: 'POST', body: formatCall(method, params as never) });
  return parseMethodResponse(await response.text());
}

const executeKw = (db: string, password: string, model: string, method: string, args: unknown[], kwargs: object = {}) =>
  xmlrpc('/xmlrpc/2/object', 'execute_kw', [db, 2, password, model, method, args, kwargs]);

async function jsonrpc(service: string, method: string, args: unknown[]): Promise<Record<string, unknown>> {
  const response = await fetch(`${simulator.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 7, params: { service, method, args } }),
  });
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5 });
});

afterAll(async () => {
  await simulator?.close();
});

describe('credentials', () => {
  it('accepts API keys like passwords and refuses a password changed mid-run', async () => {
    const db = simulator.database('seed');
    const key = db.apiKey('admin');
    expect(await xmlrpc('/xmlrpc/2/common', 'authenticate', ['seed', 'admin', key, {}])).toEqual({ fault: false, value: 2 });
    expect((await executeKw('seed', key, 'update.webhook', 'search_count', [[]])).fault).toBe(false);
    db.setPassword('admin', 'changed');
    try {
      expect(await executeKw('seed', 'admin', 'update.webhook', 'search_count', [[]])).toEqual({
        fault: true,
        value: { faultCode: 3, faultString: 'Access Denied' },
      });
      expect(await xmlrpc('/xmlrpc/2/common', 'authenticate', ['seed', 'admin', 'admin', {}])).toEqual({ fault: false, value: false });
      expect((await executeKw('seed', 'changed', 'update.webhook', 'search_count', [[]])).fault).toBe(false);
    } finally {
      db.setPassword('admin', 'admin');
    }
  });

  it('fails execute_kw on an unknown database with the psycopg2 traceback', async () => {
    const answer = await executeKw('nosuchdb', 'admin', 'res.partner', 'search', [[]]);
    const fault = answer.value as { faultCode: number; faultString: string };
    expect(fault.faultCode).toBe(1);
    expect(lastLine(fault.faultString)).toBe(
      'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "nosuchdb" does not exist',
    );
  });
});

describe('protocol details', () => {
  it('answers None results: a marshalling fault over XML-RPC, null over JSON-RPC', async () => {
    const xml = await executeKw('seed', 'admin', 'res.partner', 'action_archive', [[30]]);
    expect(lastLine((xml.value as { faultString: string }).faultString)).toBe('TypeError: cannot marshal None unless allow_none is enabled');
    expect(simulator.database('seed').call('res.partner', 'search_count', [[['id', '=', 30]]])).toBe(0);
    const json = await jsonrpc('object', 'execute_kw', ['seed', 2, 'admin', 'webhook.cleanup.cron', 'clean_webhook_records', [], {}]);
    expect(json).toEqual({ jsonrpc: '2.0', id: 7, result: null });
  });

  it('uses string fault codes on the legacy /xmlrpc/ routes', async () => {
    const answer = await xmlrpc('/xmlrpc/object', 'execute_kw', ['seed', 2, 'WRONG', 'res.partner', 'search', [[]], {}]);
    expect(answer).toEqual({ fault: true, value: { faultCode: 'AccessDenied', faultString: 'Access Denied' } });
    const version = await xmlrpc('/xmlrpc/common', 'version', []);
    expect((version.value as Record<string, unknown>).server_serie).toBe('18.0');
  });

  it('refuses JSON-RPC without a JSON content type, and bad JSON', async () => {
    const plain = await fetch(`${simulator.url}/jsonrpc`, { method: 'POST', body: '{}' });
    expect(plain.status).toBe(400);
    expect(plain.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const broken = await fetch(`${simulator.url}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect([broken.status, await broken.text()]).toEqual([400, 'Invalid JSON data']);
  });

  it('lists databases, or refuses like list_db = False', async () => {
    expect(await xmlrpc('/xmlrpc/2/db', 'list', [])).toEqual({ fault: false, value: ['plain', 'seed'] });
    const closed = await startSimulator({ listDb: false });
    try {
      const response = await fetch(`${closed.url}/xmlrpc/2/db`, { method: 'POST', body: formatCall('list', []) });
      expect(parseMethodResponse(await response.text())).toEqual({ fault: true, value: { faultCode: 3, faultString: 'Access Denied' } });
    } finally {
      await closed.close();
    }
  });

  it('seeds and deletes bulk rows visible over RPC', async () => {
    const db = simulator.database('seed');
    const { firstId, lastId } = db.seedWebhookRows(20000);
    expect(lastId - firstId + 1).toBe(20000);
    const deleted = db.deleteRandomWebhookRows(25);
    expect(deleted).toHaveLength(25);
    const count = await executeKw('seed', 'admin', 'update.webhook', 'search_count', [[['id', '>=', firstId]]]);
    expect(count.value).toBe(19975);
    const page = await executeKw('seed', 'admin', 'update.webhook', 'search', [[['id', 'in', deleted.slice(0, 3)]]]);
    expect(page.value).toEqual([]);
    db.resetWebhookLog();
    expect(db.webhookRows()).toEqual([]);
    const [id] = db.create('res.partner', { name: 'After Reset' });
    expect(db.webhookRows().map((row) => [row.id, row.record_id])).toEqual([[1, id]]);
  });
});

describe('fault injection', () => {
  it('answers an nginx 502 page, then recovers', async () => {
    simulator.faults.badGatewayNext(1);
    const bad = await fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) });
    expect(bad.status).toBe(502);
    expect(await bad.text()).toContain('<center>nginx/1.22.1</center>');
    const good = await fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) });
    expect(good.status).toBe(200);
  });

  it('drops a connection mid-response', async () => {
    simulator.faults.dropNext(1);
    await expect(
      fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) }).then((response) => response.text()),
    ).rejects.toThrow();
  });

  it('truncates a body', async () => {
    const full = await (await fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) })).text();
    simulator.faults.truncateNext(1);
    const cut = await (await fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) })).text();
    expect(cut.length).toBeLessThan(full.length);
    expect(full.startsWith(cut)).toBe(true);
  });

  it('stops listening and resumes on the same port', async () => {
    await simulator.faults.stopListening();
    await expect(fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) })).rejects.toThrow();
    await simulator.faults.resumeListening();
    await simulator.faults.restart();
    const response = await fetch(`${simulator.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) });
    expect(response.status).toBe(200);
  });
});

describe('traffic over time', () => {
  it('applies operations at a rate until stopped', async () => {
    const seen = new Promise<number>((resolve) => {
      const unsubscribe = simulator.traffic.onOperation((operation) => {
        if (operation.sequence >= 3) {
          unsubscribe();
          resolve(operation.sequence);
        }
      });
    });
    simulator.traffic.start(200);
    expect(simulator.traffic.running).toBe(true);
    expect(await seen).toBeGreaterThanOrEqual(3);
    simulator.traffic.stop();
    expect(simulator.traffic.running).toBe(false);
  });
});
