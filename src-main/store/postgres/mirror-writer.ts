/**
 * The team mirror's write path: appends server change and error rows, idempotent on (instance, epoch,
 * server id, revision), and marks rows removed, keeping `change_hours` and the sync cursors in the same
 * transaction, as the SQLite MirrorRepository does (store/repositories/mirror.ts, whose row types are
 * reused).
 *
 * A statement carries up to 1,000 rows whatever the page size: the rows go as one array per column and
 * `unnest` turns them back into rows, so the text never changes (prepared once per connection) and the
 * parameters stay at 15 instead of 12 per row (a multi-row VALUES list of 5,000 rows would need 60,000
 * and be planned anew for every size). A data-modifying CTE inserts the rows, skips those already there
 * (ON CONFLICT DO NOTHING) and adds only the rows really inserted to the hourly and five-minute
 * aggregates: a re-sent batch counts nothing twice. bench/postgres.bench.ts measures this against
 * multi-row VALUES and COPY.
 */
import type postgres from 'postgres';
import type { InstanceId } from '../../common/model';
import { errorFingerprint } from '../fingerprint';
import type { CursorAdvance, MirrorChange, MirrorError, RemovedBy } from '../repositories/mirror';
import type { PgConnection, PgValue } from './connection';

type Transaction = postgres.TransactionSql<Record<string, never>>;

const INSERT_CHANGES = `
WITH input AS (
  SELECT * FROM unnest($3::bigint[], $4::integer[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::integer[], $12::text[], $13::text[], $14::text[])
    AS row (server_id, revision, model, record_id, event, ts, user_name, changed_fields, change_count, extra, origin, field_values)
), inserted AS (
  INSERT INTO changes (instance_id, epoch, server_id, revision, model, record_id, event, ts, first_seen_at, user_name, changed_fields, change_count, extra, origin, field_values)
  SELECT $1, $2, server_id, revision, model, record_id, event, ts, $15, user_name, changed_fields, change_count, extra::jsonb, origin, field_values::jsonb FROM input
  ON CONFLICT (instance_id, epoch, server_id, revision) DO NOTHING
  RETURNING model, event, ts
), hours AS (
  INSERT INTO change_hours (instance_id, model, event, hour, present, removed)
  SELECT $1, model, event, ts / 3600, count(*), 0 FROM inserted GROUP BY model, event, ts / 3600
  ON CONFLICT (instance_id, model, event, hour) DO UPDATE SET present = change_hours.present + excluded.present
  RETURNING 1
), slots AS (
  INSERT INTO change_five_minutes (instance_id, model, event, slot, present, removed)
  SELECT $1, model, event, ts / 300, count(*), 0 FROM inserted GROUP BY model, event, ts / 300
  ON CONFLICT (instance_id, model, event, slot) DO UPDATE SET present = change_five_minutes.present + excluded.present
  RETURNING 1
)
SELECT count(*) AS inserted FROM inserted`;

const INSERT_ERRORS = `
INSERT INTO errors (instance_id, epoch, server_id, model, record_id, message, fingerprint, ts, first_seen_at)
SELECT $1, $2, server_id, model, record_id, message, fingerprint, ts, $9
FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::bigint[]) AS row (server_id, model, record_id, message, fingerprint, ts)
ON CONFLICT (instance_id, epoch, server_id) DO NOTHING`;

const MARK_REMOVED = `
WITH removed AS (
  UPDATE changes SET removed_at = $4, removed_by = $5
  WHERE instance_id = $1 AND epoch = $2 AND server_id = ANY($3::bigint[]) AND removed_at IS NULL
  RETURNING model, event, ts
), hours AS (
  INSERT INTO change_hours (instance_id, model, event, hour, present, removed)
  SELECT $1, model, event, ts / 3600, -count(*), count(*) FROM removed GROUP BY model, event, ts / 3600
  ON CONFLICT (instance_id, model, event, hour) DO UPDATE SET present = change_hours.present + excluded.present, removed = change_hours.removed + excluded.removed
  RETURNING 1
), slots AS (
  INSERT INTO change_five_minutes (instance_id, model, event, slot, present, removed)
  SELECT $1, model, event, ts / 300, -count(*), count(*) FROM removed GROUP BY model, event, ts / 300
  ON CONFLICT (instance_id, model, event, slot) DO UPDATE SET present = change_five_minutes.present + excluded.present, removed = change_five_minutes.removed + excluded.removed
  RETURNING 1
)
SELECT count(*) AS removed FROM removed`;

