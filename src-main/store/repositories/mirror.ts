/**
 * The mirror writer: appends server rows to the local history and marks rows removed, keeping
 * `change_hours` (present/removed counts per instance, model, event and hour) in the same transaction,
 * and reads the aggregates the sync engine compares with the server.
 *
 * Rows are never deleted here. Inserts are idempotent on (instance_id, epoch, server_id, revision), and
 * the cursor advances in the same transaction as the rows, so a crash can neither lose nor double them.
 */
import type { ChangeEvent, ChangeOrigin, FieldChange, InstanceId } from '../../common/model';
import type { SqlDatabase, SqlStatement } from '../database';
import { errorFingerprint } from '../fingerprint';
import { createReadIndexes, dropReadIndexes } from '../read-indexes';

/** One server change row, converted (timestamp in Unix seconds). */
export interface MirrorChange {
  serverId: number;
  /** 0 for the first sighting; refreshes of the same row (our addon) get 1, 2, ... */
  revision?: number;
  model: string;
  recordId: number;
  event: ChangeEvent;
  ts: number;
  userName?: string | null;
  changedFields?: string | null;
  changeCount?: number | null;
  /** JSON of any other server fields. */
  extra?: string | null;
  /** Where the row came from (default the module log). */
  origin?: ChangeOrigin;
  /** Old → new of the changed fields, where the source knows them. */
  values?: readonly FieldChange[] | null;
}

/** One server error row, converted. */
export interface MirrorError {
  serverId: number;
  model: string;
  recordId: number;
  message: string;
  ts: number;
}

/** The identifying content of a mirrored row, compared to detect a reset server log. */
export interface RowIdentity {
  serverId: number;
  revision: number;
  model: string;
  recordId: number;
  event: ChangeEvent;
  ts: number;
  changeCount: number | null;
}

/** Who removed a row: the server (a consumer, the module, another admin), this app's user, or a reset log. */
export type RemovedBy = 'server' | 'user' | 'reset';

/** Cursor fields advanced together with inserted rows. */
export interface CursorAdvance {
  changeCursor?: number;
  errorCursor?: number;
  revisionCursor?: string;
  snapshotDone?: boolean;
}

/** A change row an insert added, with its local key (`changes.id`). */
export interface InsertedChange extends MirrorChange {
  id: number;
}

/** An error row an insert added, with its local key and fingerprint. */
export interface InsertedError extends MirrorError {
  id: number;
  fingerprint: string;
}

/**
 * Work done inside the insert transaction on the rows it added, and only those (the alert queue records
 * the events its rules fire: store/alert-queue.ts). A crash can then neither keep a row and lose its
 * alert nor the reverse. `wants…` is asked once per transaction, so nothing is collected when no rule listens.
 */
export interface MirrorInsertHook {
  wantsChanges(instanceId: InstanceId): boolean;
  changesInserted(instanceId: InstanceId, rows: readonly InsertedChange[], seenAt: number): void;
  wantsErrors(instanceId: InstanceId): boolean;
  errorsInserted(instanceId: InstanceId, rows: readonly InsertedError[], seenAt: number): void;
}

const CHUNK = 500;

/** The columns of one inserted `changes` row, in statement order. */
const CHANGE_COLUMNS = 'instance_id, epoch, server_id, revision, model, record_id, event, ts, first_seen_at, user_name, changed_fields, change_count, extra, origin, field_values';
/** One row's values: what every row of a call shares is bound once, by name. */
const CHANGE_VALUES = '(@instance, @epoch, ?, ?, ?, ?, ?, ?, @seen, ?, ?, ?, ?, ?, ?)';
/** Anonymous parameters per row. */
const CHANGE_PARAMS = 12;
/**
 * Rows per INSERT statement. One statement per row would spend more than half its time outside the row:
 * the table's CHECK constraints (`event IN (…)` and two more) build their lookup tables once per
 * statement run, not once per row. The statement is `INSERT OR ROLLBACK`: a row that breaks a constraint
 * rolls back the whole transaction (the page and its cursor, which must go together anyway), so SQLite
 * needs no statement journal, which would copy every page a multi-row statement touches to a temp file.
 */
const ROWS_PER_INSERT = 64;
/** Below this many rows a bulk load keeps every index (rebuilding costs more than it saves). */
const BULK_LOAD_MIN_ROWS = 20_000;

