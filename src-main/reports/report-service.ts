/**
 * The export service: streams the rows matching a filter to CSV, JSON, NDJSON or XLSX, or renders the
 * HTML/PDF report, with progress events and cancellation, and keeps saved report definitions.
 * Files are written to `<path>.partial` and renamed when complete, so a cancelled or failed export
 * never leaves a file that looks finished.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OcmError, toOcmError } from '../common/errors';
import { Emitter, type Event } from '../common/event';
import type {
  ChangeFilter,
  ErrorFilter,
  ErrorGroup,
  ExportFormat,
  ExportRequest,
  ExportResult,
  InstanceId,
  PdfEngineStatus,
  Progress,
  ReportDefinition,
} from '../common/model';
import type { IReportService } from '../common/services';
import type { ReportDefinitionsPort } from '../store/ports';
import { writeChangesCsv } from './csv-export';
import { renderHtmlReport } from './html-report';
import { JobRegistry } from '../common/jobs';
import { writeChangesJson, writeChangesNdjson } from './json-export';
import { browserMissingError, ChromiumPdfRenderer, type PdfRenderer } from './pdf';
import { collectReportData, type SummaryRow } from './report-data';
import { errorLogCoverage, instanceLabels, type ErrorLogCoverage, type ReportInstance } from './report-instances';
import { reportStrings } from './strings';
import { TextSink, throwIfAborted, type RowIterable } from './row-stream';
import { writeChangesXlsx } from './xlsx-export';

/** Where a report's data comes from (the store's queries, or a fake in tests). */
export interface ReportDataSource {
  /** The rows matching `filter`, oldest first, streamed (never all in memory). */
  rows(filter: ChangeFilter): RowIterable;
  /** How many rows match (progress total); optional. */
  count?(filter: ChangeFilter): number | Promise<number>;
  /** Counts per instance, model and event from aggregates; without it XLSX makes a counting pass. */
  summary?(filter: ChangeFilter): readonly SummaryRow[] | Promise<readonly SummaryRow[]>;
  /** Error groups for the HTML/PDF report; without it the report says there are none. */
  errorGroups?(filter: ErrorFilter): readonly ErrorGroup[] | Promise<readonly ErrorGroup[]>;
  /** Display names of instances (by id); {@link instances} wins when given. */
  instanceNames?(): ReadonlyMap<InstanceId, string> | Promise<ReadonlyMap<InstanceId, string>>;
  /** Every instance with rows, removed ones included, and whether its error log was read. */
  instances?(): readonly ReportInstance[] | Promise<readonly ReportInstance[]>;
}

/** What {@link ReportService} is built from. */
export interface ReportServiceOptions {
  data: ReportDataSource;
  /** Where saved definitions are kept (the store's `report_definitions`). */
  definitions: ReportDefinitionsPort;
  /** Exports without `outPath` (browser mode) are written here; the folder is created on demand. */
  downloadsDirectory: string;
  /** PDF engine; default the workstation's Chromium-based browser (the Electron host passes a printToPDF renderer). */
  pdf?: PdfRenderer;
  /** Browser mode: turns a written file into a one-time download URL for the result. */
  downloadUrlFor?(filePath: string): string | undefined | Promise<string | undefined>;
  now?: () => Date;
}

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = { csv: 'csv', json: 'json', ndjson: 'ndjson', xlsx: 'xlsx', html: 'html', pdf: 'pdf' };

/** IReportService over a row source, a definitions table and a PDF renderer. */
export class ReportService implements IReportService {
  private readonly progress = new Emitter<Progress>();
  private readonly jobs = new JobRegistry('export');
  private readonly options: ReportServiceOptions;
  private readonly pdf: PdfRenderer;

  /** Fires while an export runs: phase 'prepare' | 'rows' | 'render' | 'done', rows done of total. */
  readonly onDidProgress: Event<Progress> = this.progress.event;

  constructor(options: ReportServiceOptions) {
    this.options = options;
    this.pdf = options.pdf ?? new ChromiumPdfRenderer();
  }

