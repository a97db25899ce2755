/**
 * The sync activity log (`sync_log`) on PostgreSQL, as store/repositories/sync-log.ts: newest first,
 * at most 5,000 lines read at once, and each instance trimmed to its newest 5,000 lines every 500
 * lines this repository appends.
 */
import type { InstanceId, SyncLogEntry } from '../../../common/model';
import { KEEP_PER_INSTANCE, logEntryOf, PRUNE_EVERY, type DecodedLogRow, type NewLogEntry } from '../../repositories/sync-log';
import type { SyncLogPort } from '../../ports';
import type { PgConnection } from '../connection';
import { jsonText, pgRows, pgRun } from './rows';

/** Appends and reads sync log lines in the team database. */
export class PgSyncLogRepository implements SyncLogPort {
  private appended = 0;

  constructor(private readonly sql: PgConnection) {}

  /** Appends a line (time: now unless given) and returns it as {@link list} will. */
  async append(entry: NewLogEntry): Promise<SyncLogEntry> {
    const params = entry.params ? jsonText(entry.params) : null;
    const row: Omit<DecodedLogRow, 'id'> = {
      instance_id: entry.instanceId,
      at: entry.at ?? Math.floor(Date.now() / 1000),
      level: entry.level,
      kind: entry.kind,
      message: entry.message,
      message_key: entry.messageKey ?? null,
      // Read back from the text stored, so the answer is the line as it will be listed.
      params: params === null ? null : JSON.parse(params),
      added: entry.added ?? null,
      removed: entry.removed ?? null,
      duration_ms: entry.durationMs ?? null,
    };
    const [{ id }] = await pgRows<{ id: number }>(
      this.sql,
      `INSERT INTO sync_log (instance_id, at, level, kind, message, message_key, params, added, removed, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10) RETURNING id`,
      [row.instance_id, row.at, row.level, row.kind, row.message, row.message_key, params, row.added, row.removed, row.duration_ms],
    );
    if (++this.appended % PRUNE_EVERY === 0) {
      await pgRun(
        this.sql,
        'DELETE FROM sync_log WHERE instance_id = $1 AND id <= (SELECT id FROM sync_log WHERE instance_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)',
        [entry.instanceId, KEEP_PER_INSTANCE],
      );
    }
    return logEntryOf({ id, ...row });
  }

  /** The latest lines, newest first (1 to 5,000; 200 unless asked). */
  async list(options: { instanceId?: InstanceId; limit?: number } = {}): Promise<SyncLogEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
    const rows = options.instanceId
      ? await pgRows<DecodedLogRow>(this.sql, 'SELECT * FROM sync_log WHERE instance_id = $1 ORDER BY id DESC LIMIT $2', [options.instanceId, limit])
      : await pgRows<DecodedLogRow>(this.sql, 'SELECT * FROM sync_log ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map(logEntryOf);
  }
}
