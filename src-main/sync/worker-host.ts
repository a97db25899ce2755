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
}

/** Where the worker script is: the built `.js` when present, else the tsx bootstrap of the `.ts` source. */
function resolveEntry(): { entry: URL; execArgv: string[] } {
  const built = new URL('./worker-entry.js', import.meta.url);
  if (built.protocol === 'file:' && existsSync(fileURLToPath(built))) return { entry: built, execArgv: [] };
  return { entry: new URL('./worker-bootstrap.mjs', import.meta.url), execArgv: [] };
}

/** Starts the worker and resolves once it has opened its store connection. Rejects with its error. */
export async function startSyncWorker(options: SyncWorkerOptions): Promise<SyncBackend> {
  const resolved = options.entry ? { entry: options.entry, execArgv: [] } : resolveEntry();
  const data: SyncWorkerData = { databasePath: options.databasePath, busyTimeoutMs: options.busyTimeoutMs, timing: options.timing, pass: options.pass };
  const worker = new Worker(resolved.entry, { workerData: data, execArgv: resolved.execArgv });
  const host = new SyncWorkerHost(worker);
  await host.ready;
  return host;
}

class SyncWorkerHost extends SyncBackendEvents implements SyncBackend {

  readonly ready: Promise<void>;
  private readonly latest = new Map<InstanceId, InstanceStatus>();
  private targetIds = new Set<InstanceId>();
  private closed?: Promise<void>;
  private exited = false;

  constructor(private readonly worker: Worker) {
    super();
    let settle: { resolve(): void; reject(error: unknown): void } | undefined;
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          settle?.resolve();
          return;
        case 'failed':
          settle?.reject(errorFromJSON(message.error));
          void worker.terminate();
          return;
        case 'status':
          if (this.targetIds.has(message.status.instanceId)) this.latest.set(message.status.instanceId, message.status);
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
      settle?.reject(error);
      console.error('sync worker failed', error);
    });
    worker.on('exit', (code) => {
      this.exited = true;
      settle?.reject(new OcmError('internal', `The sync worker stopped (exit code ${code}).`));
    });
  }

  private send(message: ToWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  setTargets(targets: readonly SyncTarget[]): void {
    this.targetIds = new Set(targets.map((target) => target.config.id));
    for (const id of [...this.latest.keys()]) if (!this.targetIds.has(id)) this.latest.delete(id);
    this.send({ type: 'targets', targets: [...targets] });
  }

  syncNow(id?: InstanceId): void {
    this.send(id === undefined ? { type: 'syncNow' } : { type: 'syncNow', id });
  }

  pause(id: InstanceId): void {
    this.send({ type: 'pause', id });
  }

  resume(id: InstanceId): void {
    this.send({ type: 'resume', id });
  }

  statuses(): InstanceStatus[] {
    return [...this.latest.values()];
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
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
