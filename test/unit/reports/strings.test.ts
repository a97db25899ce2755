import { describe, expect, it } from 'vitest';
import { reportStrings, reportTitle } from '../../../src-main/reports/strings';
import { createTranslator } from '../../../src-renderer/i18n';

describe('report title (issue 14, item 16)', () => {
  it('is the one asked for, else the language’s default, for every caller', () => {
    expect(reportTitle('en')).toBe('Change report');
    expect(reportTitle('en', '  ')).toBe('Change report');
    expect(reportTitle('en', ' November changes ')).toBe('November changes');
    expect(reportTitle('ar')).toBe('تقرير التغييرات');
  });

  it('the export dialog offers the same default the report uses (it sends no title unless one is typed)', () => {
    for (const language of ['en', 'ar'] as const) {
      expect(createTranslator(language).t('export.defaultReportTitle')).toBe(reportStrings(language).defaultTitle);
    }
  });
});
