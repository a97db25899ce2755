/**
 * (g) Team mode, on a SQLite file and on PostgreSQL side by side in one run. (1) 20 workbenches
 * (WebSocket clients, signed in as 20 users: viewers of two of three instances and operators of all) on
 * one `ocm serve` over a mirror of 1,000,000 rows (quick: 100,000), each paging the timeline (first
 * page, then four older pages by cursor) and asking facets and the histogram, for 30 s (quick: 10 s):
 * page and facet latencies as the clients see them, the server process's CPU, and on PostgreSQL the
 * cluster's CPU. (2) Fail-over: two collectors on one mirror, the lease holder killed with SIGKILL: the
 * time until the other holds the lease, and until it has mirrored new rows (3 runs per store; quick: 1).
 * (3) Ingest through the real engine: the in-thread engine mirrors 200,000 rows (quick: 50,000) from the
 * CPU-paced simulator in its own process into each store, one pass (`syncOnce`): rows/s and the app's
 * CPU per row (and the cluster's).
 *
 * PostgreSQL is a throwaway cluster (test/support/postgres.ts) with fsync on, synchronous_commit off,
 * the settings of bench/postgres.bench.ts, or OCM_TEST_DATABASE_URL (its CPU is then read only if it
 * runs on this machine). Without PostgreSQL here the suite measures SQLite alone and says so.
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { ChangeFilter, InstanceId, TimelineCursor } from '../src-main/common/model';
import { OcmError } from '../src-main/common/errors';
import { openMirror, type MirrorLocation } from '../src-main/hosts/mirror-store';
import { createServices } from '../src-main/hosts/services';
import { teamAccounts } from '../src-main/hosts/serve/team-accounts';
import { startSimulator } from '../src-main/simulator';
import { databasePath } from '../src-main/store/data-directory';
import { openDatabase } from '../src-main/store/open';
import { closePostgres, openPostgres } from '../src-main/store/postgres/connection';
import { migratePostgres } from '../src-main/store/postgres/migrate';
import { copySqliteToPostgres } from '../src-main/store/postgres/sqlite-copy';
import { openStore } from '../src-main/store/store';
import { ensureRendererBuilt } from '../test/e2e/support/build';
import { connectChannel, signIn, type TeamClient } from '../test/integration/team/harness';
import { startServe, type ServeProcess } from '../test/integration/team/serve-process';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from '../test/support/postgres';
import { until } from '../test/support/until';
import { createMirrorDatabase, randomGenerator, REALISTIC, seedRealistic } from '../test/unit/queries/fixtures';
import { clusterCpuSeconds, cpuSeconds, postmasterPid } from './process-cpu';
import { SimulatorProcess } from './simulator-process';
import { round } from './stats';
import type { BenchContext, BenchSuite, BenchTable } from './types';

const WORKBENCHES = 20;
const PAGE_SIZE = 100;
const PASSWORD = 'bench-password-123';
/** 2026-11-30T00:00:00Z: the seeded month ends here. */
const END = Date.UTC(2026, 10, 30) / 1000;

/** A store the suite runs on: where a fresh mirror goes, and (PostgreSQL on this machine) the cluster's CPU so far. */
interface BenchStore {
  name: 'SQLite' | 'PostgreSQL';
  /** A fresh, empty mirror (SQLite: the data folder's file). */
  fresh(home: string): Promise<MirrorLocation>;
  clusterCpu?: () => number;
}

const SQLITE: BenchStore = { name: 'SQLite', fresh: async (home) => ({ kind: 'sqlite', file: databasePath(home) }) };

