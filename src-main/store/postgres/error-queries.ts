/** The error log on the team mirror: filtered rows (full-text search on PostgreSQL's own index) and groups by fingerprint. */
import { OcmError } from '../../common/errors';
import type { ErrorFilter, ErrorGroup, ErrorRow } from '../../common/model';
import { isoFromSeconds, secondsFromIso } from '../../common/time';
import { normalizeErrorMessage } from '../fingerprint';
import { DEFAULT_ERROR_LIMIT, MAX_ERROR_LIMIT, toErrorRow, type ErrorRecord } from '../queries/error-queries';
import { pgAll } from './change-queries';
import type { PgConnection } from './connection';
import { anyOf, pgWhere, type PgCondition } from './filter';

/**
 * User text as a `tsquery` over the `simple` configuration: every word's letters and digits become
 * lexemes that must follow each other (`'a' <-> 'b'`), words are and-ed, a trailing `*` keeps its
 * prefix meaning (`:*`). Only letters and digits reach the query, so no input can break its syntax.
 * Returns undefined when nothing searchable is left.
 */
export function tsQuery(text: string): string | undefined {
  const words = text.split(/\s+/).flatMap((word) => {
    const prefix = word.length > 1 && word.endsWith('*');
    const tokens = word.toLowerCase().match(/[\p{L}\p{N}]+/gu);
    if (!tokens) return [];
    return [tokens.map((token, index) => `'${token}'${prefix && index === tokens.length - 1 ? ':*' : ''}`).join(' <-> ')];
  });
  return words.length ? words.map((word) => `(${word})`).join(' & ') : undefined;
}

function errorConditions(filter: ErrorFilter): PgCondition[] {
  const conditions: PgCondition[] = [];
  if (filter.instanceIds?.length) conditions.push(anyOf('instance_id', [...new Set(filter.instanceIds)]));
  if (filter.models?.length) conditions.push(anyOf('model', [...new Set(filter.models)]));
  if (filter.from) conditions.push({ sql: 'ts >= ?', params: [secondsFromIso(filter.from, 'The start of the time range')] });
  if (filter.to) conditions.push({ sql: 'ts < ?', params: [secondsFromIso(filter.to, 'The end of the time range')] });
  if (filter.fingerprint) conditions.push({ sql: 'fingerprint = ?', params: [filter.fingerprint] });
  const query = filter.text ? tsQuery(filter.text) : undefined;
  if (query) conditions.push({ sql: `to_tsvector('simple', message) @@ to_tsquery('simple', ?)`, params: [query] });
  return conditions;
}

/** Error rows matching the filter, newest first. */
export async function pgErrorRows(sql: PgConnection, filter: ErrorFilter, options: { limit?: number; offset?: number } = {}): Promise<ErrorRow[]> {
  const limit = options.limit ?? DEFAULT_ERROR_LIMIT;
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(offset) || offset < 0) {
    throw new OcmError('invalid-input', `Invalid error page (limit ${String(limit)}, offset ${String(offset)}).`);
  }
  const where = pgWhere(errorConditions(filter));
  const records = await pgAll<ErrorRecord>(sql, {
    sql: `SELECT id, instance_id, server_id, model, record_id, message, ts, first_seen_at, removed_at FROM errors${where.sql} ORDER BY ts DESC, id DESC LIMIT ? OFFSET ?`,
    params: [...where.params, Math.min(limit, MAX_ERROR_LIMIT), offset],
  });
  return records.map(toErrorRow);
}

/** Groups of errors whose messages differ only in numbers, ids and quoted values, most recently seen first. */
export async function pgErrorGroups(sql: PgConnection, filter: ErrorFilter): Promise<ErrorGroup[]> {
  const where = pgWhere(errorConditions(filter));
  const records = await pgAll<{ fingerprint: string; count: number; first_seen: number; last_seen: number; sample: string; models: string[]; instances: string[] }>(sql, {
    sql: 'SELECT fingerprint, count(*) AS count, min(ts) AS first_seen, max(ts) AS last_seen, (array_agg(message ORDER BY ts DESC, id DESC))[1] AS sample,'
      + ` array_agg(DISTINCT model) AS models, array_agg(DISTINCT instance_id) AS instances FROM errors${where.sql} GROUP BY fingerprint ORDER BY last_seen DESC, fingerprint`,
    params: where.params,
  });
  return records.map((record) => ({
    fingerprint: record.fingerprint,
    title: normalizeErrorMessage(record.sample),
    sample: record.sample,
    count: record.count,
    firstSeen: isoFromSeconds(record.first_seen),
    lastSeen: isoFromSeconds(record.last_seen),
    models: [...record.models].sort(),
    instanceIds: [...record.instances].sort(),
  }));
}
