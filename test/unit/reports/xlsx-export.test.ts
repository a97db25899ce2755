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
    expect(data.getRow(1).getCell(4).value).toBe('model');
    const second = data.getRow(3);
    expect(second.getCell(7).value).toBe(2);
    expect(second.getCell(4).value).toBe('sale.order');
    expect(second.getCell(6).value).toBe('write');
    expect((second.getCell(3).value as Date).toISOString()).toBe('2026-11-01T00:01:00.000Z');
  });

  it('labels the summary in Arabic, right to left, when asked', async () => {
    const rows = makeRows(10);
    const { summary } = await collectReportData(rows, { topRecords: 0 });
    const file = path.join(scratch.dir, 'changes-ar.xlsx');
    await writeChangesXlsx(rows, createWriteStream(file), { summary, language: 'ar' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('Summary')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('الخادم');
    expect(sheet.views[0]).toMatchObject({ rightToLeft: true });
  });
});
