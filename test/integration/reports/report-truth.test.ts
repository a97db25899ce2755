/**
 * Issue 14, items 3, 5 and 16: what a report says about its instances is true. An instance removed with
 * its history kept is named, and marked "removed instance", in CSV, XLSX and HTML (never its raw id); an
 * error log that could not be read is said to be unread (and why), never "no errors"; the XLSX carries the
 * title it was asked for. Real SQLite file, real files written by the report service.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capabilities } from '../../../src-main/common/model';
import { ReportService } from '../../../src-main/reports/report-service';
import { storeReportData } from '../../../src-main/reports/store-data-source';
import { seededStore, SEED_START, type SeededStore } from './seed-store';

let seeded: SeededStore;
let service: ReportService;

function capabilities(errorLog: Capabilities['errorLog']): Capabilities {
  return {
    version: { serverVersion: '18.0', serverSerie: '18.0', major: 18, protocolVersion: 1 },
    uid: 2,
    changeLogInstalled: true,
    changeLogFields: [],
    richFields: [],
    errorLog,
    canReadChanges: true,
    canDeleteChanges: true,
  };
}

beforeAll(() => {
  seeded = seededStore(300);
  // "Main ERP" reads its error log; the branch's login may not (the original module's state) and the
  // branch was then removed with its history kept.
  seeded.store.syncState.update('main', { capabilities: capabilities('readable') });
  seeded.store.syncState.update('branch', { capabilities: capabilities('unreadable') });
  seeded.store.instances.hide('branch', SEED_START + 4 * 86400);
  service = new ReportService({ data: storeReportData(seeded.store), definitions: seeded.store.reportDefinitions, downloadsDirectory: path.join(seeded.dir, 'downloads') });
});
afterAll(() => seeded.close());

describe('reports tell the truth about their instances (issue 14, items 3, 5, 16)', () => {
  it('name a removed instance\'s kept rows by its name, marked removed, in CSV', async () => {
    const outPath = path.join(seeded.dir, 'branch.csv');
    await service.export({ format: 'csv', filter: { instanceIds: ['branch'] }, outPath });
    const lines = readFileSync(outPath, 'utf8').trimEnd().split('\r\n');
    expect(lines[1].startsWith('فرع الرياض (removed instance),branch,')).toBe(true);
  });

  it('name it so in XLSX too, note the unread error log, and carry the requested title', async () => {
    const outPath = path.join(seeded.dir, 'all.xlsx');
    await service.export({ format: 'xlsx', filter: {}, outPath, title: 'November audit' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(outPath);
    expect(workbook.title).toBe('November audit');
    const summary = workbook.getWorksheet('Summary')!;
    const firstColumn = summary.getColumn(1).values.filter((value): value is string => typeof value === 'string');
    expect(firstColumn).toContain('فرع الرياض (removed instance)');
    expect(firstColumn.some((value) => value.startsWith('The error log of فرع الرياض (removed instance) was not read'))).toBe(true);
    expect(firstColumn.some((value) => value.includes('Main ERP was not read'))).toBe(false);
    const data = workbook.getWorksheet('Changes')!;
    const instances = new Set(data.getColumn(1).values.slice(2));
    expect(instances).toEqual(new Set(['Main ERP', 'فرع الرياض (removed instance)']));
  });

  it('say the error log was not read, and why, instead of "no errors" (HTML and PDF source)', async () => {
    const branchOnly = path.join(seeded.dir, 'branch.html');
    // A period with no error rows: only the truth about which logs were read remains.
    const quiet = { from: new Date((SEED_START + 10 * 86400) * 1000).toISOString(), to: new Date((SEED_START + 11 * 86400) * 1000).toISOString() };
    await service.export({ format: 'html', filter: { instanceIds: ['branch'], ...quiet }, outPath: branchOnly });
    const branch = readFileSync(branchOnly, 'utf8');
    expect(branch).not.toContain('No errors in this period');
    expect(branch).toContain('The error log of فرع الرياض (removed instance) was not read, so its errors are not in this report');
    expect(branch).toContain('Settings › Technical › Security › Access Rights (developer mode)');

    const bothPath = path.join(seeded.dir, 'both.html');
    await service.export({ format: 'html', filter: quiet, outPath: bothPath });
    const both = readFileSync(bothPath, 'utf8');
    expect(both).toContain('No errors in this period in the error logs that were read.');
    expect(both).toContain('was not read');

    const mainPath = path.join(seeded.dir, 'main.html');
    await service.export({ format: 'html', filter: { instanceIds: ['main'], ...quiet }, outPath: mainPath });
    const main = readFileSync(mainPath, 'utf8');
    expect(main).toContain('No errors in this period.');
    expect(main).not.toContain('was not read');

    const arabicPath = path.join(seeded.dir, 'branch-ar.html');
    await service.export({ format: 'html', filter: { instanceIds: ['branch'], ...quiet }, outPath: arabicPath, language: 'ar' });
    const arabic = readFileSync(arabicPath, 'utf8');
    expect(arabic).toContain('فرع الرياض (خادم محذوف)');
    expect(arabic).toContain('لم يُقرأ سجل أخطاء');
    expect(arabic).not.toContain('لا توجد أخطاء في هذه الفترة.');
  });
});
