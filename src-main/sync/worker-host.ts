/**
 * The main-thread side of the sync worker: a {@link SyncBackend} that forwards commands to the worker
 * thread and re-fires its events. The worker runs `worker-entry` (the built `.js` beside this file when
 * bundled, else `worker-bootstrap.mjs`, which registers the tsx loader and runs the `.ts` source, as under vitest and
 * `node --import tsx`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorFromJSON, OcmError } from '../common/errors';
import type { InstanceId, InstanceStatus } from '../common/model';
import { SyncBackendEvents, type SyncBackend, type SyncTarget } from './backend';
import type { FromWorker, SyncWorkerData, ToWorker } from './worker-protocol';

/** Options of {@link startSyncWorker}. */
export interface SyncWorkerOptions extends SyncWorkerData {
  /** The worker script, overriding the default resolution (bundlers that emit it elsewhere). */
  entry?: URL | string;
  /** Called with every worker started, restarts included (tests use it to crash one). */
  onWorker?(worker: Worker): void;
}

/** Longest wait before restarting a worker that keeps crashing. */
const MAX_RESTART_DELAY_MS = 60_000;

/** Where the worker script is: the built `.js` when present, else the tsx bootstrap of the `.ts` source. */
function resolveEntry(): URL {
  const built = new URL('./worker-entry.js', import.meta.url);
  if (built.protocol === 'file:' && existsSync(fileURLToPath(built))) return built;
  return new URL('./worker-bootstrap.mjs', import.meta.url);
}

/**
 * Starts the worker and resolves once it has opened its store connection; rejects with its error. A
 * worker that dies later is restarted (with backoff) and given its targets again: the instances show an
 * error status meanwhile, and rows already committed are safe (each page commits with its cursor).
 */
export async function startSyncWorker(options: SyncWorkerOptions): Promise<SyncBackend> {
  const entry = options.entry ?? resolveEntry();
  const data: SyncWorkerData = { databasePath: options.databasePath, busyTimeoutMs: options.busyTimeoutMs, timing: options.timing, pass: options.pass };
  const host = new SyncWorkerHost(() => {
    const worker = new Worker(entry, { workerData: data });
    options.onWorker?.(worker);
    return worker;
  });
  await host.ready;
  return host;
}

class SyncWorkerHost extends SyncBackendEvents implements SyncBackend {
  readonly ready: Promise<void>;
  private worker!: Worker;
  private running = false;
  private readonly latest = new Map<InstanceId, InstanceStatus>();
  private targets: readonly SyncTarget[] = [];
  private readonly paused = new Set<InstanceId>();
  private crashes = 0;
  private restartTimer?: ReturnType<typeof setTimeout>;
  private closed?: Promise<void>;

  constructor(private readonly spawn: () => Worker) {
    super();
    this.ready = this.start();
  }

  /** Starts a worker; resolves once it is ready, rejects if it fails to open the store. */
  private start(): Promise<void> {
    const worker = this.spawn();
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            this.running = true;
            resolve();
            return;
          case 'failed':
            reject(errorFromJSON(message.error));
            void worker.terminate();
            return;
          case 'status':
            if (this.targets.some((target) => target.config.id === message.status.instanceId)) this.latest.set(message.status.instanceId, message.status);
            // A worker that syncs again has recovered: the next crash starts from the shortest delay.
            if (message.status.state === 'up-to-date') this.crashes = 0;
            this.statusEmitter.fire(message.status);
            return;
          case 'log':
            this.logEmitter.fire(message.entry);
            return;
          case 'progress':
            this.progressEmitter.fire(message.progress);
            return;
          case 'data':
            this.dataEmitter.fire(message.notice);
            return;
          case 'closed':
            return;
        }
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        console.error('sync worker failed', error);
      });
      worker.on('exit', (code) => {
        this.running = false;
        if (!ready) reject(new OcmError('internal', `The sync worker stopped (exit code ${code}).`));
        // The first start's failure goes to the caller; a crash, or a failed restart, is retried.
        if ((ready || this.crashes > 0) && !this.closed) this.restartAfterCrash(code);
      });
    });
  }

  /** Reports the crash on every instance, then restarts the worker after a growing delay. */
  private restartAfterCrash(code: number): void {
    const delayMs = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** this.crashes++);
    const error = new OcmError('internal', `The sync engine stopped unexpectedly (exit code ${code}); it restarts in ${Math.round(delayMs / 1000)} s.`, {
      hint: 'Rows already mirrored are kept. If this repeats, look at the application log.',
    }).toJSON();
    const nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    for (const status of this.latest.values()) {
      const failed: InstanceStatus = { ...status, state: 'error', lastError: error, nextAttemptAt };
      this.latest.set(status.instanceId, failed);
      this.statusEmitter.fire(failed);
    }
    this.restartTimer = setTimeout(() => {
      this.start().then(
        () => {
          this.send({ type: 'targets', targets: [...this.targets] });
          for (const id of this.paused) this.send({ type: 'pause', id });
        },
        () => undefined, // a failed restart exits, and its exit handler schedules the next attempt
      );
    }, delayMs);
  }

  private send(message: ToWorker): void {
    if (this.running) this.worker.postMessage(message);
  }

  setTargets(targets: readonly SyncTarget[]): void {
    this.targets = [...targets];
    const ids = new Set(targets.map((target) => target.config.id));
    for (const id of [...this.latest.keys()]) if (!ids.has(id)) this.latest.delete(id);
    for (const id of [...this.paused]) if (!ids.has(id)) this.paused.delete(id);
    this.send({ type: 'targets', targets: [...targets] });
  }

  syncNow(id?: InstanceId): void {
    this.send(id === undefined ? { type: 'syncNow' } : { type: 'syncNow', id });
  }

  pause(id: InstanceId): void {
    this.paused.add(id);
    this.send({ type: 'pause', id });
  }

  resume(id: InstanceId): void {
    this.paused.delete(id);
    this.send({ type: 'resume', id });
  }

  statuses(): InstanceStatus[] {
    return [...this.latest.values()];
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      clearTimeout(this.restartTimer);
      if (!this.running) {
        void this.worker.terminate(); // a restart may be starting up
        return resolve();
      }
      const timer = setTimeout(() => void this.worker.terminate(), 10_000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ type: 'close' });
    }).finally(() => {
      this.disposeEvents();
    });
    return this.closed;
  }
}
