/**
 * The report's own string catalogue (HTML and PDF reports), in English and Arabic. Reports are rendered
 * on the Node side, so they cannot use the renderer's i18n catalogue; the keys are few and stable.
 */
import type { ValueWords } from '../common/field-values';
import { MODEL_LABELS } from '../common/model-labels';

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
  /** Said instead of {@link noErrors} when some error logs of the scope were not read. */
  noErrorsInRead: string;
  /** "The error log of {name} was not read: {reason}" (its errors are missing from the report). */
  errorLogNotRead: string;
  errorLogReasons: Record<'unreadable' | 'missing', string>;
  /** Marks an instance removed with its history kept, e.g. "Riyadh ERP (removed instance)". */
  removedInstance: string;
  noChanges: string;
  removedFromServer: string;
  /** Column headers of the XLSX data sheet. */
  columns: {
    instance: string;
    timeUtc: string;
    model: string;
    modelName: string;
    recordId: string;
    event: string;
    user: string;
    changedFields: string;
    timesChanged: string;
    logRowId: string;
    firstSeenUtc: string;
    removedUtc: string;
    removedBy: string;
    field: string;
    fieldName: string;
    oldValue: string;
    newValue: string;
  };
  removedByNames: Record<'server' | 'user', string>;
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
  noErrorsInRead: 'No errors in this period in the error logs that were read.',
  errorLogNotRead: 'The error log of {name} was not read, so its errors are not in this report: {reason}',
  errorLogReasons: {
    unreadable:
      'this login may not read webhook.errors (the original auto_webhook module grants nobody access). Install the Odoo Change Monitor auto_webhook addon, or grant read access to webhook.errors under Settings › Technical › Security › Access Rights (developer mode).',
    missing: 'the server has no error log (webhook.errors is not installed). Install the Odoo Change Monitor auto_webhook addon to get one.',
  },
  removedInstance: 'removed instance',
  noChanges: 'No changes match this report.',
  removedFromServer: 'Removed from the server since',
  columns: {
    instance: 'Instance',
    timeUtc: 'Time (UTC)',
    model: 'Model',
    modelName: 'Model name',
    recordId: 'Record id',
    event: 'Event',
    user: 'User',
    changedFields: 'Changed fields',
    timesChanged: 'Times changed',
    logRowId: 'Log row id',
    firstSeenUtc: 'First seen (UTC)',
    removedUtc: 'Removed from server (UTC)',
    removedBy: 'Removed by',
    field: 'Field',
    fieldName: 'Field (technical name)',
    oldValue: 'Old value',
    newValue: 'New value',
  },
  removedByNames: { server: 'the server', user: 'a user of this app' },
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
  modelNames: { ...MODEL_LABELS.en },

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
  noErrorsInRead: 'لا توجد أخطاء في هذه الفترة في سجلات الأخطاء التي قُرئت.',
  errorLogNotRead: 'لم يُقرأ سجل أخطاء {name}، فأخطاؤه ليست في هذا التقرير: {reason}',
  errorLogReasons: {
    unreadable:
      'لا يملك هذا الحساب صلاحية قراءة webhook.errors (الوحدة الأصلية auto_webhook لا تمنحها لأحد). ثبّت إضافة auto_webhook من Odoo Change Monitor، أو امنح صلاحية القراءة على webhook.errors من الإعدادات › تقني › الأمان › صلاحيات الوصول (وضع المطوّر).',
    missing: 'لا يوجد سجل أخطاء على الخادم (webhook.errors غير مثبّت). ثبّت إضافة auto_webhook من Odoo Change Monitor للحصول عليه.',
  },
  removedInstance: 'خادم محذوف',
  noChanges: 'لا توجد تغييرات مطابقة لهذا التقرير.',
  removedFromServer: 'حُذف من الخادم منذ',
  columns: {
    instance: 'الخادم',
    timeUtc: 'الوقت (UTC)',
    model: 'النموذج',
    modelName: 'اسم النموذج',
    recordId: 'رقم السجل',
    event: 'الحدث',
    user: 'المستخدم',
    changedFields: 'الحقول المعدَّلة',
    timesChanged: 'عدد مرات التعديل',
    logRowId: 'رقم صف السجل',
    firstSeenUtc: 'أول ظهور (UTC)',
    removedUtc: 'حُذف من الخادم في (UTC)',
    removedBy: 'حذفه',
    field: 'الحقل',
    fieldName: 'الحقل (الاسم التقني)',
    oldValue: 'القيمة القديمة',
    newValue: 'القيمة الجديدة',
  },
  removedByNames: { server: 'الخادم', user: 'مستخدم لهذا التطبيق' },
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
  modelNames: { ...MODEL_LABELS.ar },
};

const catalogue: Readonly<Record<ReportLanguage, ReportStrings>> = { en: english, ar: arabic };

/** Units a bucket size is named in, largest first, with their length in seconds. */
const UNITS = [
  ['week', 604800],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
] as const;
type Unit = (typeof UNITS)[number][0];

/** One unit ("per hour"), and two of it where the language has a dual ("per two hours": Arabic, genitive after "لكل"). */
const unitNames: Readonly<Record<ReportLanguage, { one: Record<Unit, string>; two?: Record<Unit, string> }>> = {
  en: { one: { week: 'week', day: 'day', hour: 'hour', minute: 'minute', second: 'second' } },
  ar: {
    one: { week: 'أسبوع', day: 'يوم', hour: 'ساعة', minute: 'دقيقة', second: 'ثانية' },
    two: { week: 'أسبوعين', day: 'يومين', hour: 'ساعتين', minute: 'دقيقتين', second: 'ثانيتين' },
  },
};

/** The labels of a language. */
export function reportStrings(language: ReportLanguage): ReportStrings {
  return catalogue[language];
}

/**
 * A report's title: the one asked for, else the language's default ("Change report"). Every way of
 * making a report (the workbench's export dialog, `ocm export`, a saved definition) ends here, so the
 * same request gets the same title whichever asked.
 */
export function reportTitle(language: ReportLanguage, requested?: string): string {
  return requested?.trim() || catalogue[language].defaultTitle;
}

/** The sentence that says an instance's error log was not read, and why. */
export function errorLogNote(strings: ReportStrings, name: string, state: keyof ReportStrings['errorLogReasons']): string {
  return strings.errorLogNotRead.replace('{name}', name).replace('{reason}', strings.errorLogReasons[state]);
}

/** A bucket size in words, in the largest unit that divides it: 'day', '30 seconds', '2 weeks', 'ساعة', '٥ دقائق'. */
export function bucketName(language: ReportLanguage, seconds: number): string {
  const [unit, length] = UNITS.find(([, unitSeconds]) => seconds % unitSeconds === 0) ?? UNITS[UNITS.length - 1];
  const amount = seconds / length;
  const names = unitNames[language];
  if (amount === 1) return names.one[unit];
  if (amount === 2 && names.two) return names.two[unit];
  return new Intl.NumberFormat(reportLocale(language), { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}

/** The Intl locale of a language: Arabic uses Arabic-Indic digits, as Arabic reports are read. */
export function reportLocale(language: ReportLanguage): string {
  return language === 'ar' ? 'ar-u-nu-arab' : 'en-GB';
}
