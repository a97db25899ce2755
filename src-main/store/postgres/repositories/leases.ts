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
 * Times are the database's clock (`clock_timestamp()`, Unix milliseconds), never a collector's: every
 * collector, whatever its machine's clock says, judges a lease's expiry by the one clock of the server,
 * so a collector whose clock runs ahead cannot take a lease its holder still runs. Tests drive time by
 * passing `now` to `acquire`, which then replaces the database's clock; the collectors pass none.
 */
import type { InstanceId } from '../../../common/model';
import { leaseRecord, type LeaseRecord, type LeaseRow, type LeaseStore } from '../../repositories/leases';
import type { PgConnection } from '../connection';

// One reading of the clock per instance: `$3` (a test's `now`) or the database's, floored as the SQLite
// store floors `now` and `now + ttl` ($4). SET expressions read the row as it was, so `lease.holder`
// is the previous holder.
const ACQUIRE = `
WITH clock AS (SELECT COALESCE($3::float8, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS ms)
INSERT INTO leases AS lease (instance_id, holder, acquired_at, expires_at, generation)
SELECT $1, $2, floor(ms)::bigint, floor(ms + $4::float8)::bigint, 1 FROM clock
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

  /** As {@link LeaseStore.acquire}; without `now` the times are the database's clock. */
  async acquire(holder: string, instanceIds: readonly InstanceId[], ttlMs: number, now?: number): Promise<LeaseRecord[]> {
    const answers = await Promise.all(
      instanceIds.map((instanceId) => this.sql.unsafe(ACQUIRE, [instanceId, holder, now ?? null, ttlMs] as never[], { prepare: true }) as unknown as Promise<LeaseRow[]>),
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
