/**
 * "Would have fired N times in the last 7 days": a condition run over the mirror. Change conditions are
 * counted with the timeline's own filter (the same SQL the timeline uses, which agrees with the rule's
 * matching); error conditions replay the error log the way the queue fires on it; instance conditions are
 * estimated from the sync log's failures (the log does not record every quiet successful pass).
 *
 * The replay is written once, over a {@link PreviewSource} that reads the rows: {@link sqlitePreviewSource}
 * here, the PostgreSQL one in alerts/pg-preview.ts.
 */
import { changeConditionFilter, inScope, type AlertCondition, type AlertEvent, type AlertPreview, type ErrorRateCondition, type InstanceCondition, type NewErrorCondition } from '../common/alerts';
import type { ChangeFilter, ChangeRow, InstanceId } from '../common/model';
import { isoFromSeconds } from '../common/time';
import type { SqlDatabase } from '../store/database';
import type { Awaitable } from '../store/ports';
import { countChanges } from '../store/queries/aggregates';
import { timelinePage } from '../store/queries/change-queries';
import { normalizeFilter } from '../store/queries/filter';

/** Runs a condition over the last `days` of the mirror, ending at `now` (Unix seconds): what the alert service previews with. */
export type AlertPreviewer = (condition: AlertCondition, days: number, now: number) => Awaitable<AlertPreview>;

/** An `errors` row as the preview reads it. */
export interface PreviewErrorRecord {
  id: number;
  instance_id: InstanceId;
  model: string;
  record_id: number;
  message: string;
  fingerprint: string;
  ts: number;
}

/** A `sync_log` line as the preview reads it. */
export interface PreviewSyncLine {
  instance_id: InstanceId;
  at: number;
  level: string;
  kind: string;
}

/** The rows a preview reads, from whichever store holds the mirror. */
export interface PreviewSource {
  /** Change rows matching the filter (the timeline's count). */
  countChanges(filter: ChangeFilter): Awaitable<number>;
  /** The newest `limit` change rows matching the filter (the timeline's first page). */
  newestChanges(filter: ChangeFilter, limit: number): Awaitable<ChangeRow[]>;
  /** The first error of each (instance, fingerprint), when it falls in `[from, to)`, newest first (ts, id). */
  firstErrors(from: number, to: number): Awaitable<PreviewErrorRecord[]>;
  /** Errors in `(after, to)`, ordered by instance, fingerprint, ts and id. */
  errorsBetween(after: number, to: number): Awaitable<PreviewErrorRecord[]>;
  /** Sync log lines in `[from, to)` except the error-log pass's, ordered by instance, time and id. */
  syncLines(from: number, to: number): Awaitable<PreviewSyncLine[]>;
}

/** How many of the newest events a preview shows. */
const SAMPLES = 5;

/** Runs `condition` over the last `days` of the mirror read through `source`, ending at `now` (Unix seconds). */
export async function previewWith(source: PreviewSource, condition: AlertCondition, days: number, now: number): Promise<AlertPreview> {
  const from = now - days * 86400;
  const base = { days, from: isoFromSeconds(from), to: isoFromSeconds(now) };
  switch (condition.kind) {
    case 'change': {
      const filter = { ...changeConditionFilter(condition), from: base.from, to: base.to };
      const events = await source.countChanges(filter);
      const samples = (await source.newestChanges(filter, SAMPLES)).map((row): AlertEvent => {
        const event: AlertEvent = { key: `change:${row.key}`, kind: 'change', instanceId: row.instanceId, at: row.timestamp, model: row.model, recordId: row.recordId, event: row.event, serverId: row.serverId };
        if (row.userName) event.userName = row.userName;
        if (row.values) event.values = row.values;
        return event;
      });
      return { ...base, events, samples };
    }
    case 'error-new':
      return { ...base, ...newErrors(await source.firstErrors(from, now), condition) };
    case 'error-rate':
      return { ...base, ...errorRates(await source.errorsBetween(from - condition.windowMinutes * 60, now), condition, from) };
    case 'instance-unreachable':
    case 'instance-behind':
      return { ...base, ...outages(await source.syncLines(from, now), condition), estimated: true };
  }
}

