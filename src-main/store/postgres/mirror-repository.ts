/**
 * The mirror's repository on PostgreSQL: the SQLite MirrorRepository's meaning (store/repositories/mirror.ts)
 * over the team database. Rows are appended idempotently with the sync cursors in one transaction, marked
 * removed (by the server, a user, or a reset log starting a new epoch) and never deleted; the hourly and
 * five-minute aggregates move in the same statements (mirror-writer.ts). The insert hook (the alert
 * queue) runs inside the insert transaction on the rows really inserted. Every transaction that adds or
 * removes rows also sends the other processes on the database a notice of it (change-notices.ts).
 */
import type { ChangesNotice, InstanceId } from '../../common/model';
import { isoFromSeconds } from '../../common/time';
import type { CursorAdvance, MirrorChange, MirrorError, RemovedBy, RowIdentity } from '../repositories/mirror';
import type { MirrorPort } from '../ports';
import { newNoticeOrigin, pgNotifyChanges } from './change-notices';
import type { PgConnection } from './connection';
import type { PgMirrorInsertHook, PgTransaction } from './insert-hook';
import { pgAdvanceCursors, pgInsertChangeRows, pgInsertErrorRows, pgRemoveRows } from './mirror-writer';

/** Options of {@link PgMirrorRepository}. */
export interface PgMirrorRepositoryOptions {
  /**
   * Rows per INSERT statement; a page is sent as several in its one transaction. Default 1,000:
   * measured faster than one 5,000-row statement (bench/postgres.bench.ts, table p1).
   */
  statementRows?: number;
  /** Names this pool in the notices its commits send (change-notices.ts); default a new one. */
  noticeOrigin?: string;
}

/** The identifying columns of a row, named as {@link RowIdentity}. */
const IDENTITY_COLUMNS = 'server_id AS "serverId", revision, model, record_id AS "recordId", event, ts, change_count AS "changeCount"';

/** Writes and reads mirrored rows of every instance in PostgreSQL. */
export class PgMirrorRepository implements MirrorPort {
  private readonly statementRows: number;
  /** The origin of this repository's notices: its own process skips them (it announced the rows itself). */
  readonly noticeOrigin: string;
  private hook?: PgMirrorInsertHook;

  constructor(
    private readonly sql: PgConnection,
    options: PgMirrorRepositoryOptions = {},
  ) {
    this.statementRows = Math.max(1, options.statementRows ?? 1000);
    this.noticeOrigin = options.noticeOrigin ?? newNoticeOrigin();
  }

  /** Sets the work done in each insert transaction on the rows it added (see {@link PgMirrorInsertHook}). */
  setInsertHook(hook: PgMirrorInsertHook | undefined): void {
    this.hook = hook;
  }

  /**
   * Inserts change rows and advances the cursors in one transaction. Rows already mirrored are skipped.
   * Returns how many rows were new. A row the table refuses rolls back the whole transaction and throws.
   */
  async insertChanges(instanceId: InstanceId, epoch: number, rows: readonly MirrorChange[], advance: CursorAdvance, seenAt: number): Promise<number> {
    return (await this.sql.begin((tx) => this.insertChangesIn(tx, instanceId, epoch, rows, advance, seenAt))) as number;
  }

  /**
   * {@link insertChanges} inside the caller's transaction, so the caller commits the rows together with
   * its own state (the polling repository: its record baselines). With an insert hook set, the rows
   * really inserted come back with their ids (RETURNING), and the hook, when it wants this instance's
   * changes, gets them in the same transaction; without one, only their count does.
   */
  async insertChangesIn(tx: PgTransaction, instanceId: InstanceId, epoch: number, rows: readonly MirrorChange[], advance: CursorAdvance, seenAt: number): Promise<number> {
    const hook = this.hook;
    const inserted = await pgInsertChangeRows(tx, instanceId, epoch, rows, seenAt, { statementRows: this.statementRows, withRows: hook !== undefined });
    await pgAdvanceCursors(tx, instanceId, advance);
    // As on SQLite, the hook is asked only when rows were added (a re-sent page costs it nothing).
    if (hook && inserted.rows?.length && (await hook.wantsChanges(instanceId))) await hook.changesInserted(tx, instanceId, inserted.rows, seenAt);
    // The newest timestamp of the page, as the engine announces it.
    if (inserted.count > 0) await this.notify(tx, { instanceId, added: inserted.count, removed: 0, newestTimestamp: isoFromSeconds(newestSeconds(rows)) });
    return inserted.count;
  }

