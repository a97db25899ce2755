/** The sync activity log (`sync_log`), newest first when read. */
import type { InstanceId, MessageValues, SyncLogEntry } from '../../common/model';
import type { SqlDatabase } from '../database';
import { isoFromSeconds } from '../../common/time';

interface LogRow {
  id: number;
  instance_id: string;
  at: number;
  level: SyncLogEntry['level'];
  kind: string;
  message: string;
  /** Null on rows written before migration 3, and on lines without a catalogue key. */
  message_key: string | null;
  params: string | null;
  added: number | null;
  removed: number | null;
  duration_ms: number | null;
}

/** A stored line with its parameters decoded from JSON (each store decodes its own column; undefined when unreadable). */
export type DecodedLogRow = Omit<LogRow, 'params'> & { params: unknown };

/** The entry a stored line stands for (both stores). */
export function logEntryOf(row: DecodedLogRow): SyncLogEntry {
  const entry: SyncLogEntry = { id: row.id, instanceId: row.instance_id, at: isoFromSeconds(row.at), level: row.level, kind: row.kind, message: row.message };
  if (row.message_key !== null) entry.messageKey = row.message_key;
  const params = paramsOf(row.params);
  if (params) entry.params = params;
  if (row.added !== null) entry.added = row.added;
  if (row.removed !== null) entry.removed = row.removed;
  if (row.duration_ms !== null) entry.durationMs = row.duration_ms;
  return entry;
}

function toEntry(row: LogRow): SyncLogEntry {
  return logEntryOf({ ...row, params: decodeJson(row.params) });
}

/** The JSON value of a column, or undefined when absent or unreadable (the English message still shows). */
function decodeJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The string and number values of stored parameters, or undefined when they are not an object. */
function paramsOf(value: unknown): MessageValues | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const params: MessageValues = {};
  for (const [name, item] of Object.entries(value)) if (typeof item === 'string' || typeof item === 'number') params[name] = item;
  return params;
}

/** One line to append (the id and time are assigned here). */
export type NewLogEntry = Omit<SyncLogEntry, 'id' | 'at'> & { at?: number };

/** Lines kept per instance; older ones are pruned as new ones arrive. */
export const KEEP_PER_INSTANCE = 5000;
/** Appends between two prunings. */
export const PRUNE_EVERY = 500;

/** Appends and reads sync log lines. */
export class SyncLogRepository {
  private appended = 0;

  constructor(private readonly db: SqlDatabase) {}

  append(entry: NewLogEntry): SyncLogEntry {
    const at = entry.at ?? Math.floor(Date.now() / 1000);
    const row: Omit<LogRow, 'id'> = {
      instance_id: entry.instanceId,
      at,
      level: entry.level,
      kind: entry.kind,
      message: entry.message,
      message_key: entry.messageKey ?? null,
      params: entry.params ? JSON.stringify(entry.params) : null,
      added: entry.added ?? null,
      removed: entry.removed ?? null,
      duration_ms: entry.durationMs ?? null,
    };
    const result = this.db
      .prepare('INSERT INTO sync_log (instance_id, at, level, kind, message, message_key, params, added, removed, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.instance_id, row.at, row.level, row.kind, row.message, row.message_key, row.params, row.added, row.removed, row.duration_ms);
    if (++this.appended % PRUNE_EVERY === 0) {
      this.db.prepare('DELETE FROM sync_log WHERE instance_id = ? AND id <= (SELECT id FROM sync_log WHERE instance_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)').run(entry.instanceId, entry.instanceId, KEEP_PER_INSTANCE);
    }
    return toEntry({ id: Number(result.lastInsertRowid), ...row });
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
