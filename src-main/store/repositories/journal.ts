/**
 * The journal of admin actions (`journal` table). A row is written BEFORE an action starts, as
 * 'failed' with an "interrupted" note, and updated when it ends, so a crash mid-action leaves a trace.
 */
import type { InstanceId, JournalEntry } from '../../common/model';
import { isoFromSeconds } from '../../common/time';
import type { SqlDatabase } from '../database';

/** What is known when an action starts. */
export interface JournalStart {
  at: Date;
  actor: string;
  instanceId: InstanceId;
  instanceName: string;
  action: JournalEntry['action'];
  description: string;
  requested: number;
  /** JSON-able detail: the filter or the server ids acted on. */
  detail?: unknown;
}

/** How an action ended. */
export interface JournalFinish {
  succeeded: number;
  result: JournalEntry['result'];
  error?: string;
  /** Appended to the description, e.g. "3 skipped: no longer orphans". */
  note?: string;
}

/** The error text of an entry whose action never reported back. */
export const INTERRUPTED = 'The action did not finish: the app stopped while it ran.';

/** The values a new entry is written with (both stores): at, actor, instance id and name, action, description, requested, error, detail as JSON. */
export function journalStartValues(start: JournalStart): (string | number | null)[] {
  const detail = start.detail === undefined ? null : JSON.stringify(start.detail);
  return [Math.floor(start.at.getTime() / 1000), start.actor, start.instanceId, start.instanceName, start.action, start.description, start.requested, INTERRUPTED, detail];
}

/** A journal row as either store reads it. */
export interface JournalRow {
  id: number;
  at: number;
  actor: string;
  instance_id: string;
  instance_name: string;
  action: JournalEntry['action'];
  description: string;
  requested: number;
  succeeded: number;
  result: JournalEntry['result'];
  error: string | null;
}

/** Reads and writes the journal table. */
export class JournalRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Records that an action is starting; returns the entry id. */
  begin(start: JournalStart): number {
    const result = this.db
      .prepare(
        `INSERT INTO journal (at, actor, instance_id, instance_name, action, description, requested, succeeded, result, error, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'failed', ?, ?)`,
      )
      .run(...journalStartValues(start));
    return Number(result.lastInsertRowid);
  }

  /** Records how the action ended. */
  finish(id: number, finish: JournalFinish): void {
    this.db
      .prepare(
        `UPDATE journal SET succeeded = ?, result = ?, error = ?,
           description = CASE WHEN ? IS NULL THEN description ELSE description || ' (' || ? || ')' END
         WHERE id = ?`,
      )
      .run(finish.succeeded, finish.result, finish.error ?? null, finish.note ?? null, finish.note ?? null, id);
  }

  /** Entries newest first, optionally of one instance. */
  list(options: { instanceId?: InstanceId; limit?: number } = {}): JournalEntry[] {
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
    const rows = (
      options.instanceId
        ? this.db.prepare('SELECT * FROM journal WHERE instance_id = ? ORDER BY id DESC LIMIT ?').all(options.instanceId, limit)
        : this.db.prepare('SELECT * FROM journal ORDER BY id DESC LIMIT ?').all(limit)
    ) as JournalRow[];
    return rows.map(journalEntryOf);
  }

  /** The stored detail (filter or ids) of one entry. */
  detail(id: number): unknown {
    const row = this.db.prepare('SELECT detail FROM journal WHERE id = ?').get(id) as { detail: string | null } | undefined;
    return row?.detail ? JSON.parse(row.detail) : undefined;
  }
}

/** The entry a journal row stands for (both stores). */
export function journalEntryOf(row: JournalRow): JournalEntry {
  const entry: JournalEntry = {
    id: row.id,
    at: isoFromSeconds(row.at),
    actor: row.actor,
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    action: row.action,
    description: row.description,
    requested: row.requested,
    succeeded: row.succeeded,
    result: row.result,
  };
  if (row.error) entry.error = row.error;
  return entry;
}
