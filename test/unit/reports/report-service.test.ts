import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeFilter, Progress } from '../../../src-main/common/model';
import { ChromiumPdfRenderer, type PdfRenderer } from '../../../src-main/reports/pdf';
import { ReportService, type ReportDataSource } from '../../../src-main/reports/report-service';
import { generateRows, makeRows, migratedDatabase, scratchDirectory } from './fixtures';
import { ReportDefinitionRepository } from '../../../src-main/store/repositories/report-definitions';

const scratch = scratchDirectory();
let db: Database.Database;

beforeAll(() => {
  db = migratedDatabase(path.join(scratch.dir, 'mirror.sqlite'));
});
afterAll(() => {
  db.close();
  scratch.cleanup();
});

/** Rows filtered by model only, enough to see that the filter reaches the source. */
function source(count = 30): ReportDataSource & { filters: ChangeFilter[] } {
  const filters: ChangeFilter[] = [];
  return {
    filters,
    rows(filter) {
      filters.push(filter);
      const rows = makeRows(count);
      return filter.models ? rows.filter((row) => filter.models!.includes(row.model)) : rows;
    },
    count: (filter) => (filter.models ? makeRows(count).filter((row) => filter.models!.includes(row.model)).length : count),
    instanceNames: () => new Map([['i1', 'Main ERP']]),
  };
}

