/**
 * The team mirror's write statements: append server change and error rows, idempotent on (instance,
 * epoch, server id, revision), mark rows removed, and advance the sync cursors, keeping `change_hours`
 * and `change_five_minutes` equal to the rows in the same statement. PgMirrorRepository
 * (mirror-repository.ts) runs them in its transactions; this module only knows the SQL.
 *
 * A statement carries up to 1,000 rows whatever the page size: the rows go as one array per column and
 * `unnest` turns them back into rows, so the text never changes (prepared once per connection) and the
 * parameters stay at 15 instead of 12 per row (a multi-row VALUES list of 5,000 rows would need 60,000
 * and be planned anew for every size). A data-modifying CTE inserts the rows, skips those already there
 * (ON CONFLICT DO NOTHING, which also keeps the first of a row given twice) and adds only the rows
 * really inserted to the aggregates: a re-sent batch counts nothing twice. bench/postgres.bench.ts
 * measures this against multi-row VALUES and COPY.
 */
import type { InstanceId } from '../../common/model';
import { errorFingerprint } from '../fingerprint';
import type { CursorAdvance, InsertedChange, InsertedError, MirrorChange, MirrorError, RemovedBy } from '../repositories/mirror';
import type { PgConnection, PgValue } from './connection';
import type { PgTransaction } from './insert-hook';

/** The insert CTE; `final` reads its `inserted` rows (a count, or their keys for the insert hook). */
const insertChangesSql = (final: string) => `
WITH input AS (
  SELECT * FROM unnest($3::bigint[], $4::integer[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::integer[], $12::text[], $13::text[], $14::text[])
    AS row (server_id, revision, model, record_id, event, ts, user_name, changed_fields, change_count, extra, origin, field_values)
), inserted AS (
  INSERT INTO changes (instance_id, epoch, server_id, revision, model, record_id, event, ts, first_seen_at, user_name, changed_fields, change_count, extra, origin, field_values)
  SELECT $1, $2, server_id, revision, model, record_id, event, ts, $15, user_name, changed_fields, change_count, extra::jsonb, origin, field_values::jsonb FROM input
  ON CONFLICT (instance_id, epoch, server_id, revision) DO NOTHING
  RETURNING id, server_id, revision, model, event, ts
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
${final}`;

const INSERT_CHANGES = insertChangesSql('SELECT count(*) AS inserted FROM inserted');
const INSERT_CHANGES_RETURNING = insertChangesSql('SELECT id, server_id, revision FROM inserted');

const insertErrorsSql = (returning: string) => `
INSERT INTO errors (instance_id, epoch, server_id, model, record_id, message, fingerprint, ts, first_seen_at)
SELECT $1, $2, server_id, model, record_id, message, fingerprint, ts, $9
FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::bigint[]) AS row (server_id, model, record_id, message, fingerprint, ts)
ON CONFLICT (instance_id, epoch, server_id) DO NOTHING${returning}`;

const INSERT_ERRORS = insertErrorsSql('');
const INSERT_ERRORS_RETURNING = insertErrorsSql('\nRETURNING id, server_id');

/**
 * Marks present rows removed (`$1` instance, `$2` epoch, `$3` when, `$4` by whom, and the rows chosen by
 * `which`), moving their counts from present to removed in both aggregates in the same statement.
 */
