/**
 * Sync benchmarks (issue 10). The server runs in its own process, as a local Odoo does: the simulator,
 * CPU-paced like a real Odoo 18 (threaded: one request at a time; `--workers 2`: two), or, when
 * ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_PASSWORD are set, that real server, whose existing log is read
 * and never written to.
 *
 * (a) Initial mirror (300,000 rows; quick: 50,000): the anchor, Python's standard-library clients paging
 *     by id and storing nothing (bench/anchor/), then the app (worker engine, from adding the instance to
 *     its first up-to-date status, every page committed to SQLite), back to back, per transport: rows/s,
 *     app/anchor, and each one's CPU per row (`process.cpuUsage` for the app: every thread of the process).
 * (b) An idle pass with nothing new, through a counting proxy: requests and bytes, with the original
 *     module and with our addon.
 * (c) 100 scattered deletions: requests and bytes of the pass that finds them, against re-reading every id.
 * (e) Peak memory of the app during (a) (the letters follow docs/benchmarks.md: (d) is the query suite).
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { InstanceConfig, TransportKind } from '../src-main/common/model';
import { TRANSPORT_LABELS } from '../src-main/common/model';
import { connectionInputOf } from '../src-main/odoo/connection';
import { connectJson2 } from '../src-main/odoo/json2-client';
import type { OdooConnection } from '../src-main/odoo/types';
import type { ModuleFlavour } from '../src-main/simulator/index';
import { databasePath } from '../src-main/store/data-directory';
import { openStore } from '../src-main/store/store';
import { connectTarget } from '../src-main/sync/connect';
import { runSyncPass } from '../src-main/sync/pass';
import { runAnchor } from './anchor';
import { mirrorWithApp, type AppMirrorResult } from './app-mirror';
import { SimulatorProcess, type Traffic } from './simulator-process';
import { round } from './stats';
import type { BenchContext, BenchSuite, BenchTable } from './types';

const DELETED = 100;
const CPU_TARGET_US = 15;
const TRANSPORTS: TransportKind[] = ['xmlrpc', 'jsonrpc'];
const MODULES: Record<ModuleFlavour, string> = { original: 'original module', fixed: 'our addon' };

/** A server to mirror: the simulator's or a real one. */
interface Target {
  url: string;
  db: string;
  login: string;
  password: string;
}

type Row = (string | number)[];

