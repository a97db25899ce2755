/**
 * The journal of admin actions on PostgreSQL, as store/repositories/journal.ts: a row is written
 * before an action starts, as 'failed' with the "interrupted" note, and updated when it ends.
 */
import type { InstanceId, JournalEntry } from '../../../common/model';
import { journalEntryOf, journalStartValues, type JournalFinish, type JournalRow, type JournalStart } from '../../repositories/journal';
import type { JournalPort } from '../../ports';
import type { PgConnection } from '../connection';
import { pgRows, pgRun } from './rows';

const ENTRY_COLUMNS = 'id, at, actor, instance_id, instance_name, action, description, requested, succeeded, result, error';

/** Reads and writes the journal of the team database. */
export class PgJournalRepository implements JournalPort {
  constructor(private readonly sql: PgConnection) {}

  /** Records that an action is starting; returns the entry id. */
  async begin(start: JournalStart): Promise<number> {
    const [{ id }] = await pgRows<{ id: number }>(
      this.sql,
      `INSERT INTO journal (at, actor, instance_id, instance_name, action, description, requested, succeeded, result, error, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'failed', $8, $9::text::jsonb) RETURNING id`,
      journalStartValues(start),
    );
    return id;
  }

  /** Records how the action ended. */
  async finish(id: number, finish: JournalFinish): Promise<void> {
    await pgRun(
      this.sql,
      `UPDATE journal SET succeeded = $2, result = $3, error = $4,
         description = CASE WHEN $5::text IS NULL THEN description ELSE description || ' (' || $5::text || ')' END
       WHERE id = $1`,
      [id, finish.succeeded, finish.result, finish.error ?? null, finish.note ?? null],
    );
  }

  /** Entries newest first, optionally of one instance (1 to 100,000; 1,000 unless asked). */
  async list(options: { instanceId?: InstanceId; limit?: number } = {}): Promise<JournalEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
    const rows = options.instanceId
      ? await pgRows<JournalRow>(this.sql, `SELECT ${ENTRY_COLUMNS} FROM journal WHERE instance_id = $1 ORDER BY id DESC LIMIT $2`, [options.instanceId, limit])
      : await pgRows<JournalRow>(this.sql, `SELECT ${ENTRY_COLUMNS} FROM journal ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map(journalEntryOf);
  }

  /** The stored detail (filter or ids) of one entry. */
  async detail(id: number): Promise<unknown> {
    // As text, read as SQLite reads its column: a stored JSON null is null, no detail is undefined.
    const [row] = await pgRows<{ detail: string | null }>(this.sql, 'SELECT detail::text AS detail FROM journal WHERE id = $1', [id]);
    return row?.detail ? JSON.parse(row.detail) : undefined;
  }
}
