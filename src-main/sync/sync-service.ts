/** The sync engine's control surface ({@link ISyncService}) over a backend (worker or in-thread), or over none. */
import { OcmError } from '../common/errors';
import type { Event } from '../common/event';
import type { InstanceId, InstanceStatus, SyncLogEntry } from '../common/model';
import type { ISyncService } from '../common/services';
import type { Store } from '../store/store';
import type { SyncBackend } from './backend';
import { instanceStatus } from './status';

/** An event that never fires (no engine runs in this process). */
const never: Event<never> = () => ({ dispose: () => undefined });

/**
 * Statuses, pause/resume and the activity log over the store and a running backend. Without a backend
 * (a CLI command that only reads) statuses are the resting ones and `syncNow` says no engine runs here.
 */
export class SyncService implements ISyncService {
  readonly onDidChangeStatus;
  readonly onDidLog;
  readonly onDidProgress;
  readonly #store: Pick<Store, 'instances' | 'mirror' | 'syncState' | 'syncLog'>;
  readonly #backend: SyncBackend | undefined;

  constructor(store: Pick<Store, 'instances' | 'mirror' | 'syncState' | 'syncLog'>, backend?: SyncBackend) {
    this.#store = store;
    this.#backend = backend;
    this.onDidChangeStatus = backend?.onDidChangeStatus ?? never;
    this.onDidLog = backend?.onDidLog ?? never;
    this.onDidProgress = backend?.onDidProgress ?? never;
  }

  async statuses(): Promise<InstanceStatus[]> {
    const live = new Map((this.#backend?.statuses() ?? []).map((status) => [status.instanceId, status]));
    return this.#store.instances.list().map((record) => live.get(record.config.id) ?? instanceStatus(this.#store, record.config.id, 'idle'));
  }

  async syncNow(id?: InstanceId): Promise<void> {
    if (id !== undefined) this.#assertKnown(id);
    if (!this.#backend) throw new OcmError('conflict', 'No sync engine runs in this process.', { hint: 'Run `ocm sync`, or open the app.' });
    this.#backend.syncNow(id);
  }

  async pause(id: InstanceId): Promise<void> {
    this.#assertKnown(id);
    this.#store.syncState.update(id, { paused: true });
    this.#backend?.pause(id);
  }

  async resume(id: InstanceId): Promise<void> {
    this.#assertKnown(id);
    this.#store.syncState.update(id, { paused: false });
    this.#backend?.resume(id);
  }

  async activity(options: { instanceId?: InstanceId; limit?: number } = {}): Promise<SyncLogEntry[]> {
    return this.#store.syncLog.list(options);
  }

  #assertKnown(id: InstanceId): void {
    const record = this.#store.instances.get(id);
    if (!record || record.removed) throw new OcmError('not-found', `No instance with id ${id}.`);
  }
}
