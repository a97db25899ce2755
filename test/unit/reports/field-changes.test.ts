/**
 * Exports with one line per field change (CSV, JSON, NDJSON, XLSX) and the "value changes" section of
 * the HTML report, in English and Arabic: many2one names with ids, x2many lists, cut values with their
 * full length, binary fields as "changed", and rows without values kept as one line.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChangeRow } from '../../../src-main/common/model';
import { FIELD_CHANGE_COLUMNS, CHANGE_EXPORT_COLUMNS } from '../../../src-main/reports/csv';
import { writeChangesCsv } from '../../../src-main/reports/csv-export';
import { renderHtmlReport } from '../../../src-main/reports/html-report';
import { writeChangesJson, writeChangesNdjson } from '../../../src-main/reports/json-export';
import { collectReportData } from '../../../src-main/reports/report-data';
import { writeChangesXlsx } from '../../../src-main/reports/xlsx-export';
import { makeRow, renderText, scratchDirectory } from './fixtures';

const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());

const priced: ChangeRow = {
  ...makeRow(1),
  model: 'product.template',
  event: 'write',
  userName: 'Mitchell Admin',
  changedFields: ['list_price', 'partner_id', 'image_1920', 'description', 'tag_ids'],
  values: [
    { field: 'list_price', label: 'Sales Price', type: 'monetary', old: '10.00 USD', new: '12.50 USD' },
    { field: 'partner_id', label: 'Vendor', type: 'many2one', old: [7, 'Azure Interior'], new: false },
    { field: 'image_1920', label: 'Image', type: 'binary', changed: true },
    { field: 'description', label: 'Description', type: 'text', old: 'short', new: 'y'.repeat(500), truncated: true, newLength: 1834 },
    { field: 'tag_ids', label: 'Tags', type: 'many2many', old: [], new: [[1, 'VIP'], [4, 'B2B']], newCount: 25 },
  ],
};
const created: ChangeRow = { ...makeRow(2), event: 'create' };

const render = renderText;

describe('one line per field change', () => {
  it('CSV: the row columns, then field, label, type, old and new value; a row without values keeps one line', async () => {
    const { text, count } = await render((sink) => writeChangesCsv([priced, created], sink, { fieldChanges: true }));
    expect(count).toBe(2);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe([...CHANGE_EXPORT_COLUMNS, ...FIELD_CHANGE_COLUMNS].join(','));
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines[1].endsWith('list_price,Sales Price,monetary,10.00 USD,12.50 USD')).toBe(true);
    expect(lines[2].endsWith('partner_id,Vendor,many2one,Azure Interior (#7),(empty)')).toBe(true);
    expect(lines[3].endsWith('image_1920,Image,binary,,changed')).toBe(true);
    expect(lines[4]).toContain(`${'y'.repeat(500)}… (1834 characters)`);
    expect(lines[5].endsWith('tag_ids,Tags,many2many,(empty),"VIP, B2B (25 in all)"')).toBe(true);
    expect(lines[6].endsWith(',create,3,,,,2026-11-01T00:02:00Z,,,,,,,')).toBe(true);
  });

  it('CSV without the option is unchanged', async () => {
    const { text } = await render((sink) => writeChangesCsv([priced], sink));
    expect(text.trimEnd().split('\r\n')).toHaveLength(2);
    expect(text.split('\r\n')[0]).toBe(CHANGE_EXPORT_COLUMNS.join(','));
  });

  it('JSON and NDJSON: one object per field change with the row beside it, values as the format has them', async () => {
    const json = JSON.parse((await render((sink) => writeChangesJson([priced, created], sink, { fieldChanges: true }))).text) as Record<string, unknown>[];
    expect(json).toHaveLength(6);
    expect(json[1]).toMatchObject({ key: priced.key, model: 'product.template', field: 'partner_id', old: [7, 'Azure Interior'], new: false });
    expect(json[0]).not.toHaveProperty('values');
    expect(json[5]).toMatchObject({ key: created.key, event: 'create' });
    expect(json[5]).not.toHaveProperty('field');
    const lines = (await render((sink) => writeChangesNdjson([priced], sink, { fieldChanges: true }))).text.trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { field: string }).field)).toEqual(['list_price', 'partner_id', 'image_1920', 'description', 'tag_ids']);
  });

  it('XLSX: the same lines, reading back in exceljs', async () => {
    const file = path.join(scratch.dir, 'fields.xlsx');
    const { summary } = await collectReportData([priced, created], { topRecords: 0 });
    await writeChangesXlsx([priced, created], createWriteStream(file), { summary, fieldChanges: true });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const data = workbook.getWorksheet('Changes')!;
    expect(data.rowCount).toBe(1 + 6);
    // A workbook for people: the field columns after the row's, headed in the report's language.
    const header = (data.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(-4)).toEqual(['Field', 'Field (technical name)', 'Old value', 'New value']);
    const price = (data.getRow(2).values as unknown[]).slice(-4);
    expect(price).toEqual(['Sales Price', 'list_price', '10.00 USD', '12.50 USD']);
  });
});

describe('value changes in the HTML report', () => {
  const html = async (language: 'en' | 'ar', rows: ChangeRow[]) =>
    renderHtmlReport({
      data: await collectReportData(rows),
      language,
      generatedAt: new Date('2026-11-30T09:00:00Z'),
      filter: {},
      instanceNames: new Map([['i1', 'Main ERP']]),
      errorGroups: [],
    });

  it('lists the newest field changes with old and new values, in English', async () => {
    const page = await html('en', [created, priced]);
    expect(page).toContain('<section id="value-changes">');
    expect(page).toContain('<h2>Value changes</h2>');
    expect(page).toContain('The newest 5 of 5 field changes, newest first.');
    expect(page).toContain('Sales Price <span class="technical"><bdi>list_price</bdi></span>');
    expect(page).toContain('<td class="value old"><bdi>10.00 USD</bdi></td><td class="value new"><bdi>12.50 USD</bdi></td>');
    expect(page).toContain('<bdi>Azure Interior (#7)</bdi>');
    expect(page).toContain('<bdi>changed</bdi>');
  });

  it('is in Arabic in an Arabic report, and says when no values were recorded', async () => {
    const page = await html('ar', [priced]);
    expect(page).toContain('<h2>تغييرات القيم</h2>');
    expect(page).toContain('<bdi>تغيّر</bdi>');
    expect(page).toContain('… (١٬٨٣٤ حرفاً)');
    const empty = await html('en', [created]);
    expect(empty).toContain('No old and new values were recorded');
  });

  it('keeps only the newest changes when there are many', async () => {
    const rows = Array.from({ length: 300 }, (_, index) => ({ ...makeRow(index), values: [{ field: 'name', old: `v${index}`, new: `v${index + 1}` }] }));
    const data = await collectReportData(rows, { valueChanges: 50 });
    expect(data.valueChangeTotal).toBe(300);
    expect(data.valueChanges).toHaveLength(50);
    expect(data.valueChanges[0].change.new).toBe('v300');
    expect(data.valueChanges[49].change.new).toBe('v251');
  });
});