/** The environment of an `ocm serve` on `location` (PostgreSQL: OCM_DATABASE_URL). */
function serveEnvironment(home: string, location: MirrorLocation): Record<string, string> {
  return { OCM_HOME: home, ...(location.kind === 'postgres' ? { OCM_DATABASE_URL: location.url } : {}) };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

/** The SQLite mirror of g1 (rows, three instances) in `home`; on PostgreSQL, the same rows copied as `ocm store migrate` does. Then the 20 users on it. */
async function seedTeamMirror(context: BenchContext, store: BenchStore, home: string, rows: number): Promise<MirrorLocation> {
  const file = databasePath(home);
  const location = await store.fresh(home);
  if (location.kind === 'postgres') {
    const started = performance.now();
    const db = openDatabase(file, { readonly: true });
    const sql = await openPostgres(location.url, { max: 1 });
    try {
      await migratePostgres(sql);
      await copySqliteToPostgres(db, sql, { source: file });
      await sql.unsafe('VACUUM ANALYZE');
    } finally {
      db.close();
      await closePostgres(sql);
    }
    context.log(`copied ${rows.toLocaleString('en-US')} rows to PostgreSQL in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const setup = await createServices({ dataDir: home, database: location, engine: 'none', keychain: null });
  const { users } = teamAccounts(setup);
  const instanceIds = REALISTIC.instances.map(([id]) => id);
  for (let index = 0; index < WORKBENCHES; index++) {
    const viewer = index % 2 === 0;
    await users.add({ login: `user${index}`, password: PASSWORD, role: viewer ? 'viewer' : 'operator', instanceIds: viewer ? instanceIds.slice(0, 2) : instanceIds });
  }
  await setup.close();
  return location;
}

/** The three scenarios of g1 on one store, one `ocm serve` over it. */
async function workbenchesOn(context: BenchContext, store: BenchStore, home: string, location: MirrorLocation, seconds: number): Promise<(string | number)[][]> {
  const server = await startServe(['--no-collector'], serveEnvironment(home, location));
  const clients: TeamClient[] = [];
  try {
    const origin = new URL(server.url).origin;
    for (let index = 0; index < WORKBENCHES; index++) {
      const { cookie } = await signIn(origin, `user${index}`, PASSWORD);
      clients.push(await connectChannel(origin, cookie));
    }
    const instanceIds = REALISTIC.instances.map(([id]) => id);
    const scenario = async (thinkMs: number, active: TeamClient[] = clients) => {
      const samples = { page: [] as number[], facets: [] as number[], histogram: [] as number[] };
      const timed = async <T>(kind: keyof typeof samples, call: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        const result = await call();
        samples[kind].push(performance.now() - started);
        return result;
      };
      const models = REALISTIC.models.map(([model]) => model);
      const deadline = Date.now() + seconds * 1000;
      const cpuBefore = cpuSeconds(server.pid);
      const clusterBefore = store.clusterCpu?.();
      const wallBefore = performance.now();
      await Promise.all(
        active.map(async (client, index) => {
          const random = randomGenerator(index + 1);
          // Workbenches start spread over the first think time, as people do.
          await new Promise((resolve) => setTimeout(resolve, random() * thinkMs));
          while (Date.now() < deadline) {
            const filter: ChangeFilter = random() < 0.5 ? {} : { instanceIds: [instanceIds[Math.floor(random() * 2)]], models: [models[Math.floor(random() * models.length)]] };
            let cursor: TimelineCursor | undefined;
            for (let pageNumber = 0; pageNumber < 5; pageNumber++) {
              const page = await timed('page', () => client.services.changes.timeline({ filter, limit: PAGE_SIZE, cursor }));
              cursor = page.older;
              if (!cursor) break;
            }
            await timed('facets', () => client.services.changes.facets(filter));
            await timed('histogram', () => client.services.changes.histogram(filter));
            if (thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, thinkMs));
          }
        }),
      );
      const wall = (performance.now() - wallBefore) / 1000;
      const cpu = cpuSeconds(server.pid) - cpuBefore;
      const cluster = clusterBefore === undefined ? undefined : store.clusterCpu!() - clusterBefore;
      for (const list of Object.values(samples)) list.sort((a, b) => a - b);
      const requests = samples.page.length + samples.facets.length + samples.histogram.length;
      const p = (list: number[], fraction: number) => round(percentile(list, fraction), 1);
      const perRequestMs = (seconds: number) => round((seconds * 1000) / Math.max(1, requests), 2);
      context.log(`${store.name}, ${active.length} workbench(es), think ${thinkMs} ms: ${requests} requests, load ${load()}`);
      return [
        store.name,
        `${active.length} workbench${active.length === 1 ? '' : 'es'}, ${thinkMs > 0 ? `${thinkMs} ms between rounds` : 'no pause'}`,
        round(requests / wall, 0),
        p(samples.page, 0.5),
        p(samples.page, 0.95),
        p(samples.facets, 0.95),
        p(samples.histogram, 0.95),
        round((cpu / wall) * 100, 0),
        perRequestMs(cpu),
        cluster === undefined ? '—' : round((cluster / wall) * 100, 0),
        cluster === undefined ? '—' : perRequestMs(cluster),
      ];
    };
    // One workbench alone first: the floor of this machine at this moment, to read the others against.
    const alone = await scenario(0, clients.slice(0, 1));
    const interactive = await scenario(1000);
    const saturated = await scenario(0);
    return [alone, interactive, saturated];
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
}

async function workbenches(context: BenchContext, stores: readonly BenchStore[]): Promise<BenchTable> {
  const rows = context.quick ? 100_000 : 1_000_000;
  const seconds = context.quick ? 10 : 30;
  const home = join(context.scratchDir, 'team');
  mkdirSync(home, { recursive: true });
  const seeding = createMirrorDatabase(databasePath(home));
  seedRealistic(seeding, { rows, end: END, days: 30, removedFraction: 0.02, seed: 2026 });
  seeding.close();
  const sqlite = openStore(databasePath(home));
  for (const [id] of REALISTIC.instances) sqlite.instances.insert(id, { name: id, url: 'http://127.0.0.1:9/', db: id, login: 'admin', secret: 'unused', transport: 'xmlrpc', production: false, demo: false, pollIntervalSeconds: 30 }, END);
  sqlite.close();
  context.log(`seeded ${rows.toLocaleString('en-US')} rows`);
  ensureRendererBuilt();
  const table: (string | number)[][] = [];
  for (const store of stores) {
    // PostgreSQL first: its copy reads the SQLite file before the SQLite store's users are added to it.
    const location = await seedTeamMirror(context, store, home, rows);
    table.push(...(await workbenchesOn(context, store, home, location, seconds)));
  }
  return {
    title: `(g1) ${WORKBENCHES} workbenches on one ocm serve (${rows.toLocaleString('en-US')} rows, ${seconds} s per scenario), per store`,
    columns: ['store', 'workload', 'requests/s', 'page p50 ms', 'page p95 ms', 'facets p95 ms', 'histogram p95 ms', 'server CPU % (1 core = 100)', 'server CPU ms per request', 'PostgreSQL CPU % (1 core = 100)', 'PostgreSQL CPU ms per request'],
    rows: table,
    notes: [
      `${WORKBENCHES} clients in the benchmark's process, each signed in (cookie session) on its own WebSocket. A round: a first page of ${PAGE_SIZE} rows, up to 4 older pages by cursor, facets, histogram; half the rounds filtered by one instance and one model. "1000 ms between rounds" is people scrolling and filtering; "no pause" sends the next request as soon as the answer arrives (with 20, a queue of 20); one workbench alone gives the floor of the machine at that moment.`,
      'Half the users are viewers of 2 of the 3 instances (every call scoped by the policy), half operators of all; each call re-checks the session in the store.',
      'Latencies include the WebSocket round trip on loopback and JSON encoding; the server is one Node process run with --no-collector (SQLite: better-sqlite3 answers on its main thread; PostgreSQL: a pool of 12 connections); its CPU is its user + system time over the wall time. PostgreSQL CPU is the whole cluster\'s (postmaster, backends, background writers; /proc) over the same time.',
      'Both stores hold the same rows: the SQLite mirror seeded by test/unit/queries/fixtures.ts, copied into PostgreSQL by the code of `ocm store migrate` (then VACUUM ANALYZE).',
    ],
  };
}

async function failoverOn(context: BenchContext, store: BenchStore, runs: number, leaseSeconds: number): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (let attempt = 0; attempt < runs; attempt++) {
    const simulator = await startSimulator({ trafficRate: 8, trafficDatabases: ['seed'] });
    const home = join(context.scratchDir, `failover-${store.name}-${attempt}`);
    const location = await store.fresh(home);
    const app = await createServices({ dataDir: home, database: location, engine: 'none', keychain: null });
    const instanceId = (await app.services.instances.add({ name: 'Riyadh ERP', url: simulator.url, db: 'seed', login: 'admin', password: 'admin', pollIntervalSeconds: 5 })).id;
    await app.close();
    const collectors: ServeProcess[] = [];
    try {
      for (const id of ['ocm-a', 'ocm-b']) collectors.push(await startServe(['--collector-id', id, '--lease-seconds', String(leaseSeconds)], serveEnvironment(home, location)));
      // A reader of its own, as a third process would be.
      const reader = await openMirror(location, { readonly: true });
      try {
        const count = async () => (await reader.repositories.mirror.counts(instanceId)).changeCount;
        const holding = async () => Promise.all(collectors.map(async (collector) => (await collector.health()).collector?.holding ?? 0));
        const holder = await until(`a holder with rows (${store.name})`, async () => {
          const held = await holding();
          return held[0] + held[1] === 1 && (await count()) > 0 ? held.indexOf(1) : undefined;
        }, 60_000);
        const before = await count();
        const killedAt = performance.now();
        await collectors[holder].kill();
        const takenAt = await until(`the take-over (${store.name})`, async () => ((await collectors[1 - holder].health()).collector?.holding === 1 ? performance.now() : undefined), 60_000);
        const syncedAt = await until(`rows from the new holder (${store.name})`, async () => ((await count()) > before ? performance.now() : undefined), 60_000);
        rows.push([store.name, attempt + 1, Math.round(takenAt - killedAt), Math.round(syncedAt - killedAt)]);
        context.log(`fail-over ${store.name} run ${attempt + 1}: lease taken after ${Math.round(takenAt - killedAt)} ms, rows after ${Math.round(syncedAt - killedAt)} ms`);
      } finally {
        await reader.close();
      }
    } finally {
      for (const collector of collectors) await collector.kill();
      await simulator.close();
    }
  }
  return rows;
}

