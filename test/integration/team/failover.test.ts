/**
 * Two `ocm serve` collectors on one mirror, an Odoo simulator writing changes all along. One holds the
 * instance's lease and syncs it; it is killed with SIGKILL; the other takes the lease over within a poll
 * interval and syncs on. At the end every row the server holds is mirrored, each exactly once, and no
 * collector ever hit the other's rows (no constraint failure in either's sync log); an instance added by
 * another process is then picked up by the survivor. The fail-over time is printed (docs/benchmarks.md
 * has the benchmark's figures). The same on a SQLite file and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMirror, type MirrorLocation } from '../../../src-main/hosts/mirror-store';
import { createServices } from '../../../src-main/hosts/services';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { databasePath } from '../../../src-main/store/data-directory';
import type { Repositories } from '../../../src-main/store/ports';
import { ensureRendererBuilt } from '../../e2e/support/build';
import { MIRROR_KINDS } from '../../support/mirror-kinds';
import { until } from '../../support/until';
import { startServe, type ServeProcess } from './serve-process';

const LEASE_SECONDS = 3;
const POLL_SECONDS = 5;

/** Reads the shared mirror through a connection of its own, as a third process would. */
async function inspect<T>(database: MirrorLocation, read: (mirror: Repositories, query: (sql: string, ...params: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T> | T): Promise<T> {
  const opened = await openMirror(database, { readonly: true });
  // The few checks no repository answers, in SQL both dialects read ($1… numbered, ? for SQLite).
  const query = async (sql: string, ...params: unknown[]) =>
    opened.sqlite
      ? (opened.sqlite.db.prepare(sql.replace(/\$\d+/g, '?')).all(...params) as Record<string, unknown>[])
      : ((await (opened.repositories as unknown as { sql: { unsafe(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> } }).sql.unsafe(sql, params)) as Record<string, unknown>[]);
  try {
    return await read(opened.repositories, query);
  } finally {
    await opened.close();
  }
}

describe.each(MIRROR_KINDS)('on a $name mirror', (kind) => {
  let simulator: RunningSimulator;
  let home: string;
  let database: MirrorLocation;
  let stopStore: (() => Promise<void>) | undefined;
  let instanceId: string;
  const collectors: ServeProcess[] = [];
  const env = () => ({ OCM_HOME: home, ...(database.kind === 'postgres' ? { OCM_DATABASE_URL: database.url } : {}) });
  const changeCount = (id: string) => inspect(database, async (mirror) => (await mirror.mirror.counts(id)).changeCount);
  const lease = () => inspect(database, async (mirror) => (await mirror.leases.list()).find((row) => row.instanceId === instanceId));

  beforeAll(async () => {
    ensureRendererBuilt();
    simulator = await startSimulator({ trafficRate: 8, trafficDatabases: ['seed'], databases: [{ name: 'seed' }, { name: 'branch' }] });
    home = mkdtempSync(join(tmpdir(), 'ocm-failover-'));
    const store = await kind.start();
    stopStore = store.stop;
    database = store.database ?? { kind: 'sqlite', file: databasePath(home) };
    const app = await createServices({ dataDir: home, database, engine: 'none', keychain: null });
    instanceId = (await app.services.instances.add({ name: 'Riyadh ERP', url: simulator.url, db: 'seed', login: 'admin', password: 'admin', pollIntervalSeconds: POLL_SECONDS })).id;
    await app.close();
  });

  afterAll(async () => {
    for (const collector of collectors) await collector.kill();
    await simulator?.close();
    await stopStore?.();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('takes over a killed collector’s instance within a poll interval, mirroring every row exactly once', async () => {
    collectors.push(await startServe(['--collector-id', 'ocm-a', '--lease-seconds', String(LEASE_SECONDS)], env()));
    collectors.push(await startServe(['--collector-id', 'ocm-b', '--lease-seconds', String(LEASE_SECONDS)], env()));
    const [a, b] = collectors;

    // Exactly one holds the lease, and syncs.
    const holder = await until('a holder', async () => {
      const [ha, hb] = await Promise.all([a.health(), b.health()]);
      const holding = [ha.collector!.holding, hb.collector!.holding];
      return holding[0] + holding[1] === 1 ? (holding[0] === 1 ? a : b) : undefined;
    }, 30_000);
    const standby = holder === a ? b : a;
    await until('rows mirrored by the holder', async () => (await changeCount(instanceId)) > 0 || undefined, 30_000);
    const leaseBefore = (await lease())!;
    expect(leaseBefore.holder).toMatch(holder === a ? /^ocm-a\// : /^ocm-b\//);

    const before = await changeCount(instanceId);
    const killedAt = Date.now();
    await holder.kill();
    const takenAt = await until('the take-over', async () => ((await standby.health()).collector!.holding === 1 ? Date.now() : undefined), 20_000);
    const syncedAt = await until('rows synced by the new holder', async () => ((await changeCount(instanceId)) > before ? Date.now() : undefined), 20_000);
    const leaseAfter = (await lease())!;
    expect(leaseAfter.holder).toMatch(standby === a ? /^ocm-a\// : /^ocm-b\//);
    expect(leaseAfter.generation).toBe(leaseBefore.generation + 1);
    const takeover = takenAt - killedAt;
    const resumed = syncedAt - killedAt;
    console.log(`fail-over (${kind.name}): lease taken over ${takeover} ms after the kill, first rows mirrored by the other collector after ${resumed} ms (lease ${LEASE_SECONDS} s, poll ${POLL_SECONDS} s)`);
    expect(takeover).toBeLessThan(POLL_SECONDS * 1000);

    // Let the server settle, then the survivor mirrors everything it holds.
    simulator.traffic.stop();
    const serverIds = simulator.database('seed').webhookRows().map((row) => row.id);
    await until('every server row mirrored', async () => {
      const rows = await inspect(database, (_mirror, query) => query('SELECT server_id FROM changes WHERE instance_id = $1 AND removed_at IS NULL', instanceId));
      const present = new Set(rows.map((row) => Number(row.server_id)));
      return serverIds.every((id) => present.has(id)) || undefined;
    }, 30_000);
    await inspect(database, async (_mirror, query) => {
      expect(await query('SELECT epoch, server_id, revision FROM changes WHERE instance_id = $1 GROUP BY epoch, server_id, revision HAVING COUNT(*) > 1', instanceId)).toEqual([]);
      const [{ first }] = await query('SELECT COUNT(*) AS first FROM changes WHERE instance_id = $1 AND revision = 0', instanceId);
      const [{ rows }] = await query("SELECT COUNT(DISTINCT epoch || ':' || server_id) AS rows FROM changes WHERE instance_id = $1", instanceId);
      expect(Number(first)).toBe(Number(rows));
      const clashes = await query("SELECT message FROM sync_log WHERE instance_id = $1 AND level = 'error'", instanceId);
      expect(clashes.map((row) => String(row.message)).filter((message) => /constraint|UNIQUE|duplicate key/i.test(message))).toEqual([]);
    });
    // An instance added by another process (here `ocm instance add`'s path) is picked up by the running collector.
    const other = await createServices({ dataDir: home, database, engine: 'none', keychain: null });
    const added = (await other.services.instances.add({ name: 'Jeddah ERP', url: simulator.url, db: 'branch', login: 'admin', password: 'admin', pollIntervalSeconds: POLL_SECONDS })).id;
    await other.close();
    await until('the added instance synced by the survivor', async () => ((await changeCount(added)) > 0 ? true : undefined), 30_000);
    expect((await standby.health()).collector!.holding).toBe(2);
    await standby.stop();
    expect(await inspect(database, (mirror) => mirror.leases.list())).toEqual([]); // released on a clean stop
  }, 180_000);
});
