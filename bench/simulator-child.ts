/**
 * The child process of simulator-process.ts (run as `node --import tsx simulator-child.ts`, options in
 * OCM_SIMULATOR_OPTIONS): the simulator, or none with `upstream`, behind a counting proxy; one JSON
 * command per line on stdin, one JSON answer per line on stdout.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { startSimulator, type RunningSimulator } from '../src-main/simulator/index';
import type { SimulatorProcessOptions, Traffic } from './simulator-process';

const options = JSON.parse(process.env.OCM_SIMULATOR_OPTIONS ?? '{}') as SimulatorProcessOptions;
const sim: RunningSimulator | undefined = options.upstream
  ? undefined
  : await startSimulator({ seed: 1, odoo: options.odoo, flavour: options.flavour, pace: options.pace, databases: (options.databases ?? []).map((db) => ({ name: db.name, demo: false })) });
// A day of changes whose newest is an hour old: a server that has been quiet for a while.
for (const db of sim ? (options.databases ?? []) : []) sim!.database(db.name).seedWebhookRows(db.rows, { from: new Date(Date.now() - 25 * 3_600_000), spanHours: 24 });
const target = new URL(options.upstream ?? sim!.url);
const agent = target.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
const request = target.protocol === 'https:' ? https.request : http.request;
const basePath = target.pathname === '/' ? '' : target.pathname.replace(/[/]+$/, '');
const stats: Traffic = { requests: 0, bytes: 0, exchanges: [] };

/** Bytes of raw header lines (`name: value\r\n`) and the blank line after them. */
function headerBytes(raw: string[]): number {
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) bytes += Buffer.byteLength(raw[i]) + Buffer.byteLength(raw[i + 1]) + 4;
  return bytes + 2;
}

const proxy = http.createServer((req, res) => {
  // Request line: METHOD SP path SP HTTP/1.1 CRLF.
  const exchange = { sent: (req.method ?? '').length + (req.url ?? '').length + 12 + headerBytes(req.rawHeaders), received: 0 };
  stats.requests++;
  stats.exchanges.push(exchange);
  req.on('data', (chunk: Buffer) => (exchange.sent += chunk.length));
  const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: basePath + (req.url ?? ''), headers: { ...req.headers, host: target.host }, agent }, (answer) => {
    // Status line: HTTP/1.1 SP code SP reason CRLF.
    exchange.received += 15 + (answer.statusMessage ?? '').length + headerBytes(answer.rawHeaders);
    answer.on('data', (chunk: Buffer) => (exchange.received += chunk.length));
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
console.log(JSON.stringify({ url: sim ? sim.url : options.upstream, proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` }));

const answer = (value: unknown) => console.log(JSON.stringify(value));
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { cmd: string; db?: string; count?: number };
  const database = () => {
    if (!sim || !command.db) throw new Error(`${command.cmd} needs the simulator and a database`);
    return sim.database(command.db);
  };
  switch (command.cmd) {
    case 'stats':
      stats.bytes = stats.exchanges.reduce((sum, exchange) => sum + exchange.sent + exchange.received, 0);
      answer(stats);
      break;
    case 'reset':
      stats.requests = 0;
      stats.bytes = 0;
      stats.exchanges = [];
      answer({});
      break;
    case 'delete':
      answer({ ids: database().deleteRandomWebhookRows(command.count ?? 0) });
      break;
    case 'purge':
      // Every tombstone, whatever its age: as if they were all older than the addon keeps them.
      answer({ purged: database().purgeTombstones(-1) });
      break;
    case 'apikey':
      answer({ key: database().apiKey('admin') });
      break;
    case 'rows':
      answer({ rows: database().webhookRows().length });
      break;
    case 'close':
      proxy.close();
      await sim?.close();
      process.exit(0);
  }
}
