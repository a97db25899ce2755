/** The contract between the sync services and whatever runs the engine (this thread or a worker). */
import { Emitter, type Event } from '../common/event';
import type { ChangesNotice, InstanceConfig, InstanceId, InstanceStatus, Progress, SyncLogEntry } from '../common/model';
import type { ConnectionInput } from '../odoo/types';

/**
 * An instance to keep mirrored and how to connect to it (its secret decrypted, held in memory only).
 * Whether it starts paused is read from the store: the user's choice outlives restarts.
 */
export interface SyncTarget {
  config: InstanceConfig;
  connection: ConnectionInput;
}

/** Runs the sync engine for a set of instances and reports what happens. */
export interface SyncBackend {
  readonly onDidChangeStatus: Event<InstanceStatus>;
  readonly onDidLog: Event<SyncLogEntry>;
  readonly onDidProgress: Event<Progress & { instanceId: InstanceId }>;
  readonly onDidChangeData: Event<ChangesNotice>;
  /** Starts new targets, restarts changed ones, stops the ones no longer listed. */
  setTargets(targets: readonly SyncTarget[]): void;
  /** Polls now (all when id is omitted), cutting short any wait or backoff. */
  syncNow(id?: InstanceId): void;
  pause(id: InstanceId): void;
  resume(id: InstanceId): void;
  /** The latest status of each running instance. */
  statuses(): InstanceStatus[];
  /** Stops every instance (in-flight requests are aborted) and releases resources. */
  close(): Promise<void>;
}

/** Timing of the polling loop. */
export interface PollTiming {
  /** Delay between polls while changes flow (default 2,000 ms). */
  fastMs: number;
  /** First retry delay after a failure (default 1,000 ms); doubles per failure. */
  backoffBaseMs: number;
  /** Longest retry delay (default 300,000 ms). */
  backoffMaxMs: number;
  /** Random source for jitter (tests make it deterministic). */
  random: () => number;
}

/** Default timing. */
export const DEFAULT_TIMING: PollTiming = { fastMs: 2000, backoffBaseMs: 1000, backoffMaxMs: 300_000, random: Math.random };

/** Error codes that mean the server could not be reached, shown as 'offline' rather than 'error'. */
export const OFFLINE_CODES: ReadonlySet<string> = new Set(['network-refused', 'network-dns', 'network-reset', 'timeout']);

/**
 * Delay before retry number `failures` (1-based): exponential from the base, capped, with jitter in
 * [50%, 100%] of the step so many instances failing together do not retry in lockstep.
 */
export function backoffDelay(failures: number, timing: PollTiming): number {
  const step = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(step * (0.5 + 0.5 * timing.random()));
}

/** The four event streams every backend re-fires, owned in one place. */
export abstract class SyncBackendEvents {
  protected readonly statusEmitter = new Emitter<InstanceStatus>();
  protected readonly logEmitter = new Emitter<SyncLogEntry>();
  protected readonly progressEmitter = new Emitter<Progress & { instanceId: InstanceId }>();
  protected readonly dataEmitter = new Emitter<ChangesNotice>();
  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onDidLog = this.logEmitter.event;
  readonly onDidProgress = this.progressEmitter.event;
  readonly onDidChangeData = this.dataEmitter.event;

  /** Drops every listener (the backend is closed). */
  protected disposeEvents(): void {
    this.statusEmitter.dispose();
    this.logEmitter.dispose();
    this.progressEmitter.dispose();
    this.dataEmitter.dispose();
  }
}