  /** Inserts error rows (message fingerprinted) and advances the error cursor in one transaction; returns how many were new. */
  async insertErrors(instanceId: InstanceId, epoch: number, rows: readonly MirrorError[], advance: CursorAdvance, seenAt: number): Promise<number> {
    return (await this.sql.begin(async (tx) => {
      const hook = this.hook;
      const inserted = await pgInsertErrorRows(tx, instanceId, epoch, rows, seenAt, { withRows: hook !== undefined });
      await pgAdvanceCursors(tx, instanceId, advance);
      if (hook && inserted.rows?.length && (await hook.wantsErrors(instanceId))) await hook.errorsInserted(tx, instanceId, inserted.rows, seenAt);
      // A notice counts change rows: new errors say only that the instance's data moved (the errors view reloads).
      if (inserted.count > 0) await this.notify(tx, { instanceId, added: 0, removed: 0 });
      return inserted.count;
    })) as number;
  }

  /** PostgreSQL keeps its indexes through a snapshot (see {@link ensureReadIndexes}): never a bulk load. */
  beginBulkLoad(_instanceId: InstanceId, _expectedRows: number): boolean {
    return false;
  }

  /** Nothing to rebuild (see {@link beginBulkLoad}). */
  endBulkLoad(_instanceId: InstanceId): void {}

  /**
   * No index is ever missing here. SQLite drops its read indexes for a large snapshot because one writer
   * rebuilding them once beats updating them per row; on a team server the workbenches read while the
   * collector loads, other instances keep syncing into the same tables, and the pages already go as
   * 1,000-row statements, so the indexes stay (bench/postgres.bench.ts measures ingest with them).
   */
  ensureReadIndexes(): string[] {
    return [];
  }

  /**
   * Marks the present rows (every revision) of these server ids removed. Returns how many local rows
   * changed state. Rows already removed keep their first removal.
   */
  async markRemoved(instanceId: InstanceId, epoch: number, serverIds: readonly number[], by: RemovedBy, at: number): Promise<number> {
    if (serverIds.length === 0) return 0;
    return (await this.sql.begin(async (tx) => {
      const removed = await pgRemoveRows(tx, instanceId, epoch, serverIds, by, at);
      if (removed > 0) await this.notify(tx, { instanceId, added: 0, removed });
      return removed;
    })) as number;
  }

  /**
   * The server's log was reset: marks every present row of the current epoch removed by 'reset', starts
   * a new epoch and rewinds the cursors so the next pass takes a fresh snapshot. History is kept.
   */
  async startNewEpoch(instanceId: InstanceId, currentEpoch: number, at: number): Promise<{ epoch: number; removed: number }> {
    return (await this.sql.begin(async (tx) => {
      const removed = await pgRemoveRows(tx, instanceId, currentEpoch, 'all', 'reset', at);
      await tx.unsafe('UPDATE errors SET removed_at = $1 WHERE instance_id = $2 AND epoch = $3 AND removed_at IS NULL', [at, instanceId, currentEpoch]);
      const epoch = currentEpoch + 1;
      await tx.unsafe('INSERT INTO sync_state (instance_id) VALUES ($1) ON CONFLICT (instance_id) DO NOTHING', [instanceId]);
      await tx.unsafe(
        'UPDATE sync_state SET epoch = $1, change_cursor = 0, error_cursor = 0, revision_cursor = NULL, snapshot_done = false, log_token = NULL, tombstone_cursor = 0 WHERE instance_id = $2',
        [epoch, instanceId],
      );
      // Sent even with nothing removed: the errors of the old epoch left the views too.
      await this.notify(tx, { instanceId, added: 0, removed });
      return { epoch, removed };
    })) as { epoch: number; removed: number };
  }

  /** Server ids present locally (not removed) in `[fromId, toId]`, ascending, distinct. */
  async presentServerIds(instanceId: InstanceId, epoch: number, fromId: number, toId: number): Promise<number[]> {
    const rows = await this.query<{ server_id: number }>(
      'SELECT DISTINCT server_id FROM changes WHERE instance_id = $1 AND epoch = $2 AND removed_at IS NULL AND server_id BETWEEN $3 AND $4 ORDER BY server_id',
      [instanceId, epoch, fromId, toId],
    );
    return rows.map((row) => row.server_id);
  }

