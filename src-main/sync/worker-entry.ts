/**
 * The sync worker thread: owns its own store connection and a SyncScheduler, so XML parsing and
 * SQLite writes never block the thread that serves the UI. Talks to worker-host.ts by messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toOcmError } from '../common/errors';
import { openStore } from '../store/store';
import { SyncScheduler } from './scheduler';
import type { FromWorker, SyncWorkerData, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('worker-entry.ts must run in a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const data = workerData as SyncWorkerData;
/**
 * How long the worker's writes wait for another connection's. Waiting blocks no UI here, and another
 * process's long write (a second collector building a large snapshot's indexes, `ocm sync` beside the
 * app, a busy disk) must not turn a pass into a failure the user sees.
 */
const WORKER_BUSY_TIMEOUT_MS = 30_000;

try {
  const store = openStore(data.databasePath, { busyTimeoutMs: data.busyTimeoutMs ?? WORKER_BUSY_TIMEOUT_MS });
  const scheduler = new SyncScheduler({ store, timing: data.timing, pass: data.pass });
  scheduler.onDidChangeStatus((status) => post({ type: 'status', status }));
  scheduler.onDidLog((entry) => post({ type: 'log', entry }));
  scheduler.onDidProgress((progress) => post({ type: 'progress', progress }));
  scheduler.onDidChangeData((notice) => post({ type: 'data', notice }));
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'targets':
        scheduler.setTargets(message.targets);
        return;
      case 'syncNow':
        scheduler.syncNow(message.id);
        return;
      case 'pause':
        scheduler.pause(message.id);
        return;
      case 'resume':
        scheduler.resume(message.id);
        return;
      case 'close':
        void scheduler.close().finally(() => {
          store.close();
          post({ type: 'closed' });
          port.close();
        });
        return;
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', error: toOcmError(error).toJSON() });
}
