/**
 * The rules for what an alert rule may be, checked once by the service for the workbench and the CLI
 * alike: every refusal says what is wrong and what to do.
 */
import { ALERT_CONDITION_KINDS, clockMinutes, DEFAULT_ALERT_TIMING, type AlertChannelInput, type AlertCondition, type AlertRuleInput, type AlertTiming } from '../common/alerts';
import { OcmError } from '../common/errors';
import type { ChangeEvent } from '../common/model';

const EVENTS: readonly ChangeEvent[] = ['create', 'write', 'unlink'];
/** A plain address check: something@domain.tld, no spaces (the SMTP server has the last word). */
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;
const MAX_CHANNELS = 10;
const MAX_RECIPIENTS = 50;
/** Longest windows and waits a rule may name (a week). */
const MAX_MINUTES = 7 * 24 * 60;

function refuse(message: string, hint?: string): never {
  throw new OcmError('invalid-input', message, hint ? { hint } : undefined);
}

function wholeNumber(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) refuse(`${what} must be a whole number from ${min} to ${max}, not ${String(value)}.`);
  return value;
}

function list<T extends string>(values: readonly T[] | undefined): T[] | undefined {
  const kept = [...new Set((values ?? []).map((value) => value.trim() as T).filter((value) => value.length > 0))];
  return kept.length ? kept : undefined;
}

/** The condition with empty parts dropped; throws 'invalid-input' on anything it cannot fire on. */
export function checkCondition(condition: AlertCondition): AlertCondition {
  if (!condition || !(ALERT_CONDITION_KINDS as readonly string[]).includes(condition.kind)) {
    refuse(`Unknown alert condition "${String((condition as { kind?: unknown } | undefined)?.kind)}".`, `Use one of ${ALERT_CONDITION_KINDS.join(', ')}.`);
  }
  const scope = { instanceIds: list(condition.instanceIds) };
  switch (condition.kind) {
    case 'change': {
      const events = list(condition.events);
      const unknown = events?.find((event) => !EVENTS.includes(event));
      if (unknown) refuse(`Unknown event "${unknown}".`, 'Events are create, write and unlink.');
      const checked: AlertCondition = { kind: 'change', ...scope, models: list(condition.models), events, users: list(condition.users) };
      const field = condition.field?.trim();
      if (field) checked.field = field;
      if (condition.value?.text) {
        if (condition.value.match && !['contains', 'equals'].includes(condition.value.match)) refuse(`Unknown value match "${condition.value.match}".`, 'Use contains or equals.');
        if (condition.value.side && !['either', 'old', 'new'].includes(condition.value.side)) refuse(`Unknown value side "${condition.value.side}".`, 'Use either, old or new.');
        checked.value = { text: condition.value.text, match: condition.value.match ?? 'contains', side: condition.value.side ?? 'either' };
      }
      return withoutEmpty(checked);
    }
    case 'error-new':
      return withoutEmpty({ kind: 'error-new', ...scope, models: list(condition.models) });
    case 'error-rate':
      return withoutEmpty({
        kind: 'error-rate',
        ...scope,
        models: list(condition.models),
        count: wholeNumber(condition.count, 'The number of errors', 1, 1_000_000),
        windowMinutes: wholeNumber(condition.windowMinutes, 'The error window (minutes)', 1, MAX_MINUTES),
      });
    case 'instance-unreachable':
    case 'instance-behind':
      return withoutEmpty({ kind: condition.kind, ...scope, minutes: wholeNumber(condition.minutes, 'The number of minutes', 1, MAX_MINUTES) });
  }
}

function withoutEmpty<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** A webhook address: http(s) only, no credentials in it. */
export function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return refuse(`"${text}" is not a web address.`, 'Give the full address of the receiver, e.g. https://hooks.example.com/odoo.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(`The webhook address must start with https:// or http://, not ${url.protocol}.`);
  if (url.username || url.password) refuse('The webhook address must not carry a user name or password.', 'The receiver checks the X-OCM-Signature header instead.');
  return url.toString();
}