/** Column arrays of change rows, in the order of INSERT_CHANGES' parameters 3 to 14. */
function changeColumns(rows: readonly MirrorChange[]): PgValue[] {
  return [
    rows.map((row) => row.serverId),
    rows.map((row) => row.revision ?? 0),
    rows.map((row) => row.model),
    rows.map((row) => row.recordId),
    rows.map((row) => row.event),
    rows.map((row) => row.ts),
    rows.map((row) => row.userName ?? null),
    rows.map((row) => row.changedFields ?? null),
    rows.map((row) => row.changeCount ?? null),
    rows.map((row) => row.extra ?? null),
    rows.map((row) => row.origin ?? 'module'),
    rows.map((row) => (row.values && row.values.length > 0 ? JSON.stringify(row.values) : null)),
  ];
}

/** Options of {@link PgMirrorWriter}. */
export interface PgMirrorWriterOptions {
  /**
   * Rows per INSERT statement; a page is sent as several in its one transaction. Default 1,000:
   * measured faster than one 5,000-row statement (bench/postgres.bench.ts, table p1).
   */
  statementRows?: number;
}

/** Writes mirrored rows of every instance into PostgreSQL. */
export class PgMirrorWriter {
  private readonly statementRows: number;

  constructor(
    private readonly sql: PgConnection,
    options: PgMirrorWriterOptions = {},
  ) {
    this.statementRows = Math.max(1, options.statementRows ?? 1000);
  }

  /** Inserts change rows and advances the cursors in one transaction; returns how many rows were new. */
  async insertChanges(instanceId: InstanceId, epoch: number, rows: readonly MirrorChange[], advance: CursorAdvance, seenAt: number): Promise<number> {
    return (await this.sql.begin(async (tx) => {
      let inserted = 0;
      for (let start = 0; start < rows.length; start += this.statementRows) {
        const chunk = rows.slice(start, start + this.statementRows);
        const [result] = (await tx.unsafe(INSERT_CHANGES, [instanceId, epoch, ...changeColumns(chunk), seenAt] as never[], { prepare: true })) as unknown as { inserted: number }[];
        inserted += result.inserted;
      }
      await advanceCursors(tx, instanceId, advance);
      return inserted;
    })) as number;
  }

  /** Inserts error rows (message fingerprinted) and advances the error cursor in one transaction; returns how many were new. */
  async insertErrors(instanceId: InstanceId, epoch: number, rows: readonly MirrorError[], advance: CursorAdvance, seenAt: number): Promise<number> {
    return (await this.sql.begin(async (tx) => {
      let inserted = 0;
      if (rows.length > 0) {
        const columns: PgValue[] = [
          rows.map((row) => row.serverId),
          rows.map((row) => row.model),
          rows.map((row) => row.recordId),
          rows.map((row) => row.message),
          rows.map((row) => errorFingerprint(row.message)),
          rows.map((row) => row.ts),
        ];
        const result = await tx.unsafe(INSERT_ERRORS, [instanceId, epoch, ...columns, seenAt] as never[], { prepare: true });
        inserted = result.count;
      }
      await advanceCursors(tx, instanceId, advance);
      return inserted;
    })) as number;
  }

  /**
   * Marks the present rows (every revision) of these server ids removed, moving their counts from
   * present to removed in `change_hours` in the same statement. Rows already removed keep their first
   * removal. Returns how many rows changed state.
   */
  async markRemoved(instanceId: InstanceId, epoch: number, serverIds: readonly number[], by: RemovedBy, at: number): Promise<number> {
    if (serverIds.length === 0) return 0;
    const [result] = (await this.sql.unsafe(MARK_REMOVED, [instanceId, epoch, [...new Set(serverIds)], at, by] as never[], { prepare: true })) as unknown as { removed: number }[];
    return result.removed;
  }
}

/** Moves the sync cursors forward only (a late batch never moves one back), creating the row when missing. */
async function advanceCursors(tx: Transaction, instanceId: InstanceId, advance: CursorAdvance): Promise<void> {
  const sets: string[] = [];
  const values: PgValue[] = [instanceId];
  const next = () => `$${values.length}`;
  if (advance.changeCursor !== undefined) {
    values.push(advance.changeCursor);
    sets.push(`change_cursor = greatest(sync_state.change_cursor, ${next()}::bigint)`);
  }
  if (advance.errorCursor !== undefined) {
    values.push(advance.errorCursor);
    sets.push(`error_cursor = greatest(sync_state.error_cursor, ${next()}::bigint)`);
  }
  if (advance.revisionCursor !== undefined) {
    values.push(advance.revisionCursor);
    sets.push(`revision_cursor = greatest(coalesce(sync_state.revision_cursor, ''), ${next()}::text)`);
  }
  if (advance.snapshotDone !== undefined) {
    values.push(advance.snapshotDone);
    sets.push(`snapshot_done = ${next()}::boolean`);
  }
  if (sets.length === 0) return;
  await tx.unsafe('INSERT INTO sync_state (instance_id) VALUES ($1) ON CONFLICT (instance_id) DO NOTHING', [instanceId]);
  await tx.unsafe(`UPDATE sync_state SET ${sets.join(', ')} WHERE instance_id = $1`, values as never[]);
}
