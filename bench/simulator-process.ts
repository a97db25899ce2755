/**
 * A simulator in its own process for the benchmarks, so it competes for the cores as a local Odoo does
 * and never shares an event loop with the app. The child also runs a counting HTTP proxy in front of
 * the simulator (requests and bytes, headers and bodies, both directions) and answers one-line JSON
 * commands on stdin: `stats`, `reset`, `delete`, `rows`, `close`.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ModuleFlavour, PaceOptions } from '../src-main/simulator/index';

/** What to start. */
export interface SimulatorProcessOptions {
  /** Databases with this many synthetic change-log rows each (no demo data). */
  databases: { name: string; rows: number }[];
  flavour?: ModuleFlavour;
  /** CPU pacing (threaded, or `workers` prefork workers). */
  pace?: Omit<PaceOptions, 'onServed'>;
}

/** Requests and bytes the counting proxy saw since the last `reset`. */
export interface Traffic {
  requests: number;
  bytes: number;
  /** Bytes of each request (headers and body) and of each answer, in order. */
  exchanges: { sent: number; received: number }[];
}

const CHILD_SOURCE = `
import http from 'node:http';
import { createInterface } from 'node:readline';
const options = JSON.parse(process.env.OCM_SIMULATOR_OPTIONS);
const { startSimulator } = await import(process.env.OCM_SIMULATOR);
const sim = await startSimulator({ seed: 1, flavour: options.flavour, pace: options.pace, databases: options.databases.map((db) => ({ name: db.name, demo: false, syntheticRows: db.rows })) });
const target = new URL(sim.url);
const agent = new http.Agent({ keepAlive: true });
const stats = { requests: 0, bytes: 0, exchanges: [] };
const headerBytes = (raw) => { let n = 0; for (let i = 0; i < raw.length; i += 2) n += raw[i].length + raw[i + 1].length + 4; return n + 2; };
const proxy = http.createServer((req, res) => {
  const exchange = { sent: req.method.length + req.url.length + 12 + headerBytes(req.rawHeaders), received: 0 };
  stats.requests++;
  stats.exchanges.push(exchange);
  req.on('data', (chunk) => (exchange.sent += chunk.length));
  const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    exchange.received += 17 + (answer.statusMessage ?? '').length + headerBytes(answer.rawHeaders);
    answer.on('data', (chunk) => (exchange.received += chunk.length));
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
console.log(JSON.stringify({ url: sim.url, proxyUrl: 'http://127.0.0.1:' + proxy.address().port }));
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.cmd === 'stats') { stats.bytes = stats.exchanges.reduce((sum, e) => sum + e.sent + e.received, 0); console.log(JSON.stringify(stats)); }
  else if (command.cmd === 'reset') { stats.requests = 0; stats.bytes = 0; stats.exchanges = []; console.log('{}'); }
  else if (command.cmd === 'delete') console.log(JSON.stringify({ ids: sim.database(command.db).deleteRandomWebhookRows(command.count) }));
  else if (command.cmd === 'rows') console.log(JSON.stringify({ rows: sim.database(command.db).webhookRows().length }));
  else if (command.cmd === 'close') { proxy.close(); await sim.close(); process.exit(0); }
}
`;

/** A simulator child process, driven by one-line JSON commands. */
export class SimulatorProcess {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    /** The simulator itself (for throughput: no proxy hop). */
    readonly url: string,
    /** The counting proxy in front of it (for requests and bytes). */
    readonly proxyUrl: string,
    private readonly lines: AsyncIterator<string>,
  ) {}

  /** Starts the child; resolves once the simulator listens. */
  static async start(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
    const simulator = fileURLToPath(new URL('../src-main/simulator/index.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD_SOURCE], {
      env: { ...process.env, OCM_SIMULATOR: simulator, OCM_SIMULATOR_OPTIONS: JSON.stringify(options) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error('the simulator child exited before it was ready');
    const { url, proxyUrl } = JSON.parse(first.value) as { url: string; proxyUrl: string };
    return new SimulatorProcess(child, url, proxyUrl, lines);
  }

  /** Sends one command and waits for its one-line answer. */
  async command<T>(command: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('the simulator child exited');
    return JSON.parse(line.value) as T;
  }

  /** The proxy's counts since the last reset. */
  traffic(): Promise<Traffic> {
    return this.command<Traffic>({ cmd: 'stats' });
  }

  /** Zeroes the proxy's counts. */
  async resetTraffic(): Promise<void> {
    await this.command({ cmd: 'reset' });
  }

  async close(): Promise<void> {
    this.child.stdin.write('{"cmd":"close"}\n');
    await once(this.child, 'exit');
  }
}
