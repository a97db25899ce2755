/**
 * Every call the module-less source makes (sync/polling/, odoo/watch-capabilities.ts), over XML-RPC,
 * JSON-RPC and JSON-2, with the shapes the source relies on. Read-only: nothing is written on the server.
 *
 * Targets: the simulator's `plain` database (Odoo 18 without the module; JSON-2 on a simulated Odoo 19)
 * by default; a real server with `ODOO_URL`, `ODOO_DB`, `ODOO_LOGIN`, `ODOO_PASSWORD` (XML-RPC and
 * JSON-RPC, see target.ts) and `ODOO_API_KEY` (JSON-2, Odoo 19+). On a real server the login should be an
 * administrator, so tracking values are readable; the database needs `mail` (any Odoo with a chatter).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportKind } from '../../src-main/common/model';
import { connectOdoo } from '../../src-main/odoo/connection';
import { groupTotals } from '../../src-main/odoo/group-totals';
import { connectJson2 } from '../../src-main/odoo/json2-client';
import type { OdooClient } from '../../src-main/odoo/types';
import { detectWatchCapabilities, listServerModels, MESSAGE_MODEL } from '../../src-main/odoo/watch-capabilities';
import { startSimulator, type RunningSimulator } from '../../src-main/simulator/index';
import { readFeed } from '../../src-main/sync/polling/chatter-feed';
import { diffRecords } from '../../src-main/sync/polling/record-diff';
import { onRealServer } from './target';

const ALL = { active_test: false };
const ODOO_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

interface Target {
  client: OdooClient;
  major: number;
  close(): Promise<void>;
}

/** The server of one transport: the real one given by the environment, else a simulator. */
async function openTarget(kind: TransportKind | 'json2'): Promise<Target | undefined> {
  const env = process.env;
  if (kind === 'json2') {
    if (env.ODOO_URL && env.ODOO_API_KEY) {
      const client = await connectJson2({ url: env.ODOO_URL, db: env.ODOO_DB ?? '', secret: env.ODOO_API_KEY, login: env.ODOO_LOGIN });
      return { client: client as unknown as OdooClient, major: (await client.version()).major, close: async () => client.close() };
    }
    if (onRealServer) return undefined;
    const sim = await startSimulator({ odoo: 19, trafficDatabases: [], seed: 21 });
    sim.database('plain').write('res.partner', [10], { phone: '+32 470 11 22 33' });
    const client = await connectJson2({ url: sim.url, db: 'plain', secret: sim.database('plain').apiKey('admin') });
    return { client: client as unknown as OdooClient, major: 19, close: () => close(client, sim) };
  }
  if (onRealServer) {
    const client = await connectOdoo({ url: env.ODOO_URL!, db: env.ODOO_DB!, login: env.ODOO_LOGIN!, secret: env.ODOO_PASSWORD!, transport: kind });
    return { client, major: (await client.version()).major, close: async () => client.close() };
  }
  const sim = await startSimulator({ trafficDatabases: [], seed: 21 });
  sim.database('plain').write('res.partner', [10], { phone: '+32 470 11 22 33' }); // one tracked write to read back
  const client = await connectOdoo({ url: sim.url, db: 'plain', login: 'admin', secret: 'admin', transport: kind });
  return { client, major: 18, close: () => close(client, sim) };
}

async function close(client: { close(): void }, sim: RunningSimulator): Promise<void> {
  client.close();
  await sim.close();
}

