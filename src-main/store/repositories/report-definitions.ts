/** Saved report definitions, in the store's `report_definitions` table. */
import { randomUUID } from 'node:crypto';
import { OcmError } from '../../common/errors';
import type { ReportDefinition } from '../../common/model';
import type { SqlDatabase } from '../database';

/** CRUD over `report_definitions`; names are unique (case-insensitive) so the CLI can run one by name. */
export class ReportDefinitionRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** All definitions, by name. */
  list(): ReportDefinition[] {
    const rows = this.db.prepare('SELECT id, name, request FROM report_definitions ORDER BY name COLLATE NOCASE').all() as DefinitionRow[];
    return rows.map(toDefinition);
  }

  /** Inserts or replaces (the caller checked the request); rejects 'conflict' for a taken name. */
  save(definition: Omit<ReportDefinition, 'id'> & { id?: string }): ReportDefinition {
    const name = definition.name.trim();
    const id = definition.id ?? randomUUID();
    const clash = this.db.prepare('SELECT id FROM report_definitions WHERE name = ? COLLATE NOCASE AND id <> ?').get(name, id) as { id: string } | undefined;
    if (clash) throw new OcmError('conflict', `A report named "${name}" already exists.`, { hint: 'Choose another name or edit that report.' });
    // outPath is never saved: a definition is re-run to a place chosen at run time.
    const { outPath: _ignored, ...request } = definition.request as ReportDefinition['request'] & { outPath?: string };
    this.db.prepare('INSERT INTO report_definitions (id, name, request) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, request = excluded.request').run(id, name, JSON.stringify(request));
    return { id, name, request };
  }

  /** Deletes a definition; rejects 'not-found' when it does not exist. */
  delete(id: string): void {
    const result = this.db.prepare('DELETE FROM report_definitions WHERE id = ?').run(id);
    if (result.changes === 0) throw new OcmError('not-found', `No saved report with id ${id}.`);
  }
}

interface DefinitionRow {
  id: string;
  name: string;
  request: string;
}

function toDefinition(row: DefinitionRow): ReportDefinition {
  return { id: row.id, name: row.name, request: JSON.parse(row.request) as ReportDefinition['request'] };
}
