/** CSV records of change rows (the cell encoding, safe from formula injection, is in common/csv.ts). */
import { csvCell, type CsvValue } from '../common/csv';
import { changeTexts, ENGLISH_VALUE_WORDS } from '../common/field-values';
import type { ChangeRow, FieldChange } from '../common/model';

export { csvCell, UTF8_BOM, type CsvValue } from '../common/csv';

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
export const CHANGE_EXPORT_COLUMNS = [
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

/** Columns added by an export with one line per field change, after {@link CHANGE_EXPORT_COLUMNS}. */
export const FIELD_CHANGE_COLUMNS = ['field', 'field_label', 'field_type', 'old_value', 'new_value'] as const;

/**
 * The lines a row becomes in an export with one line per field change: each change of its values, or
 * one line without a change (creates, deletes, rows whose source knows no values).
 */
export function fieldChangeLines(row: ChangeRow): (FieldChange | undefined)[] {
  return row.values?.length ? row.values : [undefined];
}

/** The cells of one field change, in {@link FIELD_CHANGE_COLUMNS} order (empty for a row without one). */
export function fieldChangeCells(change: FieldChange | undefined): CsvValue[] {
  if (!change) return [undefined, undefined, undefined, undefined, undefined];
  const texts = changeTexts(change, ENGLISH_VALUE_WORDS);
  return [change.field, change.label, change.type, texts.old, texts.new];
}

/** The cells of one change row, in {@link CHANGE_EXPORT_COLUMNS} order. */
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
