/**
 * Live sync activity between the processes that share a team mirror on PostgreSQL. Each instance is
 * synced by the collector holding its lease; its engine's status changes, snapshot progress and new
 * activity-log lines go out on the `ocm_sync_events` channel, so a workbench served by any process (one
 * started with `--no-collector` too) shows every instance live: 'syncing', progress, a fresh error.
 *
 * An event names the pool that sent it (its origin; a process skips its own, its engine announced them)
 * and how long its status holds without a newer word from that sender (`ttlMs`: the sender repeats its
 * statuses well within it, sync/remote-activity.ts). Best effort, as NOTIFY is: an event sent while a
 * listener reconnects is lost, and the next status change or repetition brings it up to date.
 *
 * PostgreSQL refuses payloads of 8,000 bytes or more: a payload is kept under {@link MAX_PAYLOAD_BYTES}
 * by cutting free texts (a log line's message, an error's message, hint and detail, text values of a log
 * line's parameters) to {@link MAX_TEXT_LENGTH} characters, and, if still too long, by dropping the error's
 * detail and the log line's catalogue key and parameters (the workbench then shows the English sentence).
 */
import type { InstanceId, InstanceStatus, MessageValues, Progress, SyncLogEntry } from '../../common/model';
import { fromOthers, jsonOf, pgListen, pgNotify } from './channels';
import type { PgConnection } from './connection';

/** The channel every team process listens on for other collectors' sync activity. */
export const SYNC_EVENTS_CHANNEL = 'ocm_sync_events';

/** Under PostgreSQL's 8,000-byte NOTIFY limit, with room to spare. */
export const MAX_PAYLOAD_BYTES = 7_900;

/** The longest free text an event carries, in characters (longer ones are cut and end with '…'). */
export const MAX_TEXT_LENGTH = 1_000;

/** One thing a collector's engine announced. */
export type SyncEvent =
  | { kind: 'status'; status: InstanceStatus }
  | { kind: 'log'; entry: SyncLogEntry }
  | { kind: 'progress'; progress: Progress & { instanceId: InstanceId } };

/** An event as heard: what was announced, and how long (ms) the sender's status holds without a newer word. */
export type HeardSyncEvent = SyncEvent & { ttlMs: number };

/** An event as sent: also the pool that sent it. */
type SentSyncEvent = HeardSyncEvent & { origin: string };

/** The payload of `event`, trimmed to fit NOTIFY; undefined in the unlikely case it still does not fit. */
export function encodeSyncEvent(origin: string, ttlMs: number, event: SyncEvent): string | undefined {
  const fits = (candidate: SyncEvent) => {
    const payload = JSON.stringify({ origin, ttlMs, ...candidate } satisfies SentSyncEvent);
    return Buffer.byteLength(payload) < MAX_PAYLOAD_BYTES ? payload : undefined;
  };
  return fits(event) ?? fits(trimmed(event, false)) ?? fits(trimmed(event, true));
}

function trimmed(event: SyncEvent, drop: boolean): SyncEvent {
  switch (event.kind) {
    case 'status': {
      const { lastError } = event.status;
      if (!lastError) return event;
      const { detail, ...rest } = lastError;
      const error = { ...rest, message: cut(rest.message), ...(rest.hint !== undefined ? { hint: cut(rest.hint) } : {}) };
      return { kind: 'status', status: { ...event.status, lastError: drop || detail === undefined ? error : { ...error, detail: cut(detail) } } };
    }
    case 'log': {
      const { messageKey, params, ...rest } = event.entry;
      const entry = { ...rest, message: cut(rest.message) };
      if (drop) return { kind: 'log', entry };
      return { kind: 'log', entry: { ...entry, ...(messageKey !== undefined ? { messageKey } : {}), ...(params ? { params: cutValues(params) } : {}) } };
    }
    case 'progress':
      return event;
  }
}

function cut(text: string): string {
  if (text.length <= MAX_TEXT_LENGTH) return text;
  // Never half a character: a cut after a high surrogate drops it too.
  const end = isHighSurrogate(text.charCodeAt(MAX_TEXT_LENGTH - 2)) ? MAX_TEXT_LENGTH - 2 : MAX_TEXT_LENGTH - 1;
  return `${text.slice(0, end)}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function cutValues(values: MessageValues): MessageValues {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, typeof value === 'string' ? cut(value) : value]));
}

/** Sends `event` (NOTIFY outside any transaction: a status is news at once). Skipped, with a warning, when it cannot fit. */
export async function pgPublishSyncEvent(sql: PgConnection, origin: string, ttlMs: number, event: SyncEvent): Promise<void> {
  const payload = encodeSyncEvent(origin, ttlMs, event);
  if (payload === undefined) {
    console.warn(`A sync ${event.kind} event was not sent to other processes: it does not fit PostgreSQL's ${MAX_PAYLOAD_BYTES}-byte notice even trimmed.`);
    return;
  }
  await pgNotify(sql, SYNC_EVENTS_CHANNEL, payload);
}

/** The event in a payload with its origin, or undefined when it is not one (a foreign sender, another version's shape). */
export function parseSyncEvent(payload: string): SentSyncEvent | undefined {
  const value = jsonOf(payload);
  if (!isObject(value)) return undefined;
  const { origin, ttlMs, kind } = value;
  if (typeof origin !== 'string' || typeof ttlMs !== 'number' || !(ttlMs > 0)) return undefined;
  if (kind === 'status' && isObject(value.status) && isInstanceId(value.status.instanceId) && typeof value.status.state === 'string') {
    return { origin, ttlMs, kind, status: value.status as unknown as InstanceStatus };
  }
  if (kind === 'log' && isObject(value.entry) && isInstanceId(value.entry.instanceId) && typeof value.entry.id === 'number' && typeof value.entry.message === 'string') {
    return { origin, ttlMs, kind, entry: value.entry as unknown as SyncLogEntry };
  }
  if (kind === 'progress' && isObject(value.progress) && isInstanceId(value.progress.instanceId) && typeof value.progress.done === 'number') {
    return { origin, ttlMs, kind, progress: value.progress as unknown as Progress & { instanceId: InstanceId } };
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isInstanceId(value: unknown): value is InstanceId {
  return typeof value === 'string' && value.length > 0;
}

/** Hands `listener` the events of other origins than `origin`; resolves once listening. */
export function listenForSyncEvents(sql: PgConnection, origin: string, listener: (event: HeardSyncEvent) => void): Promise<{ unlisten(): Promise<void> }> {
  return pgListen(sql, SYNC_EVENTS_CHANNEL, parseSyncEvent, fromOthers(origin, listener));
}
