/**
 * The sync engine with our addon's protocol 2 (the simulator's fixed flavour over real HTTP, both
 * transports): an idle poll is one `sync_state` request; deletions come from tombstones, and from a
 * `digest` scan when tombstones were missed (cleaned before they were read, or committed out of order);
 * a recreated log is a reset; the error log is read only when it grew.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportKind } from '../../../src-main/common/model';
import type { OdooClient } from '../../../src-main/odoo/types';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { openStore, type Store } from '../../../src-main/store/store';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { syncTarget } from '../../unit/sync/targets';

let sim: RunningSimulator;
let dir: string;
/** The simulator's clock: tests move it forward to age tombstones. */
let clock = Date.now();

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'fixed', seed: 11, now: () => new Date(clock), databases: [{ name: 'log_xmlrpc', syntheticRows: 3000 }, { name: 'log_jsonrpc', syntheticRows: 3000 }] });
  dir = mkdtempSync(join(tmpdir(), 'ocm-addon-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The client with every model method it calls recorded (the methods call executeKw through `this`). */
function recorded(client: OdooClient): { client: OdooClient; methods: string[] } {
  const methods: string[] = [];
  const spy = Object.create(client) as OdooClient;
  spy.executeKw = (model, method, args, kwargs, call) => {
    methods.push(`${model}.${method}`);
    return client.executeKw(model, method, args, kwargs, call);
  };
  return { client: spy, methods };
}

function presentIds(store: Store, instanceId: string): number[] {
  const epoch = store.syncState.get(instanceId).epoch;
  return store.mirror.presentServerIds(instanceId, epoch, 1, Number.MAX_SAFE_INTEGER);
}

describe.each(['xmlrpc', 'jsonrpc'] as const)('our addon over %s', (transport: TransportKind) => {
  it('polls with one sync_state call, and finds deletions from tombstones, a digest scan or the count', async () => {
    const name = `log_${transport}`;
    const db = sim.database(name);
    const store = openStore(join(dir, `${transport}.sqlite`));
    const instanceId = `addon-${transport}`;
    const connection = await connectTarget(syncTarget({ id: instanceId, url: sim.url, db: name, transport }), new AbortController().signal);
    const { client, methods } = recorded(connection.client);
    const pass = async () => {
      methods.length = 0;
      return runSyncPass({ store, client, capabilities: connection.capabilities, instanceId, options: { pageSize: 1000 } });
    };
    const server = () => db.webhookRows().map((row) => row.id);
    try {
      expect(connection.capabilities.addonProtocol).toBe(2);
      const snapshot = await pass();
      expect(snapshot.snapshot).toBe(true);
      expect(presentIds(store, instanceId)).toEqual(server());
      expect(methods[0]).toBe('update.webhook.sync_state');

      // Idle: one request, nothing changed.
      const idle = await pass();
      expect(methods).toEqual(['update.webhook.sync_state']);
      expect(idle).toMatchObject({ added: 0, removed: 0, revised: 0, errorsAdded: 0, reset: false });

      // New rows, deleted rows and a new error, all in the one answer.
      const deleted = db.deleteRandomWebhookRows(30);
      db.seedWebhookRows(20);
      db.addError('res.partner', 7, 'Timeout calling the webhook');
      const busy = await pass();
      expect(busy).toMatchObject({ added: 20, removed: 30, errorsAdded: 1 });
      expect(methods).toEqual(['update.webhook.sync_state', 'webhook.errors.search_read']);
      expect(presentIds(store, instanceId)).toEqual(server());
      const removed = store.db.prepare("SELECT server_id FROM changes WHERE instance_id = ? AND removed_by = 'server' ORDER BY server_id").pluck().all(instanceId);
      expect(removed).toEqual(deleted);

      // Tombstones cleaned before they were read: the cursor is below the floor, a digest scan finds them.
      const missed = db.deleteRandomWebhookRows(12);
      db.deleteRandomWebhookRows(1); // the newest tombstone is always kept
      clock += 40 * 86_400_000;
      db.purgeTombstones();
      const scanned = await pass();
      expect(scanned.removed).toBe(13);
      expect(methods.filter((method) => method === 'update.webhook.digest').length).toBeGreaterThan(0);
      expect(presentIds(store, instanceId)).toEqual(server());
      expect(missed.every((id) => !presentIds(store, instanceId).includes(id))).toBe(true);

      // A tombstone committed out of order (below the cursor already read): the count tells, digest names it.
      const [late] = db.deleteRandomWebhookRows(1);
      store.syncState.update(instanceId, { tombstoneCursor: db.tombstones().at(-1)!.id });
      const counted = await pass();
      expect(counted.removed).toBe(1);
      expect(methods).toContain('update.webhook.digest');
      expect(presentIds(store, instanceId)).not.toContain(late);

      // Idle again: one request.
      await pass();
      expect(methods).toEqual(['update.webhook.sync_state']);

      // The log recreated: a new token, a reset and a new snapshot, history kept.
      db.resetWebhookLog();
      db.seedWebhookRows(50);
      const reset = await pass();
      expect(reset.reset).toBe(true);
      expect(presentIds(store, instanceId)).toEqual(server());
      await pass();
      expect(methods).toEqual(['update.webhook.sync_state']);
    } finally {
      connection.client.close();
      store.close();
    }
  });
});