async function failover(context: BenchContext, stores: readonly BenchStore[]): Promise<BenchTable> {
  const runs = context.quick ? 1 : 3;
  const leaseSeconds = 3;
  ensureRendererBuilt();
  const rows: (string | number)[][] = [];
  for (const store of stores) rows.push(...(await failoverOn(context, store, runs, leaseSeconds)));
  const worst = (name: string) => Math.max(...rows.filter((row) => row[0] === name).map((row) => Number(row[2])));
  return {
    title: `(g2) Fail-over between two collectors (lease ${leaseSeconds} s, poll interval 5 s), per store`,
    columns: ['store', 'run', 'lease taken over after (ms)', 'new rows mirrored after (ms)'],
    rows,
    targets: stores.map((store) => ({ name: `${store.name}: take-over within a poll interval (5,000 ms), worst run`, value: worst(store.name), met: worst(store.name) < 5000 })),
    notes: [
      'The holder is killed with SIGKILL (no clean-up); its lease expires after at most its length, and the other collector takes it at its next round (every third of a lease), so the bound is 4/3 of the lease; a clean stop releases leases at once.',
      'Traffic: 8 changes/s on the simulated Odoo; "new rows" is the first commit by the surviving collector after the kill, seen by a reader of its own (polling every 25 ms).',
    ],
  };
}

