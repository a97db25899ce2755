/**
 * Alert rules as data (the Grafana way): a condition over what the app mirrors, where to deliver, and
 * how to pace it. Plain JSON shared by the service, the store's queue, the CLI and the rule editor; the
 * matching of change rows lives here too, so the rule that fires in the sync transaction and the
 * editor's preview over the mirror (store/queries/filter.ts) read a row the same way.
 */
import { rowChangedField, rowValuesMatch } from './field-values';
import type { ChangeEvent, ChangeFilter, FieldChange, InstanceId, ValueCondition } from './model';

/** Fires on mirrored change rows that match every given part (absent parts match anything). */
export interface ChangeCondition {
  kind: 'change';
  instanceIds?: InstanceId[];
  models?: string[];
  events?: ChangeEvent[];
  /** A changed field (technical name), e.g. `list_price`. */
  field?: string;
  /** Who made the change (our addon's user names). */
  users?: string[];
  /** The old or new value (of `field` when given) matches; only rows whose source records values. */
  value?: ValueCondition;
}

/** Fires the first time an error with a fingerprint (errors differing only in numbers and ids) is mirrored, per instance. */
export interface NewErrorCondition {
  kind: 'error-new';
  instanceIds?: InstanceId[];
  models?: string[];
}

/** Fires when `count` or more errors of one fingerprint happened within `windowMinutes` (at most once per window). */
export interface ErrorRateCondition {
  kind: 'error-rate';
  instanceIds?: InstanceId[];
  models?: string[];
  count: number;
  windowMinutes: number;
}

/**
 * Fires when an instance has failed to sync (unreachable) or has not synced (behind) for `minutes`:
 * once per outage, counted from its last successful sync.
 */
export interface InstanceCondition {
  kind: 'instance-unreachable' | 'instance-behind';
  instanceIds?: InstanceId[];
  minutes: number;
}

/** What a rule watches. */
export type AlertCondition = ChangeCondition | NewErrorCondition | ErrorRateCondition | InstanceCondition;

/** The kinds of condition, in the order the editor offers them. */
export const ALERT_CONDITION_KINDS = ['change', 'error-new', 'error-rate', 'instance-unreachable', 'instance-behind'] as const satisfies readonly AlertCondition['kind'][];

/** Where a rule's messages go, as listed (a webhook's signing secret is never sent back). */
export type AlertChannel = { kind: 'desktop' } | { kind: 'webhook'; url: string; hasSecret: boolean } | { kind: 'email'; to: string[] };

/**
 * Where a rule's messages go, as entered. A webhook's `secret` signs its payloads; left out on edit, the
 * stored one is kept while the URL stays the same.
 */
export type AlertChannelInput = { kind: 'desktop' } | { kind: 'webhook'; url: string; secret?: string } | { kind: 'email'; to: string[] };

/** The kinds of delivery. */
export type AlertChannelKind = AlertChannel['kind'];

/** A daily window in which messages wait (they are sent, grouped, when it ends). */
export interface QuietHours {
  /** `HH:MM`, 24-hour clock. */
  start: string;
  end: string;
  /** IANA time zone, e.g. `Asia/Riyadh`; default the app machine's own. */
  timeZone?: string;
}

/** How a rule's messages are paced. */
export interface AlertTiming {
  /** After a burst's first event, wait this many seconds for more: a burst is one message (default 30). */
  groupSeconds: number;
  /** At least this many seconds between two messages of the rule; events meanwhile wait for the next (default 0). */
  throttleSeconds: number;
  quietHours?: QuietHours;
}

/** The pacing a rule gets when it says nothing. */
export const DEFAULT_ALERT_TIMING: Readonly<AlertTiming> = Object.freeze({ groupSeconds: 30, throttleSeconds: 0 });

/** A saved rule. */
export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  condition: AlertCondition;
  channels: AlertChannel[];
  timing: AlertTiming;
  createdAt: string;
  updatedAt: string;
}

/** A rule as entered: a new one without `id`, an edit with it. */
export interface AlertRuleInput {
  id?: string;
  name: string;
  enabled?: boolean;
  condition: AlertCondition;
  channels: AlertChannelInput[];
  timing?: Partial<AlertTiming>;
}

/** One event a rule fired on, as a message tells it (and as a webhook payload lists it). */
export interface AlertEvent {
  /** Unique per (rule, event), the same on every retry: receivers de-duplicate on it. */
  key: string;
  kind: 'change' | 'error' | 'instance';
  instanceId: InstanceId;
  instanceName?: string;
  /** When it happened (UTC). */
  at: string;
  /** Change events. */
  model?: string;
  recordId?: number;
  event?: ChangeEvent;
  serverId?: number;
  userName?: string;
  values?: FieldChange[];
  /** Error events: one real message, its fingerprint, and (rate rules) how many in the window. */
  message?: string;
  fingerprint?: string;
  count?: number;
  /** Instance events: since when (the last successful sync) and for how long. */
  condition?: 'unreachable' | 'behind';
  since?: string;
  minutes?: number;
}

