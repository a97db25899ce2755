/** Saved report definitions, in the store's `report_definitions` table. */
import { randomUUID } from 'node:crypto';
import type { SqlDatabase } from '../store/database';
import { OcmError } from '../common/errors';
import type { ExportFormat, ReportDefinition } from '../common/model';

const FORMATS: ReadonlySet<ExportFormat> = new Set(['csv', 'json', 'ndjson', 'xlsx', 'html', 'pdf']);

/** CRUD over `report_definitions`; names are unique (case-insensitive) so the CLI can run one by name. */
export class ReportDefinitionStore {
  constructor(private readonly db: SqlDatabase) {}

  /** All definitions, by name. */
  list(): ReportDefinition[] {
    const rows = this.db.prepare('SELECT id, name, request FROM report_definitions ORDER BY name COLLATE NOCASE').all() as DefinitionRow[];
    return rows.map(toDefinition);
  }

  /** One definition by id or (case-insensitive) name. */
  find(idOrName: string): ReportDefinition | undefined {
    const row = this.db
      .prepare('SELECT id, name, request FROM report_definitions WHERE id = ? OR name = ? COLLATE NOCASE ORDER BY id = ? DESC LIMIT 1')
      .get(idOrName, idOrName, idOrName) as DefinitionRow | undefined;
    return row ? toDefinition(row) : undefined;
  }

  /** Inserts or replaces; rejects 'invalid-input' for a bad request and 'conflict' for a taken name. */
  save(definition: Omit<ReportDefinition, 'id'> & { id?: string }): ReportDefinition {
    const name = definition.name?.trim();
    if (!name) throw new OcmError('invalid-input', 'A report definition needs a name.');
    if (!FORMATS.has(definition.request?.format)) {
      throw new OcmError('invalid-input', `Unknown export format "${String(definition.request?.format)}".`, { hint: 'Use csv, json, ndjson, xlsx, html or pdf.' });
    }
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
