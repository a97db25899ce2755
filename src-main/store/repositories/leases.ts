/**
 * Collector leases (`leases`): one row per instance names the collector that syncs it and until when.
 * The holder renews its rows; any collector takes a row whose time is up. Taking and renewing is one
 * atomic statement per instance, so two collectors never hold the same instance at once, whether they
 * share a SQLite file on one machine or (with the store round) a PostgreSQL database.
 *
 * PgLeaseStore (store/postgres/repositories/leases.ts) runs the same upsert on PostgreSQL with the
 * database's clock, so collectors on several machines judge expiry by one clock whatever theirs say.
 * Here the clock is this machine's: the processes sharing a SQLite file share it.
 */
import type { InstanceId } from '../../common/model';
import type { SqlDatabase } from '../database';

/** One instance's lease. Times are Unix milliseconds. */
export interface LeaseRecord {
  instanceId: InstanceId;
  holder: string;
  acquiredAt: number;
  expiresAt: number;
  /** Bumped at every take-over: a fencing token (a write made under an older generation is stale). */
  generation: number;
}

/** What the lease keeper asks of a store. */
export interface LeaseStore {
  /**
   * Renews the leases `holder` holds among `instanceIds` and takes those that are free or expired, for
   * `ttlMs` from the store's clock, atomically per instance; resolves with the leases `holder` holds
   * afterwards. The store's clock is the database's (PostgreSQL) or this machine's (SQLite); `now`
   * (Unix milliseconds) replaces it, for tests that drive time: collectors pass none.
   */
  acquire(holder: string, instanceIds: readonly InstanceId[], ttlMs: number, now?: number): Promise<LeaseRecord[]>;
  /** Gives up leases (a clean stop), so another collector takes them at once. */
  release(holder: string, instanceIds: readonly InstanceId[]): Promise<void>;
  /** Every lease row. */
  list(): Promise<LeaseRecord[]>;
}

/** A `leases` row. */
export interface LeaseRow {
  instance_id: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
  generation: number;
}

/** {@link LeaseStore} over the SQLite mirror (processes sharing the file on one machine share its clock). */
export class SqliteLeaseStore implements LeaseStore {
  constructor(private readonly db: SqlDatabase) {}

  async acquire(holder: string, instanceIds: readonly InstanceId[], ttlMs: number, now = Date.now()): Promise<LeaseRecord[]> {
    if (instanceIds.length === 0) return [];
    const expiresAt = Math.floor(now + ttlMs);
    // SET expressions read the row as it was, so `leases.holder` below is the previous holder.
    const upsert = this.db.prepare(
      `INSERT INTO leases (instance_id, holder, acquired_at, expires_at, generation) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT(instance_id) DO UPDATE SET
         generation = CASE WHEN leases.holder = excluded.holder THEN leases.generation ELSE leases.generation + 1 END,
         acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
         holder = excluded.holder,
         expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at`,
    );
    const held = this.db.prepare('SELECT * FROM leases WHERE instance_id = ? AND holder = ?');
    return this.db.transaction(() => {
      const leases: LeaseRecord[] = [];
      for (const instanceId of instanceIds) {
        upsert.run(instanceId, holder, Math.floor(now), expiresAt);
        const row = held.get(instanceId, holder) as LeaseRow | undefined;
        if (row) leases.push(leaseRecord(row));
      }
      return leases;
    })();
  }

  async release(holder: string, instanceIds: readonly InstanceId[]): Promise<void> {
    const release = this.db.prepare('DELETE FROM leases WHERE instance_id = ? AND holder = ?');
    this.db.transaction(() => {
      for (const instanceId of instanceIds) release.run(instanceId, holder);
    })();
  }

  async list(): Promise<LeaseRecord[]> {
    return (this.db.prepare('SELECT * FROM leases ORDER BY instance_id').all() as LeaseRow[]).map(leaseRecord);
  }
}

/** A lease row as a {@link LeaseRecord}. */
export function leaseRecord(row: LeaseRow): LeaseRecord {
  return { instanceId: row.instance_id, holder: row.holder, acquiredAt: row.acquired_at, expiresAt: row.expires_at, generation: row.generation };
}
