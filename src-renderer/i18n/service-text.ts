/**
 * Words what the services send in English (sync log lines, connection checks, errors) in the UI's
 * language. Services keep their English sentence for the CLI and logs and add either a catalogue key
 * with parameters (`messageKey`, `hintKey`, `params`) or an error `code`. A missing or unknown key falls
 * back to the English sentence, so log rows written before keys existed still read.
 */
import { connectionVerdict, type ConnectionVerdict } from '../../src-main/common/connection-verdict';
import { errorFromJSON, OcmError, toOcmError, type SerializedError } from '../../src-main/common/errors';
import type { MessageValues, SyncLogEntry } from '../../src-main/common/model';
import type { ConnectionCheck } from '../../src-main/common/services';
import { en, type MessageKey } from './en';
import type { MessageParams } from './format';
import type { Translator } from './index';

/** True when `key` is in the catalogue (services may send keys this build does not know yet). */
export function isMessageKey(key: string | undefined): key is MessageKey {
  return key !== undefined && Object.prototype.hasOwnProperty.call(en, key);
}

/** Text in the UI's language, plus the service's own English words when they carry facts the text lacks. */
export interface LocalizedText {
  text: string;
  /** The service's English sentence, kept when `text` is worded from an error code (it often quotes Odoo). */
  detail?: string;
}

/** A short title for an error code, e.g. 'auth-failed' → "Wrong login or password". */
export function errorTitle(translator: Translator, code: string): string {
  const key = `error.${code}`;
  return translator.t(isMessageKey(key) ? key : 'error.internal');
}

/** The generic advice for an error code, when there is one. */
export function errorHint(translator: Translator, code: string): string | undefined {
  const key = `error.${code}.hint`;
  return isMessageKey(key) ? translator.t(key) : undefined;
}

/**
 * The hint to show: in English the service's specific hint is best; in another language the generic
 * hint in that language wins, and the English one is only the fallback.
 */
function pickHint(translator: Translator, code: string, specific: string | undefined): string | undefined {
  return translator.language === 'en' ? specific ?? errorHint(translator, code) : errorHint(translator, code) ?? specific;
}

/** Catalogue parameters from a service's: `code` also gives `{error}` (its title), `seconds` gives `{delay}`. */
function expandParams(translator: Translator, params: MessageValues | undefined): MessageParams {
  const expanded: Record<string, string | number> = { ...params };
  if (typeof params?.code === 'string') expanded.error = errorTitle(translator, params.code);
  if (typeof params?.seconds === 'number') expanded.delay = translator.duration(params.seconds * 1000);
  return expanded;
}

/** One sync activity line in the UI's language (the English message when its key is unknown). */
export function localizeLogEntry(translator: Translator, entry: Pick<SyncLogEntry, 'message' | 'messageKey' | 'params'>): LocalizedText {
  if (!isMessageKey(entry.messageKey)) return { text: entry.message };
  const text = translator.t(entry.messageKey, expandParams(translator, entry.params));
  return typeof entry.params?.code === 'string' ? { text, detail: entry.message } : { text };
}

/** The label of a sync log line's kind ('snapshot', 'poll', …); unknown kinds show as sent. */
export function logKindLabel(translator: Translator, kind: string): string {
  const key = `activity.kind.${kind}`;
  return isMessageKey(key) ? translator.t(key) : kind;
}

/** A connection check's words in the UI's language. */
export interface LocalizedCheck {
  message: string;
  hint?: string;
  /** The English message when `message` is worded from the failure's error code. */
  detail?: string;
}

/** One connection check in the UI's language: by its keys, else by its error code, else as sent. */
export function localizeCheck(translator: Translator, check: ConnectionCheck): LocalizedCheck {
  if (isMessageKey(check.messageKey)) {
    const params = expandParams(translator, check.params);
    const hint = isMessageKey(check.hintKey) ? translator.t(check.hintKey, params) : check.hint;
    return hint === undefined ? { message: translator.t(check.messageKey, params) } : { message: translator.t(check.messageKey, params), hint };
  }
  if (check.status !== 'ok' && check.code !== undefined && isMessageKey(`error.${check.code}`)) {
    const hint = pickHint(translator, check.code, check.hint);
    const localized: LocalizedCheck = { message: errorTitle(translator, check.code), detail: check.message };
    if (hint !== undefined) localized.hint = hint;
    return localized;
  }
  return check.hint === undefined ? { message: check.message } : { message: check.message, hint: check.hint };
}

/** A connection test's verdict in the UI's language: the same verdict as the CLI's, from the same function. */
export function localizeVerdict(translator: Translator, checks: readonly ConnectionCheck[]): { outcome: ConnectionVerdict['outcome']; text: string } {
  const verdict = connectionVerdict(checks);
  const names = (ids: readonly ConnectionCheck['id'][]) => ids.map((id) => translator.t(`check.${id}`)).join(translator.language === 'ar' ? '، ' : ', ');
  const text = translator.t(verdict.messageKey, { failed: verdict.failed.length, warnings: verdict.warnings.length, failedChecks: names(verdict.failed), warningChecks: names(verdict.warnings) });
  return { outcome: verdict.outcome, text };
}

/** An error as the banners show it. */
export interface LocalizedError {
  code: string;
  /** What happened, in the UI's language (from the code). */
  title: string;
  /** The service's English message: the specifics (names, Odoo's own text). */
  message: string;
  /** What to do. */
  hint?: string;
  /** The service's English advice when `hint` is the generic one in another language. */
  originalHint?: string;
  /** Traceback or other technical detail. */
  detail?: string;
}

/** True for the plain-JSON form of an error (e.g. InstanceStatus.lastError, AdminResult.error). */
function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && typeof (value as SerializedError).code === 'string' && typeof (value as SerializedError).message === 'string';
}

/** Any failure (OcmError, its JSON form, or anything thrown) worded for the UI. */
export function localizeError(translator: Translator, error: unknown): LocalizedError {
  const ocm = error instanceof OcmError ? error : isSerializedError(error) ? errorFromJSON(error) : toOcmError(error);
  const hint = pickHint(translator, ocm.code, ocm.hint);
  const localized: LocalizedError = { code: ocm.code, title: errorTitle(translator, ocm.code), message: ocm.message };
  if (hint !== undefined) localized.hint = hint;
  if (ocm.hint && hint !== ocm.hint) localized.originalHint = ocm.hint;
  if (ocm.detail) localized.detail = ocm.detail;
  return localized;
}

/** The error on a few plain lines (tooltips). */
export function describeError(translator: Translator, error: unknown): string {
  const localized = localizeError(translator, error);
  return [localized.title, localized.message, localized.hint].filter(Boolean).join('\n');
}
