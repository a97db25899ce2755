/**
 * The polling source against a simulated Odoo without the module (`plain`), over real HTTP and a real
 * SQLite file: creates, tracked writes with their values, untracked writes, archiving and deletions; and
 * what second-resolution `write_date` makes hard: ties within a second, clock skew between the server
 * and the app, and transactions that commit late with older timestamps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRow, TransportKind } from '../../../src-main/common/model';
import { startSimulator, type RunningSimulator, type SimulatedDatabase } from '../../../src-main/simulator';
import { iterateChanges } from '../../../src-main/store/queries/change-queries';
import { openStore, type Store } from '../../../src-main/store/store';
import { connectTarget, type Connection } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import type { PollingTuning } from '../../../src-main/sync/polling/source';
import { pollingSource } from '../../../src-main/sync/polling/source';
import { syncTarget } from '../../unit/sync/targets';

const START = Date.UTC(2026, 10, 30, 9, 0, 0);
let sim: RunningSimulator;
let dir: string;
/** The server's clock (ms) and the app's offset from it (s): skew. */
let serverMs = START;
let appSkew = 0;
const tick = (seconds: number) => (serverMs += seconds * 1000);
const appNow = () => Math.floor(serverMs / 1000) + appSkew;
const databases = ['plain_xmlrpc', 'plain_jsonrpc', 'plain_skew', 'plain_late'];

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, now: () => new Date(serverMs), databases: databases.map((name) => ({ name, module: false })), trafficDatabases: [] });
  dir = mkdtempSync(join(tmpdir(), 'ocm-polling-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Mirror {
  store: Store;
  connection: Connection;
  instanceId: string;
  db: SimulatedDatabase;
  pass(tuning?: Partial<PollingTuning>): Promise<{ added: number; requests: number }>;
  rows(): ChangeRow[];
  close(): void;
}

async function mirror(database: string, transport: TransportKind, tuning: Partial<PollingTuning> = {}): Promise<Mirror> {
  const store = openStore(join(dir, `${database}-${transport}-${Math.random().toString(36).slice(2)}.sqlite`));
  const instanceId = `${database}-${transport}`;
  const target = syncTarget({ id: instanceId, url: sim.url, db: database, transport, source: 'polling' });
  const connection = await connectTarget(target, new AbortController().signal);
  const source = pollingSource({ server: `${sim.url}|${database}`, models: target.config.watchedModels ?? defaultModels() }, { modelChecksPerPoll: 10, ...tuning });
  return {
    store,
    connection,
    instanceId,
    db: sim.database(database),
    pass: (override) =>
      runSyncPass({ store, client: connection.client, capabilities: connection.capabilities, instanceId, now: appNow, source: override ? pollingSource({ server: `${sim.url}|${database}`, models: defaultModels() }, { modelChecksPerPoll: 10, ...tuning, ...override }) : source }),
    rows: () => [...iterateChanges(store.db, { instanceIds: [instanceId] }, { batchSize: 1000 })].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || Number(a.key) - Number(b.key)),
    close: () => {
      connection.client.close();
      store.close();
    },
  };
}

function defaultModels(): string[] {
  return ['sale.order', 'product.template', 'product.category', 'res.partner', 'account.move', 'account.journal', 'hr.expense', 'stock.picking', 'purchase.order', 'hr.employee'];
}

const open: Mirror[] = [];
afterEach(() => {
  for (const one of open.splice(0)) one.close();
});

describe.each(['xmlrpc', 'jsonrpc'] as const)('the polling source over %s', (transport) => {
  it('starts with a baseline, then mirrors creates, tracked writes with values, untracked writes, archiving and deletions', async () => {
    const m = await mirror(`plain_${transport}`, transport);
    open.push(m);
    expect(m.connection.capabilities.changeLogInstalled).toBe(false);
    expect(m.connection.capabilities.watch).toMatchObject({ messages: true, trackingValues: true, missing: [], unreadable: [] });
    const first = await m.pass();
    expect(first.added).toBe(0);
    expect(m.rows()).toEqual([]);

    tick(5);
    const [partner] = m.db.create('res.partner', { name: 'Polly Poller', email: 'polly@example.com' });
    tick(5);
    const [product] = m.db.recordIds('product.template');
    m.db.write('product.template', [product], { list_price: 12.5 }, 'demo');
    m.db.write('res.partner', [partner], { street: '1 Rue Neuve' }); // not tracked
    tick(5);
    m.db.write('res.partner', [partner], { active: false });
    await m.pass();
    tick(5);
    m.db.unlink('res.partner', [partner]);
    await m.pass();

    const rows = m.rows();
    const of = (model: string, recordId: number) => rows.filter((row) => row.model === model && row.recordId === recordId);
    expect(of('res.partner', partner).map((row) => [row.event, row.origin, row.userName ?? null])).toEqual([
      ['create', 'polling', 'Mitchell Admin'],
      ['write', 'polling', 'Mitchell Admin'], // the street and the archiving, merged: one poll saw both
      ['unlink', 'polling', null],
    ]);
    const [price] = of('product.template', product);
    expect(price).toMatchObject({ event: 'write', origin: 'tracking', userName: 'Marc Demo', changedFields: ['list_price'] });
    expect(price.values).toEqual([{ field: 'list_price', label: 'Sales Price', type: 'float', old: expect.any(String), new: '12.5' }]);
    expect(rows.every((row) => row.serverId < 0)).toBe(true);
    expect(new Set(rows.map((row) => row.serverId)).size).toBe(rows.length);
  });

  it('costs at most 3 requests when idle with ten watched models, and adds nothing twice', async () => {
    const m = await mirror(`plain_${transport}`, transport, { modelChecksPerPoll: 2 });
    open.push(m);
    await m.pass();
    tick(300); // past every overlap window
    await m.pass();
    const idle = await m.pass();
    expect(idle).toMatchObject({ added: 0 });
    expect(idle.requests).toBeLessThanOrEqual(3);
    const [product] = m.db.recordIds('product.template');
    tick(1);
    m.db.write('product.template', [product], { list_price: 99 });
    const busy = await m.pass();
    expect(busy.added).toBe(1); // the tracking event; the polling write is the same change
    for (let i = 0; i < 4; i++) {
      tick(10);
      expect((await m.pass()).added).toBe(0);
    }
  });
});