/** E-mail addresses, each checked. */
export function checkRecipients(addresses: readonly string[]): string[] {
  const kept = [...new Set(addresses.map((address) => address.trim()).filter((address) => address.length > 0))];
  if (kept.length === 0) refuse('An e-mail delivery needs at least one address.');
  if (kept.length > MAX_RECIPIENTS) refuse(`An e-mail delivery takes at most ${MAX_RECIPIENTS} addresses.`);
  const wrong = kept.find((address) => !EMAIL.test(address));
  if (wrong) refuse(`"${wrong}" is not an e-mail address.`, 'Write it as name@example.com.');
  return kept;
}

/** The channels, each checked; webhooks keep their secret (or its absence) for the service to seal. */
export function checkChannels(channels: readonly AlertChannelInput[]): AlertChannelInput[] {
  if (!channels?.length) refuse('An alert rule needs at least one delivery: desktop, webhook or e-mail.');
  if (channels.length > MAX_CHANNELS) refuse(`An alert rule takes at most ${MAX_CHANNELS} deliveries.`);
  const checked = channels.map((channel): AlertChannelInput => {
    switch (channel.kind) {
      case 'desktop':
        return { kind: 'desktop' };
      case 'webhook': {
        const checkedChannel: AlertChannelInput = { kind: 'webhook', url: checkWebhookUrl(channel.url) };
        if (channel.secret !== undefined) {
          if (channel.secret.length < 16) refuse('A webhook signing secret needs at least 16 characters.', 'Use a long random value, e.g. the output of `openssl rand -hex 32`.');
          checkedChannel.secret = channel.secret;
        }
        return checkedChannel;
      }
      case 'email':
        return { kind: 'email', to: checkRecipients(channel.to) };
      default:
        return refuse(`Unknown delivery "${String((channel as { kind?: unknown }).kind)}".`, 'Use desktop, webhook or email.');
    }
  });
  if (checked.filter((channel) => channel.kind === 'desktop').length > 1) refuse('A rule has one desktop delivery at most.');
  return checked;
}

/** The timing with defaults filled in. */
export function checkTiming(timing: Partial<AlertTiming> | undefined): AlertTiming {
  const checked: AlertTiming = {
    groupSeconds: timing?.groupSeconds === undefined ? DEFAULT_ALERT_TIMING.groupSeconds : wholeNumber(timing.groupSeconds, 'The grouping window (seconds)', 0, 86_400),
    throttleSeconds: timing?.throttleSeconds === undefined ? DEFAULT_ALERT_TIMING.throttleSeconds : wholeNumber(timing.throttleSeconds, 'The time between messages (seconds)', 0, MAX_MINUTES * 60),
  };
  const quiet = timing?.quietHours;
  if (quiet) {
    for (const [label, text] of [['start', quiet.start], ['end', quiet.end]] as const) {
      if (clockMinutes(text) === undefined) refuse(`The quiet hours' ${label} "${text}" is not a time of day.`, 'Write it as HH:MM on a 24-hour clock, e.g. 22:00.');
    }
    if (quiet.start === quiet.end) refuse('The quiet hours start and end at the same time.', 'Give two different times, e.g. 22:00 to 07:00.');
    if (quiet.timeZone !== undefined) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: quiet.timeZone });
      } catch {
        refuse(`"${quiet.timeZone}" is not a time zone.`, 'Use an IANA name such as Asia/Riyadh or Europe/Paris.');
      }
    }
    checked.quietHours = quiet.timeZone ? { start: quiet.start, end: quiet.end, timeZone: quiet.timeZone } : { start: quiet.start, end: quiet.end };
  }
  return checked;
}

/** The whole rule, checked; the name is trimmed. */
export function checkRuleInput(input: AlertRuleInput): AlertRuleInput & { timing: AlertTiming } {
  const name = input.name?.trim() ?? '';
  if (!name) refuse('An alert rule needs a name.');
  if (name.length > 100) refuse('An alert rule name has at most 100 characters.');
  return { ...input, name, enabled: input.enabled ?? true, condition: checkCondition(input.condition), channels: checkChannels(input.channels), timing: checkTiming(input.timing) };
}
