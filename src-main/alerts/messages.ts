/**
 * What an alert message says: the webhook's JSON payload (language-neutral, with an English summary),
 * and the desktop notification and e-mail texts in the app's language (English or Arabic).
 */
import type { AlertEvent } from '../common/alerts';
import { changeTexts, ENGLISH_VALUE_WORDS, type ValueWords } from '../common/field-values';
import { TRACKED_MODELS, type ChangeEvent, type InstanceId } from '../common/model';

/** Languages a message can be written in. */
export type MessageLanguage = 'en' | 'ar';

/** Most events listed in one message; the payload says how many there were in all. */
export const MAX_LISTED_EVENTS = 100;
/** Field changes quoted per change event in texts. */
const MAX_QUOTED_FIELDS = 3;

/** One grouped message of a rule, as every channel gets it. */
export interface AlertMessage {
  idempotencyKey: string;
  ruleId: string;
  ruleName: string;
  /** When the message was made (UTC). */
  createdAt: string;
  /** Events in the message (may be more than listed). */
  eventCount: number;
  events: AlertEvent[];
}

interface Words {
  events: Record<ChangeEvent, string>;
  by: string;
  on: string;
  newError: string;
  errorRate: string;
  unreachable: string;
  behind: string;
  more: string;
  count: string;
  values: ValueWords;
  footer: string;
}

const WORDS: Record<MessageLanguage, Words> = {
  en: {
    events: { create: 'created', write: 'changed', unlink: 'deleted' },
    by: 'by {user}',
    on: 'on {instance}',
    newError: 'New error on {instance} ({model} #{record}): {message}',
    errorRate: '{count} errors in {minutes} min on {instance}: {message}',
    unreachable: '{instance} has been unreachable for {minutes} min (last sync {since})',
    behind: '{instance} has not synced for {minutes} min (last sync {since})',
    more: '… and {count} more',
    count: '{count} events',
    values: ENGLISH_VALUE_WORDS,
    footer: 'Sent by Odoo Change Monitor. Idempotency key: {key}',
  },
  ar: {
    events: { create: 'أُنشئ', write: 'عُدّل', unlink: 'حُذف' },
    by: 'بواسطة {user}',
    on: 'على {instance}',
    newError: 'خطأ جديد على {instance} ({model} #{record}): {message}',
    errorRate: '{count} أخطاء خلال {minutes} دقيقة على {instance}: {message}',
    unreachable: 'تعذّر الوصول إلى {instance} منذ {minutes} دقيقة (آخر مزامنة {since})',
    behind: 'لم تتم مزامنة {instance} منذ {minutes} دقيقة (آخر مزامنة {since})',
    more: '… و{count} غيرها',
    count: '{count} أحداث',
    values: { empty: '(فارغ)', changed: 'تغيّر', truncated: '… ({length} حرفاً)', moreRecords: '({count} إجمالاً)', yes: 'نعم', no: 'لا' },
    footer: 'أرسلها Odoo Change Monitor. مفتاح عدم التكرار: {key}',
  },
};

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** One event in one line. */
export function eventLine(event: AlertEvent, language: MessageLanguage = 'en'): string {
  const words = WORDS[language];
  const instance = event.instanceName ?? event.instanceId;
  switch (event.kind) {
    case 'change': {
      const model = language === 'en' && event.model && TRACKED_MODELS[event.model] ? `${TRACKED_MODELS[event.model]} (${event.model})` : (event.model ?? '');
      const parts = [`${model} #${event.recordId} ${words.events[event.event ?? 'write']}`, fill(words.on, { instance })];
      if (event.userName) parts.push(fill(words.by, { user: event.userName }));
      let line = parts.join(' ');
      const quoted = (event.values ?? []).slice(0, MAX_QUOTED_FIELDS).map((change) => {
        const texts = changeTexts(change, words.values);
        return `${change.label ?? change.field}: ${texts.old} → ${texts.new}`;
      });
      if (quoted.length) line += ` — ${quoted.join('; ')}`;
      return line;
    }
    case 'error': {
      const message = (event.message ?? '').split('\n')[0].slice(0, 300);
      return event.count !== undefined
        ? fill(words.errorRate, { count: event.count, minutes: event.minutes ?? '', instance, message })
        : fill(words.newError, { instance, model: event.model ?? '', record: event.recordId ?? '', message });
    }
    case 'instance':
      return fill(event.condition === 'behind' ? words.behind : words.unreachable, { instance, minutes: event.minutes ?? '', since: event.since ?? '—' });
  }
}

/** The notification's title and body (short), in the app's language. */
export function desktopText(message: AlertMessage, language: MessageLanguage): { title: string; body: string } {
  const words = WORDS[language];
  if (message.eventCount === 1 && message.events[0]) return { title: message.ruleName, body: eventLine(message.events[0], language) };
  const lines = message.events.slice(0, 3).map((event) => eventLine(event, language));
  if (message.eventCount > lines.length) lines.push(fill(words.more, { count: message.eventCount - lines.length }));
  return { title: `${message.ruleName}: ${fill(words.count, { count: message.eventCount })}`, body: lines.join('\n') };
}

/** The e-mail's subject and plain-text body, in the app's language. */
export function emailText(message: AlertMessage, language: MessageLanguage): { subject: string; text: string } {
  const words = WORDS[language];
  const first = message.events[0] ? eventLine(message.events[0], language) : '';
  const subject = `[Odoo Change Monitor] ${message.ruleName}: ${message.eventCount === 1 ? first : fill(words.count, { count: message.eventCount })}`.slice(0, 250);
  const lines = message.events.map((event) => `- ${event.at} ${eventLine(event, language)}`);
  if (message.eventCount > message.events.length) lines.push(fill(words.more, { count: message.eventCount - message.events.length }));
  return { subject, text: `${lines.join('\n')}\n\n${fill(words.footer, { key: message.idempotencyKey })}\n` };
}

/**
 * The webhook's JSON body. `idempotencyKey` is the same on every retry of this message (receivers
 * de-duplicate on it); each event carries its own key, unique per (rule, event).
 */
export function webhookPayload(message: AlertMessage): string {
  return JSON.stringify({
    type: 'ocm.alert',
    version: 1,
    idempotencyKey: message.idempotencyKey,
    rule: { id: message.ruleId, name: message.ruleName },
    createdAt: message.createdAt,
    text: desktopText(message, 'en').body,
    eventCount: message.eventCount,
    truncated: message.eventCount > message.events.length,
    events: message.events,
  });
}

/** Adds instance names to events (names may change after an event was queued: the current one is used). */
export function withInstanceNames(events: readonly AlertEvent[], names: ReadonlyMap<InstanceId, string>): AlertEvent[] {
  return events.map((event) => (names.has(event.instanceId) ? { ...event, instanceName: names.get(event.instanceId) } : { ...event }));
}
