/**
 * CPU pacing: each answer costs the server a service time proportional to its rows, spent by really
 * burning CPU, like a real Odoo (about 38 µs per row over JSON-RPC and JSON-2, 74 µs over XML-RPC, as
 * measured on a 2-core machine; odoo-facts.md, 2026-12-01). Threaded Odoo serves Python under one
 * interpreter lock, so concurrent requests queue: the simulator burns on its one main thread, which is
 * exactly that. Prefork Odoo (`--workers N`) serves N requests at once: the burn goes to N worker threads
 * while the main thread keeps accepting and answering. The work is calibrated once, so a busy machine
 * slows the simulator down like it slows a real server.
 */
import { Worker } from 'node:worker_threads';
import type { Reply } from './http-exchange';
import type { PaceOptions } from './types';

export const DEFAULT_JSON_PER_ROW_US = 38;
export const DEFAULT_XMLRPC_PER_ROW_US = 74;

// The same loop runs in the worker threads (below, as source): calibration holds for both.
let sink = 1;
function spin(iterations: number): void {
  let x = sink | 1;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  sink = x;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let sink = 1;
parentPort.on('message', ({ id, iterations }) => {
  let x = sink | 1;
  for (let i = 0; i < iterations; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
  sink = x;
  parentPort.postMessage(id);
});
`;

/** Loop iterations per microsecond of this machine: the best of a few short runs (a busy moment only lowers a run). */
export function calibrate(rounds = 6, iterations = 400_000): number {
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    spin(iterations);
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    best = Math.max(best, iterations / Math.max(micros, 1));
  }
  return best;
}

/** Burns the CPU for `microseconds` of calibrated work on the calling thread. */
export function burn(microseconds: number, iterationsPerMicro: number): void {
  if (microseconds > 0) spin(Math.round(microseconds * iterationsPerMicro));
}

/** N worker threads burning on request; requests beyond N wait in order. */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private readonly all: Worker[] = [];
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  private acquire(): Promise<Worker> {
    const worker = this.idle.pop();
    return worker ? Promise.resolve(worker) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  async run(iterations: number): Promise<number> {
    const worker = await this.acquire();
    const startedAt = performance.now();
    const id = this.nextId++;
    await new Promise<void>((resolve, reject) => {
      const done = (answer: number): void => {
        if (answer !== id) return;
        worker.off('message', done);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', done);
      worker.once('error', reject);
      worker.postMessage({ id, iterations });
    });
    this.release(worker);
    return startedAt;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }
}

/** Charges answers their service time, threaded or prefork. */
export class Pacer {
  private readonly rate: number;
  private readonly pool?: WorkerPool;

  constructor(private readonly options: PaceOptions) {
    const workers = options.workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0) throw new Error(`pace.workers must be a whole number, 0 or more, not ${String(workers)}`);
    for (const [name, value] of Object.entries({ jsonPerRowUs: options.jsonPerRowUs, xmlrpcPerRowUs: options.xmlrpcPerRowUs, perRequestUs: options.perRequestUs })) {
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new Error(`pace.${name} must be a number of microseconds, 0 or more, not ${String(value)}`);
    }
    this.rate = calibrate();
    if (workers > 0) this.pool = new WorkerPool(workers);
  }

  /** The service time of an answer, in microseconds. */
  serviceTime(reply: Reply): { rows: number; microseconds: number } {
    const rows = reply.rows ?? 0;
    const perRow = reply.transport === 'xmlrpc' ? (this.options.xmlrpcPerRowUs ?? DEFAULT_XMLRPC_PER_ROW_US) : (this.options.jsonPerRowUs ?? DEFAULT_JSON_PER_ROW_US);
    return { rows, microseconds: (this.options.perRequestUs ?? 0) + rows * perRow };
  }

  /** Spends an answer's service time: on this thread (threaded), or on a free worker (prefork). */
  async serve(reply: Reply): Promise<void> {
    const { rows, microseconds } = this.serviceTime(reply);
    if (microseconds <= 0) return;
    let startedAt: number;
    if (this.pool) {
      startedAt = await this.pool.run(Math.round(microseconds * this.rate));
    } else {
      startedAt = performance.now();
      burn(microseconds, this.rate);
    }
    this.options.onServed?.({ rows, microseconds, startedAt, finishedAt: performance.now() });
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
