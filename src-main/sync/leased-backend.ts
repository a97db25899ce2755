/**
 * Several collectors against one database: a {@link SyncBackend} that runs only the instances whose
 * lease this collector holds. Every `ttl / 3` it renews what it holds and takes what is free or expired
 * (LeaseStore.acquire, atomic per instance), then hands exactly the held targets to the engine it wraps.
 *
 * Safety: a collector that could not renew a lease stops that instance's loop itself once less than a
 * third of the lease is left, so it has stopped at least `ttl / 3` before the lease expires and another
 * collector may take it. A dead collector renews nothing: its leases expire and another takes them over
 * at its next round, within `ttl + ttl / 3`. A clean stop releases its leases for an immediate take-over.
 * The mirror's unique server-row index is the last guard: a page can never be committed twice.
 *
 * Clocks: the store judges expiry by its own clock (the database's on PostgreSQL), and this collector
 * never compares the stored expiry with its own clock. It counts its lease from its monotonic clock
 * read before it asked: `start + ttl`, never later than the real expiry, which the store set from a
 * reading taken after `start`. So machines whose wall clocks differ stay safe; only their clocks' rates
 * (drift over one lease, far below a third of it) matter.
 *
 * ┌─ STORE ROUND: PostgreSQL ───────────────────────────────────────────────────────────────────────┐
 * │ Advisory locks, if measured better, replace the expiry inside LeaseStore only (see leases.ts).   │
 * └─────────────────────────────────────────────────────────────────────────────────────────────────┘
 */
import type { InstanceId, InstanceStatus } from '../common/model';
import type { LeaseRecord, LeaseStore } from '../store/repositories/leases';
import { SyncBackendEvents, type SyncBackend, type SyncTarget } from './backend';

/** How a collector takes part. */
export interface LeaseOptions {
  store: LeaseStore;
  /** This collector's id, unique among the collectors of one database. */
  holder: string;
  /** How long a lease lasts unrenewed, in milliseconds; renewed every third of it. */
  ttlMs: number;
  /** This machine's monotonic clock in milliseconds, which times the held leases (default `performance.now`). */
  now?: () => number;
  /** Tests only: the lease store's time (`now` of LeaseStore.acquire); without it the store's own clock. */
  leaseClock?: () => number;
  /** Called when the lease store fails (the loop keeps going; held leases run out safely). */
  onError?(error: unknown): void;
}

/** Runs the wrapped engine for the instances this collector holds the lease of. */
export class LeasedBackend extends SyncBackendEvents implements SyncBackend {
  readonly #inner: SyncBackend;
  readonly #options: LeaseOptions;
  readonly #now: () => number;
  #wanted: readonly SyncTarget[] = [];
  /** Held instances: until when by the store's clock (Unix ms), and by this machine's monotonic clock. */
  readonly #held = new Map<InstanceId, { expiresAt: number; deadline: number }>();
  #timer?: ReturnType<typeof setInterval>;
  #round: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #subscriptions;

  constructor(inner: SyncBackend, options: LeaseOptions) {
    super();
    this.#inner = inner;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#subscriptions = [
      inner.onDidChangeStatus((status) => this.statusEmitter.fire(status)),
      inner.onDidLog((entry) => this.logEmitter.fire(entry)),
      inner.onDidProgress((progress) => this.progressEmitter.fire(progress)),
      inner.onDidChangeData((notice) => this.dataEmitter.fire(notice)),
    ];
    this.#timer = setInterval(() => {
      // Fencing does not wait for a round that may be stuck on the store: leases running out stop now.
      this.#apply();
      void this.renew();
    }, Math.max(50, Math.floor(options.ttlMs / 3)));
  }

  /** The instances this collector holds now, and until when by the store's clock (Unix ms). */
  held(): ReadonlyMap<InstanceId, number> {
    return new Map([...this.#held].map(([id, lease]) => [id, lease.expiresAt]));
  }

  setTargets(targets: readonly SyncTarget[]): void {
    this.#wanted = [...targets];
    void this.renew();
  }

  /** One round: renew and take leases, release unwanted ones, run exactly the held targets. Rounds never overlap. */
  renew(): Promise<void> {
    this.#round = this.#round.then(() => this.#renewOnce());
    return this.#round;
  }

  async #renewOnce(): Promise<void> {
    if (this.#closed) return;
    const { store, holder, ttlMs } = this.#options;
    const wanted = new Set(this.#wanted.map((target) => target.config.id));
    try {
      const released = [...this.#held.keys()].filter((id) => !wanted.has(id));
      if (released.length) {
        for (const id of released) this.#held.delete(id);
        this.#apply(); // stop first, then let go
        await store.release(holder, released);
      }
      // Read before asking: the store's expiry comes from a later reading of its clock.
      const start = this.#now();
      const leases: LeaseRecord[] = await store.acquire(holder, [...wanted], ttlMs, this.#options.leaseClock?.());
      const kept = new Set(leases.map((lease) => lease.instanceId));
      for (const id of [...this.#held.keys()]) if (!kept.has(id)) this.#held.delete(id);
      for (const lease of leases) this.#held.set(lease.instanceId, { expiresAt: lease.expiresAt, deadline: start + ttlMs });
    } catch (error) {
      this.#options.onError?.(error);
    }
    this.#apply();
  }

  /** Hands the engine the targets held with more than a third of their lease left; the rest stop. */
  #apply(): void {
    if (this.#closed) return;
    const margin = this.#options.ttlMs / 3;
    const now = this.#now();
    // The same list again is cheap: the engine keeps unchanged loops and restarts changed ones only.
    this.#inner.setTargets(this.#wanted.filter((target) => {
      const lease = this.#held.get(target.config.id);
      return lease !== undefined && lease.deadline - margin > now;
    }));
  }

  syncNow(id?: InstanceId): void {
    this.#inner.syncNow(id);
  }

  pause(id: InstanceId): void {
    this.#inner.pause(id);
  }

  resume(id: InstanceId): void {
    this.#inner.resume(id);
  }

  statuses(): InstanceStatus[] {
    return this.#inner.statuses();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#round;
    this.#closed = true;
    const held = [...this.#held.keys()];
    this.#held.clear();
    await this.#inner.close();
    // Released only once the engine stopped: another collector may start them at once.
    try {
      if (held.length) await this.#options.store.release(this.#options.holder, held);
    } catch (error) {
      this.#options.onError?.(error);
    }
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.disposeEvents();
  }
}
