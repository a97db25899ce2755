/** Streams change rows as CSV. */
import type { InstanceId } from '../common/model';
import { CHANGE_EXPORT_COLUMNS, UTF8_BOM, changeCells, csvLine } from './csv';
import { forEachRow, type RowIterable, type StreamOptions, type TextSink } from './row-stream';

/** Options of {@link writeChangesCsv}. */
export interface CsvExportOptions extends StreamOptions {
  /** Start with a UTF-8 BOM so Excel reads Arabic text correctly. */
  bom?: boolean;
  /** Display names of instances, for the `instance` column (the id is used when missing). */
  instanceNames?: ReadonlyMap<InstanceId, string>;
}

/** Writes a header and one line per row; resolves to the number of rows. */
export async function writeChangesCsv(rows: RowIterable, sink: TextSink, options: CsvExportOptions = {}): Promise<number> {
  const names = options.instanceNames;
  await sink.write((options.bom ? UTF8_BOM : '') + csvLine(CHANGE_EXPORT_COLUMNS));
  return forEachRow(rows, (row) => sink.write(csvLine(changeCells(row, names?.get(row.instanceId)))), options);
}