describe('what second-resolution write dates make hard', () => {
  it('sees a write in the same second as the last one read (a tie)', async () => {
    const m = await mirror('plain_xmlrpc', 'xmlrpc');
    open.push(m);
    await m.pass();
    tick(3);
    const [a, b] = m.db.recordIds('res.partner').slice(-2);
    m.db.write('res.partner', [a], { street: 'A' });
    await m.pass();
    m.db.write('res.partner', [b], { street: 'B' }); // the same second, after the pass read it
    await m.pass();
    const writes = m.rows().filter((row) => row.event === 'write');
    expect(writes.map((row) => row.recordId).sort()).toEqual([a, b].sort());
  });

  it('misses nothing when the server clock is an hour ahead of the app, or behind it', async () => {
    for (const skew of [-3600, 3600]) {
      appSkew = skew;
      const m = await mirror('plain_skew', 'jsonrpc');
      open.push(m);
      await m.pass();
      tick(2);
      const [partner] = m.db.create('res.partner', { name: `Skewed ${skew}` });
      await m.pass();
      tick(1);
      m.db.write('res.partner', [partner], { street: 'skewed' });
      await m.pass();
      tick(1);
      m.db.unlink('res.partner', [partner]);
      await m.pass();
      expect(m.rows().filter((row) => row.recordId === partner && row.model === 'res.partner').map((row) => row.event)).toEqual(['create', 'write', 'unlink']);
      m.close();
      open.pop();
    }
    appSkew = 0;
  });

  it('catches rows a long transaction commits late with an older write_date, within the overlap and beyond it for creates', async () => {
    const m = await mirror('plain_jsonrpc', 'jsonrpc', { overlapSeconds: 120 });
    open.push(m);
    await m.pass();
    tick(5);
    const [a, b] = m.db.recordIds('res.partner').slice(-2);
    m.db.write('res.partner', [a], { street: 'now' });
    await m.pass(); // the cursor is now at the current second
    tick(5);
    m.db.commitLate(60, () => m.db.write('res.partner', [b], { street: 'a minute ago' }));
    const late = m.db.commitLate(600, () => m.db.create('res.partner', { name: 'Ten minutes ago' }))[0];
    await m.pass();
    const rows = m.rows();
    expect(rows.some((row) => row.recordId === b && row.event === 'write')).toBe(true);
    expect(rows.some((row) => row.recordId === late && row.event === 'create')).toBe(true);
  });

  it('catches a late commit that lands between two re-reads of the window, by the next one', async () => {
    const m = await mirror('plain_late', 'xmlrpc', { overlapSeconds: 120 });
    open.push(m);
    await m.pass();
    tick(5);
    const [a, b] = m.db.recordIds('res.partner').slice(-2);
    m.db.write('res.partner', [a], { street: 'first' });
    await m.pass(); // the change
    tick(2);
    await m.pass(); // the pass after: ties, and the window read once
    tick(2);
    m.db.commitLate(90, () => m.db.write('res.partner', [b], { street: 'ninety seconds ago' }));
    await m.pass(); // the window was read two seconds ago: not yet
    expect(m.rows().some((row) => row.recordId === b)).toBe(false);
    tick(60);
    await m.pass(); // half the overlap later: read again
    expect(m.rows().filter((row) => row.recordId === b).map((row) => row.event)).toEqual(['write']);
    tick(300);
    await m.pass();
    const idle = await m.pass(); // cold again: back to the idle cost
    expect(idle.requests).toBeLessThanOrEqual(1 + 10);
  });
});
