/**
 * One initial mirror, for profiling the app's own CPU: `node --import tsx bench/profile-mirror.ts
 * [--rows 300000] [--transport jsonrpc|xmlrpc] [--engine worker|in-thread] [--flavour original|fixed]
 * [--pace threaded|workers]`. The simulator runs in a child process (unpaced by default, so the run is
 * quick); this process prints the wall time and its CPU per row (`process.cpuUsage`: every thread of
 * the process, the sync worker included). Run it under `node --cpu-prof --cpu-prof-dir DIR` for a
 * profile of the main thread and one of the worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorWithApp } from './app-mirror';
import { SimulatorProcess } from './simulator-process';
import type { TransportKind } from '../src-main/common/model';
import type { ModuleFlavour } from '../src-main/simulator/index';

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const rows = Number(argument('rows', '300000'));
const transport = argument('transport', 'jsonrpc') as TransportKind;
const engine = argument('engine', 'worker') as 'worker' | 'in-thread';
const flavour = argument('flavour', 'original') as ModuleFlavour;
const pace = argument('pace', 'none');
const sim = await SimulatorProcess.start({
  databases: [{ name: 'big', rows }],
  flavour,
  pace: pace === 'none' ? undefined : { mode: 'cpu', workers: pace === 'workers' ? 2 : 0 },
});
const dataDir = mkdtempSync(join(tmpdir(), 'ocm-profile-'));
try {
  const result = await mirrorWithApp({ url: sim.url, db: 'big', transport, dataDir, engine });
  console.log(
    `${transport} ${engine} ${flavour} pace=${pace}: ${result.rows} rows in ${result.seconds.toFixed(2)} s (${Math.round(result.rows / result.seconds)} rows/s), ` +
      `CPU ${result.cpu.user.toFixed(2)} s user + ${result.cpu.system.toFixed(2)} s sys = ${result.cpuPerRowUs.toFixed(1)} µs per row; load ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
  );
} finally {
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
}
