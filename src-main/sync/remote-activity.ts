/**
 * Sync activity across the processes of a team mirror (the wire is store/postgres/sync-events.ts):
 * {@link publishSyncActivity} sends what this process's engine announces; {@link RemoteSyncActivity}
 * keeps what the other collectors announced, for {@link SyncService} to merge with its own engine's.
 *
 * Freshness: a heard status holds for the `ttlMs` its sender gave (the collector's lease), counted on this
 * machine's monotonic clock from when it was heard; the sender repeats its statuses every third of that.
 * So a collector that stops or dies stops being shown live within one lease, and the instance shows its
 * resting status read from the store until its next holder speaks; a new holder's word replaces the last.
 */
import { Emitter, type Disposable } from '../common/event';
import type { InstanceId, InstanceStatus, Progress, SyncLogEntry } from '../common/model';
import type { HeardSyncEvent, SyncEvent } from '../store/postgres/sync-events';
import type { SyncBackend } from './backend';

/** The live side of a sync engine: what {@link SyncService} merges (its own backend, or other processes' engines). */
export type LiveSyncActivity = Pick<SyncBackend, 'statuses' | 'onDidChangeStatus' | 'onDidLog' | 'onDidProgress'>;

/** Progress events sent per instance per second, at most (the last one of a burst is sent after it). */
const PROGRESS_PER_SECOND = 4;

/** Options of {@link publishSyncActivity}. */
export interface PublishOptions {
  /** How long each sent status holds without a newer word (the collector's lease); repeated every third of it. */
  ttlMs: number;
  /** Least time between two progress events of one instance (default 250 ms). */
  progressIntervalMs?: number;
}

/** A running publisher; `close` stops it and waits for the events already queued. */
export interface SyncActivityPublisher {
  close(): Promise<void>;
}

/**
 * Sends every status change and new log line of `backend`, its progress throttled per instance, and
 * repeats its statuses every `ttlMs / 3`. Events go out one at a time, in order (a NOTIFY per pool
 * connection could overtake another). A failed send is logged once until one succeeds again.
 */
export function publishSyncActivity(backend: LiveSyncActivity, send: (event: SyncEvent, ttlMs: number) => Promise<void>, options: PublishOptions): SyncActivityPublisher {
  const progressIntervalMs = options.progressIntervalMs ?? 1000 / PROGRESS_PER_SECOND;
  let queue: Promise<void> = Promise.resolve();
  let failing = false;
  let closed = false;
  const enqueue = (event: SyncEvent) => {
    if (closed) return;
    queue = queue.then(async () => {
      try {
        await send(event, options.ttlMs);
        failing = false;
      } catch (error) {
        if (!failing) console.warn(`Other processes miss this collector's live sync activity: sending it failed (${error instanceof Error ? error.message : String(error)}).`);
        failing = true;
      }
    });
  };

  /** Per instance: when its last progress went out, and the one held back until the interval passes. */
  const throttled = new Map<InstanceId, { sentAt: number; timer?: ReturnType<typeof setTimeout>; held?: SyncEvent }>();
  const sendProgress = (instanceId: InstanceId) => {
    const slot = throttled.get(instanceId);
    if (!slot?.held) return;
    enqueue(slot.held);
    slot.held = undefined;
    slot.timer = undefined;
    slot.sentAt = performance.now();
  };
  const dropHeldProgress = (instanceId: InstanceId) => {
    const slot = throttled.get(instanceId);
    if (slot?.timer) clearTimeout(slot.timer);
    throttled.delete(instanceId);
  };

  const subscriptions: Disposable[] = [
    backend.onDidChangeStatus((status) => {
      // The status carries the latest progress: progress held back would arrive after it, stale.
      dropHeldProgress(status.instanceId);
      enqueue({ kind: 'status', status });
    }),
    backend.onDidLog((entry) => enqueue({ kind: 'log', entry })),
    backend.onDidProgress((progress) => {
      const slot = throttled.get(progress.instanceId) ?? { sentAt: -Infinity };
      throttled.set(progress.instanceId, slot);
      slot.held = { kind: 'progress', progress };
      const wait = slot.sentAt + progressIntervalMs - performance.now();
      if (wait <= 0) sendProgress(progress.instanceId);
      else slot.timer ??= setTimeout(() => sendProgress(progress.instanceId), wait);
    }),
  ];
  const repeat = setInterval(() => {
    for (const status of backend.statuses()) enqueue({ kind: 'status', status });
  }, Math.max(50, Math.floor(options.ttlMs / 3)));

  return {
    async close() {
      closed = true;
      clearInterval(repeat);
      for (const subscription of subscriptions) subscription.dispose();
      for (const instanceId of [...throttled.keys()]) dropHeldProgress(instanceId);
      await queue;
    },
  };
}

/**
 * What the other processes' engines announced: the latest status heard per instance (while fresh, see
 * the module comment), and their events re-fired. Snapshot progress updates the heard status's `progress`,
 * as the engine does with its own.
 */
export class RemoteSyncActivity implements LiveSyncActivity, Disposable {
  readonly #statusEmitter = new Emitter<InstanceStatus>();
  readonly #logEmitter = new Emitter<SyncLogEntry>();
  readonly #progressEmitter = new Emitter<Progress & { instanceId: InstanceId }>();
  readonly onDidChangeStatus = this.#statusEmitter.event;
  readonly onDidLog = this.#logEmitter.event;
  readonly onDidProgress = this.#progressEmitter.event;
  readonly #heard = new Map<InstanceId, { status: InstanceStatus; until: number }>();
  readonly #now: () => number;
  readonly #subscription: Disposable;

  /** `now`: this machine's monotonic clock in ms (tests pass their own). */
  constructor(events: (listener: (event: HeardSyncEvent) => void) => Disposable, now: () => number = () => performance.now()) {
    this.#now = now;
    this.#subscription = events((event) => this.#hear(event));
  }

  /** The fresh statuses heard, one per instance. */
  statuses(): InstanceStatus[] {
    const now = this.#now();
    for (const [id, heard] of this.#heard) if (heard.until <= now) this.#heard.delete(id);
    return [...this.#heard.values()].map((heard) => heard.status);
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#statusEmitter.dispose();
    this.#logEmitter.dispose();
    this.#progressEmitter.dispose();
  }

  #hear(event: HeardSyncEvent): void {
    const until = this.#now() + event.ttlMs;
    switch (event.kind) {
      case 'status': {
        const last = this.#heard.get(event.status.instanceId);
        this.#heard.set(event.status.instanceId, { status: event.status, until });
        // A sender's repetition of a status still shown is no news to the workbench.
        if (last && last.until > this.#now() && JSON.stringify(last.status) === JSON.stringify(event.status)) return;
        this.#statusEmitter.fire(event.status);
        return;
      }
      case 'log':
        this.#logEmitter.fire(event.entry);
        return;
      case 'progress': {
        const { instanceId, done, total } = event.progress;
        const heard = this.#heard.get(instanceId);
        if (heard?.status.state === 'syncing') this.#heard.set(instanceId, { status: { ...heard.status, progress: total === undefined ? { done } : { done, total } }, until });
        this.#progressEmitter.fire(event.progress);
        return;
      }
    }
  }
}
