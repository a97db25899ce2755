/**
 * Saved report definitions on PostgreSQL (`report_definitions`), as
 * store/repositories/report-definitions.ts: names unique whatever their (ASCII) case, listed by name.
 * Two servers saving the same name at once: the unique index refuses the second, with the same message.
 */
import { randomUUID } from 'node:crypto';
import { OcmError } from '../../../common/errors';
import type { ReportDefinition } from '../../../common/model';
import type { ReportDefinitionsPort } from '../../ports';
import type { PgConnection } from '../connection';
import { jsonText, pgRows, pgRun, uniqueViolation } from './rows';

/** SQLite's NOCASE: ASCII letters folded, then bytes compared ("C" makes lower() fold ASCII only). */
const FOLDED_NAME = 'lower(name COLLATE "C")';

function nameTaken(name: string, cause?: unknown): OcmError {
  return new OcmError('conflict', `A report named "${name}" already exists.`, { hint: 'Choose another name or edit that report.', cause });
}

/** CRUD over `report_definitions` of the team database. */
export class PgReportDefinitionRepository implements ReportDefinitionsPort {
  constructor(private readonly sql: PgConnection) {}

  /** All definitions, by name. */
  async list(): Promise<ReportDefinition[]> {
    const rows = await pgRows<{ id: string; name: string; request: ReportDefinition['request'] }>(
      this.sql,
      `SELECT id, name, request FROM report_definitions ORDER BY ${FOLDED_NAME} COLLATE "C"`,
    );
    return rows.map((row) => ({ id: row.id, name: row.name, request: row.request }));
  }

  /** Inserts or replaces (the caller checked the request); rejects 'conflict' for a taken name. */
  async save(definition: Omit<ReportDefinition, 'id'> & { id?: string }): Promise<ReportDefinition> {
    const name = definition.name.trim();
    const id = definition.id ?? randomUUID();
    const clash = await pgRows(this.sql, `SELECT 1 FROM report_definitions WHERE ${FOLDED_NAME} = lower($1::text COLLATE "C") AND id <> $2`, [name, id]);
    if (clash.length > 0) throw nameTaken(name);
    // outPath is never saved: a definition is re-run to a place chosen at run time.
    const { outPath: _ignored, ...request } = definition.request as ReportDefinition['request'] & { outPath?: string };
    try {
      await pgRun(
        this.sql,
        'INSERT INTO report_definitions (id, name, request) VALUES ($1, $2, $3::text::jsonb) ON CONFLICT (id) DO UPDATE SET name = excluded.name, request = excluded.request',
        [id, name, jsonText(request)],
      );
    } catch (error) {
      if (uniqueViolation(error) === 'report_definitions_name') throw nameTaken(name, error);
      throw error;
    }
    return { id, name, request };
  }

  /** Deletes a definition; rejects 'not-found' when it does not exist. */
  async delete(id: string): Promise<void> {
    const deleted = await pgRun(this.sql, 'DELETE FROM report_definitions WHERE id = $1', [id]);
    if (deleted === 0) throw new OcmError('not-found', `No saved report with id ${id}.`);
  }
}