const removeSql = (which: string) => `
WITH removed AS (
  UPDATE changes SET removed_at = $3, removed_by = $4
  WHERE instance_id = $1 AND epoch = $2${which} AND removed_at IS NULL
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

const MARK_REMOVED = removeSql(' AND server_id = ANY($5::bigint[])');
const REMOVE_EPOCH = removeSql('');

/** Column arrays of change rows, in the order of the insert's parameters 3 to 14. */
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

/** What an insert added: how many rows, and (when asked for) which, with their ids, in the order given. */
export interface PgInserted<T> {
  count: number;
  rows?: T[];
}

/**
 * Inserts change rows, `statementRows` per statement, skipping rows already mirrored. With `withRows`,
 * also returns the rows really inserted (the first of a row given twice) with their ids, in input order.
 */
export async function pgInsertChangeRows(
  tx: PgTransaction,
  instanceId: InstanceId,
  epoch: number,
  rows: readonly MirrorChange[],
  seenAt: number,
  options: { statementRows: number; withRows: boolean },
): Promise<PgInserted<InsertedChange>> {
  let count = 0;
  const added: InsertedChange[] | undefined = options.withRows ? [] : undefined;
  for (let start = 0; start < rows.length; start += options.statementRows) {
    const chunk = rows.slice(start, start + options.statementRows);
    const params = [instanceId, epoch, ...changeColumns(chunk), seenAt] as never[];
    if (!added) {
      const [result] = (await tx.unsafe(INSERT_CHANGES, params, { prepare: true })) as unknown as { inserted: number }[];
      count += result.inserted;
      continue;
    }
    const keys = (await tx.unsafe(INSERT_CHANGES_RETURNING, params, { prepare: true })) as unknown as { id: number; server_id: number; revision: number }[];
    const positions = firstPositions(chunk, (row) => `${row.serverId}:${row.revision ?? 0}`);
    added.push(...inInputOrder(keys, (key) => positions.get(`${key.server_id}:${key.revision}`)!, (position, key) => ({ ...chunk[position], id: key.id })));
    count += keys.length;
  }
  return { count, rows: added };
}

/** Inserts error rows (message fingerprinted), skipping those already mirrored; `withRows` as for changes. */
export async function pgInsertErrorRows(
  tx: PgTransaction,
  instanceId: InstanceId,
  epoch: number,
  rows: readonly MirrorError[],
  seenAt: number,
  options: { withRows: boolean },
): Promise<PgInserted<InsertedError>> {
  if (rows.length === 0) return { count: 0, rows: options.withRows ? [] : undefined };
  const fingerprints = rows.map((row) => errorFingerprint(row.message));
  const columns: PgValue[] = [
    rows.map((row) => row.serverId),
    rows.map((row) => row.model),
    rows.map((row) => row.recordId),
    rows.map((row) => row.message),
    fingerprints,
    rows.map((row) => row.ts),
  ];
  const params = [instanceId, epoch, ...columns, seenAt] as never[];
  if (!options.withRows) return { count: (await tx.unsafe(INSERT_ERRORS, params, { prepare: true })).count };
  const keys = (await tx.unsafe(INSERT_ERRORS_RETURNING, params, { prepare: true })) as unknown as { id: number; server_id: number }[];
  const positions = firstPositions(rows, (row) => String(row.serverId));
  const added = inInputOrder(keys, (key) => positions.get(String(key.server_id))!, (position, key) => ({ ...rows[position], id: key.id, fingerprint: fingerprints[position] }));
  return { count: keys.length, rows: added };
}

/** The position of the first row of each key. */
function firstPositions<T>(rows: readonly T[], key: (row: T) => string): Map<string, number> {
  const positions = new Map<string, number>();
  rows.forEach((row, index) => {
    const rowKey = key(row);
    if (!positions.has(rowKey)) positions.set(rowKey, index);
  });
  return positions;
}

/** The rows an insert returned, built from the input row at each one's position, in input order. */
function inInputOrder<K, R>(keys: readonly K[], positionOf: (key: K) => number, build: (position: number, key: K) => R): R[] {
  return keys
    .map((key) => ({ position: positionOf(key), key }))
    .sort((a, b) => a.position - b.position)
    .map(({ position, key }) => build(position, key));
}

/**
 * Marks the present rows (every revision) of these server ids removed, or every present row of the
 * epoch when `serverIds` is 'all'. Rows already removed keep their first removal. Returns how many rows
 * changed state.
 */
export async function pgRemoveRows(
  sql: PgConnection | PgTransaction,
  instanceId: InstanceId,
  epoch: number,
  serverIds: readonly number[] | 'all',
  by: RemovedBy,
  at: number,
): Promise<number> {
  if (serverIds !== 'all' && serverIds.length === 0) return 0;
  const [statement, params] = serverIds === 'all' ? [REMOVE_EPOCH, [instanceId, epoch, at, by]] : [MARK_REMOVED, [instanceId, epoch, at, by, [...new Set(serverIds)]]];
  const [result] = (await sql.unsafe(statement, params as never[], { prepare: true })) as unknown as { removed: number }[];
  return result.removed;
}

/** Moves the sync cursors forward only (a late batch never moves one back), creating the row when missing. */
export async function pgAdvanceCursors(tx: PgTransaction, instanceId: InstanceId, advance: CursorAdvance): Promise<void> {
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
