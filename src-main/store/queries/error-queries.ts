/** Queries over the mirrored error log: filtered rows (with full-text search) and groups by fingerprint. */
import type { ErrorFilter, ErrorGroup, ErrorRow } from '../../common/model';
import { OcmError } from '../../common/errors';
import { normalizeErrorMessage } from '../fingerprint';
import { cachedStatement } from './statements';
import type { SqlDatabase } from '../database';
import { inCondition, whereClause, type Condition } from './filter';
import { isoFromSeconds, secondsFromIso } from '../../common/time';

/** Default and largest number of error rows per request. */
export const DEFAULT_ERROR_LIMIT = 100;
export const MAX_ERROR_LIMIT = 5000;

/**
 * Turns user input into a safe FTS5 query: every word becomes a quoted phrase (quotes doubled), so FTS5
 * operators and punctuation in the input (`AND`, `-`, `:`, `(`, `"`) are plain text; words are and-ed.
 * A trailing `*` keeps its prefix meaning. Words without a letter or digit are dropped: FTS5 would find
 * no token in them and match nothing. Returns undefined when nothing searchable is left.
 */
export function ftsQuery(text: string): string | undefined {
  const phrases = text
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .map((word) => {
      const prefix = word.length > 1 && word.endsWith('*');
      const body = (prefix ? word.slice(0, -1) : word).replace(/"/g, '""');
      return `"${body}"${prefix ? '*' : ''}`;
    });
  return phrases.length ? phrases.join(' ') : undefined;
}

function errorConditions(filter: ErrorFilter): Condition[] {
  const conditions: Condition[] = [];
  if (filter.instanceIds?.length) conditions.push(inCondition('instance_id', [...new Set(filter.instanceIds)]));
  if (filter.models?.length) conditions.push(inCondition('model', [...new Set(filter.models)]));
  if (filter.from) conditions.push({ sql: 'ts >= ?', params: [secondsFromIso(filter.from, 'The start of the time range')] });
  if (filter.to) conditions.push({ sql: 'ts < ?', params: [secondsFromIso(filter.to, 'The end of the time range')] });
  if (filter.fingerprint) conditions.push({ sql: 'fingerprint = ?', params: [filter.fingerprint] });
  const match = filter.text ? ftsQuery(filter.text) : undefined;
  if (match) conditions.push({ sql: 'id IN (SELECT rowid FROM errors_fts WHERE errors_fts MATCH ?)', params: [match] });
  return conditions;
}

/** An `errors` row as the queries select it. */
export interface ErrorRecord {
  id: number;
  instance_id: string;
  server_id: number;
  model: string;
  record_id: number;
  message: string;
  ts: number;
  first_seen_at: number;
  removed_at: number | null;
}

/** The contract's row of an `errors` row (shared with the PostgreSQL store). */
export function toErrorRow(record: ErrorRecord): ErrorRow {
  const row: ErrorRow = {
    key: String(record.id),
    instanceId: record.instance_id,
    serverId: record.server_id,
    model: record.model,
    recordId: record.record_id,
    message: record.message,
    timestamp: isoFromSeconds(record.ts),
    firstSeenAt: isoFromSeconds(record.first_seen_at),
  };
  if (record.removed_at !== null) row.removedAt = isoFromSeconds(record.removed_at);
  return row;
}

/** Error rows matching the filter, newest first. */
export function errorRows(db: SqlDatabase, filter: ErrorFilter, options: { limit?: number; offset?: number } = {}): ErrorRow[] {
  const limit = options.limit ?? DEFAULT_ERROR_LIMIT;
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(offset) || offset < 0) {
    throw new OcmError('invalid-input', `Invalid error page (limit ${String(limit)}, offset ${String(offset)}).`);
  }
  const where = whereClause(errorConditions(filter));
  const sql = `SELECT id, instance_id, server_id, model, record_id, message, ts, first_seen_at, removed_at FROM errors${where.sql}`
    + ' ORDER BY ts DESC, id DESC LIMIT ? OFFSET ?';
  return (cachedStatement(db, sql).all(...where.params, Math.min(limit, MAX_ERROR_LIMIT), offset) as ErrorRecord[]).map(toErrorRow);
}

/**
 * Groups of errors whose messages differ only in numbers, ids and quoted values, most recently seen
 * first. The sample is the group's newest message (SQLite takes bare columns from the max() row).
 */
export function errorGroups(db: SqlDatabase, filter: ErrorFilter): ErrorGroup[] {
  const where = whereClause(errorConditions(filter));
  const sql = 'SELECT fingerprint, count(*) AS count, min(ts) AS first_seen, max(ts) AS last_seen, message AS sample,'
    + ' json_group_array(DISTINCT model) AS models, json_group_array(DISTINCT instance_id) AS instances'
    + ` FROM errors${where.sql} GROUP BY fingerprint ORDER BY last_seen DESC, fingerprint`;
  const records = cachedStatement(db, sql).all(...where.params) as {
    fingerprint: string; count: number; first_seen: number; last_seen: number; sample: string; models: string; instances: string;
  }[];
  return records.map((record) => ({
    fingerprint: record.fingerprint,
    title: normalizeErrorMessage(record.sample),
    sample: record.sample,
    count: record.count,
    firstSeen: isoFromSeconds(record.first_seen),
    lastSeen: isoFromSeconds(record.last_seen),
    models: (JSON.parse(record.models) as string[]).sort(),
    instanceIds: (JSON.parse(record.instances) as string[]).sort(),
  }));
}
