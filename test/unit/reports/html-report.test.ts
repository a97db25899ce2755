import { describe, expect, it } from 'vitest';
import type { ErrorGroup } from '../../../src-main/common/model';
import { escapeHtml, renderHtmlReport } from '../../../src-main/reports/html-report';
import { collectReportData } from '../../../src-main/reports/report-data';
import { makeRows } from './fixtures';

const errorGroup: ErrorGroup = {
  fingerprint: 'f1',
  title: 'Timeout calling <url> for res.partner <n>',
  sample: 'Timeout calling https://hooks.example.com for res.partner 62',
  count: 12,
  firstSeen: '2026-11-01T02:00:00Z',
  lastSeen: '2026-11-01T05:00:00Z',
  models: ['res.partner'],
  instanceIds: ['i1'],
};

async function report(language: 'en' | 'ar', title?: string): Promise<string> {
  const data = await collectReportData(makeRows(1500));
  return renderHtmlReport({
    data,
    language,
    title,
    generatedAt: new Date('2026-11-30T09:00:00Z'),
    filter: { models: ['res.partner', 'sale.order'] },
    instanceNames: new Map([['i1', 'Main ERP']]),
    errorGroups: [errorGroup],
  });
}

describe('HTML report', () => {
  it('is one self-contained document with every section', async () => {
    const html = await report('en', 'November changes');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(html).toContain('<h1>November changes</h1>');
    for (const section of ['summary', 'histogram', 'most-changed', 'errors']) expect(html).toContain(`<section id="${section}">`);
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('<style>');
    // Nothing is loaded from elsewhere.
    expect(html).not.toMatch(/<link|<script|src="http|url\(http/);
  });

  it('shows the totals, the per-model summary, the most-changed records and the error groups', async () => {
    const html = await report('en');
    expect(html).toContain('<span class="figure">1,500</span><span>Changes</span>');
    expect(html).toContain('Contact <span class="technical"><bdi>res.partner</bdi></span>');
    expect(html).toContain('<bdi>#100</bdi>');
    expect(html).toContain(escapeHtml(errorGroup.title));
    expect(html).toContain('<bdi>Main ERP</bdi>');
  });

  it('is right-to-left in Arabic, with Arabic labels, digits and dates', async () => {
    const html = await report('ar');
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('<h1>تقرير التغييرات</h1>');
    expect(html).toContain('السجلات الأكثر تغييراً');
    expect(html).toContain('مجموعات الأخطاء');
    expect(html).toContain('١٬٥٠٠'); // 1,500 in Arabic-Indic digits
    expect(html).toContain('نوفمبر'); // November, from Intl
    expect(html).toContain('جهة اتصال'); // res.partner's Arabic name
  });

  it('escapes server-supplied text', async () => {
    const data = await collectReportData([{ ...makeRows(1)[0], model: '<img src=x onerror=alert(1)>' }]);
    const html = renderHtmlReport({ data, language: 'en', generatedAt: new Date(), filter: {}, instanceNames: new Map(), errorGroups: [] });
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img');
  });

  it('says so when nothing matches', async () => {
    const data = await collectReportData([]);
    const html = renderHtmlReport({ data, language: 'en', generatedAt: new Date(), filter: {}, instanceNames: new Map(), errorGroups: [] });
    expect(html).toContain('No changes match this report.');
    expect(html).toContain('No errors in this period.');
  });
});
