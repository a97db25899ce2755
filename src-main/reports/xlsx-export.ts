/**
 * Streams change rows into an XLSX workbook (exceljs WorkbookWriter): a summary sheet (counts per
 * instance, model and event) first, then the data sheet. Rows are committed as they come and the writer
 * waits for the output stream to drain, so memory stays bounded. The summary must be known before the
 * rows (the zip is written in sheet order): it comes from the store's aggregates or a counting pass.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { InstanceId } from '../common/model';
import { changeTexts, ENGLISH_VALUE_WORDS } from '../common/field-values';
import { CHANGE_EXPORT_COLUMNS, FIELD_CHANGE_COLUMNS, fieldChangeLines } from './csv';
import type { SummaryRow } from './report-data';
import { forEachRow, throwIfAborted, type RowIterable, type StreamOptions } from './row-stream';
import { reportStrings, type ReportLanguage } from './strings';

/** Options of {@link writeChangesXlsx}. */
export interface XlsxExportOptions extends StreamOptions {
  summary: readonly SummaryRow[];
  instanceNames?: ReadonlyMap<InstanceId, string>;
  /** Language of the summary sheet's labels (default English). */
  language?: ReportLanguage;
  /** One line per field change (old → new), with the field columns after the row's. */
  fieldChanges?: boolean;
}

/** Columns written as Excel dates (UTC). */
const DATE_COLUMNS: ReadonlySet<string> = new Set(['timestamp', 'first_seen_at', 'removed_at']);

/** Rows between yields to the zip pipeline. */
const YIELD_EVERY = 1000;

/** Writes the workbook to `out` and ends it. Resolves to the number of data rows. */
export async function writeChangesXlsx(rows: RowIterable, out: Writable, options: XlsxExportOptions): Promise<number> {
  const strings = reportStrings(options.language ?? 'en');
  const names = options.instanceNames;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Odoo Change Monitor';

  const summary = workbook.addWorksheet('Summary', { views: [{ state: 'frozen', ySplit: 1, rightToLeft: options.language === 'ar' }] });
  summary.columns = [
    { header: strings.instance, key: 'instance', width: 28 },
    { header: strings.model, key: 'model', width: 24 },
    { header: strings.event, key: 'event', width: 12 },
    { header: strings.count, key: 'count', width: 12 },
  ];
  summary.getRow(1).font = { bold: true };
  let total = 0;
  for (const row of options.summary) {
    summary.addRow({ instance: names?.get(row.instanceId) ?? row.instanceId, model: row.model, event: row.event, count: row.count }).commit();
    total += row.count;
  }
  const totalRow = summary.addRow({ instance: strings.totalChanges, count: total });
  totalRow.font = { bold: true };
  totalRow.commit();
  summary.commit();

  const data = workbook.addWorksheet('Changes', { views: [{ state: 'frozen', ySplit: 1 }] });
  const columns: string[] = options.fieldChanges ? [...CHANGE_EXPORT_COLUMNS, ...FIELD_CHANGE_COLUMNS] : [...CHANGE_EXPORT_COLUMNS];
  data.columns = columns.map((column) => ({
    header: column,
    key: column,
    width: column === 'instance' || column === 'changed_fields' || column.endsWith('_value') ? 24 : DATE_COLUMNS.has(column) ? 20 : 14,
    style: DATE_COLUMNS.has(column) ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
  }));
  data.getRow(1).font = { bold: true };
  data.getRow(1).commit();

  let sinceYield = 0;
  const count = await forEachRow(
    rows,
    (row) => {
      const cells = [
        // In CHANGE_EXPORT_COLUMNS order.
        names?.get(row.instanceId) ?? row.instanceId,
        row.instanceId,
        new Date(row.timestamp),
        row.model,
        row.recordId,
        row.event,
        row.serverId,
        row.userName ?? null,
        row.changedFields?.join(' ') ?? null,
        row.changeCount ?? null,
        new Date(row.firstSeenAt),
        row.removedAt ? new Date(row.removedAt) : null,
        row.removedBy ?? null,
      ];
      for (const change of options.fieldChanges ? fieldChangeLines(row) : [undefined]) {
        const texts = change ? changeTexts(change, ENGLISH_VALUE_WORDS) : undefined;
        const fieldCells = options.fieldChanges ? [change?.field ?? null, change?.label ?? null, change?.type ?? null, texts?.old ?? null, texts?.new ?? null] : [];
        data.addRow([...cells, ...fieldCells]).commit();
      }
      if (++sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        return letZipDrain(out);
      }
    },
    options,
  );
  throwIfAborted(options.signal);
  data.commit();
  await workbook.commit();
  return count;
}

/** Gives the zip pipeline a turn and waits while the output is over its high-water mark. */
async function letZipDrain(out: Writable): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (out.writableNeedDrain) await once(out, 'drain');
}
