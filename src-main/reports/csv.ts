/** CSV records of change rows (the cell encoding, safe from formula injection, is in common/csv.ts). */
import { csvCell, type CsvValue } from '../common/csv';
import type { ChangeRow } from '../common/model';

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
