/** The sync engine's control surface ({@link ISyncService}) over a backend (worker or in-thread), or over none. */
import { OcmError } from '../common/errors';
import type { Event } from '../common/event';
import type { InstanceId, InstanceStatus, SyncLogEntry } from '../common/model';
import type { ISyncService } from '../common/services';
import type { Repositories } from '../store/ports';
import type { SyncBackend } from './backend';
import type { LiveSyncActivity } from './remote-activity';
import { instanceStatus } from './status';

/** An event that never fires (no engine runs in this process). */
const never: Event<never> = () => ({ dispose: () => undefined });

/** One event firing what either fires. */
function merged<T>(first: Event<T> | undefined, second: Event<T> | undefined): Event<T> {
  if (!first || !second) return first ?? second ?? never;
  return (listener) => {
    const subscriptions = [first(listener), second(listener)];
    return { dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) };
  };
}

/** How "sync now" reaches a collector in another process (a team database's sync requests). */
export interface SyncRequests {
  request(instanceId?: InstanceId): Promise<void>;
}

/** The repositories the sync service reads and writes. */
export type SyncServiceStore = Pick<Repositories, 'instances' | 'mirror' | 'syncState' | 'syncLog'>;

/**
 * Statuses, pause/resume and the activity log over the store and a running backend. Without a backend
 * (a CLI command that only reads) statuses are the resting ones and `syncNow` says no engine runs here,
 * unless `requests` reach the collectors of a shared team database (the one holding the instance syncs).
 * On a team database, `remote` is what the other processes' engines announce (sync/remote-activity.ts):
 * their events are fired here too, and an instance this engine does not run shows their live status.
 */
export class SyncService implements ISyncService {
  readonly onDidChangeStatus;
  readonly onDidLog;
  readonly onDidProgress;
  readonly #store: SyncServiceStore;
  readonly #backend: SyncBackend | undefined;
  readonly #requests: SyncRequests | undefined;
  readonly #remote: LiveSyncActivity | undefined;

  constructor(store: SyncServiceStore, backend?: SyncBackend, requests?: SyncRequests, remote?: LiveSyncActivity) {
    this.#store = store;
    this.#backend = backend;
    this.#requests = requests;
    this.#remote = remote;
    this.onDidChangeStatus = merged(backend?.onDidChangeStatus, remote?.onDidChangeStatus);
    this.onDidLog = merged(backend?.onDidLog, remote?.onDidLog);
    this.onDidProgress = merged(backend?.onDidProgress, remote?.onDidProgress);
  }

  async statuses(): Promise<InstanceStatus[]> {
    // This engine's own statuses come last and win (another's, heard before a lease changed hands, is older).
    const live = new Map([...(this.#remote?.statuses() ?? []), ...(this.#backend?.statuses() ?? [])].map((status) => [status.instanceId, status]));
    const records = await this.#store.instances.list();
    // Instances no engine has announced (here or, heard lately, elsewhere) rest: their status is what the store knows.
    return await Promise.all(records.map((record) => live.get(record.config.id) ?? instanceStatus(this.#store, record.config.id, 'idle')));
  }

  async syncNow(id?: InstanceId): Promise<void> {
    if (id !== undefined) await this.#assertKnown(id);
    // Every collector (this process's too) hears the request and wakes the instances it holds.
    if (this.#requests) return this.#requests.request(id);
    if (!this.#backend) throw new OcmError('conflict', 'No sync engine runs in this process.', { hint: 'Run `ocm sync`, or open the app.' });
    this.#backend.syncNow(id);
  }

  async pause(id: InstanceId): Promise<void> {
    await this.#assertKnown(id);
    await this.#store.syncState.update(id, { paused: true });
    this.#backend?.pause(id);
  }

  async resume(id: InstanceId): Promise<void> {
    await this.#assertKnown(id);
    await this.#store.syncState.update(id, { paused: false });
    this.#backend?.resume(id);
  }

  async activity(options: { instanceId?: InstanceId; limit?: number } = {}): Promise<SyncLogEntry[]> {
    return await this.#store.syncLog.list(options);
  }

  async #assertKnown(id: InstanceId): Promise<void> {
    const record = await this.#store.instances.get(id);
    if (!record || record.removed) throw new OcmError('not-found', `No instance with id ${id}.`);
  }
}
