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

  it('draws an 11-minute period in bars of seconds, labelled from the first bucket’s start to the last one’s end (issue 14, item 16)', async () => {
    const rows = makeRows(12).map((row, index) => ({ ...row, timestamp: new Date(Date.UTC(2026, 11, 1, 13, 42, 35) + index * 55_000).toISOString().replace('.000Z', 'Z') }));
    const data = await collectReportData(rows);
    const period = { from: '2026-12-01T13:42:35Z', to: '2026-12-01T13:53:35Z' };
    for (const [language, caption, start, end] of [
      ['en', 'Changes per 30 seconds, stacked by event.', '1 Dec, 13:42:30', '1 Dec, 13:54:00'],
      ['ar', 'التغييرات لكل ٣٠ ثانية، مكدسة حسب الحدث.', undefined, undefined],
    ] as const) {
      const html = renderHtmlReport({ data, language, generatedAt: new Date('2026-12-01T14:00:00Z'), filter: period, instanceNames: new Map(), errorGroups: [] });
      expect(html).toContain(caption);
      const axisStart = /class="axis-start">([^<]*)</.exec(html)![1];
      const axisEnd = /class="axis-end">([^<]*)</.exec(html)![1];
      expect(axisStart).not.toBe(axisEnd);
      if (start) expect([axisStart, axisEnd]).toEqual([start, end]);
      // One bar per non-empty bucket and event: twelve rows, each in a bucket of its own.
      expect(html.match(/<rect /g)).toHaveLength(12);
    }
  });

  it('says so when nothing matches', async () => {
    const data = await collectReportData([]);
    const html = renderHtmlReport({ data, language: 'en', generatedAt: new Date(), filter: {}, instanceNames: new Map(), errorGroups: [] });
    expect(html).toContain('No changes match this report.');
    expect(html).toContain('No errors in this period.');
  });
});
