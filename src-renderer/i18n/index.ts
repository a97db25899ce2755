/**
 * The workbench's translation entry point: `t(key, params)` for the active language, plus Intl-based
 * number, date and relative-time formatting. Arabic uses the 'ar-EG' locale for Arabic-Indic digits.
 */
import { createContext, useContext } from 'react';
import { ar } from './ar';
import { en, type MessageKey } from './en';
import { formatMessage, type MessageParams } from './format';

export type { MessageKey } from './en';
export type { MessageParams } from './format';

/** A supported UI language. */
export type Language = 'en' | 'ar';

const catalogues: Record<Language, Record<MessageKey, string>> = { en, ar };
const locales: Record<Language, string> = { en: 'en-US', ar: 'ar-EG' };

/** Everything a component needs to render text in the active language. */
export interface Translator {
  language: Language;
  locale: string;
  direction: 'ltr' | 'rtl';
  t(key: MessageKey, params?: MessageParams): string;
  number(value: number): string;
  /** A record or row id: localized digits, no thousands separators (ids are names, not quantities). */
  id(value: number): string;
  /** Local date and time, e.g. "30 Nov 2026, 09:51:44". */
  dateTime(iso: string): string;
  /** Local time only for today's rows; date and time otherwise. */
  shortTime(iso: string): string;
  /** "3 minutes ago". */
  relative(iso: string, now?: number): string;
  /** "12.4 MB". */
  bytes(value: number): string;
  /** A duration: "340 ms", "2.5 sec", "3.2 min" (Intl unit formatting). */
  duration(milliseconds: number): string;
  /** Human name of a model in this language (the technical name when unknown). */
  model(technical: string): string;
}

/** Builds a translator for `language`. */
export function createTranslator(language: Language): Translator {
  const catalogue = catalogues[language];
  const locale = locales[language];
  const numbers = new Intl.NumberFormat(locale);
  const ids = new Intl.NumberFormat(locale, { useGrouping: false });
  const decimals = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const shortDateFormat = new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  // Arabic's short units are single letters ("ث"): spell them out there.
  const unitDisplay = language === 'ar' ? 'long' : 'short';
  const unit = (name: 'millisecond' | 'second' | 'minute') => new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay, maximumFractionDigits: 1 });
  const durations = { millisecond: unit('millisecond'), second: unit('second'), minute: unit('minute') };
  const t = (key: MessageKey, params?: MessageParams) => formatMessage(catalogue[key] ?? en[key] ?? key, params, locale);
  return {
    language,
    locale,
    direction: language === 'ar' ? 'rtl' : 'ltr',
    t,
    number: (value) => numbers.format(value),
    id: (value) => ids.format(value),
    dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
    shortTime: (iso) => {
      const date = new Date(iso);
      const today = new Date();
      return date.toDateString() === today.toDateString() ? timeFormat.format(date) : shortDateFormat.format(date);
    },
    relative: (iso, now = Date.now()) => {
      const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
      const abs = Math.abs(seconds);
      if (abs < 60) return relativeFormat.format(seconds, 'second');
      if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
      if (abs < 86400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
      return relativeFormat.format(Math.round(seconds / 86400), 'day');
    },
    model: (technical) => {
      const key = `model.${technical}` as MessageKey;
      return key in catalogue ? catalogue[key] : technical;
    },
    duration: (milliseconds) => {
      if (milliseconds < 1000) return durations.millisecond.format(Math.round(milliseconds));
      if (milliseconds < 60_000) return durations.second.format(milliseconds / 1000);
      return durations.minute.format(milliseconds / 60_000);
    },
    bytes: (value) => {
      if (value < 1024) return t('common.bytes', { value });
      if (value < 1024 * 1024) return t('common.kilobytes', { value: decimals.format(value / 1024) });
      return t('common.megabytes', { value: decimals.format(value / 1024 / 1024) });
    },
  };
}

/** React context holding the active translator. */
export const TranslatorContext = createContext<Translator>(createTranslator('en'));

/** The active translator. */
export function useTranslator(): Translator {
  return useContext(TranslatorContext);
}
