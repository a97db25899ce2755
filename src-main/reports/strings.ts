/**
 * The report's own string catalogue (HTML and PDF reports), in English and Arabic. Reports are rendered
 * on the Node side, so they cannot use the renderer's i18n catalogue; the keys are few and stable.
 */
import type { ValueWords } from '../common/field-values';
import { TRACKED_MODELS } from '../common/model';

/** Languages a report can be rendered in. */
export type ReportLanguage = 'en' | 'ar';

/** Every label a report uses. */
export interface ReportStrings {
  defaultTitle: string;
  generatedAt: string;
  timesInUtc: string;
  scope: string;
  allInstances: string;
  allModels: string;
  allEvents: string;
  period: string;
  wholeHistory: string;
  totalChanges: string;
  instances: string;
  instance: string;
  models: string;
  model: string;
  event: string;
  events: string;
  count: string;
  records: string;
  record: string;
  summary: string;
  summaryByInstance: string;
  summaryByModel: string;
  summaryByEvent: string;
  histogram: string;
  histogramCaption: string;
  mostChanged: string;
  changes: string;
  lastChange: string;
  errorGroups: string;
  errorMessage: string;
  firstSeen: string;
  lastSeen: string;
  noErrors: string;
  noChanges: string;
  removedFromServer: string;
  valueChanges: string;
  /** `{shown}` of `{total}` field changes are listed. */
  valueChangesShown: string;
  noValueChanges: string;
  time: string;
  user: string;
  field: string;
  oldValue: string;
  newValue: string;
  valueWords: ValueWords;
  eventNames: Record<'create' | 'write' | 'unlink', string>;
  modelNames: Record<string, string>;
}

const english: ReportStrings = {
  defaultTitle: 'Change report',
  generatedAt: 'Generated',
  timesInUtc: 'All times are UTC.',
  scope: 'Scope',
  allInstances: 'all instances',
  allModels: 'all models',
  allEvents: 'all events',
  period: 'Period',
  wholeHistory: 'whole history',
  totalChanges: 'Changes',
  instances: 'Instances',
  instance: 'Instance',
  models: 'Models',
  model: 'Model',
  event: 'Event',
  events: 'Events',
  count: 'Count',
  records: 'Records',
  record: 'Record',
  summary: 'Summary',
  summaryByInstance: 'Changes per instance, model and event',
  summaryByModel: 'Changes per model',
  summaryByEvent: 'Changes per event',
  histogram: 'Changes over time',
  histogramCaption: 'Changes per {bucket}, stacked by event.',
  mostChanged: 'Most-changed records',
  changes: 'Changes',
  lastChange: 'Last change',
  errorGroups: 'Error groups',
  errorMessage: 'Message',
  firstSeen: 'First seen',
  lastSeen: 'Last seen',
  noErrors: 'No errors in this period.',
  noChanges: 'No changes match this report.',
  removedFromServer: 'Removed from the server since',
  valueChanges: 'Value changes',
  valueChangesShown: 'The newest {shown} of {total} field changes, newest first.',
  noValueChanges: 'No old and new values were recorded for these changes (they come from our auto_webhook addon or Odoo’s field tracking).',
  time: 'Time',
  user: 'User',
  field: 'Field',
  oldValue: 'Old value',
  newValue: 'New value',
  valueWords: { empty: '(empty)', changed: 'changed', truncated: '… ({length} characters)', moreRecords: '({count} in all)', yes: 'Yes', no: 'No' },
  eventNames: { create: 'Create', write: 'Write', unlink: 'Delete' },
  modelNames: { ...TRACKED_MODELS },

};