/** Writes and reads mirrored rows of every instance. */
export class MirrorRepository {
  /** Multi-row inserts by row count, prepared on first use. */
  private readonly inserts: SqlStatement[] = [];
  /** Cursor updates by SQL text, prepared on first use. */
  private readonly statements = new Map<string, SqlStatement>();
  private readonly rowRange: SqlStatement;
  private readonly rowExists: SqlStatement;
  private readonly bumpHour: SqlStatement;
  private readonly insertError: SqlStatement;
  private hook?: MirrorInsertHook;
  /** Instances whose bulk load deferred the read indexes on this connection. */
  private readonly bulkLoads = new Set<InstanceId>();

  constructor(private readonly db: SqlDatabase) {
    this.rowRange = db.prepare('SELECT server_id, revision FROM changes WHERE instance_id = ? AND epoch = ? AND server_id BETWEEN ? AND ?').raw();
    this.rowExists = db.prepare('SELECT 1 FROM changes WHERE instance_id = ? AND epoch = ? AND server_id = ? AND revision = ?').pluck();
    this.bumpHour = db.prepare(
      `INSERT INTO change_hours (instance_id, model, event, hour, present, removed) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (instance_id, model, event, hour) DO UPDATE SET present = present + excluded.present, removed = removed + excluded.removed`,
    );
    this.insertError = db.prepare(
      `INSERT INTO errors (instance_id, epoch, server_id, model, record_id, message, fingerprint, ts, first_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (instance_id, epoch, server_id) DO NOTHING`,
    );
  }

  /** Sets the work done in each insert transaction on the rows it added (see {@link MirrorInsertHook}). */
  setInsertHook(hook: MirrorInsertHook | undefined): void {
    this.hook = hook;
  }

  /**
   * Inserts change rows and advances the cursors in one transaction. Rows already mirrored are skipped.
   * Returns how many rows were new. A row the table refuses rolls back the whole transaction (an
   * enclosing one too) and throws.
   */
  insertChanges(instanceId: InstanceId, epoch: number, rows: readonly MirrorChange[], advance: CursorAdvance, seenAt: number): number {
    return this.db.transaction(() => {
      const fresh = this.newRows(instanceId, epoch, rows);
      const firstId = this.insertRows(instanceId, epoch, fresh, seenAt);
      const hours = new HourCounts();
      for (const row of fresh) hours.add(row.model, row.event, row.ts, 1, 0);
      this.applyHours(instanceId, hours);
      this.advance(instanceId, advance);
      if (fresh.length > 0 && this.hook?.wantsChanges(instanceId)) {
        this.hook.changesInserted(instanceId, fresh.map((row, index) => ({ ...row, id: firstId + index })), seenAt);
      }
      return fresh.length;
    })();
  }

  /**
   * A snapshot is about to load `expectedRows` rows for this instance: drops the read indexes
   * (read-indexes.ts) when that pays, i.e. when the load is large and at least doubles the table.
   * Returns whether it did; {@link endBulkLoad} builds them again.
   */
  beginBulkLoad(instanceId: InstanceId, expectedRows: number): boolean {
    if (expectedRows < BULK_LOAD_MIN_ROWS) return false;
    const tableRows = Number(this.db.prepare('SELECT COALESCE(MAX(id), 0) FROM changes').pluck().get());
    if (expectedRows < tableRows) return false;
    this.bulkLoads.add(instanceId);
    dropReadIndexes(this.db);
    return true;
  }

  /** The bulk load of this instance ended (finished or not): the read indexes come back unless another one runs. */
  endBulkLoad(instanceId: InstanceId): void {
    this.bulkLoads.delete(instanceId);
    this.ensureReadIndexes();
  }

  /**
   * Builds the read indexes a bulk load left missing (its app stopped mid-snapshot), unless a bulk load
   * runs on this connection. Returns the names built; cheap when none are missing.
   */
  ensureReadIndexes(): string[] {
    return this.bulkLoads.size > 0 ? [] : createReadIndexes(this.db);
  }

