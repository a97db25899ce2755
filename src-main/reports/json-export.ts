/**
 * Streams change rows as one JSON array (valid JSON however many rows, written without holding them)
 * or as NDJSON (one object per line, for `jq` and log tools).
 */
import type { ChangeRow } from '../common/model';
import { forEachRow, type RowIterable, type StreamOptions, type TextSink } from './row-stream';

/** The JSON shape of one exported row: the ChangeRow itself, with absent optional fields omitted. */
export function changeJson(row: ChangeRow): string {
  return JSON.stringify(row);
}

/** Writes `[`, the rows separated by commas (one per line), and `]`. Resolves to the number of rows. */
export async function writeChangesJson(rows: RowIterable, sink: TextSink, options: StreamOptions = {}): Promise<number> {
  await sink.write('[');
  let first = true;
  const count = await forEachRow(
    rows,
    (row) => {
      const text = (first ? '\n' : ',\n') + changeJson(row);
      first = false;
      return sink.write(text);
    },
    options,
  );
  await sink.write(first ? ']\n' : '\n]\n');
  return count;
}

/** Writes one JSON object per line. Resolves to the number of rows. */
export async function writeChangesNdjson(rows: RowIterable, sink: TextSink, options: StreamOptions = {}): Promise<number> {
  return forEachRow(rows, (row) => sink.write(`${changeJson(row)}\n`), options);
}