/** The real server named by the environment, or undefined (all four variables, or none). */
function realServer(): Target | undefined {
  const names = ['ODOO_URL', 'ODOO_DB', 'ODOO_LOGIN', 'ODOO_PASSWORD'] as const;
  const given = names.filter((name) => process.env[name]);
  if (given.length === 0) return undefined;
  if (given.length < names.length) throw new Error(`The sync benchmark needs all of ${names.join(', ')} to run against a real server; missing: ${names.filter((name) => !process.env[name]).join(', ')}.`);
  return { url: process.env.ODOO_URL!, db: process.env.ODOO_DB!, login: process.env.ODOO_LOGIN!, password: process.env.ODOO_PASSWORD! };
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

/** Runs the suite. */
export const run: BenchSuite = async (context: BenchContext): Promise<BenchTable[]> => {
  const real = realServer();
  const total = context.quick ? 50_000 : 300_000;
  const loadBefore = load();
  const mirror = new MirrorTable();
  const idleRows: Row[] = [];
  const deletionRows: Row[] = [];
  const idleTargets: BenchTable['targets'] = [];
  const deletionTargets: BenchTable['targets'] = [];
  const deletionNotes: string[] = [];

  if (real) {
    context.log(`against the real server ${real.url} (database ${real.db}); its log is only read`);
    for (const transport of TRANSPORTS) await mirror.compare(context, 'real server', transport, real, join(context.scratchDir, `real-${transport}`));
    const proxy = await SimulatorProcess.start({ upstream: real.url });
    try {
      const instance = mirror.lastInstance!;
      for (const transport of TRANSPORTS) {
        const idle = await idlePass(proxy, { ...instance, url: proxy.proxyUrl }, real.password, transport, mirror.lastDataDir!);
        idleRows.push(['this server', TRANSPORT_LABELS[transport], idle.requests, idle.sent, idle.received, idle.bytes, idle.firstBytes]);
      }
    } finally {
      await proxy.close();
    }
    deletionNotes.push('Skipped on a real server: it would delete rows there.');
  } else {
    for (const pace of [{ label: 'paced, threaded', workers: 0 }, { label: 'paced, --workers 2', workers: 2 }]) {
      context.log(`starting the ${pace.label} simulator with ${total.toLocaleString('en-US')} rows`);
      const sim = await SimulatorProcess.start({ databases: [{ name: 'big', rows: total }], flavour: 'original', pace: { mode: 'cpu', workers: pace.workers } });
      try {
        for (const transport of TRANSPORTS) await mirror.compare(context, pace.label, transport, { url: sim.url, db: 'big', login: 'admin', password: 'admin' }, join(context.scratchDir, `${pace.workers}-${transport}`));
      } finally {
        await sim.close();
      }
    }
    for (const flavour of ['original', 'fixed'] as const) {
      context.log(`starting the unpaced simulator (${MODULES[flavour]}) with ${total.toLocaleString('en-US')} rows`);
      const sim = await SimulatorProcess.start({ databases: [{ name: 'big', rows: total }], flavour });
      try {
        const dataDir = join(context.scratchDir, `unpaced-${flavour}`);
        const made = await mirror.appOnly(context, `unpaced, ${MODULES[flavour]}`, 'jsonrpc', { url: sim.url, db: 'big', login: 'admin', password: 'admin' }, dataDir);
        for (const transport of TRANSPORTS) {
          const label = TRANSPORT_LABELS[transport];
          const instance = { ...made.instance, url: sim.proxyUrl };
          const idle = await idlePass(sim, instance, 'admin', transport, dataDir);
          idleRows.push([MODULES[flavour], label, idle.requests, idle.sent, idle.received, idle.bytes, idle.firstBytes]);
          if (flavour === 'fixed') idleTargets.push({ name: `our addon, ${label}: 1 request under 1 KB`, met: idle.requests === 1 && idle.bytes < 1024, value: `${idle.requests} request${idle.requests === 1 ? '' : 's'}, ${idle.bytes} B` });

          const found = await deletionPass(sim, instance, transport, dataDir, flavour === 'fixed' ? 'tombstones' : 'group totals');
          deletionRows.push([MODULES[flavour], label, found.how, found.removed, found.requests, found.bytes, found.fullBytes, found.share]);
          if (flavour === 'fixed') {
            deletionTargets.push({ name: `our addon, ${label}: bytes < 1% of a full id re-read`, met: found.share < 1, value: `${found.share}%` });
            const scanned = await deletionPass(sim, instance, transport, dataDir, 'digest');
            deletionRows.push([MODULES[flavour], label, scanned.how, scanned.removed, scanned.requests, scanned.bytes, scanned.fullBytes, scanned.share]);
          }
          context.log(`${MODULES[flavour]}, ${label}: idle ${idle.requests} requests / ${idle.bytes} B; ${DELETED} deletions found with ${found.requests} requests / ${found.bytes} B (${found.share}% of ${found.fullBytes} B)`);
        }
      } finally {
        await sim.close();
      }
    }
    idleRows.push(await json2Idle(context, total, join(context.scratchDir, 'json2')));
  }

  const rowsLabel = total.toLocaleString('en-US');
  const tables: BenchTable[] = [
    {
      title: real ? `(a) Initial mirror of ${real.db} on ${real.url}` : `(a) Initial mirror of ${rowsLabel} rows, CPU-paced simulator in its own process`,
      columns: ['server', 'transport', 'client', 'rows', 'seconds', 'rows/s', 'CPU s', 'CPU µs per row', 'app/anchor', 'load (1 min)'],
      rows: mirror.rows,
      targets: mirror.targets,
      notes: [
        `Load average (1 / 5 / 15 min) before the suite: ${loadBefore}; after: ${load()}.`,
        'Anchor: bench/anchor/stdlib_pages.py, Python\'s standard library (xmlrpc.client; urllib + json on /jsonrpc), paging update.webhook by id > last, order id asc, 4 fields, pages of 5,000, storing nothing; its CPU is its own process\'s.',
        'App: from adding the instance to its first up-to-date status (login, capabilities, pipelined pages of 5,000, 3 in flight, every page committed with its cursor to SQLite, read indexes built at the end); its CPU is process.cpuUsage of the whole process (main thread and sync worker).',
        real ? 'Against a real server both clients share its pace.' : 'The simulator charges each answer CPU per row (38 µs JSON-RPC, 74 µs XML-RPC: a real Odoo 18 on 2 cores): threaded serves one request at a time, --workers 2 two at once. It runs in its own process, on the same cores.',
        'Rows/s share the machine with whatever else runs; CPU per row is the robust figure.',
      ],
    },
    {
      title: '(b) Idle pass when nothing changed (through a counting proxy)',
      columns: ['module', 'transport', 'requests', 'bytes sent', 'bytes received', 'bytes', 'first idle pass bytes'],
      rows: idleRows,
      targets: idleTargets,
      notes: [
        'Bytes include the HTTP request line, status line and headers, both directions. The steady idle pass is the second one after the mirror; the first also re-reads the rows of the newest second once, in case a refresh in that second committed late. The simulated log holds a day of changes, the newest an hour old.',
        'Original module: one search_read from the cursor row (reset check and new rows) and one read_group of the mirrored id range (deletions). Our addon: one sync_state call (reset, new rows, refreshed rows, tombstones, row count, error log).',
        'JSON-2: the simulator as Odoo 19 with our addon, the same pass through a JSON-2 connection (bearer API key, X-Odoo-Database: what an instance on Odoo 19+ with an API key uses); its mirror was taken over JSON-RPC.',
      ],
    },
  ];
  if (deletionRows.length > 0 || deletionNotes.length > 0) {
    tables.push({
      title: `(c) Deletion detection after ${DELETED} scattered rows of ${rowsLabel} were deleted on the server`,
      columns: ['module', 'transport', 'how', 'found', 'requests', 'bytes', 'full id re-read bytes', 'bytes % of full'],
      rows: deletionRows,
      targets: deletionTargets,
      notes: [
        ...deletionNotes,
        'Original module: one aggregate (count, sum of ids, sum of record ids) of the mirrored range, halved where it differs (only the left half asked), ranges missing one or two rows named from their sums, small ranges read as ids.',
        'Our addon: the tombstones after the cursor come with the idle call. "digest" is the same deletions with the tombstones cleaned before they were read: digest answers 16 parts of each differing range per call.',
        'Full id re-read: one search of every id of update.webhook.',
      ],
    });
  }
  tables.push({
    title: '(e) Peak memory during the initial mirror (whole process, worker included)',
    columns: ['server', 'transport', 'rows', 'RSS before (MiB)', 'peak RSS (MiB)', 'growth (MiB)', 'peak main-thread heap (MiB)'],
    rows: mirror.memoryRows,
  });
  return tables;
};

/** The rows of table (a) and (d), filled run by run. */
class MirrorTable {
  readonly rows: Row[] = [];
  readonly memoryRows: Row[] = [];
  readonly targets: NonNullable<BenchTable['targets']> = [];
  lastInstance?: InstanceConfig;
  lastDataDir?: string;

  /** The anchor, then the app, back to back. */
  async compare(context: BenchContext, server: string, transport: TransportKind, target: Target, dataDir: string): Promise<void> {
    const label = TRANSPORT_LABELS[transport];
    const anchorLoad = loadavg()[0];
    const anchor = await runAnchor(transport, target);
    const anchorRate = anchor.rows / anchor.seconds;
    const anchorCpu = anchor.user + anchor.system;
    this.rows.push([server, label, `Python ${transport === 'xmlrpc' ? 'xmlrpc.client' : 'urllib + json'} (anchor)`, anchor.rows, round(anchor.seconds, 2), Math.round(anchorRate), round(anchorCpu, 2), round((anchorCpu * 1e6) / Math.max(1, anchor.rows), 1), 1, round(anchorLoad, 2)]);
    const app = await this.app(server, transport, target, dataDir);
    const ratio = round(app.rows / app.seconds / anchorRate, 2);
    this.rows[this.rows.length - 1][8] = ratio;
    this.targets.push({ name: `${server}, ${label}: app/anchor >= 0.9`, met: ratio >= 0.9, value: ratio });
    this.targets.push({ name: `${server}, ${label}: app CPU per row <= ${CPU_TARGET_US} µs`, met: app.cpuPerRowUs <= CPU_TARGET_US, value: round(app.cpuPerRowUs, 1) });
    context.log(`${server}, ${label}: anchor ${Math.round(anchorRate)} rows/s, app ${Math.round(app.rows / app.seconds)} rows/s (${ratio}), app ${round(app.cpuPerRowUs, 1)} µs of CPU per row`);
  }

  /** The app alone (a mirror the other tables then use). */
  async appOnly(context: BenchContext, server: string, transport: TransportKind, target: Target, dataDir: string): Promise<AppMirrorResult> {
    const app = await this.app(server, transport, target, dataDir);
    context.log(`${server}, ${TRANSPORT_LABELS[transport]}: app ${Math.round(app.rows / app.seconds)} rows/s, ${round(app.cpuPerRowUs, 1)} µs of CPU per row`);
    return app;
  }

  private async app(server: string, transport: TransportKind, target: Target, dataDir: string): Promise<AppMirrorResult> {
    mkdirSync(dataDir, { recursive: true });
    const appLoad = loadavg()[0];
    const app = await mirrorWithApp({ ...target, transport, dataDir });
    const cpu = app.cpu.user + app.cpu.system;
    this.rows.push([server, TRANSPORT_LABELS[transport], 'app (worker, pipelined, committed to SQLite)', app.rows, round(app.seconds, 2), Math.round(app.rows / app.seconds), round(cpu, 2), round(app.cpuPerRowUs, 1), '', round(appLoad, 2)]);
    const { memory } = app;
    this.memoryRows.push([server, TRANSPORT_LABELS[transport], app.rows, round(memory.baseRss / 2 ** 20, 0), round(memory.rss / 2 ** 20, 0), round((memory.rss - memory.baseRss) / 2 ** 20, 0), round(memory.heapUsed / 2 ** 20, 0)]);
    this.lastInstance = app.instance;
    this.lastDataDir = dataDir;
    return app;
  }
}

/** One pass over `transport` through the proxy, with its traffic. */
async function countedPass(proxy: SimulatorProcess, instance: InstanceConfig, secret: string, transport: TransportKind, dataDir: string): Promise<{ traffic: Traffic; removed: number }> {
  const store = openStore(databasePath(dataDir));
  const config = { ...instance, transport };
  const { client, capabilities } = await connectTarget({ config, connection: connectionInputOf(config, secret) }, new AbortController().signal);
  try {
    await proxy.resetTraffic();
    const result = await runSyncPass({ store, client, capabilities, instanceId: instance.id });
    return { traffic: await proxy.traffic(), removed: result.removed };
  } finally {
    client.close();
    store.close();
  }
}

/**
 * Idle passes: requests and bytes each way of the steady one (the second), and the bytes of the first,
 * which also re-reads the rows of the newest second once (see PassRun.applyRefreshed).
 */
async function idlePass(proxy: SimulatorProcess, instance: InstanceConfig, secret: string, transport: TransportKind, dataDir: string) {
  const first = (await countedPass(proxy, instance, secret, transport, dataDir)).traffic;
  const { traffic } = await countedPass(proxy, instance, secret, transport, dataDir);
  const sent = traffic.exchanges.reduce((sum, exchange) => sum + exchange.sent, 0);
  const received = traffic.exchanges.reduce((sum, exchange) => sum + exchange.received, 0);
  return { requests: traffic.requests, sent, received, bytes: sent + received, firstBytes: first.bytes };
}

/** The idle pass over JSON-2 (Odoo 19, our addon): mirrored over JSON-RPC, then polled through a JSON-2 connection. */
async function json2Idle(context: BenchContext, total: number, dataDir: string): Promise<Row> {
  context.log('starting the unpaced simulator as Odoo 19 (our addon) for the JSON-2 idle pass');
  const sim = await SimulatorProcess.start({ databases: [{ name: 'big', rows: Math.min(total, 50_000) }], flavour: 'fixed', odoo: 19 });
  try {
    const made = await mirrorWithApp({ url: sim.url, db: 'big', login: 'admin', password: 'admin', transport: 'jsonrpc', dataDir });
    const { key } = await sim.command<{ key: string }>({ cmd: 'apikey', db: 'big' });
    const connection = await connectJson2({ url: sim.proxyUrl, db: 'big', secret: key, login: 'admin' });
    const client = connection as unknown as OdooConnection;
    const store = openStore(databasePath(dataDir));
    try {
      // As the JSON-RPC mirror detected them (the simulator's JSON-2 lacks has_access, which detection asks).
      const capabilities = store.syncState.get(made.instance.id).capabilities!;
      const traffic: Traffic[] = [];
      for (let pass = 0; pass < 2; pass++) {
        await sim.resetTraffic();
        await runSyncPass({ store, client, capabilities, instanceId: made.instance.id });
        traffic.push(await sim.traffic());
      }
      const [first, steady] = traffic;
      const sent = steady.exchanges.reduce((sum, exchange) => sum + exchange.sent, 0);
      const received = steady.exchanges.reduce((sum, exchange) => sum + exchange.received, 0);
      return [MODULES.fixed, 'JSON-2 (Odoo 19)', steady.requests, sent, received, sent + received, first.bytes];
    } finally {
      connection.close();
      store.close();
    }
  } finally {
    await sim.close();
  }
}

/** Deletes {@link DELETED} random rows, then measures the pass that finds them against a full id re-read. */
async function deletionPass(sim: SimulatorProcess, instance: InstanceConfig, transport: TransportKind, dataDir: string, how: string) {
  await sim.command({ cmd: 'delete', db: 'big', count: DELETED });
  if (how === 'digest') await sim.command({ cmd: 'purge', db: 'big' });
  const { traffic, removed } = await countedPass(sim, instance, 'admin', transport, dataDir);
  const config = { ...instance, transport };
  const { client } = await connectTarget({ config, connection: connectionInputOf(config, 'admin') }, new AbortController().signal);
  try {
    await sim.resetTraffic();
    await client.search('update.webhook', [], { order: 'id asc' });
    const full = await sim.traffic();
    return { how, removed, requests: traffic.requests, bytes: traffic.bytes, fullBytes: full.bytes, share: round((100 * traffic.bytes) / full.bytes, 2) };
  } finally {
    client.close();
  }
}
