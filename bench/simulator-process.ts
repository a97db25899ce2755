/**
 * A simulator in its own process for the benchmarks, so it competes for the cores as a local Odoo does
 * and never shares an event loop with the app. The child also runs a counting HTTP proxy in front of
 * the simulator (requests and bytes, headers and bodies, both directions) and answers one-line JSON
 * commands on stdin: `stats`, `reset`, `delete`, `purge`, `rows`, `apikey`, `close`. With `upstream` it runs the
 * proxy alone, in front of a real server.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ModuleFlavour, OdooVersion, PaceOptions } from '../src-main/simulator/index';

/** What to start. */
export interface SimulatorProcessOptions {
  /** Databases with this many synthetic change-log rows each (no demo data). */
  databases?: { name: string; rows: number }[];
  /** No simulator: the proxy forwards to this server (http or https). */
  upstream?: string;
  flavour?: ModuleFlavour;
  /** The Odoo version played (default 18; 19 and later serve JSON-2). */
  odoo?: OdooVersion;
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
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./simulator-child.ts', import.meta.url))], {
      env: { ...process.env, OCM_SIMULATOR_OPTIONS: JSON.stringify(options) },
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
