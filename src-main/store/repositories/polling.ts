/**
 * The polling source's own state (`polling_state`, `polling_models`, `polling_records`): its cursors per
 * instance and per watched model, and the records each model had when last checked. Events reach the
 * mirror through {@link MirrorRepository.insertChanges} in the same transaction as the cursors and the
 * record sets they move, so a crash can neither lose nor double an event.
 *
 * Synthetic server ids (docs/architecture.md, "Synthetic server ids"): module-log rows keep their
 * positive `update.webhook` id; a tracking event is `-2 × mail.message id` (even), a polling event
 * `-(2n + 1)` for the instance's n-th polling event (odd). Neither can collide with the other or with a
 * log row. A polling event is numbered once: seeing it again (the overlap window is re-read on purpose)
 * finds it by its natural key (model, record, event, time) and adds nothing.
 */
import type { ChangeEvent, InstanceId } from '../../common/model';
import type { SqlDatabase, SqlStatement } from '../database';
import type { MirrorChange, MirrorRepository } from './mirror';

/** The server id of the tracking event of `mail.message` `messageId`. */
export function trackingServerId(messageId: number): number {
  return -2 * messageId;
}

/** The server id of an instance's `n`-th polling event (n from 0). */
export function pollingServerId(n: number): number {
  return -(2 * n + 1);
}

/** Where the polling source of one instance stands. */
export interface PollingState {
  /** The url and database the cursors belong to. */
  server: string;
  /** Highest `mail.message` id read; absent until the chatter's baseline is taken. */
  messageCursor?: number;
  /** Newest `mail.message` date read (Odoo format). */
  messageDate?: string;
  /** When a new message was last read (Unix seconds, app clock). */
  changedAt?: number;
  /** When the chatter's overlap window was last re-read (app clock). */
  windowReadAt?: number;
}

/** Where the polling of one watched model stands. */
export interface ModelCursor {
  model: string;
  /** Newest `write_date` read (Odoo format); absent before the baseline. */
  writeCursor?: string;
  /** Ids read so far by the first scan (the baseline). */
  baselineAfter: number;
  baselineDone: boolean;
  /** Last check (Unix seconds, app clock). */
  checkedAt?: number;
  /** Last check that found a change (app clock). */
  changedAt?: number;
  /** Last re-read of the overlap window (app clock). */
  windowReadAt?: number;
}

/** A change the polling source saw, before it is numbered. */
export interface PollingEvent {
  model: string;
  recordId: number;
  event: ChangeEvent;
  /** Server time, Unix seconds (detection time for a deletion). */
  ts: number;
  userName?: string | null;
}

/** Everything one polling pass commits at once. */
export interface PollingCommit {
  epoch: number;
  /** Polling events (origin 'polling'), numbered here and deduplicated by natural key. */
  events: readonly PollingEvent[];
  /** Tracking events (origin 'tracking'), with their server ids from {@link trackingServerId}. */
  tracking: readonly MirrorChange[];
  /** Records that appeared and vanished, per model. */
  records: readonly { model: string; added: readonly number[]; removed: readonly number[] }[];
  /** New cursors of the models checked. */
  models: readonly ModelCursor[];
  state?: Partial<Omit<PollingState, 'server'>>;
}

/** A `polling_state` row as both stores read it. */
export interface PollingStateRow {
  server: string;
  message_cursor: number | null;
  message_date: string | null;
  changed_at: number | null;
  window_read_at: number | null;
}

/** A `polling_models` row as both stores read it (the flag is 0/1 in SQLite, a boolean in PostgreSQL). */
export interface ModelCursorRow {
  model: string;
  write_cursor: string | null;
  baseline_after: number;
  baseline_done: number | boolean;
  checked_at: number | null;
  changed_at: number | null;
  window_read_at: number | null;
}

const CHUNK = 500;

