/**
 * The engine over a store that answers with Promises on a later turn (test/support/deferred-store.ts,
 * standing in for the PostgreSQL store) writes exactly what it writes over the SQLite store: the same
 * simulated server is mirrored into both, pass by pass (the classic module log, our addon's protocol 2,
 * and polling without the module), and every pass result and every table must be identical. The
 * scheduler over it announces the same statuses and keeps a pause across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import type { InstanceConfig } from '../../../src-main/common/model';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import type { ModuleFlavour } from '../../../src-main/simulator/index';
import { openStore, type Store } from '../../../src-main/store/store';
import { connectTarget, type Connection } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { SyncScheduler, type SyncEngineStore } from '../../../src-main/sync/scheduler';
import type { ChangeSource, SyncPassResult } from '../../../src-main/sync/source';
import { SyncService } from '../../../src-main/sync/sync-service';
import { deferredStore } from '../../support/deferred-store';
import { syncTarget } from '../../unit/sync/targets';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-promise-store-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of every table the engine writes, as sorted JSON lines per table, and the indexes (a snapshot drops and rebuilds some). */
function tables(store: Store): Record<string, string[]> {
  const names = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('store_migrations', 'ocm_schema') ORDER BY name").pluck().all() as string[];
  const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").pluck().all() as string[];
  return { ...Object.fromEntries(names.map((name) => [name, (store.db.prepare(`SELECT * FROM ${name}`).all() as unknown[]).map((row) => JSON.stringify(row)).sort()])), '(indexes)': indexes };
}

/** Two mirrors of one server database, one over the SQLite store as is and one over it deferred. */
async function twins(sim: RunningSimulator, database: string, config: Partial<InstanceConfig> = {}) {
  const instanceId = `twin-${database}`;
  const target = syncTarget({ id: instanceId, url: sim.url, db: database, transport: 'jsonrpc', ...config });
  const sides = await Promise.all(
    ['plain', 'deferred'].map(async (side) => {
      const sqlite = openStore(join(dir, `${database}-${side}.sqlite`));
      const connection: Connection = await connectTarget(target, new AbortController().signal);
      return { sqlite, store: side === 'plain' ? (sqlite as SyncEngineStore) : deferredStore(sqlite), connection };
    }),
  );
  let clock = 1_800_000_000;
  return {
    /** One pass on each side, the same app time; both results. */
    async pass(): Promise<[SyncPassResult, SyncPassResult]> {
      clock += 90;
      const results: SyncPassResult[] = [];
      for (const { store, connection } of sides) {
        const source: ChangeSource | undefined = connection.source;
        results.push(await runSyncPass({ store, client: connection.client, capabilities: connection.capabilities, source, instanceId, now: () => clock, options: { pageSize: 500 } }));
      }
      return [results[0], results[1]];
    },
    /** After each change to the server, one pass on each side: the same result, the same tables. */
    async follow(steps: readonly (() => void)[]): Promise<void> {
      for (const step of steps) {
        step();
        const [plain, deferred] = await this.pass();
        expect(deferred).toEqual(plain);
        expect(tables(sides[1].sqlite)).toEqual(tables(sides[0].sqlite));
      }
    },
    close(): void {
      for (const { sqlite, connection } of sides) {
        connection.client.close();
        sqlite.close();
      }
    },
  };
}

describe.each(['original', 'fixed'] as const)('the module log (%s flavour) over a Promise store', (flavour: ModuleFlavour) => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ flavour, seed: 7, databases: [{ name: 'log', syntheticRows: 3000 }], trafficDatabases: [] });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('mirrors a snapshot, new rows, errors, deletions and a reset exactly as over SQLite', async () => {
    const db = sim.database('log');
    const mirror = await twins(sim, 'log');
    try {
      const steps: (() => void)[] = [
        () => undefined, // the snapshot
        () => {
          const [partner] = db.create('res.partner', { name: 'Twin Partner' });
          db.write('res.partner', [partner], { name: 'Twin Partner (renamed)' });
          db.addError('res.partner', partner, 'Timeout calling https://hooks.example/twin');
        },
        () => void db.deleteRandomWebhookRows(25),
        () => undefined, // idle
        () => {
          db.resetWebhookLog();
          db.seedWebhookRows(40);
        },
        () => void db.seedWebhookRows(700),
      ];
      await mirror.follow(steps);
    } finally {
      mirror.close();
    }
  });
});

describe('polling without the module over a Promise store', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 13, databases: [{ name: 'watched', module: false }], trafficDatabases: [] });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('takes the baseline and records creates, writes and deletions exactly as over SQLite', async () => {
    const db = sim.database('watched');
    const mirror = await twins(sim, 'watched', { source: 'polling' });
    try {
      const created: number[] = [];
      const steps: (() => void)[] = [
        () => undefined, // the baseline
        () => void created.push(...db.create('res.partner', [{ name: 'Polled One' }, { name: 'Polled Two' }])),
        () => db.write('res.partner', [created[0]], { name: 'Polled One (renamed)' }),
        () => db.unlink('res.partner', [created[1]]),
        () => undefined, // idle
      ];
      await mirror.follow(steps);
    } finally {
      mirror.close();
    }
  });
});

describe('the scheduler over a Promise store', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'fixed', seed: 3, databases: [{ name: 'loop', syntheticRows: 1200 }], trafficDatabases: [] });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('announces the mirrored counts, and keeps a pause across a restart', async () => {
    const sqlite = openStore(join(dir, 'scheduler.sqlite'));
    const store = deferredStore(sqlite);
    const target = syncTarget({ id: 'loop', url: sim.url, db: 'loop', transport: 'jsonrpc', pollIntervalSeconds: 3600 });
    const { config } = target;
    sqlite.instances.insert(config.id, { name: config.name, url: config.url, db: config.db, login: config.login, secret: 'sealed elsewhere', transport: config.transport, production: false, demo: false, pollIntervalSeconds: config.pollIntervalSeconds }, 1_800_000_000);
    const rows = sim.database('loop').webhookRows().length;
    let scheduler = new SyncScheduler({ store, timing: { fastMs: 20 } });
    try {
      const upToDate = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'up-to-date');
      const snapshotLogged = nextEvent(scheduler.onDidLog, (entry) => entry.messageKey === 'sync.snapshot.done');
      scheduler.setTargets([target]);
      expect(await upToDate).toMatchObject({ instanceId: 'loop', changeCount: rows, removedCount: 0 });
      expect((await snapshotLogged).id).toBeGreaterThan(0); // announced once stored
      const service = new SyncService(store, scheduler);
      expect(await service.statuses()).toMatchObject([{ instanceId: 'loop', state: 'up-to-date', changeCount: rows }]);

      const paused = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'paused');
      await service.pause('loop');
      expect(await paused).toMatchObject({ changeCount: rows });
      await scheduler.close();

      // A new engine reads the pause when its loop starts: until it announces, the status rests.
      scheduler = new SyncScheduler({ store, timing: { fastMs: 20 } });
      const restored = nextEvent(scheduler.onDidChangeStatus, () => true);
      scheduler.setTargets([target]);
      expect(await new SyncService(store, scheduler).statuses()).toMatchObject([{ instanceId: 'loop', state: 'idle', changeCount: rows }]);
      expect(await restored).toMatchObject({ state: 'paused', changeCount: rows });
    } finally {
      await scheduler.close();
      sqlite.close();
    }
  });
});
