/**
 * (g) Team mode. (1) 20 workbenches (WebSocket clients, signed in as 20 users: viewers of two of three
 * instances and operators of all) on one `ocm serve` over a mirror of 1,000,000 rows (quick: 100,000),
 * each paging the timeline (first page, then four older pages by cursor) and asking facets and the
 * histogram, for 30 s (quick: 10 s): page and facet latencies as the clients see them, and the server
 * process's CPU. (2) Fail-over: two collectors on one mirror, the lease holder killed with SIGKILL: the
 * time until the other holds the lease, and until it has mirrored new rows (3 runs; quick: 1).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeFilter, TimelineCursor } from '../src-main/common/model';
import { createServices } from '../src-main/hosts/services';
import { teamAccounts } from '../src-main/hosts/serve/team-accounts';
import { startSimulator } from '../src-main/simulator';
import { databasePath } from '../src-main/store/data-directory';
import { openStore } from '../src-main/store/store';
import { ensureRendererBuilt } from '../test/e2e/support/build';
import { connectChannel, signIn, type TeamClient } from '../test/integration/team/harness';
import { startServe, type ServeProcess } from '../test/integration/team/serve-process';
import { createMirrorDatabase, randomGenerator, REALISTIC, seedRealistic } from '../test/unit/queries/fixtures';
import { round } from './stats';
import type { BenchContext, BenchSuite, BenchTable } from './types';

const WORKBENCHES = 20;
const PAGE_SIZE = 100;
const PASSWORD = 'bench-password-123';
/** 2026-11-30T00:00:00Z: the seeded month ends here. */
const END = Date.UTC(2026, 10, 30) / 1000;

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** User + system CPU seconds of a process so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function workbenches(context: BenchContext): Promise<BenchTable> {
  const rows = context.quick ? 100_000 : 1_000_000;
  const seconds = context.quick ? 10 : 30;
  const home = join(context.scratchDir, 'team');
  mkdirSync(home, { recursive: true });
  const seeding = createMirrorDatabase(databasePath(home));
  seedRealistic(seeding, { rows, end: END, days: 30, removedFraction: 0.02, seed: 2026 });
  seeding.close();
  const store = openStore(databasePath(home));
  for (const [id] of REALISTIC.instances) store.instances.insert(id, { name: id, url: 'http://127.0.0.1:9/', db: id, login: 'admin', secret: 'unused', transport: 'xmlrpc', production: false, demo: false, pollIntervalSeconds: 30 }, END);
  store.close();
  const setup = await createServices({ dataDir: home, engine: 'none', keychain: null });
  const { users } = teamAccounts(setup);
  const instanceIds = REALISTIC.instances.map(([id]) => id);
  for (let index = 0; index < WORKBENCHES; index++) {
    const viewer = index % 2 === 0;
    await users.add({ login: `user${index}`, password: PASSWORD, role: viewer ? 'viewer' : 'operator', instanceIds: viewer ? instanceIds.slice(0, 2) : instanceIds });
  }
  await setup.close();
  context.log(`seeded ${rows.toLocaleString('en-US')} rows and ${WORKBENCHES} users`);

  ensureRendererBuilt();
  const server = await startServe(['--no-collector'], { OCM_HOME: home });
  const clients: TeamClient[] = [];
  try {
    const origin = new URL(server.url).origin;
    for (let index = 0; index < WORKBENCHES; index++) {
      const { cookie } = await signIn(origin, `user${index}`, PASSWORD);
      clients.push(await connectChannel(origin, cookie));
    }
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
      const cpu = (cpuSeconds(server.pid) - cpuBefore) / wall;
      for (const list of Object.values(samples)) list.sort((a, b) => a - b);
      const requests = samples.page.length + samples.facets.length + samples.histogram.length;
      const p = (list: number[], fraction: number) => round(percentile(list, fraction), 1);
      return [
        `${active.length} workbench${active.length === 1 ? '' : 'es'}, ${thinkMs > 0 ? `${thinkMs} ms between rounds` : 'no pause'}`,
        round(requests / wall, 0),
        p(samples.page, 0.5),
        p(samples.page, 0.95),
        p(samples.facets, 0.95),
        p(samples.histogram, 0.95),
        round(cpu * 100, 0),
      ];
    };
    // One workbench alone first: the floor of this machine at this moment, to read the others against.
    const alone = await scenario(0, clients.slice(0, 1));
    const interactive = await scenario(1000);
    const saturated = await scenario(0);
    return {
      title: `(g1) ${WORKBENCHES} workbenches on one ocm serve (${rows.toLocaleString('en-US')} rows, ${seconds} s per scenario)`,
      columns: ['workload', 'requests/s', 'page p50 ms', 'page p95 ms', 'facets p95 ms', 'histogram p95 ms', 'server CPU % (1 core = 100)'],
      rows: [alone, interactive, saturated],
      notes: [
        `${WORKBENCHES} clients in the benchmark's process, each signed in (cookie session) on its own WebSocket. A round: a first page of ${PAGE_SIZE} rows, up to 4 older pages by cursor, facets, histogram; half the rounds filtered by one instance and one model. "1000 ms between rounds" is people scrolling and filtering; "no pause" sends the next request as soon as the answer arrives (with 20, a queue of 20 on one thread); one workbench alone gives the floor of the machine at that moment.`,
        'Half the users are viewers of 2 of the 3 instances (every call scoped by the policy), half operators of all; each call re-checks the session in the store.',
        'Latencies include the WebSocket round trip on loopback and JSON encoding; the server is one Node process (better-sqlite3 answers on its main thread), run with --no-collector; CPU is its user + system time over the wall time.',
      ],
    };
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
}