describe('ReportService', () => {
  it('exports to the given path and reports rows, bytes and progress', async () => {
    const service = new ReportService({ data: source(), definitions: new ReportDefinitionRepository(db), downloadsDirectory: path.join(scratch.dir, 'downloads') });
    const events: Progress[] = [];
    service.onDidProgress((progress) => events.push(progress));
    const outPath = path.join(scratch.dir, 'out', 'partners.csv');
    const result = await service.export({ format: 'csv', filter: { models: ['res.partner'] }, outPath, bom: true });
    expect(result).toMatchObject({ rows: 10, path: outPath });
    expect(result.bytes).toBe(readFileSync(outPath).length);
    expect(readFileSync(outPath, 'utf8').startsWith('\uFEFFinstance,')).toBe(true);
    expect(existsSync(`${outPath}.partial`)).toBe(false);
    expect(events[0]).toMatchObject({ jobId: result.jobId, phase: 'prepare' });
    expect(events.at(-1)).toEqual({ jobId: result.jobId, phase: 'done', done: 10, total: 10 });
  });

  it('writes into the downloads folder when no path is given (browser mode) and offers a URL', async () => {
    const downloads = path.join(scratch.dir, 'downloads');
    const service = new ReportService({
      data: source(),
      definitions: new ReportDefinitionRepository(db),
      downloadsDirectory: downloads,
      downloadUrlFor: (file) => `/downloads/${path.basename(file)}?token=t`,
    });
    const result = await service.export({ format: 'ndjson', filter: {}, title: 'Weekly audit' });
    expect(path.dirname(result.path!)).toBe(downloads);
    expect(path.basename(result.path!)).toMatch(/^Weekly-audit-\d{8}-\d{6}-\w+\.ndjson$/);
    expect(result.downloadUrl).toBe(`/downloads/${path.basename(result.path!)}?token=t`);
    expect(readFileSync(result.path!, 'utf8').trimEnd().split('\n')).toHaveLength(30);
  });

  it('cancels a running export and leaves no file behind', async () => {
    const data: ReportDataSource = { rows: () => generateRows(200_000) };
    const service = new ReportService({ data, definitions: new ReportDefinitionRepository(db), downloadsDirectory: scratch.dir });
    service.onDidProgress((progress) => {
      if (progress.phase === 'rows' && progress.done >= 20_000) void service.cancel(progress.jobId);
    });
    const outPath = path.join(scratch.dir, 'cancelled.csv');
    await expect(service.export({ format: 'csv', filter: {}, outPath })).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(outPath)).toBe(false);
    expect(existsSync(`${outPath}.partial`)).toBe(false);
  });

  it('renders HTML and hands the same HTML to the PDF renderer', async () => {
    const rendered: string[] = [];
    const pdf: PdfRenderer = {
      status: async () => ({ engine: 'browser', available: true, browser: { name: 'Fake', path: '/fake' }, searched: [] }),
      async render(html) {
        rendered.push(html);
        return new TextEncoder().encode('%PDF-1.7 fake');
      },
    };
    const service = new ReportService({ data: source(), definitions: new ReportDefinitionRepository(db), downloadsDirectory: scratch.dir, pdf });
    const htmlPath = path.join(scratch.dir, 'report.html');
    const html = await service.export({ format: 'html', filter: {}, outPath: htmlPath, language: 'ar' });
    expect(html.rows).toBe(30);
    expect(readFileSync(htmlPath, 'utf8')).toContain('dir="rtl"');
    const pdfPath = path.join(scratch.dir, 'report.pdf');
    const result = await service.export({ format: 'pdf', filter: {}, outPath: pdfPath, language: 'ar' });
    expect(result.rows).toBe(30);
    expect(readFileSync(pdfPath, 'utf8')).toBe('%PDF-1.7 fake');
    expect(rendered[0]).toContain('dir="rtl"');
  });

  it('refuses PDF before reading a row when no browser is found, says where it looked, and writes nothing', async () => {
    // An empty Windows layout: every standard place is looked at, none holds a browser.
    const empty = path.join(scratch.dir, 'no-browser');
    const env = { LOCALAPPDATA: path.join(empty, 'Local'), PROGRAMFILES: path.join(empty, 'Program Files') };
    const data = source();
    const service = new ReportService({ data, definitions: new ReportDefinitionRepository(db), downloadsDirectory: scratch.dir, pdf: new ChromiumPdfRenderer({ search: { platform: 'win32', env } }) });
    const status = await service.pdfEngine();
    expect(status).toMatchObject({ engine: 'browser', available: false });
    expect(status.searched.map((search) => search.browser)).toEqual(['Google Chrome', 'Chromium', 'Microsoft Edge', 'Brave']);

    const outPath = path.join(scratch.dir, 'no-browser.pdf');
    const failure = await service.export({ format: 'pdf', filter: {}, outPath }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'browser-missing' });
    const message = (failure as Error).message;
    expect(message).toContain(`Google Chrome: ${path.join(env.LOCALAPPDATA, 'Google', 'Chrome', 'Application', 'chrome.exe')}`);
    expect(message).toContain(`Microsoft Edge: ${path.join(env.LOCALAPPDATA, 'Microsoft', 'Edge', 'Application', 'msedge.exe')}, ${path.join(env.PROGRAMFILES, 'Microsoft', 'Edge', 'Application', 'msedge.exe')}`);
    expect((failure as { hint?: string }).hint).toMatch(/HTML instead/);
    expect(data.filters).toEqual([]);
    expect(existsSync(outPath)).toBe(false);
    expect(existsSync(`${outPath}.partial`)).toBe(false);
  });

  it('rejects an unknown format', async () => {
    const service = new ReportService({ data: source(), definitions: new ReportDefinitionRepository(db), downloadsDirectory: scratch.dir });
    await expect(service.export({ format: 'docx' as 'csv', filter: {} })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('saves, lists, re-runs and deletes report definitions in SQLite', async () => {
    const data = source();
    const service = new ReportService({ data, definitions: new ReportDefinitionRepository(db), downloadsDirectory: scratch.dir });
    const saved = await service.saveDefinition({ name: 'Partners', request: { format: 'json', filter: { models: ['res.partner'] } } });
    await expect(service.saveDefinition({ name: 'partners', request: { format: 'csv', filter: {} } })).rejects.toMatchObject({ code: 'conflict' });
    expect(await service.listDefinitions()).toEqual([saved]);
    await expect(service.saveDefinition({ name: ' ', request: { format: 'csv', filter: {} } })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(service.saveDefinition({ name: 'Odd', request: { format: 'docx' as 'csv', filter: {} } })).rejects.toMatchObject({ code: 'invalid-input' });

    const outPath = path.join(scratch.dir, 'rerun.json');
    const [definition] = await service.listDefinitions();
    const result = await service.export({ ...definition.request, outPath });
    expect(result.rows).toBe(10);
    expect(data.filters.at(-1)).toEqual({ models: ['res.partner'] });
    expect((JSON.parse(readFileSync(outPath, 'utf8')) as unknown[]).length).toBe(10);

    const renamed = await service.saveDefinition({ ...saved, name: 'Contacts' });
    expect(renamed.id).toBe(saved.id);
    expect((await service.listDefinitions()).map((definition) => definition.name)).toEqual(['Contacts']);
    await service.deleteDefinition(saved.id);
    expect(await service.listDefinitions()).toEqual([]);
    await expect(service.deleteDefinition(saved.id)).rejects.toMatchObject({ code: 'not-found' });
    expect(readdirSync(scratch.dir).some((file) => file.endsWith('.partial'))).toBe(false);
  });
});
