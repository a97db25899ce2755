/**
 * CPU pacing over real HTTP: an answer costs CPU in proportion to its rows; threaded, two concurrent
 * requests queue (about twice one); with two workers they are served at once (about one). Ratios are
 * asserted loosely (the machine is shared), the queueing itself exactly (service intervals overlap or not).
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { formatCall } from '../../../src-main/simulator/codec/xmlrpc';
import { startSimulator, type PacedAnswer, type RunningSimulator } from '../../../src-main/simulator/index';

const ROWS = 1000;
let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function paced(workers: number, served: PacedAnswer[]): Promise<RunningSimulator> {
  simulator = await startSimulator({
    databases: [{ name: 'big', demo: false, syntheticRows: ROWS + 10 }],
    pace: { mode: 'cpu', workers, jsonPerRowUs: 120, xmlrpcPerRowUs: 240, onServed: (answer) => served.push(answer) },
  });
  return simulator;
}

/** One JSON-RPC page of ROWS change-log rows. */
async function page(target: RunningSimulator): Promise<void> {
  const response = await fetch(`${target.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service: 'object', method: 'execute_kw', args: ['big', 2, 'admin', 'update.webhook', 'search_read', [[]], { fields: ['model'], limit: ROWS, order: 'id asc' }] } }),
  });
  expect(response.status).toBe(200);
  await response.text();
}

/** The best of a few timings of `count` concurrent pages (ms). */
async function best(target: RunningSimulator, count: number): Promise<number> {
  let fastest = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, () => page(target)));
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const overlaps = (a: PacedAnswer, b: PacedAnswer): boolean => a.startedAt < b.finishedAt && b.startedAt < a.finishedAt;

/**
 * How much longer two threads spinning at once take than one (about 1 with two free cores, 2 on a busy
 * machine): whether this machine can show prefork's speed-up right now.
 */
async function machineParallelism(): Promise<number> {
  const spin = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker('let x = 1; for (let i = 0; i < 3e8; i++) x ^= x << 1; require("node:worker_threads").parentPort.postMessage(x);', { eval: true });
      worker.once('message', () => void worker.terminate().then(() => resolve()));
      worker.once('error', reject);
    });
  const time = async (count: number) => {
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, spin));
    return performance.now() - started;
  };
  return (await time(2)) / (await time(1));
}

describe('CPU pacing', () => {
  it('charges rows times the per-row cost of the transport', async () => {
    const served: PacedAnswer[] = [];
    const target = await paced(0, served);
    await page(target);
    const xml = await fetch(`${target.url}/xmlrpc/2/object`, {
      method: 'POST',
      body: formatCall('execute_kw', ['big', 2, 'admin', 'update.webhook', 'search', [[['id', '<=', 50]]], {}]),
    });
    await xml.text();
    expect(served.map((answer) => [answer.rows, answer.microseconds])).toEqual([
      [ROWS, ROWS * 120],
      [50, 50 * 240],
    ]);
    expect(served[0].finishedAt - served[0].startedAt).toBeGreaterThan(ROWS * 0.12 * 0.5); // really spent (ms)
  });

  it('threaded: two concurrent requests queue, taking about twice one', { retry: 2 }, async () => {
    const served: PacedAnswer[] = [];
    const target = await paced(0, served);
    await page(target); // warm up
    const one = await best(target, 1);
    served.length = 0;
    const two = await best(target, 2);
    for (let i = 0; i + 1 < served.length; i += 2) expect(overlaps(served[i], served[i + 1])).toBe(false);
    expect(two / one).toBeGreaterThan(1.6);
  });

  it('two workers: two concurrent requests are served at once, taking about one', { retry: 2 }, async () => {
    const served: PacedAnswer[] = [];
    const target = await paced(2, served);
    await page(target);
    const one = await best(target, 1);
    served.length = 0;
    const two = await best(target, 2);
    // Served at once: the second answer's burn starts before the first one's ends.
    expect(served.some((answer, index) => index % 2 === 0 && served[index + 1] && overlaps(answer, served[index + 1]))).toBe(true);
    // The wall-clock gain needs a free second core, which a shared machine does not always have.
    const parallelism = await machineParallelism();
    if (parallelism < 1.3) expect(two / one).toBeLessThan(1.5);
    else console.warn(`pacing: the machine runs two threads ${parallelism.toFixed(2)}× slower than one right now; ratio ${(two / one).toFixed(2)} not asserted`);
  });

  it('refuses nonsense options with a clear message', async () => {
    await expect(startSimulator({ pace: { mode: 'cpu', workers: -1 } })).rejects.toThrow('pace.workers must be a whole number, 0 or more, not -1');
    await expect(startSimulator({ pace: { mode: 'cpu', jsonPerRowUs: Number.NaN } })).rejects.toThrow('pace.jsonPerRowUs must be a number of microseconds');
  });
});
