/** The sync engine against the simulator over real HTTP, both transports, in-thread and in the worker. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import type { TransportKind } from '../../../src-main/common/model';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { openStore } from '../../../src-main/store/store';
import { createServices } from '../../../src-main/hosts/services';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { syncTarget } from '../../unit/sync/targets';

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    databases: [
      { name: 'seed' },
      { name: 'big_xmlrpc', syntheticRows: 3000 },
      { name: 'big_jsonrpc', syntheticRows: 3000 },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'ocm-sync-it-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function target(db: string, transport: TransportKind, id = `${db}-${transport}`) {
  return syncTarget({ id, url: sim.url, db, transport });
}

function presentIds(store: ReturnType<typeof openStore>, instanceId: string): number[] {
  const epoch = store.syncState.get(instanceId).epoch;
  return store.mirror.presentServerIds(instanceId, epoch, 1, Number.MAX_SAFE_INTEGER);
}

describe.each(['xmlrpc', 'jsonrpc'] as const)('sync over %s', (transport) => {
  it('mirrors the big database, then new rows, deletions and a reset, keeping history', async () => {
    const store = openStore(join(dir, `${transport}.sqlite`));
    const abort = new AbortController();
    const { client, capabilities } = await connectTarget(target(`big_${transport}`, transport), abort.signal);
    const db = sim.database(`big_${transport}`);
    const instanceId = `big_${transport}-${transport}`;
    const pass = () => runSyncPass({ store, client, capabilities, instanceId, options: { pageSize: 1000 } });
    try {
      const snapshot = await pass();
      expect(snapshot.snapshot).toBe(true);
      expect(presentIds(store, instanceId)).toEqual(db.webhookRows().map((row) => row.id));

      const deleted = db.deleteRandomWebhookRows(25);
      db.seedWebhookRows(40);
      const second = await pass();
      expect(second.added).toBe(40);
      expect(second.removed).toBe(25);
      expect(presentIds(store, instanceId)).toEqual(db.webhookRows().map((row) => row.id));
      const removed = store.db.prepare("SELECT server_id FROM changes WHERE instance_id = ? AND removed_by = 'server' ORDER BY server_id").pluck().all(instanceId);
      expect(removed).toEqual([...deleted].sort((a, b) => a - b));

      const historyBefore = Number(store.db.prepare('SELECT COUNT(*) FROM changes WHERE instance_id = ?').pluck().get(instanceId));
      db.resetWebhookLog();
      db.seedWebhookRows(30);
      const third = await pass();
      expect(third.reset).toBe(true);
      expect(presentIds(store, instanceId)).toEqual(db.webhookRows().map((row) => row.id));
      expect(Number(store.db.prepare('SELECT COUNT(*) FROM changes WHERE instance_id = ?').pluck().get(instanceId))).toBe(historyBefore + 30);
    } finally {
      client.close();
      store.close();
    }
  });
});

describe('createServices (worker engine)', () => {
  it('syncs a saved instance in the worker thread and reports status, data and log lines', async () => {
    const app = await createServices({ dataDir: join(dir, 'services'), keychain: null, timing: { fastMs: 50 } });
    const { services } = app;
    try {
      const upToDate = nextEvent(services.sync.onDidChangeStatus, (status) => status.state === 'up-to-date');
      const logged = nextEvent(services.sync.onDidLog, (entry) => entry.kind === 'snapshot' && entry.message.startsWith('Snapshot complete'));
      const added = await services.instances.add({ name: 'Seed', url: sim.url, db: 'seed', login: 'admin', password: 'admin', transport: 'jsonrpc' });
      const status = await upToDate;
      expect(status.instanceId).toBe(added.id);
      expect(status.changeCount).toBe(sim.database('seed').webhookRows().length);
      expect(status.errorLog).toBe('unreadable');
      await logged;

      // Live traffic reaches the mirror through the worker.
      const data = nextEvent(services.changes.onDidChangeData, (notice) => notice.added > 0);
      sim.traffic.step(5);
      await services.sync.syncNow(added.id);
      expect((await data).instanceId).toBe(added.id);

      const statuses = await services.sync.statuses();
      expect(statuses.map((entry) => entry.instanceId)).toEqual([added.id]);
      expect((await services.sync.activity({ instanceId: added.id })).length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