async function ingest(context: BenchContext, stores: readonly BenchStore[]): Promise<BenchTable> {
  const total = context.quick ? 50_000 : 200_000;
  context.log(`starting the paced simulator (--workers 2) with ${total.toLocaleString('en-US')} rows`);
  const simulator = await SimulatorProcess.start({ databases: [{ name: 'big', rows: total }], flavour: 'original', pace: { mode: 'cpu', workers: 2 } });
  const rows: (string | number)[][] = [];
  try {
    for (const store of stores) {
      const home = join(context.scratchDir, `ingest-${store.name}`);
      const location = await store.fresh(home);
      const app = await createServices({ dataDir: home, database: location, engine: 'in-thread', keychain: null, autoStart: false });
      try {
        const instanceId: InstanceId = (await app.services.instances.add({ name: 'Riyadh ERP', url: simulator.url, db: 'big', login: 'admin', password: 'admin', transport: 'jsonrpc' })).id;
        const loadBefore = loadavg()[0];
        const cpuBefore = process.cpuUsage();
        const clusterBefore = store.clusterCpu?.();
        const started = performance.now();
        const { results } = await app.syncOnce([instanceId]);
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        const cluster = clusterBefore === undefined ? undefined : store.clusterCpu!() - clusterBefore;
        const result = results.get(instanceId);
        if (!result || result instanceof OcmError) throw new Error(`ingest (${store.name}): the pass failed: ${result?.message ?? 'no result'}`);
        if (result.added !== total) throw new Error(`ingest (${store.name}): mirrored ${result.added} rows of ${total} in one pass`);
        const appCpu = (cpu.user + cpu.system) / 1e6;
        rows.push([
          store.name,
          total,
          round(seconds, 2),
          Math.round(total / seconds),
          round(appCpu, 2),
          round((appCpu * 1e6) / total, 1),
          cluster === undefined ? '—' : round(cluster, 2),
          cluster === undefined ? '—' : round((cluster * 1e6) / total, 1),
          round(loadBefore, 2),
        ]);
        context.log(`ingest ${store.name}: ${Math.round(total / seconds)} rows/s, ${round((appCpu * 1e6) / total, 1)} µs/row`);
      } finally {
        await app.close();
      }
    }
  } finally {
    await simulator.close();
  }
  const perRow = (name: string) => Number(rows.find((row) => row[0] === name)?.[5]);
  const rate = (name: string) => Number(rows.find((row) => row[0] === name)?.[3]);
  return {
    title: `(g3) Ingest through the real engine: ${total.toLocaleString('en-US')} rows mirrored into each store, CPU-paced simulator (--workers 2) in its own process`,
    columns: ['store', 'rows', 'seconds', 'rows/s', 'app CPU s', 'app CPU µs per row', 'PostgreSQL CPU s', 'PostgreSQL CPU µs per row', 'load (1 min) before'],
    rows,
    targets: stores.length > 1 ? [
      { name: 'PostgreSQL / SQLite app CPU per row', value: round(perRow('PostgreSQL') / perRow('SQLite'), 2), met: true },
      { name: 'PostgreSQL / SQLite rows/s', value: round(rate('PostgreSQL') / rate('SQLite'), 2), met: true },
    ] : [],
    notes: [
      'The composition root as a collector runs it: createServices({ engine: \'in-thread\', database }) and one syncOnce pass (login, capabilities, the initial snapshot in pipelined pages of 5,000 over JSON-RPC, every page committed with its cursor and aggregates, the read indexes at the end); the instance is added before the clock starts.',
      'The simulated Odoo 18 (original module) runs in its own process and charges each answer CPU per row (38 µs per row over JSON-RPC, two requests at once), as table (a) does; app CPU is process.cpuUsage of the benchmark process, which runs the engine and nothing else meanwhile. PostgreSQL CPU is the whole cluster\'s (/proc) over the pass.',
      'Both stores run the engine in the main thread here (a SQLite workstation runs it in a worker by default: same work, other thread).',
    ],
  };
}

