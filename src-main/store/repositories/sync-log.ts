/** The sync activity log (`sync_log`), newest first when read. */
import type { InstanceId, SyncLogEntry } from '../../common/model';
import type { SqlDatabase } from '../database';
import { unixToIso } from '../time';

interface LogRow {
  id: number;
  instance_id: string;
  at: number;
  level: SyncLogEntry['level'];
  kind: string;
  message: string;
  added: number | null;
  removed: number | null;
  duration_ms: number | null;
}

function toEntry(row: LogRow): SyncLogEntry {
  const entry: SyncLogEntry = { id: row.id, instanceId: row.instance_id, at: unixToIso(row.at), level: row.level, kind: row.kind, message: row.message };
  if (row.added !== null) entry.added = row.added;
  if (row.removed !== null) entry.removed = row.removed;
  if (row.duration_ms !== null) entry.durationMs = row.duration_ms;
  return entry;
}

/** One line to append (the id and time are assigned here). */
export type NewLogEntry = Omit<SyncLogEntry, 'id' | 'at'> & { at?: number };

/** Lines kept per instance; older ones are pruned as new ones arrive. */
const KEEP_PER_INSTANCE = 5000;

/** Appends and reads sync log lines. */
export class SyncLogRepository {
  private appended = 0;

  constructor(private readonly db: SqlDatabase) {}

  append(entry: NewLogEntry): SyncLogEntry {
    const at = entry.at ?? Math.floor(Date.now() / 1000);
    const result = this.db
      .prepare('INSERT INTO sync_log (instance_id, at, level, kind, message, added, removed, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.instanceId, at, entry.level, entry.kind, entry.message, entry.added ?? null, entry.removed ?? null, entry.durationMs ?? null);
    if (++this.appended % 500 === 0) {
      this.db.prepare('DELETE FROM sync_log WHERE instance_id = ? AND id <= (SELECT id FROM sync_log WHERE instance_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)').run(entry.instanceId, entry.instanceId, KEEP_PER_INSTANCE);
    }
    return toEntry({ id: Number(result.lastInsertRowid), instance_id: entry.instanceId, at, level: entry.level, kind: entry.kind, message: entry.message, added: entry.added ?? null, removed: entry.removed ?? null, duration_ms: entry.durationMs ?? null });
  }

  /** The latest lines, newest first. */
  list(options: { instanceId?: InstanceId; limit?: number } = {}): SyncLogEntry[] {
    const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
    const rows = options.instanceId
      ? (this.db.prepare('SELECT * FROM sync_log WHERE instance_id = ? ORDER BY id DESC LIMIT ?').all(options.instanceId, limit) as LogRow[])
      : (this.db.prepare('SELECT * FROM sync_log ORDER BY id DESC LIMIT ?').all(limit) as LogRow[]);
    return rows.map(toEntry);
  }
}
