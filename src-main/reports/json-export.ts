/**
 * Streams change rows as one JSON array (valid JSON however many rows, written without holding them)
 * or as NDJSON (one object per line, for `jq` and log tools).
 */
import type { ChangeRow } from '../common/model';
import { fieldChangeLines } from './csv';
import { forEachRow, type RowIterable, type StreamOptions, type TextSink } from './row-stream';

/** The JSON shape of one exported row: the ChangeRow itself, with absent optional fields omitted. */
export function changeJson(row: ChangeRow): string {
  return JSON.stringify(row);
}

/**
 * The objects of one row in an export with one line per field change: the row without its `values`,
 * with one change's members (`field`, `label`, `type`, `old`, `new`, …) added; one object when it has none.
 */
export function fieldChangeJson(row: ChangeRow): string[] {
  const { values: _values, ...rest } = row;
  return fieldChangeLines(row).map((change) => JSON.stringify(change ? { ...rest, ...change } : rest));
}

/** Options of the JSON exporters. */
export interface JsonExportOptions extends StreamOptions {
  /** One object per field change (see {@link fieldChangeJson}). */
  fieldChanges?: boolean;
}

function objectsOf(row: ChangeRow, options: JsonExportOptions): string[] {
  return options.fieldChanges ? fieldChangeJson(row) : [changeJson(row)];
}

/** Writes `[`, the rows (or field changes) separated by commas (one per line), and `]`. Resolves to the number of rows. */
export async function writeChangesJson(rows: RowIterable, sink: TextSink, options: JsonExportOptions = {}): Promise<number> {
  await sink.write('[');
  let first = true;
  const count = await forEachRow(
    rows,
    (row) => {
      const text = (first ? '\n' : ',\n') + objectsOf(row, options).join(',\n');
      first = false;
      return sink.write(text);
    },
    options,
  );
  await sink.write(first ? ']\n' : '\n]\n');
  return count;
}

/** Writes one JSON object per line (per row, or per field change). Resolves to the number of rows. */
export async function writeChangesNdjson(rows: RowIterable, sink: TextSink, options: JsonExportOptions = {}): Promise<number> {
  return forEachRow(rows, (row) => sink.write(`${objectsOf(row, options).join('\n')}\n`), options);
}
