/**
 * `ocm export --format csv|json|ndjson|xlsx|html|pdf [filters] --out FILE [--bom] [--lang ar]`: exports
 * the mirrored changes matching the filters (streamed: millions of rows in bounded memory), or renders
 * the HTML/PDF report. Saved report definitions can be listed, saved and re-run.
 */
import { OcmError } from '../../../common/errors';
import type { ExportFormat, ExportRequest, ExportResult, Progress } from '../../../common/model';
import type { IReportService } from '../../../common/services';
import type { ReportService } from '../../../reports/report-service';
import { dataDirectory } from '../../../store/data-directory';
import { readStoreFor, type ReadStore } from '../../../store/queries/read-store';
import { composeReports } from '../../compose';
import { flag, option, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { changeFilter } from './changes';
import { openCliMirror } from './mirror-context';

/** The report service as the CLI uses it (ReportService satisfies it). */
export type CliReportService = IReportService & Pick<ReportService, 'runDefinition'>;

/** What `ocm export` works with; closed when the command ends. */
export interface ExportCliContext {
  reports: CliReportService;
  /** Instance names for `--instance`. */
  store: ReadStore;
  close(): void | Promise<void>;
}

/** Opens an {@link ExportCliContext} for the command's environment. */
export type OpenExportCliContext = (io: CliIo) => Promise<ExportCliContext>;

/** The default context: the store in $OCM_HOME; files without --out go to $OCM_HOME/downloads. */
export const openExportCliContext: OpenExportCliContext = async (io) => {
  const mirror = await openCliMirror(io);
  const reports = composeReports(mirror, { dataDir: dataDirectory(io.env) });
  return { reports, store: readStoreFor(mirror.store.db), close: () => mirror.close() };
};

const FORMATS: readonly ExportFormat[] = ['csv', 'json', 'ndjson', 'xlsx', 'html', 'pdf'];

const usage = `Usage: ocm export --format csv|json|ndjson|xlsx|html|pdf [filters] --out FILE [--bom] [--lang en|ar] [--title TEXT]
       ocm export --report NAME [--out FILE]        re-run a saved report
       ocm export ... --save NAME                    save the report definition (and export when --out is given)
       ocm export --list-reports

Exports the mirrored changes matching the filters, oldest first, including rows since removed from the
server. csv/json/ndjson/xlsx hold the rows; html/pdf are a summary report (per instance, model and event,
a chart, the most-changed records and error groups).
  filters        as for \`ocm changes\`: --instance, --model, --event, --record-id, --since, --until,
                 --text, --user, --removed | --present
  --bom          CSV only: start with a UTF-8 byte-order mark (Excel and Arabic text)
  --lang ar      HTML/PDF/XLSX summary in Arabic (right to left)
  Without --out (with --report) the file is written to $OCM_HOME/downloads.`;

/** Creates `ocm export` over `open` (the default opens the store in $OCM_HOME). */
export function createExportCommand(open: OpenExportCliContext = openExportCliContext): CliCommand {
  return {
    path: ['export'],
    summary: 'Export changes as CSV, JSON, NDJSON, XLSX, or an HTML/PDF report',
    usage,
    async run(args, io) {
      const context = await open(io);
      try {
        if (flag(args, 'list-reports')) {
          const definitions = await context.reports.listDefinitions();
          if (!definitions.length) io.out('No saved reports. Save one with `ocm export ... --save NAME`.');
          for (const definition of definitions) io.out(`${definition.name}  (${definition.request.format}, id ${definition.id})`);
          return 0;
        }
        const outPath = option(args, 'out');
        if (args.options.has('out') && !outPath) usageError('--out needs a file name.', usage);
        const report = option(args, 'report');
        if (report !== undefined) {
          const result = await withExportProgress(context.reports, io, () => context.reports.runDefinition(report, { outPath }));
          return printResult(io, result);
        }
        const request = requestFrom(args, context.store);
        const saveName = option(args, 'save');
        if (saveName !== undefined) {
          const saved = await context.reports.saveDefinition({ name: saveName, request });
          io.out(`Saved report "${saved.name}" (id ${saved.id}). Re-run it with: ocm export --report "${saved.name}" --out FILE`);
          if (!outPath) return 0;
        }
        if (!outPath) usageError('--out FILE is required.', usage);
        const result = await withExportProgress(context.reports, io, () => context.reports.export({ ...request, outPath }));
        return printResult(io, result);
      } finally {
        await context.close();
      }
    },
  };
}

/** The export request the options describe (without the output path). */
export function requestFrom(args: ParsedArgs, store: ReadStore): Omit<ExportRequest, 'outPath'> {
  const format = option(args, 'format') as ExportFormat | undefined;
  if (!format) usageError('--format is required (csv, json, ndjson, xlsx, html or pdf).', usage);
  if (!FORMATS.includes(format)) usageError(`Unknown format "${format}": use csv, json, ndjson, xlsx, html or pdf.`, usage);
  const language = option(args, 'lang') ?? 'en';
  if (language !== 'en' && language !== 'ar') usageError('--lang must be en or ar.', usage);
  if (flag(args, 'bom') && format !== 'csv') usageError('--bom applies to --format csv only.', usage);
  const request: Omit<ExportRequest, 'outPath'> = { format, filter: changeFilter(args, store, Date.now()), language };
  if (flag(args, 'bom')) request.bom = true;
  const title = option(args, 'title');
  if (title) request.title = title;
  // An empty filter field is noise in a saved definition.
  for (const [key, value] of Object.entries(request.filter)) if (value === undefined || (key === 'presence' && value === 'all')) delete (request.filter as Record<string, unknown>)[key];
  return request;
}

async function withExportProgress(reports: CliReportService, io: CliIo, work: () => Promise<ExportResult>): Promise<ExportResult> {
  let jobId: string | undefined;
  let lastShown = 0;
  const cancel = (): void => {
    if (jobId) void reports.cancel(jobId);
  };
  const subscription = reports.onDidProgress((progress: Progress) => {
    jobId = progress.jobId;
    if (io.interrupted.aborted) cancel();
    if (io.isTty && progress.phase === 'rows' && progress.done - lastShown >= 100_000) {
      lastShown = progress.done;
      io.err(`Exported ${progress.done.toLocaleString('en-US')}${progress.total ? ` of ${progress.total.toLocaleString('en-US')}` : ''} rows…`);
    }
  });
  io.interrupted.addEventListener('abort', cancel, { once: true });
  try {
    return await work();
  } catch (error) {
    if (io.interrupted.aborted) throw new OcmError('cancelled', 'Interrupted; no file was written.');
    if (error instanceof OcmError && error.code === 'browser-missing') {
      throw new OcmError(error.code, error.message, { hint: `${error.hint} For HTML, run the same command with --format html --out FILE.html.` });
    }
    throw error;
  } finally {
    subscription.dispose();
    io.interrupted.removeEventListener('abort', cancel);
  }
}

function printResult(io: CliIo, result: ExportResult): number {
  io.out(`Exported ${result.rows.toLocaleString('en-US')} rows to ${result.path} (${result.bytes.toLocaleString('en-US')} bytes).`);
  return 0;
}

/** `ocm export` over the store in $OCM_HOME. */
export const exportCommand: CliCommand = createExportCommand();