/** What a rule would have done over the last days of the mirror (the editor's live preview). */
export interface AlertPreview {
  days: number;
  from: string;
  to: string;
  /** Events the rule would have fired on. */
  events: number;
  /** The newest few of them. */
  samples: AlertEvent[];
  /** True when the count is estimated (instance conditions are read from the sync log). */
  estimated?: boolean;
}

/** One message of a rule to one channel: the outbox entry and the delivery log's line. */
export interface AlertDelivery {
  id: number;
  ruleId: string;
  ruleName: string;
  channel: AlertChannelKind;
  /** The webhook URL or the e-mail addresses. */
  target?: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  /** Events in the message. */
  events: number;
  /** The message's idempotency key (the webhook payload's `idempotencyKey`). */
  idempotencyKey: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  nextAttemptAt?: string;
  /** Why the last attempt failed (or why it waits: quiet hours, no desktop to show it on). */
  error?: string;
}

/** A desktop notification to show (the browser workbench shows it with the Notification API). */
export interface DesktopNotice {
  /** The message's idempotency key (also the notification's tag, so a repeat replaces it). */
  id: string;
  ruleId: string;
  title: string;
  body: string;
}

/** The outcome of a test message to one of a rule's deliveries (`ocm alert test`, the editor's Test button). */
export interface AlertTestResult {
  channel: AlertChannelKind;
  target?: string;
  ok: boolean;
  /** Why it failed. */
  error?: string;
}

/** The SMTP server e-mail alerts are sent through (its password is never sent back). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  user?: string;
  from: string;
  hasPassword: boolean;
}

/** SMTP settings as entered; an omitted password keeps the stored one while host and user stay the same. */
export interface SmtpInput {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** The timeline filter that selects the rows a change condition fires on (the preview counts with it). */
export function changeConditionFilter(condition: ChangeCondition): ChangeFilter {
  const filter: ChangeFilter = {};
  if (condition.instanceIds?.length) filter.instanceIds = [...condition.instanceIds];
  if (condition.models?.length) filter.models = [...condition.models];
  if (condition.events?.length) filter.events = [...condition.events];
  if (condition.users?.length) filter.users = [...condition.users];
  if (condition.field) filter.changedField = condition.field;
  if (condition.value?.text) filter.value = { ...condition.value };
  return filter;
}

/** The parts of a change row a condition reads. */
export interface MatchableChange {
  instanceId: InstanceId;
  model: string;
  event: ChangeEvent;
  userName?: string;
  changedFields?: readonly string[];
  values?: readonly FieldChange[];
}

/** Whether a change row fires the condition; the same answer as {@link changeConditionFilter} in SQL. */
export function changeMatches(condition: ChangeCondition, row: MatchableChange): boolean {
  const listed = <T>(values: readonly T[] | undefined, value: T) => !values?.length || values.includes(value);
  if (!listed(condition.instanceIds, row.instanceId) || !listed(condition.models, row.model) || !listed(condition.events, row.event)) return false;
  if (condition.users?.length && (row.userName === undefined || !condition.users.includes(row.userName))) return false;
  if (condition.field && !rowChangedField(row, condition.field)) return false;
  return !condition.value?.text || rowValuesMatch(row, condition.value, condition.field || undefined);
}

/** Whether an instance and model are in a condition's scope (error and instance conditions). */
export function inScope(condition: { instanceIds?: InstanceId[]; models?: string[] }, instanceId: InstanceId, model?: string): boolean {
  if (condition.instanceIds?.length && !condition.instanceIds.includes(instanceId)) return false;
  return model === undefined || !condition.models?.length || condition.models.includes(model);
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of `HH:MM`, or undefined when it is not one. */
export function clockMinutes(text: string): number | undefined {
  const match = CLOCK.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Whether `at` falls in the daily window (which may wrap past midnight: 22:00–07:00). */
export function inQuietHours(quiet: QuietHours | undefined, at: Date): boolean {
  if (!quiet) return false;
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  if (start === undefined || end === undefined || start === end) return false;
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: quiet.timeZone }).formatToParts(at);
  const minutes = Number(parts.find((part) => part.type === 'hour')?.value) * 60 + Number(parts.find((part) => part.type === 'minute')?.value);
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}