  /**
   * The rows of `rows` not mirrored yet, each (server id, revision) once. Pages of new rows (one id range
   * above the cursor) cost one range lookup; scattered rows one lookup each.
   */
  private newRows(instanceId: InstanceId, epoch: number, rows: readonly MirrorChange[]): MirrorChange[] {
    if (rows.length === 0) return [];
    let min = Infinity;
    let max = -Infinity;
    let ascending = true;
    for (let i = 0; i < rows.length; i++) {
      const id = rows[i].serverId;
      if (id < min) min = id;
      if (id > max) max = id;
      if (i > 0 && (id < rows[i - 1].serverId || (id === rows[i - 1].serverId && (rows[i].revision ?? 0) <= (rows[i - 1].revision ?? 0)))) ascending = false;
    }
    const key = (serverId: number, revision: number) => `${serverId}:${revision}`;
    const known = new Set<string>();
    if (max - min <= 4 * rows.length + 64) {
      const existing = this.rowRange.all(instanceId, epoch, min, max) as [number, number][];
      if (existing.length === 0 && ascending) return [...rows];
      for (const [serverId, revision] of existing) known.add(key(serverId, revision));
    } else {
      for (const row of rows) if (this.rowExists.get(instanceId, epoch, row.serverId, row.revision ?? 0) !== undefined) known.add(key(row.serverId, row.revision ?? 0));
    }
    const fresh: MirrorChange[] = [];
    for (const row of rows) {
      const rowKey = key(row.serverId, row.revision ?? 0);
      if (known.has(rowKey)) continue;
      known.add(rowKey); // a row given twice is inserted once
      fresh.push(row);
    }
    return fresh;
  }

  /**
   * Inserts rows known to be new, up to {@link ROWS_PER_INSERT} per statement, and returns the id of the
   * first: SQLite gives each row of a statement the next id after the table's largest, so one call's rows
   * have consecutive ids (`changes` has no explicit ids and stays far below the 2^63 where that stops).
   */
  private insertRows(instanceId: InstanceId, epoch: number, rows: readonly MirrorChange[], seenAt: number): number {
    const shared = { instance: instanceId, epoch, seen: seenAt };
    let lastId = 0;
    let start = 0;
    while (start < rows.length) {
      let count = ROWS_PER_INSERT;
      while (count > rows.length - start) count >>>= 1;
      const params: unknown[] = new Array(count * CHANGE_PARAMS);
      let at = 0;
      for (let i = start; i < start + count; i++) {
        const row = rows[i];
        params[at++] = row.serverId;
        params[at++] = row.revision ?? 0;
        params[at++] = row.model;
        params[at++] = row.recordId;
        params[at++] = row.event;
        params[at++] = row.ts;
        params[at++] = row.userName ?? null;
        params[at++] = row.changedFields ?? null;
        params[at++] = row.changeCount ?? null;
        params[at++] = row.extra ?? null;
        params[at++] = row.origin ?? 'module';
        params[at++] = row.values && row.values.length > 0 ? JSON.stringify(row.values) : null;
      }
      lastId = Number(this.insertStatement(count).run(params, shared).lastInsertRowid);
      start += count;
    }
    return lastId - rows.length + 1;
  }

  /** The INSERT of `rows` rows (a power of two up to {@link ROWS_PER_INSERT}). */
  private insertStatement(rows: number): SqlStatement {
    return (this.inserts[rows] ??= this.db.prepare(`INSERT OR ROLLBACK INTO changes (${CHANGE_COLUMNS}) VALUES ${new Array<string>(rows).fill(CHANGE_VALUES).join(', ')}`));
  }

  /** Inserts error rows (message fingerprinted) and advances the error cursor in one transaction. */
  insertErrors(instanceId: InstanceId, epoch: number, rows: readonly MirrorError[], advance: CursorAdvance, seenAt: number): number {
    return this.db.transaction(() => {
      let inserted = 0;
      const added: InsertedError[] | undefined = this.hook?.wantsErrors(instanceId) ? [] : undefined;
      for (const row of rows) {
        const fingerprint = errorFingerprint(row.message);
        const result = this.insertError.run(instanceId, epoch, row.serverId, row.model, row.recordId, row.message, fingerprint, row.ts, seenAt);
        inserted += result.changes;
        if (result.changes > 0) added?.push({ ...row, id: Number(result.lastInsertRowid), fingerprint });
      }
      this.advance(instanceId, advance);
      if (added?.length) this.hook!.errorsInserted(instanceId, added, seenAt);
      return inserted;
    })();
  }

  /**
   * Marks the present rows (every revision) of these server ids removed. Returns how many local rows
   * changed state. Rows already removed keep their first removal.
   */
  markRemoved(instanceId: InstanceId, epoch: number, serverIds: readonly number[], by: RemovedBy, at: number): number {
    return this.db.transaction(() => {
      let removed = 0;
      const hours = new HourCounts();
      for (let start = 0; start < serverIds.length; start += CHUNK) {
        const chunk = serverIds.slice(start, start + CHUNK);
        const marks = chunk.map(() => '?').join(',');
        const where = `instance_id = ? AND epoch = ? AND server_id IN (${marks}) AND removed_at IS NULL`;
        const rows = this.db.prepare(`SELECT model, event, ts FROM changes WHERE ${where}`).raw().all(instanceId, epoch, ...chunk) as [string, string, number][];
        for (const [model, event, ts] of rows) hours.add(model, event, ts, -1, 1);
        removed += this.db.prepare(`UPDATE changes SET removed_at = ?, removed_by = ? WHERE ${where}`).run(at, by, instanceId, epoch, ...chunk).changes;
      }
      this.applyHours(instanceId, hours);
      return removed;
    })();
  }

