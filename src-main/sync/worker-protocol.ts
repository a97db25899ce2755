/** Messages between the sync worker thread and the main thread. */
import type { ChangesNotice, InstanceId, InstanceStatus, Progress, SyncLogEntry } from '../common/model';
import type { SerializedError } from '../common/errors';
import type { PollTiming, SyncTarget } from './backend';
import type { SyncPassOptions } from './source';

/** What the worker is started with (`workerData`). */
export interface SyncWorkerData {
  databasePath: string;
  busyTimeoutMs?: number;
  timing?: Partial<Omit<PollTiming, 'random'>>;
  pass?: Partial<SyncPassOptions>;
}

/** Main thread → worker. */
export type ToWorker =
  | { type: 'targets'; targets: SyncTarget[] }
  | { type: 'syncNow'; id?: InstanceId }
  | { type: 'pause'; id: InstanceId }
  | { type: 'resume'; id: InstanceId }
  | { type: 'close' };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: SerializedError }
  | { type: 'status'; status: InstanceStatus }
  | { type: 'log'; entry: SyncLogEntry }
  | { type: 'progress'; progress: Progress & { instanceId: InstanceId } }
  | { type: 'data'; notice: ChangesNotice }
  | { type: 'closed' };