const json2Missing = !process.env.ODOO_API_KEY && onRealServer;
describe.each(['xmlrpc', 'jsonrpc', 'json2'] as const)('the polling source\'s calls over %s', (kind) => {
  let target: Target;
  const skip = kind === 'json2' && json2Missing;

  beforeAll(async () => {
    if (!skip) target = (await openTarget(kind))!;
  });
  afterAll(() => target?.close());

  it.skipIf(skip)('detects what watching needs: readable models, the chatter, tracking values and tracked fields', async () => {
    const watch = await detectWatchCapabilities(target.client, ['res.partner', 'x_ocm_no_such.model']);
    expect(watch.readable).toEqual(['res.partner']);
    expect(watch.missing).toEqual(['x_ocm_no_such.model']);
    expect(watch.messages).toBe(true);
    expect(typeof watch.trackingValues).toBe('boolean');
    expect(watch.trackedFields['res.partner']).toEqual(expect.arrayContaining(['email']));
  });

  it.skipIf(skip)('lists the server\'s models with their tracked field counts', async () => {
    const models = await listServerModels(target.client, target.major);
    const partner = models.find((model) => model.model === 'res.partner');
    expect(partner).toMatchObject({ name: expect.any(String), trackedFields: expect.any(Number) });
    expect(partner!.trackedFields).toBeGreaterThan(0);
    expect(models.every((model) => typeof model.model === 'string' && typeof model.name === 'string')).toBe(true);
  });

  it.skipIf(skip)('totals a model: count, sum of ids and newest write_date, archived records included', async () => {
    const [all] = await groupTotals(target.client, target.major, 'res.partner', { domain: [], sums: ['id'], maxima: ['write_date'], context: ALL });
    expect(all.count).toBe(await target.client.searchCount('res.partner', [], ALL));
    const ids = await target.client.search('res.partner', [], { order: 'id asc', context: ALL });
    expect(all.sums.id).toBe(ids.reduce((sum, id) => sum + id, 0));
    expect(all.maxima?.write_date).toMatch(ODOO_DATETIME);
    const [active] = await groupTotals(target.client, target.major, 'res.partner', { domain: [], maxima: ['write_date'] });
    expect(active.count).toBeLessThanOrEqual(all.count);
  });

  it.skipIf(skip)('reads changed rows keyset on (write_date, id), with their creators and writers', async () => {
    const [newest] = await target.client.searchRead('res.partner', [], { fields: ['write_date'], order: 'write_date desc, id desc', limit: 3, context: ALL });
    const since = newest.write_date as string;
    const rows = await target.client.searchRead('res.partner', [['write_date', '>=', since]], { fields: ['create_date', 'write_date', 'create_uid', 'write_uid'], order: 'write_date asc, id asc', limit: 2, context: ALL });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.write_date).toMatch(ODOO_DATETIME);
      expect(row.create_date).toMatch(ODOO_DATETIME);
      expect(row.write_date >= since).toBe(true);
      expect(Array.isArray(row.write_uid) && typeof row.write_uid[1] === 'string').toBe(true);
    }
    const last = rows[rows.length - 1];
    const after = await target.client.searchRead(
      'res.partner',
      [['write_date', '>=', since], '|', ['write_date', '>', last.write_date as string], '&', ['write_date', '=', last.write_date as string], ['id', '>', last.id]],
      { fields: ['write_date'], order: 'write_date asc, id asc', context: ALL },
    );
    expect(after.map((row) => row.id)).not.toContain(last.id);
    const stamps = await target.client.searchRead('res.partner', [['id', 'in', rows.map((row) => row.id)]], { fields: ['write_date'], context: ALL });
    expect(stamps.map((row) => Object.keys(row).sort())).toEqual(rows.map(() => ['id', 'write_date']));
  });

  it.skipIf(skip)('finds no difference between the server\'s ids and the same ids read by range', async () => {
    const ids = await target.client.search('res.partner', [], { order: 'id asc', context: ALL });
    const same = await diffRecords(target.client, 'res.partner', ids, { major: target.major, leafSize: 8, concurrency: 2 });
    expect(same).toMatchObject({ removed: [], missing: [] });
    const gone = ids[Math.floor(ids.length / 2)];
    const known = [...ids, ids[ids.length - 1] + 1_000_000].filter((id) => id !== gone);
    const diff = await diffRecords(target.client, 'res.partner', known, { major: target.major, leafSize: 8, concurrency: 2 });
    expect(diff.removed).toEqual([ids[ids.length - 1] + 1_000_000]);
    expect(diff.missing).toEqual([gone]);
  });

  it.skipIf(skip)('reads the chatter of watched models in one request, tracking values joined, and the same without them', async () => {
    const [newest] = await target.client.searchRead(MESSAGE_MODEL, [['model', '=', 'res.partner']], { fields: ['date'], order: 'id desc', limit: 1 });
    expect(newest.date).toMatch(ODOO_DATETIME);
    const recent = await target.client.search(MESSAGE_MODEL, [['model', 'in', ['res.partner']], ['date', '>=', newest.date as string], ['id', '<=', newest.id]], { order: 'id asc' });
    expect(recent).toContain(newest.id);

    const withValues = await readFeed(target.client, { models: ['res.partner'], after: Math.max(0, newest.id - 200), withValues: true, major: target.major, pageSize: 500 });
    expect(withValues.requests).toBe(1);
    expect(withValues.messages.length).toBeGreaterThan(0);
    for (const message of withValues.messages) {
      expect(message).toMatchObject({ model: 'res.partner', resId: expect.any(Number), author: expect.any(String) });
      expect(message.date).toMatch(ODOO_DATETIME);
    }
    const tracked = withValues.messages.filter((message) => message.values);
    expect(tracked.length).toBeGreaterThan(0);
    for (const change of tracked.flatMap((message) => message.values!)) {
      expect(change.field).toMatch(/^[a-z_0-9]+$/);
      expect(typeof change.label).toBe('string');
      expect(typeof change.type).toBe('string');
    }

    const without = await readFeed(target.client, { models: ['res.partner'], after: Math.max(0, newest.id - 200), withValues: false, major: target.major, pageSize: 500 });
    expect(without.messages.map((message) => message.id)).toEqual(withValues.messages.map((message) => message.id));
    expect(without.messages.every((message) => message.values === undefined)).toBe(true);
  });

  it.skipIf(skip || kind === 'json2')('reads the same chatter with search_read and read on servers before web_search_read (Odoo 16)', async () => {
    const [newest] = await target.client.searchRead(MESSAGE_MODEL, [['model', '=', 'res.partner']], { fields: ['date'], order: 'id desc', limit: 1 });
    const query = { models: ['res.partner'], after: Math.max(0, newest.id - 200), withValues: true, pageSize: 500 };
    const modern = await readFeed(target.client, { ...query, major: target.major });
    const legacy = await readFeed(target.client, { ...query, major: 16 });
    expect(legacy.requests).toBeGreaterThan(1);
    expect(legacy.messages.map((message) => [message.id, message.values])).toEqual(modern.messages.map((message) => [message.id, message.values]));
  });
});
