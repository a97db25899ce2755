/**
 * The module-less source (issue 12): what watching a server without the module costs, in requests and
 * bytes on the wire (headers and bodies, both directions, counted by an HTTP proxy in front of the
 * simulator), with the ten default models watched on the simulator's `plain` database.
 *
 * (a) An idle poll: nothing changed for longer than the overlap window. Target: at most 3 requests
 *     (the chatter's one request, plus the write-date aggregate of the two stalest models).
 * (b) A busy poll: the pass right after 20 changes (creates, tracked and untracked writes, archiving,
 *     deletions) spread over the ten models, and the five passes after it, while the models that changed
 *     are hot (sync/polling/windows.ts).
 * (c) The baseline (first pass): every id of the ten models, once.
 */
import http from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { DEFAULT_WATCHED_MODELS, type TransportKind } from '../src-main/common/model';
import { startSimulator } from '../src-main/simulator/index';
import { openStore } from '../src-main/store/store';
import { connectTarget } from '../src-main/sync/connect';
import { runSyncPass } from '../src-main/sync/pass';
import { pollingSource } from '../src-main/sync/polling/source';
import type { BenchContext, BenchSuite, BenchTable } from './types';

/** Requests and bytes through a counting proxy. */
interface Counter {
  url: string;
  requests: number;
  bytes: number;
  reset(): void;
  close(): Promise<void>;
}

const headerBytes = (raw: string[]) => raw.reduce((sum, part, index) => sum + part.length + (index % 2 === 1 ? 4 : 0), 2);

/** An HTTP proxy to `target` that counts requests and bytes (request line, headers, bodies, both ways). */
async function countingProxy(target: string): Promise<Counter> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const counter = { requests: 0, bytes: 0 };
  const server = http.createServer((request, response) => {
    counter.requests++;
    counter.bytes += (request.method ?? '').length + (request.url ?? '').length + 12 + headerBytes(request.rawHeaders);
    request.on('data', (chunk: Buffer) => (counter.bytes += chunk.length));
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers, agent }, (answer) => {
      counter.bytes += 17 + (answer.statusMessage ?? '').length + headerBytes(answer.rawHeaders);
      answer.on('data', (chunk: Buffer) => (counter.bytes += chunk.length));
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return counter.requests;
    },
    get bytes() {
      return counter.bytes;
    },
    reset() {
      counter.requests = 0;
      counter.bytes = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

export const run: BenchSuite = async (context: BenchContext): Promise<BenchTable[]> => {
  const idleRows: (string | number)[][] = [];
  const busyRows: (string | number)[][] = [];
  const baselineRows: (string | number)[][] = [];
  let worstIdle = 0;
  const idlePasses = context.quick ? 5 : 20;
  for (const transport of ['xmlrpc', 'jsonrpc'] as TransportKind[]) {
    let serverMs = Date.UTC(2026, 11, 1, 8, 0, 0);
    const sim = await startSimulator({ seed: 12, now: () => new Date(serverMs), databases: [{ name: 'plain', module: false }], trafficDatabases: ['plain'] });
    const proxy = await countingProxy(sim.url);
    const store = openStore(join(context.scratchDir, `polling-${transport}.sqlite`));
    const target = { config: { id: transport, name: transport, url: proxy.url, db: 'plain', login: 'admin', transport, production: false, demo: false, pollIntervalSeconds: 30, createdAt: '2026-12-01T00:00:00Z', source: 'polling' as const }, connection: { url: proxy.url, db: 'plain', login: 'admin', secret: 'admin', transport } };
    const { client, capabilities } = await connectTarget(target, new AbortController().signal);
    const source = pollingSource({ server: `${proxy.url}|plain`, models: DEFAULT_WATCHED_MODELS });
    const now = () => Math.floor(serverMs / 1000);
    const pass = async () => {
      proxy.reset();
      const result = await runSyncPass({ store, client, capabilities, instanceId: transport, now, source });
      return { requests: proxy.requests, bytes: proxy.bytes, added: result.added };
    };
    try {
      const baseline = await pass();
      baselineRows.push([transport, baseline.requests, baseline.bytes, store.polling.knownAggregate(transport, 'res.partner').count]);

      serverMs += 300_000; // past every overlap window
      for (let i = 0; i < 5; i++) await pass(); // every model checked once since
      const idle = { requests: 0, bytes: 0, max: 0 };
      for (let i = 0; i < idlePasses; i++) {
        serverMs += 30_000;
        const one = await pass();
        idle.requests += one.requests;
        idle.bytes += one.bytes;
        idle.max = Math.max(idle.max, one.requests);
      }
      worstIdle = Math.max(worstIdle, idle.max);
      idleRows.push([transport, round(idle.requests / idlePasses), idle.max, Math.round(idle.bytes / idlePasses)]);

      for (let i = 0; i < 20; i++) {
        serverMs += 100;
        sim.traffic.step(1);
      }
      serverMs += 2000;
      const busy = await pass();
      const after = { requests: 0, bytes: 0 };
      for (let i = 0; i < 5; i++) {
        serverMs += 2000;
        const one = await pass();
        after.requests += one.requests;
        after.bytes += one.bytes;
      }
      busyRows.push([transport, busy.added, busy.requests, busy.bytes, round(after.requests / 5), Math.round(after.bytes / 5)]);
      context.log(`${transport}: idle ${round(idle.requests / idlePasses)} requests / ${Math.round(idle.bytes / idlePasses)} B per pass; busy ${busy.requests} requests / ${busy.bytes} B`);
    } finally {
      client.close();
      store.close();
      await proxy.close();
      await sim.close();
    }
  }
  return [
    {
      title: '(a) Idle poll without the module, ten watched models',
      columns: ['transport', 'requests per pass (mean)', 'requests per pass (max)', 'bytes per pass (mean)'],
      rows: idleRows,
      targets: [{ name: 'at most 3 requests per idle pass', met: worstIdle <= 3, value: worstIdle }],
      notes: [`${idlePasses} passes 30 s apart, each long after the last change: the chatter's request plus the aggregate (count, sum of ids, newest write_date) of the two stalest models; each model is checked every five passes.`],
    },
    {
      title: '(b) Busy poll without the module: 20 changes over the ten models',
      columns: ['transport', 'events added', 'requests', 'bytes', 'requests per pass after (mean of 5)', 'bytes per pass after (mean of 5)'],
      rows: busyRows,
      notes: ['Passes 2 s apart. A model that changed is hot for the overlap (120 s): its aggregate every pass, a read from its cursor the pass after a change (ties), and its window re-read as (id, write_date) pairs every half overlap (the chatter\'s as message ids).'],
    },
    {
      title: '(c) Baseline without the module (first pass)',
      columns: ['transport', 'requests', 'bytes', 'res.partner records known'],
      rows: baselineRows,
    },
  ];
};

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