const arabic: ReportStrings = {
  defaultTitle: 'تقرير التغييرات',
  generatedAt: 'أُنشئ في',
  timesInUtc: 'جميع الأوقات بالتوقيت العالمي المنسق (UTC).',
  scope: 'النطاق',
  allInstances: 'جميع الخوادم',
  allModels: 'جميع النماذج',
  allEvents: 'جميع الأحداث',
  period: 'الفترة',
  wholeHistory: 'السجل كاملاً',
  totalChanges: 'التغييرات',
  instances: 'الخوادم',
  instance: 'الخادم',
  models: 'النماذج',
  model: 'النموذج',
  event: 'الحدث',
  events: 'الأحداث',
  count: 'العدد',
  records: 'السجلات',
  record: 'السجل',
  summary: 'الملخص',
  summaryByInstance: 'التغييرات حسب الخادم والنموذج والحدث',
  summaryByModel: 'التغييرات حسب النموذج',
  summaryByEvent: 'التغييرات حسب الحدث',
  histogram: 'التغييرات عبر الزمن',
  histogramCaption: 'التغييرات لكل {bucket}، مكدسة حسب الحدث.',
  mostChanged: 'السجلات الأكثر تغييراً',
  changes: 'التغييرات',
  lastChange: 'آخر تغيير',
  errorGroups: 'مجموعات الأخطاء',
  errorMessage: 'الرسالة',
  firstSeen: 'أول ظهور',
  lastSeen: 'آخر ظهور',
  noErrors: 'لا توجد أخطاء في هذه الفترة.',
  noChanges: 'لا توجد تغييرات مطابقة لهذا التقرير.',
  removedFromServer: 'حُذف من الخادم منذ',
  valueChanges: 'تغييرات القيم',
  valueChangesShown: 'أحدث {shown} من أصل {total} تغييراً في الحقول، الأحدث أولاً.',
  noValueChanges: 'لم تُسجَّل القيم القديمة والجديدة لهذه التغييرات (تأتي من إضافة auto_webhook الخاصة بنا أو من تتبع الحقول في أودو).',
  time: 'الوقت',
  user: 'المستخدم',
  field: 'الحقل',
  oldValue: 'القيمة القديمة',
  newValue: 'القيمة الجديدة',
  valueWords: { empty: '(فارغ)', changed: 'تغيّر', truncated: '… ({length} حرفاً)', moreRecords: '({count} إجمالاً)', yes: 'نعم', no: 'لا' },
  eventNames: { create: 'إنشاء', write: 'تعديل', unlink: 'حذف' },
  modelNames: {
    'sale.order': 'أمر بيع',
    'product.template': 'منتج',
    'product.category': 'فئة المنتج',
    'res.partner': 'جهة اتصال',
    'account.move': 'قيد يومية',
    'account.journal': 'دفتر يومية',
    'hr.expense': 'مصروف',
    'stock.picking': 'تحويل مخزني',
    'purchase.order': 'أمر شراء',
    'hr.employee': 'موظف',
  },
};

const catalogue: Readonly<Record<ReportLanguage, ReportStrings>> = { en: english, ar: arabic };

/** Names of histogram bucket sizes, per language (used in the chart caption). */
const bucketNames: Readonly<Record<ReportLanguage, Record<number, string>>> = {
  en: { 3600: 'hour', 7200: '2 hours', 21600: '6 hours', 43200: '12 hours', 86400: 'day', 604800: 'week', 2592000: '30 days' },
  ar: { 3600: 'ساعة', 7200: 'ساعتين', 21600: '6 ساعات', 43200: '12 ساعة', 86400: 'يوم', 604800: 'أسبوع', 2592000: '30 يوماً' },
};

/** The labels of a language. */
export function reportStrings(language: ReportLanguage): ReportStrings {
  return catalogue[language];
}

/** A bucket size in words, e.g. 'day' or 'يوم'. */
export function bucketName(language: ReportLanguage, seconds: number): string {
  return bucketNames[language][seconds] ?? `${seconds / 3600} h`;
}

/** The Intl locale of a language: Arabic uses Arabic-Indic digits, as Arabic reports are read. */
export function reportLocale(language: ReportLanguage): string {
  return language === 'ar' ? 'ar-u-nu-arab' : 'en-GB';
}