  /**
   * The server's log was reset: marks every present row of the current epoch removed by 'reset', starts
   * a new epoch and rewinds the cursors so the next pass takes a fresh snapshot. History is kept.
   */
  startNewEpoch(instanceId: InstanceId, currentEpoch: number, at: number): { epoch: number; removed: number } {
    return this.db.transaction(() => {
      const hours = new HourCounts();
      const rows = this.db.prepare('SELECT model, event, ts FROM changes WHERE instance_id = ? AND epoch = ? AND removed_at IS NULL').raw().iterate(instanceId, currentEpoch) as IterableIterator<[string, string, number]>;
      for (const [model, event, ts] of rows) hours.add(model, event, ts, -1, 1);
      const removed = this.db.prepare(`UPDATE changes SET removed_at = ?, removed_by = 'reset' WHERE instance_id = ? AND epoch = ? AND removed_at IS NULL`).run(at, instanceId, currentEpoch).changes;
      this.db.prepare('UPDATE errors SET removed_at = ? WHERE instance_id = ? AND epoch = ? AND removed_at IS NULL').run(at, instanceId, currentEpoch);
      this.applyHours(instanceId, hours);
      const epoch = currentEpoch + 1;
      this.db.prepare('INSERT OR IGNORE INTO sync_state (instance_id) VALUES (?)').run(instanceId);
      this.db
        .prepare('UPDATE sync_state SET epoch = ?, change_cursor = 0, error_cursor = 0, revision_cursor = NULL, snapshot_done = 0, log_token = NULL, tombstone_cursor = 0 WHERE instance_id = ?')
        .run(epoch, instanceId);
      return { epoch, removed };
    })();
  }

  /** Server ids present locally (not removed) in `[fromId, toId]`, ascending, distinct. */
  presentServerIds(instanceId: InstanceId, epoch: number, fromId: number, toId: number): number[] {
    return this.db
      .prepare('SELECT DISTINCT server_id FROM changes WHERE instance_id = ? AND epoch = ? AND removed_at IS NULL AND server_id BETWEEN ? AND ? ORDER BY server_id')
      .pluck()
      .all(instanceId, epoch, fromId, toId) as number[];
  }

  /** Present server rows in `[fromId, toId]`: ascending distinct server ids and their record ids. */
  presentRows(instanceId: InstanceId, epoch: number, fromId: number, toId: number): { ids: number[]; recordIds: number[] } {
    const ids: number[] = [];
    const recordIds: number[] = [];
    const rows = this.db
      .prepare('SELECT server_id, MIN(record_id) FROM changes WHERE instance_id = ? AND epoch = ? AND removed_at IS NULL AND server_id BETWEEN ? AND ? GROUP BY server_id ORDER BY server_id')
      .raw()
      .iterate(instanceId, epoch, fromId, toId) as IterableIterator<[number, number]>;
    for (const [id, recordId] of rows) {
      ids.push(id);
      recordIds.push(recordId);
    }
    return { ids, recordIds };
  }

  /** Count of distinct present server rows in `[fromId, toId]`, with the sums of their ids and record ids. */
  presentAggregate(instanceId: InstanceId, epoch: number, fromId: number, toId: number): { count: number; ids: number; records: number } {
    return this.db
      .prepare(
        `SELECT COUNT(*) AS count, COALESCE(SUM(server_id), 0) AS ids, COALESCE(SUM(record_id), 0) AS records FROM (
           SELECT server_id, MIN(record_id) AS record_id FROM changes
           WHERE instance_id = ? AND epoch = ? AND removed_at IS NULL AND server_id BETWEEN ? AND ? GROUP BY server_id)`,
      )
      .get(instanceId, epoch, fromId, toId) as { count: number; ids: number; records: number };
  }

  /** The latest revision of one server row (present or removed), or undefined. */
  rowIdentity(instanceId: InstanceId, epoch: number, serverId: number): RowIdentity | undefined {
    return this.db
      .prepare(
        `SELECT server_id AS serverId, revision, model, record_id AS recordId, event, ts, change_count AS changeCount
         FROM changes WHERE instance_id = ? AND epoch = ? AND server_id = ? ORDER BY revision DESC LIMIT 1`,
      )
      .get(instanceId, epoch, serverId) as RowIdentity | undefined;
  }