  /** Present server rows in `[fromId, toId]`: ascending distinct server ids and their record ids. */
  async presentRows(instanceId: InstanceId, epoch: number, fromId: number, toId: number): Promise<{ ids: number[]; recordIds: number[] }> {
    const rows = await this.query<{ server_id: number; record_id: number }>(
      `SELECT server_id, min(record_id) AS record_id FROM changes
       WHERE instance_id = $1 AND epoch = $2 AND removed_at IS NULL AND server_id BETWEEN $3 AND $4 GROUP BY server_id ORDER BY server_id`,
      [instanceId, epoch, fromId, toId],
    );
    return { ids: rows.map((row) => row.server_id), recordIds: rows.map((row) => row.record_id) };
  }

  /** Count of distinct present server rows in `[fromId, toId]`, with the sums of their ids and record ids. */
  async presentAggregate(instanceId: InstanceId, epoch: number, fromId: number, toId: number): Promise<{ count: number; ids: number; records: number }> {
    // sum(bigint) is numeric, which the driver gives as text: cast back (the sums stay far below 2^63).
    const [row] = await this.query<{ count: number; ids: number; records: number }>(
      `SELECT count(*) AS count, coalesce(sum(server_id), 0)::bigint AS ids, coalesce(sum(record_id), 0)::bigint AS records FROM (
         SELECT server_id, min(record_id) AS record_id FROM changes
         WHERE instance_id = $1 AND epoch = $2 AND removed_at IS NULL AND server_id BETWEEN $3 AND $4 GROUP BY server_id) AS present`,
      [instanceId, epoch, fromId, toId],
    );
    return { count: row.count, ids: row.ids, records: row.records };
  }

  /** The latest revision of one server row (present or removed), or undefined. */
  async rowIdentity(instanceId: InstanceId, epoch: number, serverId: number): Promise<RowIdentity | undefined> {
    const [row] = await this.query<RowIdentity>(
      `SELECT ${IDENTITY_COLUMNS} FROM changes WHERE instance_id = $1 AND epoch = $2 AND server_id = $3 ORDER BY revision DESC LIMIT 1`,
      [instanceId, epoch, serverId],
    );
    return row && { ...row };
  }

  /** The latest revision of the highest mirrored server row in the epoch. */
  async lastRow(instanceId: InstanceId, epoch: number): Promise<RowIdentity | undefined> {
    const [row] = await this.query<RowIdentity>(
      `SELECT ${IDENTITY_COLUMNS} FROM changes WHERE instance_id = $1 AND epoch = $2 ORDER BY server_id DESC, revision DESC LIMIT 1`,
      [instanceId, epoch],
    );
    return row && { ...row };
  }

  /** Latest revisions of several server rows, by server id. */
  async latestRevisions(instanceId: InstanceId, epoch: number, serverIds: readonly number[]): Promise<Map<number, RowIdentity>> {
    if (serverIds.length === 0) return new Map();
    const rows = await this.query<RowIdentity>(
      `SELECT DISTINCT ON (server_id) ${IDENTITY_COLUMNS} FROM changes
       WHERE instance_id = $1 AND epoch = $2 AND server_id = ANY($3::bigint[]) ORDER BY server_id, revision DESC`,
      [instanceId, epoch, [...new Set(serverIds)]],
    );
    return new Map(rows.map((row) => [row.serverId, { ...row }]));
  }

  /** Totals for the status bar: rows mirrored (incl. removed), rows removed, error rows. */
  async counts(instanceId: InstanceId): Promise<{ changeCount: number; removedCount: number; errorCount: number }> {
    const [row] = await this.query<{ present: number; removed: number; errors: number }>(
      `SELECT coalesce(sum(present), 0)::bigint AS present, coalesce(sum(removed), 0)::bigint AS removed,
         (SELECT count(*) FROM errors WHERE instance_id = $1) AS errors
       FROM change_hours WHERE instance_id = $1`,
      [instanceId],
    );
    return { changeCount: row.present + row.removed, removedCount: row.removed, errorCount: row.errors };
  }

  /** Tells the other processes on the database, when `tx` commits, what it changed. */
  private notify(tx: PgTransaction, notice: ChangesNotice): Promise<void> {
    return pgNotifyChanges(tx, this.noticeOrigin, notice);
  }

  /** Runs a prepared statement and returns its rows. */
  private async query<T>(text: string, params: unknown[]): Promise<T[]> {
    return (await this.sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
  }
}

/** The newest timestamp among `rows` (Unix seconds); a loop, as a page may be too long to spread. */
function newestSeconds(rows: readonly MirrorChange[]): number {
  let newest = -Infinity;
  for (const row of rows) if (row.ts > newest) newest = row.ts;
  return newest;
}
