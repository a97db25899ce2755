/**
 * Collector leases on PostgreSQL, with the meaning of the SQLite store (store/repositories/leases.ts):
 * one row per instance names its collector and until when; the holder renews it, any collector takes a
 * row whose time is up, and the generation (the fencing token) moves on at every take-over.
 *
 * Taking and renewing an instance is one statement, `INSERT … ON CONFLICT DO UPDATE … WHERE` the row is
 * this holder's or expired, `RETURNING` the row only when it is now this holder's. PostgreSQL locks the
 * conflicting row and re-checks the WHERE on its latest version, so collectors on several machines racing
 * for one instance never both get it back. Each instance's statement commits alone (no transaction
 * spans several rows, so two collectors asking for the same instances in different orders cannot
 * deadlock); the statements go out together and the driver pipelines them.
 *
 * Times are the caller's clock (`now`, Unix milliseconds), as with SQLite: the collectors' clocks must
 * agree within the third of a lease a holder keeps as margin (sync/leased-backend.ts).
 */
import type { InstanceId } from '../../../common/model';
import { leaseRecord, type LeaseRecord, type LeaseRow, type LeaseStore } from '../../repositories/leases';
import type { PgConnection } from '../connection';

// SET expressions read the row as it was, so `leases.holder` is the previous holder.
const ACQUIRE = `
INSERT INTO leases AS lease (instance_id, holder, acquired_at, expires_at, generation) VALUES ($1, $2, $3, $4, 1)
ON CONFLICT (instance_id) DO UPDATE SET
  generation = CASE WHEN lease.holder = excluded.holder THEN lease.generation ELSE lease.generation + 1 END,
  acquired_at = CASE WHEN lease.holder = excluded.holder THEN lease.acquired_at ELSE excluded.acquired_at END,
  holder = excluded.holder,
  expires_at = excluded.expires_at
WHERE lease.holder = excluded.holder OR lease.expires_at <= excluded.acquired_at
RETURNING instance_id, holder, acquired_at, expires_at, generation`;

/** {@link LeaseStore} over the team mirror on PostgreSQL, shared by collectors on several machines. */
export class PgLeaseStore implements LeaseStore {
  constructor(private readonly sql: PgConnection) {}

  async acquire(holder: string, instanceIds: readonly InstanceId[], ttlMs: number, now: number): Promise<LeaseRecord[]> {
    const acquiredAt = Math.floor(now);
    const expiresAt = Math.floor(now + ttlMs);
    const answers = await Promise.all(
      instanceIds.map((instanceId) => this.sql.unsafe(ACQUIRE, [instanceId, holder, acquiredAt, expiresAt], { prepare: true }) as unknown as Promise<LeaseRow[]>),
    );
    return answers.flatMap((rows) => rows.map(leaseRecord));
  }

  async release(holder: string, instanceIds: readonly InstanceId[]): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.sql.unsafe('DELETE FROM leases WHERE holder = $1 AND instance_id = ANY($2::text[])', [holder, [...instanceIds]] as never[], { prepare: true });
  }

  async list(): Promise<LeaseRecord[]> {
    const rows = (await this.sql.unsafe('SELECT instance_id, holder, acquired_at, expires_at, generation FROM leases ORDER BY instance_id COLLATE "C"', [], { prepare: true })) as unknown as LeaseRow[];
    return rows.map(leaseRecord);
  }
}