async function failover(context: BenchContext): Promise<BenchTable> {
  const runs = context.quick ? 1 : 3;
  const leaseSeconds = 3;
  const results: { takeover: number; resumed: number }[] = [];
  ensureRendererBuilt();
  for (let attempt = 0; attempt < runs; attempt++) {
    const simulator = await startSimulator({ trafficRate: 8, trafficDatabases: ['seed'] });
    const home = join(context.scratchDir, `failover-${attempt}`);
    const app = await createServices({ dataDir: home, engine: 'none', keychain: null });
    const instanceId = (await app.services.instances.add({ name: 'Riyadh ERP', url: simulator.url, db: 'seed', login: 'admin', password: 'admin', pollIntervalSeconds: 5 })).id;
    await app.close();
    const collectors: ServeProcess[] = [];
    try {
      for (const id of ['ocm-a', 'ocm-b']) collectors.push(await startServe(['--collector-id', id, '--lease-seconds', String(leaseSeconds)], { OCM_HOME: home }));
      const count = () => {
        const store = openStore(databasePath(home), { readonly: true });
        try {
          return store.mirror.counts(instanceId).changeCount;
        } finally {
          store.close();
        }
      };
      const holding = async () => Promise.all(collectors.map(async (collector) => (await collector.health()).collector?.holding ?? 0));
      const until = async <T>(condition: () => Promise<T | undefined> | T | undefined): Promise<T> => {
        for (let waited = 0; waited < 60_000; waited += 25) {
          const value = await condition();
          if (value !== undefined) return value;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error('fail-over bench: timed out');
      };
      const holder = await until(async () => {
        const held = await holding();
        return held[0] + held[1] === 1 && count() > 0 ? held.indexOf(1) : undefined;
      });
      const before = count();
      const killedAt = performance.now();
      await collectors[holder].kill();
      const takenAt = await until(async () => ((await collectors[1 - holder].health()).collector?.holding === 1 ? performance.now() : undefined));
      const syncedAt = await until(() => (count() > before ? performance.now() : undefined));
      results.push({ takeover: takenAt - killedAt, resumed: syncedAt - killedAt });
      context.log(`fail-over run ${attempt + 1}: lease taken after ${Math.round(takenAt - killedAt)} ms, rows after ${Math.round(syncedAt - killedAt)} ms`);
    } finally {
      for (const collector of collectors) await collector.kill();
      await simulator.close();
    }
  }
  return {
    title: `(g2) Fail-over between two collectors (lease ${leaseSeconds} s, poll interval 5 s)`,
    columns: ['run', 'lease taken over after (ms)', 'new rows mirrored after (ms)'],
    rows: results.map((result, index) => [index + 1, Math.round(result.takeover), Math.round(result.resumed)]),
    targets: [{ name: 'take-over within a poll interval (5,000 ms), worst run', value: Math.round(Math.max(...results.map((result) => result.takeover))), met: results.every((result) => result.takeover < 5000) }],
    notes: [
      'The holder is killed with SIGKILL (no clean-up); its lease expires after at most its length, and the other collector takes it at its next round (every third of a lease), so the bound is 4/3 of the lease; a clean stop releases leases at once.',
      'Traffic: 8 changes/s on the simulated Odoo; "new rows" is the first commit by the surviving collector after the kill.',
    ],
  };
}

export const run: BenchSuite = async (context) => [await workbenches(context), await failover(context)];
