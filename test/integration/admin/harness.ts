/**
 * Integration set-up for admin actions: the real simulator over loopback HTTP, the real Odoo client,
 * and a real store file whose mirror holds what a sync would have written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminService } from '../../../src-main/admin/admin-service';
import { storeAdminSettings, storeInstanceDirectory, storeRowMarker, storeRowSource } from '../../../src-main/admin/store-adapters';
import { rpcEndpoint } from '../../../src-main/odoo/client';
import { connectOdoo } from '../../../src-main/odoo/connection';
import { createTransport } from '../../../src-main/odoo/transport';
import type { OdooClient, RpcTransport } from '../../../src-main/odoo/types';
import type { RunningSimulator } from '../../../src-main/simulator';
import { InstanceSecrets } from '../../../src-main/config/secrets';
import { createKeyFileVault } from '../../../src-main/store/secret-vault';
import { openStore, type Store } from '../../../src-main/store/store';
import { secondsFromOdooTime } from '../../../src-main/odoo/datetime';

/** A transport that counts the RPC requests made through it. */
export function countingTransport(url: string): RpcTransport & { count: number } {
  const inner = createTransport('xmlrpc', { url });
  const counting = {
    kind: inner.kind,
    url: inner.url,
    count: 0,
    call(...args: Parameters<RpcTransport['call']>) {
      counting.count++;
      return inner.call(...args);
    },
    close: () => inner.close(),
  };
  return counting;
}

/** A logged-in client over a counting transport. */
export async function login(sim: RunningSimulator, db: string, user: string): Promise<{ client: OdooClient; transport: ReturnType<typeof countingTransport> }> {
  const transport = countingTransport(sim.url);
  const client = await connectOdoo({ url: sim.url, db, login: user, secret: user, transport: 'xmlrpc' }, { endpoint: rpcEndpoint(transport) });
  return { client, transport };
}

export interface AdminFixture {
  store: Store;
  /** The data directory (the store's file, and the key file sealing the instance's password). */
  dir: string;
  service: AdminService;
  client: OdooClient;
  transport: ReturnType<typeof countingTransport>;
  /** Copies the server's current log into the mirror, as a sync would. */
  mirror(): void;
  close(): void;
}

/** A store with one instance pointing at `db` on the simulator, logged in as `user`. */
export async function adminFixture(sim: RunningSimulator, options: { db?: string; user?: string; name?: string; production?: boolean } = {}): Promise<AdminFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ocm-admin-it-'));
  const store = openStore(path.join(dir, 'mirror.sqlite'));
  const db = options.db ?? 'seed';
  const user = options.user ?? 'admin';
  const instanceId = 'sim';
  store.instances.insert(
    instanceId,
    // The password sealed as the app saves it, so services opened over `dir` can log in too.
    { name: options.name ?? 'Simulator', url: sim.url, db, login: user, secret: new InstanceSecrets(createKeyFileVault(dir)).seal(user, { url: sim.url, db }), transport: 'xmlrpc', production: options.production ?? false, demo: true, pollIntervalSeconds: 30 },
    Math.floor(Date.now() / 1000),
  );
  const { client, transport } = await login(sim, db, user);
  const service = new AdminService({
    instances: storeInstanceDirectory(store),
    clients: { clientFor: async () => client },
    rows: storeRowSource(store.db),
    marker: storeRowMarker(store),
    journal: store.journal,
    settings: storeAdminSettings(store),
  });
  return {
    store,
    dir,
    service,
    client,
    transport,
    mirror() {
      const rows = sim.database(db).webhookRows();
      const changes = rows.map((row) => ({ serverId: row.id, model: row.model, recordId: row.record_id, event: row.event, ts: secondsFromOdooTime(row.timestamp) }));
      store.mirror.insertChanges(instanceId, 0, changes, { changeCursor: rows.length ? rows[rows.length - 1].id : 0 }, Math.floor(Date.now() / 1000));
    },
    close() {
      client.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** change_hours must equal a recount of the rows: each row once, under present or removed. */
export function hoursMatchRows(store: Store): boolean {
  const stored = store.db
    .prepare('SELECT instance_id, model, event, hour, present, removed FROM change_hours WHERE present <> 0 OR removed <> 0 ORDER BY 1, 2, 3, 4')
    .all();
  const recount = store.db
    .prepare(
      `SELECT instance_id, model, event, ts / 3600 AS hour, SUM(removed_at IS NULL) AS present, SUM(removed_at IS NOT NULL) AS removed
       FROM changes GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    )
    .all();
  return JSON.stringify(stored) === JSON.stringify(recount);
}
