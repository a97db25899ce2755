/**
 * Streams change rows into an XLSX workbook (exceljs WorkbookWriter): a summary sheet (counts per
 * instance, model and event) first, then the data sheet. The workbook is for people: headers in the
 * report's language, instances by name (never the internal id), events in words, a frozen header row and
 * an autofilter (CSV and JSON keep the machine-friendly column names). Rows are committed as they come
 * and the writer waits for the output stream to drain, so memory stays bounded. The summary must be
 * known before the rows (the zip is written in sheet order): it comes from the store's aggregates or a
 * counting pass.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ChangeRow, FieldChange, InstanceId } from '../common/model';
import { changeTexts } from '../common/field-values';
import { fieldChangeLines } from './csv';
import type { SummaryRow } from './report-data';
import type { ErrorLogCoverage } from './report-instances';
import { forEachRow, throwIfAborted, type RowIterable, type StreamOptions } from './row-stream';
import { errorLogNote, reportStrings, reportTitle, type ReportLanguage, type ReportStrings } from './strings';

/** Options of {@link writeChangesXlsx}. */
export interface XlsxExportOptions extends StreamOptions {
  summary: readonly SummaryRow[];
  instanceNames?: ReadonlyMap<InstanceId, string>;
  /** Language of the sheets' labels (default English). */
  language?: ReportLanguage;
  /** The workbook's title (document properties); default the language's report title. */
  title?: string;
  /** One line per field change (old → new), with the field columns after the row's. */
  fieldChanges?: boolean;
  /** Whose error logs were read: the summary sheet names each one that was not, and why. */
  errorLogs?: ErrorLogCoverage;
}

/** One column of the data sheet: its header (from the catalogue), width, and cell for a row. */
interface DataColumn {
  header: keyof ReportStrings['columns'];
  width: number;
  /** Written as an Excel date (UTC). */
  date?: boolean;
  cell(row: ChangeRow, context: { strings: ReportStrings; instanceName: string; change?: FieldChange }): ExcelJS.CellValue;
}

/** The data sheet, in order. */
const DATA_COLUMNS: readonly DataColumn[] = [
  { header: 'instance', width: 24, cell: (_row, { instanceName }) => instanceName },
  { header: 'timeUtc', width: 20, date: true, cell: (row) => new Date(row.timestamp) },
  { header: 'model', width: 22, cell: (row) => row.model },
  { header: 'modelName', width: 20, cell: (row, { strings }) => strings.modelNames[row.model] ?? null },
  { header: 'recordId', width: 12, cell: (row) => row.recordId },
  { header: 'event', width: 12, cell: (row, { strings }) => strings.eventNames[row.event] },
  { header: 'user', width: 20, cell: (row) => row.userName ?? null },
  { header: 'changedFields', width: 28, cell: (row) => row.changedFields?.join(', ') ?? null },
  { header: 'timesChanged', width: 12, cell: (row) => row.changeCount ?? null },
  { header: 'logRowId', width: 12, cell: (row) => row.serverId },
  { header: 'firstSeenUtc', width: 20, date: true, cell: (row) => new Date(row.firstSeenAt) },
  { header: 'removedUtc', width: 20, date: true, cell: (row) => (row.removedAt ? new Date(row.removedAt) : null) },
  { header: 'removedBy', width: 16, cell: (row, { strings }) => (row.removedBy ? strings.removedByNames[row.removedBy] : null) },
];

/** The field columns of an export with one line per field change (empty on a line without a change). */
const FIELD_COLUMNS: readonly DataColumn[] = [
  { header: 'field', width: 22, cell: (_row, { change }) => change?.label ?? change?.field ?? null },
  { header: 'fieldName', width: 20, cell: (_row, { change }) => change?.field ?? null },
  { header: 'oldValue', width: 28, cell: (_row, { change, strings }) => (change ? changeTexts(change, strings.valueWords).old : null) },
  { header: 'newValue', width: 28, cell: (_row, { change, strings }) => (change ? changeTexts(change, strings.valueWords).new : null) },
];

/** Rows between yields to the zip pipeline. */
const YIELD_EVERY = 1000;

/** Writes the workbook to `out` and ends it. Resolves to the number of data rows. */
export async function writeChangesXlsx(rows: RowIterable, out: Writable, options: XlsxExportOptions): Promise<number> {
  const strings = reportStrings(options.language ?? 'en');
  const names = options.instanceNames;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Odoo Change Monitor';
  workbook.title = reportTitle(options.language ?? 'en', options.title);

  const rightToLeft = options.language === 'ar';
  const summary = workbook.addWorksheet(strings.summary, { views: [{ state: 'frozen', ySplit: 1, rightToLeft }] });
  summary.columns = [
    { header: strings.instance, key: 'instance', width: 28 },
    { header: strings.model, key: 'model', width: 24 },
    { header: strings.event, key: 'event', width: 12 },
    { header: strings.count, key: 'count', width: 12 },
  ];
  summary.getRow(1).font = { bold: true };
  let total = 0;
  for (const row of options.summary) {
    summary.addRow({ instance: names?.get(row.instanceId) ?? row.instanceId, model: row.model, event: strings.eventNames[row.event], count: row.count }).commit();
    total += row.count;
  }
  const totalRow = summary.addRow({ instance: strings.totalChanges, count: total });
  totalRow.font = { bold: true };
  totalRow.commit();
  for (const log of options.errorLogs?.unread ?? []) {
    summary.addRow({ instance: errorLogNote(strings, names?.get(log.instanceId) ?? log.instanceId, log.state) }).commit();
  }
  summary.commit();

  const data = workbook.addWorksheet(strings.changes, { views: [{ state: 'frozen', ySplit: 1, rightToLeft }] });
  const columns = options.fieldChanges ? [...DATA_COLUMNS, ...FIELD_COLUMNS] : DATA_COLUMNS;
  // Filter buttons on the header row; Excel extends the filter over the rows below it.
  data.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  data.columns = columns.map((column) => ({
    header: strings.columns[column.header],
    key: column.header,
    width: column.width,
    style: column.date ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
  }));
  data.getRow(1).font = { bold: true };
  data.getRow(1).commit();

  let sinceYield = 0;
  const count = await forEachRow(
    rows,
    (row) => {
      const context = { strings, instanceName: names?.get(row.instanceId) ?? row.instanceId };
      const cells = DATA_COLUMNS.map((column) => column.cell(row, context));
      if (!options.fieldChanges) data.addRow(cells).commit();
      else for (const change of fieldChangeLines(row)) data.addRow([...cells, ...FIELD_COLUMNS.map((column) => column.cell(row, { ...context, change }))]).commit();
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