/** Reads and writes the polling source's tables. */
export class PollingRepository {
  /** Statements by SQL, prepared once (checks run them for every row and event). */
  private readonly statements = new Map<string, SqlStatement>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly mirror: MirrorRepository,
  ) {}

  private statement(sql: string): SqlStatement {
    return this.statements.get(sql) ?? this.statements.set(sql, this.db.prepare(sql)).get(sql)!;
  }

  /** The instance's state, or undefined before its first pass. */
  state(instanceId: InstanceId): PollingState | undefined {
    const row = this.statement('SELECT server, message_cursor, message_date, changed_at, window_read_at FROM polling_state WHERE instance_id = ?').get(instanceId) as PollingStateRow | undefined;
    return row ? pollingStateOf(row) : undefined;
  }

  /**
   * Starts polling `server` for the instance: kept as it is when it already polls that server, else its
   * cursors and record sets are cleared (a new baseline follows). Event numbers are never reused.
   */
  begin(instanceId: InstanceId, server: string): PollingState {
    const current = this.state(instanceId);
    if (current?.server === server) return current;
    this.db.transaction(() => {
      this.statement('DELETE FROM polling_models WHERE instance_id = ?').run(instanceId);
      this.statement('DELETE FROM polling_records WHERE instance_id = ?').run(instanceId);
      this.statement(
          `INSERT INTO polling_state (instance_id, server) VALUES (?, ?)
           ON CONFLICT (instance_id) DO UPDATE SET server = excluded.server, message_cursor = NULL, message_date = NULL, changed_at = NULL, window_read_at = NULL`,
        )
        .run(instanceId, server);
    })();
    return this.state(instanceId)!;
  }

  /** The cursors of the instance's models, by model (models never checked are absent). */
  models(instanceId: InstanceId): Map<string, ModelCursor> {
    const rows = this.statement('SELECT model, write_cursor, baseline_after, baseline_done, checked_at, changed_at, window_read_at FROM polling_models WHERE instance_id = ?').all(instanceId) as ModelCursorRow[];
    return new Map(rows.map((row) => [row.model, modelCursorOf(row)]));
  }

  /** Count and sum of the ids of the records a model had when last checked. */
  knownAggregate(instanceId: InstanceId, model: string): { count: number; sum: number } {
    return this.statement('SELECT COUNT(*) AS count, COALESCE(SUM(record_id), 0) AS sum FROM polling_records WHERE instance_id = ? AND model = ?').get(instanceId, model) as { count: number; sum: number };
  }

  /** The known record ids of a model, ascending. */
  knownIds(instanceId: InstanceId, model: string): number[] {
    return this.statement('SELECT record_id FROM polling_records WHERE instance_id = ? AND model = ? ORDER BY record_id').pluck().all(instanceId, model) as number[];
  }

  /** Which of `ids` are known records of the model. */
  knownAmong(instanceId: InstanceId, model: string, ids: readonly number[]): Set<number> {
    const known = new Set<number>();
    for (let start = 0; start < ids.length; start += CHUNK) {
      const chunk = ids.slice(start, start + CHUNK);
      const found = this.db
        .prepare(`SELECT record_id FROM polling_records WHERE instance_id = ? AND model = ? AND record_id IN (${chunk.map(() => '?').join(',')})`)
        .pluck()
        .all(instanceId, model, ...chunk) as number[];
      for (const id of found) known.add(id);
    }
    return known;
  }

  /** Adds one page of the first scan of a model and moves its cursor, in one transaction. */
  addBaseline(instanceId: InstanceId, model: string, ids: readonly number[], cursor: ModelCursor): void {
    this.db.transaction(() => {
      this.addRecords(instanceId, model, ids);
      this.saveModel(instanceId, cursor);
    })();
  }

  /** Whether a tracking event of the record is mirrored with a time in `[from, to]` (Unix seconds). */
  trackingWithin(instanceId: InstanceId, model: string, recordId: number, from: number, to: number): boolean {
    return (
      this.statement("SELECT 1 FROM changes WHERE model = ? AND record_id = ? AND ts BETWEEN ? AND ? AND instance_id = ? AND origin = 'tracking' LIMIT 1")
        .get(model, recordId, from, to, instanceId) !== undefined
    );
  }

  /**
   * Commits one pass: numbers the new polling events (skipping those already mirrored), inserts them
   * and the tracking events, applies the record sets and the cursors, all in one transaction. Returns
   * how many rows were new.
   */
  commit(instanceId: InstanceId, commit: PollingCommit, seenAt: number): number {
    return this.db.transaction(() => {
      const exists = this.statement("SELECT 1 FROM changes WHERE model = ? AND record_id = ? AND ts = ? AND instance_id = ? AND event = ? AND origin = 'polling' LIMIT 1");
      let next = Number(this.statement('SELECT next_event FROM polling_state WHERE instance_id = ?').pluck().get(instanceId) ?? 0);
      const seen = new Set<string>();
      const rows: MirrorChange[] = [...commit.tracking];
      for (const event of commit.events) {
        const key = `${event.model}\u0000${event.recordId}\u0000${event.event}\u0000${event.ts}`;
        if (seen.has(key) || exists.get(event.model, event.recordId, event.ts, instanceId, event.event) !== undefined) continue;
        seen.add(key);
        rows.push({ serverId: pollingServerId(next++), model: event.model, recordId: event.recordId, event: event.event, ts: event.ts, userName: event.userName ?? null, origin: 'polling' });
      }
      const inserted = rows.length > 0 ? this.mirror.insertChanges(instanceId, commit.epoch, rows, {}, seenAt) : 0;
      for (const { model, added, removed } of commit.records) {
        this.addRecords(instanceId, model, added);
        for (let start = 0; start < removed.length; start += CHUNK) {
          const chunk = removed.slice(start, start + CHUNK);
          this.db.prepare(`DELETE FROM polling_records WHERE instance_id = ? AND model = ? AND record_id IN (${chunk.map(() => '?').join(',')})`).run(instanceId, model, ...chunk);
        }
      }
      for (const cursor of commit.models) this.saveModel(instanceId, cursor);
      const state = commit.state ?? {};
      const columns: Record<string, unknown> = { next_event: next };
      if ('messageCursor' in state) columns.message_cursor = state.messageCursor ?? null;
      if ('messageDate' in state) columns.message_date = state.messageDate ?? null;
      if ('changedAt' in state) columns.changed_at = state.changedAt ?? null;
      if ('windowReadAt' in state) columns.window_read_at = state.windowReadAt ?? null;
      const names = Object.keys(columns);
      this.db.prepare(`UPDATE polling_state SET ${names.map((name) => `${name} = ?`).join(', ')} WHERE instance_id = ?`).run(...names.map((name) => columns[name]), instanceId);
      return inserted;
    })();
  }

  private addRecords(instanceId: InstanceId, model: string, ids: readonly number[]): void {
    const insert = this.statement('INSERT OR IGNORE INTO polling_records (instance_id, model, record_id) VALUES (?, ?, ?)');
    for (const id of ids) insert.run(instanceId, model, id);
  }

  private saveModel(instanceId: InstanceId, cursor: ModelCursor): void {
    this.db
      .prepare(
        `INSERT INTO polling_models (instance_id, model, write_cursor, baseline_after, baseline_done, checked_at, changed_at, window_read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (instance_id, model) DO UPDATE SET write_cursor = excluded.write_cursor, baseline_after = excluded.baseline_after,
           baseline_done = excluded.baseline_done, checked_at = excluded.checked_at, changed_at = excluded.changed_at, window_read_at = excluded.window_read_at`,
      )
      .run(instanceId, cursor.model, cursor.writeCursor ?? null, cursor.baselineAfter, cursor.baselineDone ? 1 : 0, cursor.checkedAt ?? null, cursor.changedAt ?? null, cursor.windowReadAt ?? null);
  }
}

/** The state of a `polling_state` row (NULL columns absent). */
export function pollingStateOf(row: PollingStateRow): PollingState {
  const state: PollingState = { server: row.server };
  if (row.message_cursor !== null) state.messageCursor = row.message_cursor;
  if (row.message_date !== null) state.messageDate = row.message_date;
  if (row.changed_at !== null) state.changedAt = row.changed_at;
  if (row.window_read_at !== null) state.windowReadAt = row.window_read_at;
  return state;
}

/** The cursor of a `polling_models` row (NULL columns absent). */
export function modelCursorOf(row: ModelCursorRow): ModelCursor {
  const cursor: ModelCursor = { model: row.model, baselineAfter: row.baseline_after, baselineDone: row.baseline_done === 1 || row.baseline_done === true };
  if (row.write_cursor !== null) cursor.writeCursor = row.write_cursor;
  if (row.checked_at !== null) cursor.checkedAt = row.checked_at;
  if (row.changed_at !== null) cursor.changedAt = row.changed_at;
  if (row.window_read_at !== null) cursor.windowReadAt = row.window_read_at;
  return cursor;
}
