/**
 * The app's initial mirror as a user gets it: the services of the composition root (sync engine in a
 * worker thread by default), an instance added, timed until its first up-to-date status, with the CPU
 * of the whole process (`process.cpuUsage`: the main thread and the sync worker) and its peak memory.
 */
import { nextEvent } from '../src-main/common/event';
import type { InstanceConfig, TransportKind } from '../src-main/common/model';
import { createServices } from '../src-main/hosts/services';

/** What to mirror. */
export interface AppMirrorOptions {
  url: string;
  db: string;
  login?: string;
  password?: string;
  transport: TransportKind;
  dataDir: string;
  engine?: 'worker' | 'in-thread';
}

/** What one initial mirror took. */
export interface AppMirrorResult {
  rows: number;
  seconds: number;
  /** CPU seconds of this process over the mirror (every thread). */
  cpu: { user: number; system: number };
  cpuPerRowUs: number;
  memory: { baseRss: number; rss: number; heapUsed: number };
  instance: InstanceConfig;
}

/** Adds the instance and waits for its first up-to-date status (the snapshot and the first checks). */
export async function mirrorWithApp(options: AppMirrorOptions): Promise<AppMirrorResult> {
  const app = await createServices({ dataDir: options.dataDir, keychain: null, engine: options.engine ?? 'worker' });
  const { services } = app;
  const memory = sampleMemory();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const done = nextEvent(services.sync.onDidChangeStatus, (status) => status.state === 'up-to-date' || status.state === 'error' || status.state === 'offline');
  const instance = await services.instances.add({
    name: `${options.db}-${options.transport}`,
    url: options.url,
    db: options.db,
    login: options.login ?? 'admin',
    password: options.password ?? 'admin',
    transport: options.transport,
  });
  const status = await done;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const peak = memory.stop();
  await app.close();
  if (status.state !== 'up-to-date') throw new Error(`${options.transport}: the app's mirror of ${options.db} failed: ${status.lastError?.message}`);
  const rows = status.changeCount;
  return {
    rows,
    seconds,
    cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
    cpuPerRowUs: (cpu.user + cpu.system) / Math.max(1, rows),
    memory: peak,
    instance,
  };
}

/** Samples RSS and heap every 50 ms until stopped. */
function sampleMemory(): { stop(): { baseRss: number; rss: number; heapUsed: number } } {
  const baseRss = process.memoryUsage().rss;
  let rss = baseRss;
  let heapUsed = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heapUsed = Math.max(heapUsed, usage.heapUsed);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return { baseRss, rss, heapUsed };
    },
  };
}