/** SQLite, and PostgreSQL when it runs here: a throwaway cluster, each mirror a database of its own. */
async function startStores(context: BenchContext): Promise<{ stores: BenchStore[]; stop(): Promise<void> }> {
  const skip = postgresSkipReason();
  if (skip) {
    context.log(skip);
    return { stores: [SQLITE], stop: async () => undefined };
  }
  const server: TestPostgres = await startTestPostgres({ durable: true, settings: { shared_buffers: '1GB', work_mem: '64MB', maintenance_work_mem: '512MB', effective_cache_size: '8GB', max_wal_size: '8GB' } });
  try {
    const admin = await openPostgres(server.adminUrl, { max: 1 });
    const postmaster = await postmasterPid(admin).catch((error: unknown) => {
      context.log(`PostgreSQL's CPU will not be read: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    await closePostgres(admin);
    let databases = 0;
    const postgres: BenchStore = {
      name: 'PostgreSQL',
      fresh: async () => ({ kind: 'postgres', url: await server.createDatabase(`team_bench_${++databases}`) }),
      ...(postmaster === undefined ? {} : { clusterCpu: () => clusterCpuSeconds(postmaster) }),
    };
    return { stores: [SQLITE, postgres], stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export const run: BenchSuite = async (context) => {
  context.log(`load average (1 / 5 / 15 min) at the start: ${load()}`);
  const { stores, stop } = await startStores(context);
  try {
    const tables = [await workbenches(context, [...stores].reverse()), await failover(context, stores), await ingest(context, stores)];
    context.log(`load average at the end: ${load()}`);
    return tables;
  } finally {
    await stop();
  }
};