/** The SQLite mirror's rows, as the preview reads them. */
export function sqlitePreviewSource(db: SqlDatabase): PreviewSource {
  return {
    countChanges: (filter) => countChanges(db, normalizeFilter(filter)),
    newestChanges: (filter, limit) => timelinePage(db, { filter, limit }).rows,
    firstErrors: (from, to) =>
      db
        .prepare(
          `SELECT e.id, e.instance_id, e.model, e.record_id, e.message, e.fingerprint, e.ts FROM errors e
           JOIN (SELECT min(id) AS id FROM errors GROUP BY instance_id, fingerprint) f ON f.id = e.id
           WHERE e.ts >= ? AND e.ts < ? ORDER BY e.ts DESC, e.id DESC`,
        )
        .all(from, to) as PreviewErrorRecord[],
    errorsBetween: (after, to) =>
      db.prepare('SELECT id, instance_id, model, record_id, message, fingerprint, ts FROM errors WHERE ts > ? AND ts < ? ORDER BY instance_id, fingerprint, ts, id').all(after, to) as PreviewErrorRecord[],
    syncLines: (from, to) =>
      db.prepare("SELECT instance_id, at, level, kind FROM sync_log WHERE at >= ? AND at < ? AND kind <> 'error-log' ORDER BY instance_id, at, id").all(from, to) as PreviewSyncLine[],
  };
}

/** Runs `condition` over the last `days` of the SQLite mirror, ending at `now` (Unix seconds). */
export function previewCondition(db: SqlDatabase, condition: AlertCondition, days: number, now: number): Promise<AlertPreview> {
  return previewWith(sqlitePreviewSource(db), condition, days, now);
}

/** The SQLite store's previewer (the alert service's `preview`). */
export function sqlitePreviewer(db: SqlDatabase): AlertPreviewer {
  return (condition, days, now) => previewCondition(db, condition, days, now);
}

function errorEvent(record: PreviewErrorRecord, key: string, count?: number): AlertEvent {
  const event: AlertEvent = { key, kind: 'error', instanceId: record.instance_id, at: isoFromSeconds(record.ts), model: record.model, recordId: record.record_id, message: record.message, fingerprint: record.fingerprint };
  if (count !== undefined) event.count = count;
  return event;
}

/** Fingerprints whose first error on an instance (any model, as the queue checks) fell in the range and scope. */
function newErrors(firsts: readonly PreviewErrorRecord[], condition: NewErrorCondition): Pick<AlertPreview, 'events' | 'samples'> {
  const fired = firsts.filter((record) => inScope(condition, record.instance_id, record.model));
  return { events: fired.length, samples: fired.slice(0, SAMPLES).map((record) => errorEvent(record, `error-new:${record.instance_id}:${record.fingerprint}`)) };
}

/** Windows in which a fingerprint reached the count, replaying each error as the queue sees it on arrival. */
function errorRates(records: readonly PreviewErrorRecord[], condition: ErrorRateCondition, from: number): Pick<AlertPreview, 'events' | 'samples'> {
  const window = condition.windowMinutes * 60;
  const fired = new Map<string, AlertEvent>();
  let start = 0;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    const group = (other: PreviewErrorRecord) => other.instance_id === record.instance_id && other.fingerprint === record.fingerprint;
    while (!group(records[start]) || records[start].ts <= record.ts - window) start++;
    // Errors of the same second arrive together: the count includes them all.
    let end = index;
    while (end + 1 < records.length && group(records[end + 1]) && records[end + 1].ts === record.ts) end++;
    const count = end - start + 1;
    if (record.ts < from || count < condition.count || !inScope(condition, record.instance_id, record.model)) continue;
    const key = `error-rate:${record.instance_id}:${record.fingerprint}:${Math.floor(record.ts / window)}`;
    if (!fired.has(key)) fired.set(key, errorEvent(record, key, count));
  }
  const events = [...fired.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { events: events.length, samples: events.slice(0, SAMPLES) };
}

/** Runs of failed sync attempts in the sync log that lasted at least the condition's minutes. */
function outages(lines: readonly PreviewSyncLine[], condition: InstanceCondition): Pick<AlertPreview, 'events' | 'samples'> {
  const events: AlertEvent[] = [];
  let run: { instanceId: InstanceId; start: number; last: number } | undefined;
  const close = () => {
    if (run && run.last - run.start >= condition.minutes * 60 && inScope(condition, run.instanceId)) {
      events.push({ key: `instance:${run.instanceId}:${run.start}`, kind: 'instance', instanceId: run.instanceId, at: isoFromSeconds(run.start + condition.minutes * 60), condition: condition.kind === 'instance-behind' ? 'behind' : 'unreachable', since: isoFromSeconds(run.start), minutes: condition.minutes });
    }
    run = undefined;
  };
  for (const line of lines) {
    if (run && run.instanceId !== line.instance_id) close();
    if (line.level === 'error') {
      if (run) run.last = line.at;
      else run = { instanceId: line.instance_id, start: line.at, last: line.at };
    } else {
      close();
    }
  }
  close();
  events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { events: events.length, samples: events.slice(0, SAMPLES) };
}
