/**
 * `ocm export --format csv|json|ndjson|xlsx|html|pdf [filters] --out FILE [--bom] [--lang ar]`: exports
 * the mirrored changes matching the filters (streamed: millions of rows in bounded memory), or renders
 * the HTML/PDF report. Saved report definitions can be listed, saved and re-run.
 */
import { OcmError } from '../../../common/errors';
import type { ExportFormat, ExportRequest, ExportResult, Progress, ReportDefinition } from '../../../common/model';
import type { IReportService } from '../../../common/services';
import { instanceLookup, openServices, type InstanceLookup, type OpenServices } from '../cli-services';
import { choice, FLAG, flag, option, VALUE, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { CHANGE_FILTER_OPTIONS, changeFilter } from './changes';

const FORMATS: readonly ExportFormat[] = ['csv', 'json', 'ndjson', 'xlsx', 'html', 'pdf'];

const usage = `Usage: ocm export --format csv|json|ndjson|xlsx|html|pdf [filters] --out FILE [--bom] [--lang en|ar] [--title TEXT] [--field-changes]
       ocm export --report NAME [--out FILE]        re-run a saved report
       ocm export ... --save NAME                    save the report definition (and export when --out is given)
       ocm export --list-reports

Exports the mirrored changes matching the filters, oldest first, including rows since removed from the
server. csv/json/ndjson/xlsx hold the rows; html/pdf are a summary report (per instance, model and event,
a chart, the most-changed records and error groups).
  filters        as for \`ocm changes\`: --instance, --model, --event, --record-id, --since, --until,
                 --text, --user, --field, --value, --removed | --present
  --bom          CSV only: start with a UTF-8 byte-order mark (Excel and Arabic text)
  --field-changes  csv/json/ndjson/xlsx: one line per field change, with the field, its label and type,
                 the old and the new value (rows without values keep one line); html/pdf always show
                 the newest value changes
  --lang ar      HTML/PDF/XLSX summary in Arabic (right to left)
  Without --out (with --report) the file is written to $OCM_HOME/downloads.`;

/** Creates `ocm export` over the services `open` gives (default: the mirror in $OCM_HOME). */
export function createExportCommand(open: OpenServices = openServices): CliCommand {
  return {
    path: ['export'],
    summary: 'Export changes as CSV, JSON, NDJSON, XLSX, or an HTML/PDF report',
    usage,
    options: {
      ...CHANGE_FILTER_OPTIONS,
      format: choice(FORMATS),
      out: VALUE,
      bom: FLAG,
      lang: choice(['en', 'ar']),
      title: VALUE,
      report: VALUE,
      save: VALUE,
      'list-reports': FLAG,
      'field-changes': FLAG,
    },
    async run(args, io) {
      const app = await open(io);
      try {
        const { reports, instances } = app.services;
        if (flag(args, 'list-reports')) {
          const definitions = await reports.listDefinitions();
          if (!definitions.length) io.out('No saved reports. Save one with `ocm export ... --save NAME`.');
          for (const definition of definitions) io.out(`${definition.name}  (${definition.request.format}, id ${definition.id})`);
          return 0;
        }
        const outPath = option(args, 'out');
        if (args.options.has('out') && !outPath) usageError('--out needs a file name.', usage);
        const report = option(args, 'report');
        if (report !== undefined) {
          const definition = savedReport(await reports.listDefinitions(), report);
          const result = await withExportProgress(reports, io, () => reports.export({ title: definition.name, ...definition.request, outPath }));
          return printResult(io, result);
        }
        const request = requestFrom(args, instanceLookup(await instances.list({ includeRemoved: true })));
        const saveName = option(args, 'save');
        if (saveName !== undefined) {
          const saved = await reports.saveDefinition({ name: saveName, request });
          io.out(`Saved report "${saved.name}" (id ${saved.id}). Re-run it with: ocm export --report "${saved.name}" --out FILE`);
          if (!outPath) return 0;
        }
        if (!outPath) usageError('--out FILE is required.', usage);
        const result = await withExportProgress(reports, io, () => reports.export({ ...request, outPath }));
        return printResult(io, result);
      } finally {
        await app.close();
      }
    },
  };
}

/** A saved report by id, or by name (case-insensitive). */
function savedReport(definitions: readonly ReportDefinition[], idOrName: string): ReportDefinition {
  const found = definitions.find((definition) => definition.id === idOrName) ?? definitions.find((definition) => definition.name.toLowerCase() === idOrName.toLowerCase());
  if (!found) throw new OcmError('not-found', `No saved report named or numbered "${idOrName}".`, { hint: 'List them with `ocm export --list-reports`.' });
  return found;
}

/** The export request the options describe (without the output path). */
export function requestFrom(args: ParsedArgs, lookup: InstanceLookup): Omit<ExportRequest, 'outPath'> {
  const format = option(args, 'format') as ExportFormat | undefined;
  if (!format) usageError('--format is required (csv, json, ndjson, xlsx, html or pdf).', usage);
  if (!FORMATS.includes(format)) usageError(`Unknown format "${format}": use csv, json, ndjson, xlsx, html or pdf.`, usage);
  const language = option(args, 'lang') ?? 'en';
  if (language !== 'en' && language !== 'ar') usageError('--lang must be en or ar.', usage);
  if (flag(args, 'bom') && format !== 'csv') usageError('--bom applies to --format csv only.', usage);
  if (flag(args, 'field-changes') && (format === 'html' || format === 'pdf')) {
    usageError('--field-changes applies to csv, json, ndjson and xlsx: the html and pdf reports always have a "value changes" section.', usage);
  }
  const request: Omit<ExportRequest, 'outPath'> = { format, filter: changeFilter(args, lookup, Date.now()), language };
  if (flag(args, 'bom')) request.bom = true;
  if (flag(args, 'field-changes')) request.fieldChanges = true;
  const title = option(args, 'title');
  if (title) request.title = title;
  // An empty filter field is noise in a saved definition.
  for (const [key, value] of Object.entries(request.filter)) if (value === undefined || (key === 'presence' && value === 'all')) delete (request.filter as Record<string, unknown>)[key];
  return request;
}

async function withExportProgress(reports: IReportService, io: CliIo, work: () => Promise<ExportResult>): Promise<ExportResult> {
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

/** `ocm export` over the mirror in $OCM_HOME. */
export const exportCommand: CliCommand = createExportCommand();
