import { createWriteStream } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { collectReportData } from '../../../src-main/reports/report-data';
import { writeChangesXlsx } from '../../../src-main/reports/xlsx-export';
import { makeRows, scratchDirectory } from './fixtures';

const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());

describe('XLSX export', () => {
  it('writes a summary sheet first and a data sheet that open back in exceljs', async () => {
    const rows = makeRows(2500);
    const { summary } = await collectReportData(rows, { topRecords: 0 });
    const file = path.join(scratch.dir, 'changes.xlsx');
    const count = await writeChangesXlsx(rows, createWriteStream(file), { summary, instanceNames: new Map([['i1', 'Main ERP']]) });
    expect(count).toBe(2500);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Changes']);

    const summarySheet = workbook.getWorksheet('Summary')!;
    expect(summarySheet.getRow(1).values).toEqual([undefined, 'Instance', 'Model', 'Event', 'Count']);
    // 3 models × 3 events, as the fixture cycles them, then the total.
    expect(summarySheet.rowCount).toBe(1 + summary.length + 1);
    const totalRow = summarySheet.getRow(summarySheet.rowCount);
    expect(totalRow.getCell(1).value).toBe('Changes');
    expect(totalRow.getCell(4).value).toBe(2500);
    expect(summarySheet.getRow(2).getCell(1).value).toBe('Main ERP');

    const data = workbook.getWorksheet('Changes')!;
    expect(data.rowCount).toBe(2501);
    const second = data.getRow(3);
    expect(second.getCell(1).value).toBe('Main ERP');
    expect((second.getCell(2).value as Date).toISOString()).toBe('2026-11-01T00:01:00.000Z');
    expect(second.getCell(3).value).toBe('sale.order');
    expect(second.getCell(4).value).toBe('Sales Order');
    expect(second.getCell(6).value).toBe('Write');
    expect(second.getCell(10).value).toBe(2);
  });

  it('is made for people: their headers, instance names not ids, a frozen header row and an autofilter (issue 14, item 16)', async () => {
    const rows = makeRows(5).map((row, index) => (index === 0 ? { ...row, removedAt: '2026-11-02T00:00:00Z', removedBy: 'user' as const, userName: 'Mitchell Admin', changedFields: ['name', 'email'] } : row));
    const { summary } = await collectReportData(rows, { topRecords: 0 });
    const file = path.join(scratch.dir, 'people.xlsx');
    await writeChangesXlsx(rows, createWriteStream(file), { summary, instanceNames: new Map([['i1', 'Main ERP']]), title: 'November changes' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.title).toBe('November changes');
    const data = workbook.getWorksheet('Changes')!;
    const headers = (data.getRow(1).values as unknown[]).slice(1) as string[];
    expect(headers).toEqual(['Instance', 'Time (UTC)', 'Model', 'Model name', 'Record id', 'Event', 'User', 'Changed fields', 'Times changed', 'Log row id', 'First seen (UTC)', 'Removed from server (UTC)', 'Removed by']);
    for (const header of headers) expect(header, 'no snake_case header').not.toMatch(/_/);
    // No cell holds the internal instance id.
    data.eachRow((row) => (row.values as unknown[]).forEach((value) => expect(value).not.toBe('i1')));
    expect(data.getRow(2).getCell(1).value).toBe('Main ERP');
    expect(data.getRow(2).getCell(8).value).toBe('name, email');
    expect(data.getRow(2).getCell(13).value).toBe('a user of this app');
    expect(data.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(data.autoFilter).toBe('A1:M1'); // every column of the header row
  });

  it('labels the summary in Arabic, right to left, when asked', async () => {
    const rows = makeRows(10);
    const { summary } = await collectReportData(rows, { topRecords: 0 });
    const file = path.join(scratch.dir, 'changes-ar.xlsx');
    await writeChangesXlsx(rows, createWriteStream(file), { summary, language: 'ar' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['الملخص', 'التغييرات']);
    const sheet = workbook.getWorksheet('الملخص')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('الخادم');
    expect(['إنشاء', 'تعديل', 'حذف']).toContain(sheet.getRow(2).getCell(3).value);
    expect(sheet.views[0]).toMatchObject({ rightToLeft: true });
    const data = workbook.getWorksheet('التغييرات')!;
    expect(data.getRow(1).getCell(2).value).toBe('الوقت (UTC)');
    expect(data.getRow(2).getCell(6).value).toBe('إنشاء');
    expect(data.views[0]).toMatchObject({ rightToLeft: true, state: 'frozen', ySplit: 1 });
    expect(workbook.title).toBe('تقرير التغييرات');
  });
});