  /** The latest revision of the highest mirrored server row in the epoch. */
  lastRow(instanceId: InstanceId, epoch: number): RowIdentity | undefined {
    return this.db
      .prepare(
        `SELECT server_id AS serverId, revision, model, record_id AS recordId, event, ts, change_count AS changeCount
         FROM changes WHERE instance_id = ? AND epoch = ? ORDER BY server_id DESC, revision DESC LIMIT 1`,
      )
      .get(instanceId, epoch) as RowIdentity | undefined;
  }

  /** Latest revisions of several server rows, by server id. */
  latestRevisions(instanceId: InstanceId, epoch: number, serverIds: readonly number[]): Map<number, RowIdentity> {
    const out = new Map<number, RowIdentity>();
    for (let start = 0; start < serverIds.length; start += CHUNK) {
      const chunk = serverIds.slice(start, start + CHUNK);
      const rows = this.db
        .prepare(
          `SELECT server_id AS serverId, revision, model, record_id AS recordId, event, ts, change_count AS changeCount
           FROM changes WHERE instance_id = ? AND epoch = ? AND server_id IN (${chunk.map(() => '?').join(',')}) ORDER BY revision`,
        )
        .all(instanceId, epoch, ...chunk) as RowIdentity[];
      for (const row of rows) out.set(row.serverId, row);
    }
    return out;
  }

  /** Totals for the status bar: rows mirrored (incl. removed), rows removed, error rows. */
  counts(instanceId: InstanceId): { changeCount: number; removedCount: number; errorCount: number } {
    const hours = this.db.prepare('SELECT COALESCE(SUM(present), 0) AS present, COALESCE(SUM(removed), 0) AS removed FROM change_hours WHERE instance_id = ?').get(instanceId) as {
      present: number;
      removed: number;
    };
    const errorCount = Number(this.db.prepare('SELECT COUNT(*) FROM errors WHERE instance_id = ?').pluck().get(instanceId));
    return { changeCount: hours.present + hours.removed, removedCount: hours.removed, errorCount };
  }

  private advance(instanceId: InstanceId, advance: CursorAdvance): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    if (advance.changeCursor !== undefined) {
      sets.push('change_cursor = MAX(change_cursor, ?)');
      values.push(advance.changeCursor);
    }
    if (advance.errorCursor !== undefined) {
      sets.push('error_cursor = MAX(error_cursor, ?)');
      values.push(advance.errorCursor);
    }
    if (advance.revisionCursor !== undefined) {
      sets.push('revision_cursor = MAX(COALESCE(revision_cursor, \'\'), ?)');
      values.push(advance.revisionCursor);
    }
    if (advance.snapshotDone !== undefined) {
      sets.push('snapshot_done = ?');
      values.push(advance.snapshotDone ? 1 : 0);
    }
    if (sets.length === 0) return;
    this.statement('INSERT OR IGNORE INTO sync_state (instance_id) VALUES (?)').run(instanceId);
    this.statement(`UPDATE sync_state SET ${sets.join(', ')} WHERE instance_id = ?`).run(...values, instanceId);
  }

  /** A statement prepared once per SQL text (the cursor updates come in a few shapes, run once per page). */
  private statement(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private applyHours(instanceId: InstanceId, hours: HourCounts): void {
    for (const [model, event, hour, present, removed] of hours.entries()) this.bumpHour.run(instanceId, model, event, hour, present, removed);
  }
}

/**
 * Deltas to `change_hours`, summed in memory so a page of rows costs a few upserts. Keyed by model, then
 * by hour and event as one number, so adding a row builds no string.
 */
class HourCounts {
  private readonly byModel = new Map<string, Map<number, [string, string, number, number, number]>>();

  add(model: string, event: string, ts: number, present: number, removed: number): void {
    let hours = this.byModel.get(model);
    if (!hours) {
      hours = new Map();
      this.byModel.set(model, hours);
    }
    const hour = Math.floor(ts / 3600);
    // The table's CHECK admits these three events only, and rows reach here after their insert succeeded.
    const key = hour * 3 + (event === 'create' ? 0 : event === 'write' ? 1 : 2);
    const delta = hours.get(key);
    if (delta) {
      delta[3] += present;
      delta[4] += removed;
    } else {
      hours.set(key, [model, event, hour, present, removed]);
    }
  }

  *entries(): Iterable<[string, string, number, number, number]> {
    for (const hours of this.byModel.values()) yield* hours.values();
  }
}
