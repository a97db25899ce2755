import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../../src-renderer/i18n/format';
import { createTranslator } from '../../../src-renderer/i18n';
import { en } from '../../../src-renderer/i18n/en';
import { ar } from '../../../src-renderer/i18n/ar';

describe('i18n', () => {
  it('formats placeholders and English plurals', () => {
    expect(formatMessage('{count, plural, one {# row} other {# rows}}', { count: 1 }, 'en-US')).toBe('1 row');
    expect(formatMessage('{count, plural, one {# row} other {# rows}}', { count: 1234 }, 'en-US')).toBe('1,234 rows');
    expect(formatMessage('Hello {name}', { name: 'Odoo' }, 'en-US')).toBe('Hello Odoo');
    expect(formatMessage('Hello {missing}', {}, 'en-US')).toBe('Hello {missing}');
  });

  it('uses Arabic plural categories and Arabic-Indic digits', () => {
    const message = '{count, plural, zero {لا صفوف} one {صف واحد} two {صفّان} few {# صفوف} many {# صفًا} other {# صف}}';
    expect(formatMessage(message, { count: 0 }, 'ar-EG')).toBe('لا صفوف');
    expect(formatMessage(message, { count: 2 }, 'ar-EG')).toBe('صفّان');
    expect(formatMessage(message, { count: 5 }, 'ar-EG')).toBe('٥ صفوف');
    expect(formatMessage(message, { count: 11 }, 'ar-EG')).toBe('١١ صفًا');
  });

  it('has an Arabic string for every English key, and every plural keeps its argument', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(ar[key], key).toBeTruthy();
      const names = (text: string) => [...text.matchAll(/\{(\w+)[,}]/g)].map((match) => match[1]).sort();
      expect(new Set(names(ar[key])), key).toEqual(new Set(names(en[key])));
    }
  });

  it('the translator is right-to-left for Arabic', () => {
    expect(createTranslator('ar').direction).toBe('rtl');
    expect(createTranslator('ar').number(1234)).toBe('١٬٢٣٤');
    expect(createTranslator('en').direction).toBe('ltr');
  });
});
