/**
 * CSV encoding (RFC 4180) that is safe to open in a spreadsheet: a cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return is prefixed with `'` so Excel and LibreOffice treat it as text instead
 * of evaluating it as a formula (CSV/formula injection, OWASP).
 */
import type { ChangeRow } from '../common/model';

/** A cell value before encoding; undefined and null become empty cells. */
export type CsvValue = string | number | boolean | null | undefined;

/** The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8 (Arabic text). */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Encodes one cell: neutralises formula starters, then quotes when the cell holds `"`, `,`, CR or LF. */
export function csvCell(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  // Numbers are safe even when negative: a spreadsheet reads -3 as a number, not a formula.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = typeof value === 'boolean' ? (value ? 'true' : 'false') : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record terminated by CRLF, as RFC 4180 asks. */
export function csvLine(values: readonly CsvValue[]): string {
  let line = '';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) line += ',';
    line += csvCell(values[index]);
  }
  return `${line}\r\n`;
}

/** Column names of a change export, in order (the same as `ocm changes --csv`). */
export const CHANGE_COLUMNS = [
  'instance',
  'instance_id',
  'timestamp',
  'model',
  'record_id',
  'event',
  'server_id',
  'user',
  'changed_fields',
  'change_count',
  'first_seen_at',
  'removed_at',
  'removed_by',
] as const;

/** The cells of one change row, in {@link CHANGE_COLUMNS} order. */
export function changeCells(row: ChangeRow, instanceName: string | undefined): CsvValue[] {
  return [
    instanceName ?? row.instanceId,
    row.instanceId,
    row.timestamp,
    row.model,
    row.recordId,
    row.event,
    row.serverId,
    row.userName,
    row.changedFields?.join(' '),
    row.changeCount,
    row.firstSeenAt,
    row.removedAt,
    row.removedBy,
  ];
}
