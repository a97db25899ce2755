/** Streams change rows as CSV. */
import type { InstanceId } from '../common/model';
import { CHANGE_EXPORT_COLUMNS, FIELD_CHANGE_COLUMNS, UTF8_BOM, changeCells, csvLine, fieldChangeCells, fieldChangeLines } from './csv';
import { forEachRow, type RowIterable, type StreamOptions, type TextSink } from './row-stream';

/** Options of {@link writeChangesCsv}. */
export interface CsvExportOptions extends StreamOptions {
  /** Start with a UTF-8 BOM so Excel reads Arabic text correctly. */
  bom?: boolean;
  /** Display names of instances, for the `instance` column (the id is used when missing). */
  instanceNames?: ReadonlyMap<InstanceId, string>;
  /** One line per field change (old → new), with the field columns after the row's. */
  fieldChanges?: boolean;
}

/** Writes a header and one line per row (or per field change); resolves to the number of rows. */
export async function writeChangesCsv(rows: RowIterable, sink: TextSink, options: CsvExportOptions = {}): Promise<number> {
  const names = options.instanceNames;
  const header = options.fieldChanges ? [...CHANGE_EXPORT_COLUMNS, ...FIELD_CHANGE_COLUMNS] : CHANGE_EXPORT_COLUMNS;
  await sink.write((options.bom ? UTF8_BOM : '') + csvLine(header));
  if (!options.fieldChanges) return forEachRow(rows, (row) => sink.write(csvLine(changeCells(row, names?.get(row.instanceId)))), options);
  return forEachRow(
    rows,
    (row) => {
      const cells = changeCells(row, names?.get(row.instanceId));
      return sink.write(fieldChangeLines(row).map((change) => csvLine([...cells, ...fieldChangeCells(change)])).join(''));
    },
    options,
  );
}