  async export(request: ExportRequest): Promise<ExportResult> {
    assertFormat(request.format);
    const { jobId, signal } = this.jobs.start();
    const target = request.outPath ? path.resolve(request.outPath) : await this.#downloadPath(request);
    const partial = `${target}.partial`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      this.progress.fire({ jobId, phase: 'prepare', done: 0 });
      const total = this.options.data.count ? await this.options.data.count(request.filter) : undefined;
      const onProgress = (done: number): void => this.progress.fire({ jobId, phase: 'rows', done, total });
      const rows = await this.#write(request, partial, { signal, onProgress, jobId });
      throwIfAborted(signal);
      await rename(partial, target);
      const bytes = (await stat(target)).size;
      this.progress.fire({ jobId, phase: 'done', done: rows, total: rows });
      const result: ExportResult = { jobId, rows, bytes, path: target };
      const url = request.outPath ? undefined : await this.options.downloadUrlFor?.(target);
      if (url) result.downloadUrl = url;
      return result;
    } catch (error) {
      await rm(partial, { force: true });
      if (signal.aborted) throw new OcmError('cancelled', 'The export was cancelled; no file was written.');
      throw wrapWriteError(error, target);
    } finally {
      this.jobs.finish(jobId);
    }
  }

  async cancel(jobId: string): Promise<void> {
    this.jobs.cancel(jobId);
  }

  async listDefinitions(): Promise<ReportDefinition[]> {
    return this.options.definitions.list();
  }

  async saveDefinition(definition: Omit<ReportDefinition, 'id'> & { id?: string }): Promise<ReportDefinition> {
    if (!definition.name?.trim()) throw new OcmError('invalid-input', 'A report definition needs a name.');
    assertFormat(definition.request?.format);
    return this.options.definitions.save(definition);
  }

  async deleteDefinition(id: string): Promise<void> {
    await this.options.definitions.delete(id);
  }

  async pdfEngine(): Promise<PdfEngineStatus> {
    return this.pdf.status();
  }

  async #write(request: ExportRequest, file: string, context: { signal: AbortSignal; onProgress: (rows: number) => void; jobId: string }): Promise<number> {
    const { data } = this.options;
    const stream = { signal: context.signal, onProgress: context.onProgress };
    const instances = data.instances ? await data.instances() : undefined;
    const names = instances ? instanceLabels(instances, reportStrings(request.language ?? 'en')) : data.instanceNames ? await data.instanceNames() : undefined;
    const errorLogs = instances ? errorLogCoverage(instances, request.filter) : undefined;
    switch (request.format) {
      case 'csv':
      case 'json':
      case 'ndjson': {
        const out = createWriteStream(file);
        const sink = new TextSink(out);
        try {
          const rows = data.rows(request.filter);
          const count =
            request.format === 'csv'
              ? await writeChangesCsv(rows, sink, { ...stream, bom: request.bom, instanceNames: names, fieldChanges: request.fieldChanges })
              : request.format === 'json'
                ? await writeChangesJson(rows, sink, { ...stream, fieldChanges: request.fieldChanges })
                : await writeChangesNdjson(rows, sink, { ...stream, fieldChanges: request.fieldChanges });
          await sink.end();
          return count;
        } catch (error) {
          out.destroy();
          throw error;
        }
      }
      case 'xlsx': {
        const summary = data.summary ? await data.summary(request.filter) : (await collectReportData(data.rows(request.filter), { topRecords: 0, signal: context.signal })).summary;
        const out = createWriteStream(file);
        try {
          return await writeChangesXlsx(data.rows(request.filter), out, { ...stream, summary, instanceNames: names, language: request.language, title: request.title, errorLogs, fieldChanges: request.fieldChanges });
        } finally {
          out.destroy();
        }
      }
      case 'html':
      case 'pdf': {
        if (request.format === 'pdf') {
          // Before reading any row: a missing browser must not cost a long report's whole pass.
          const engine = await this.pdf.status();
          if (!engine.available) throw browserMissingError(engine);
        }
        const { html, rows } = await this.#renderHtml(request, names ?? new Map(), errorLogs, stream);
        this.progress.fire({ jobId: context.jobId, phase: 'render', done: rows, total: rows });
        if (request.format === 'html') await writeFile(file, html);
        else await writeFile(file, await this.pdf.render(html, { signal: context.signal }));
        return rows;
      }
    }
  }

  async #renderHtml(
    request: ExportRequest,
    names: ReadonlyMap<InstanceId, string>,
    errorLogs: ErrorLogCoverage | undefined,
    stream: { signal: AbortSignal; onProgress: (rows: number) => void },
  ): Promise<{ html: string; rows: number }> {
    const { data } = this.options;
    const collected = await collectReportData(data.rows(request.filter), stream);
    const filter = request.filter;
    const errorGroups = data.errorGroups ? await data.errorGroups({ instanceIds: filter.instanceIds, models: filter.models, from: filter.from, to: filter.to }) : [];
    const html = renderHtmlReport({
      data: collected,
      language: request.language ?? 'en',
      title: request.title,
      generatedAt: (this.options.now ?? (() => new Date()))(),
      filter,
      instanceNames: names,
      errorGroups: [...errorGroups],
      errorLogs,
    });
    return { html, rows: collected.total };
  }

  async #downloadPath(request: ExportRequest): Promise<string> {
    const stamp = (this.options.now ?? (() => new Date()))().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const base = (request.title ?? 'changes').normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'changes';
    return path.join(this.options.downloadsDirectory, `${base}-${stamp}-${Math.random().toString(36).slice(2, 6)}.${EXTENSIONS[request.format]}`);
  }
}

function assertFormat(format: ExportFormat | undefined): void {
  if (format === undefined || !(format in EXTENSIONS)) {
    throw new OcmError('invalid-input', `Unknown export format "${String(format)}".`, { hint: 'Use csv, json, ndjson, xlsx, html or pdf.' });
  }
}

function wrapWriteError(error: unknown, target: string): OcmError {
  const failure = toOcmError(error);
  if (failure.code !== 'internal') return failure;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new OcmError('internal', `Could not write ${target}: ${failure.message}`, { hint: 'Check that the folder exists, is writable and has free space.', cause: error });
  }
  return failure;
}
