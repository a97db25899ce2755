/**
 * The thin dialect: a {@link NormalizedFilter} (the same validation and meaning as the SQLite queries,
 * store/queries/filter.ts) as PostgreSQL conditions on `changes`. Conditions are written with `?` and
 * numbered `$1…` once, by {@link numbered}; values are always bound, and lists are bound as one array
 * (`= ANY(?)`) so a statement's text does not depend on how many values a list has.
 *
 * Where the meaning differs from SQLite, PostgreSQL's is the better one and the difference is small:
 * text matches with ILIKE, case-insensitive in every script (SQLite's LIKE folds ASCII letters only).
 */
import { modelsLabelled } from '../../common/model-labels';
import type { ValueCondition } from '../../common/model';
import { escapeLike, type Dimension, type NormalizedFilter } from '../queries/filter';
import type { PgValue } from './connection';

/** A piece of SQL with `?` placeholders and its values in placeholder order. */
export interface PgCondition {
  sql: string;
  params: PgValue[];
}

/**
 * Replaces each `?` of `sql` with `$1`, `$2`, … in order. Question marks inside quoted literals are left
 * alone (JSON paths are bound as values, never written into the SQL, so no `?` operator appears here).
 */
export function numbered(query: PgCondition): { text: string; params: PgValue[] } {
  let index = 0;
  let quoted = false;
  let text = '';
  for (const character of query.sql) {
    if (character === "'") quoted = !quoted;
    text += character === '?' && !quoted ? `$${++index}` : character;
  }
  if (index !== query.params.length) throw new Error(`SQL has ${index} placeholders for ${query.params.length} values: ${query.sql}`);
  return { text, params: query.params };
}

/** `column = ?` for one value, `column = ANY(?)` for several (one array parameter). */
export function anyOf(column: string, values: readonly string[]): PgCondition {
  return values.length === 1 ? { sql: `${column} = ?`, params: [values[0]] } : { sql: `${column} = ANY(?::text[])`, params: [[...values]] };
}

/** Options of {@link pgFilterConditions}. */
export interface PgConditionOptions {
  /** Dimensions left out (facets count every value of their own dimension). */
  omit?: readonly Dimension[];
  /** Leave out the time range (callers that bound time themselves). */
  omitTime?: boolean;
}

/** Every condition of the filter, in a fixed order so equal filter shapes give equal SQL. */
export function pgFilterConditions(filter: NormalizedFilter, options: PgConditionOptions = {}): PgCondition[] {
  const conditions: PgCondition[] = [];
  for (const dimension of ['instance_id', 'model', 'event'] as const) {
    const values = filter.dimensions[dimension];
    if (values && !options.omit?.includes(dimension)) conditions.push(anyOf(dimension, values));
  }
  if (filter.recordId !== undefined) conditions.push({ sql: 'record_id = ?', params: [filter.recordId] });
  if (!options.omitTime) conditions.push(...pgTimeConditions(filter.from, filter.to));
  conditions.push(...pgPresenceConditions(filter.presence));
  for (const word of filter.words) conditions.push(wordCondition(word));
  if (filter.users) conditions.push(anyOf('user_name', filter.users));
  if (filter.changedField !== undefined) conditions.push(changedFieldCondition(filter.changedField));
  if (filter.value) conditions.push(valueCondition(filter.value, filter.changedField));
  return conditions;
}

/** `ts >= from AND ts < to`, either side optional. */
export function pgTimeConditions(from: number | undefined, to: number | undefined): PgCondition[] {
  const conditions: PgCondition[] = [];
  if (from !== undefined) conditions.push({ sql: 'ts >= ?', params: [from] });
  if (to !== undefined) conditions.push({ sql: 'ts < ?', params: [to] });
  return conditions;
}

/** Present = still on the server; removed = marked gone (by the server, a user or a reset log). */
export function pgPresenceConditions(presence: NormalizedFilter['presence']): PgCondition[] {
  if (presence === 'present') return [{ sql: 'removed_at IS NULL', params: [] }];
  if (presence === 'removed') return [{ sql: 'removed_at IS NOT NULL', params: [] }];
  return [];
}

/** Joins conditions into ` WHERE …` (or nothing). */
export function pgWhere(conditions: readonly PgCondition[]): PgCondition {
  if (conditions.length === 0) return { sql: '', params: [] };
  return { sql: ' WHERE ' + conditions.map((condition) => condition.sql).join(' AND '), params: conditions.flatMap((condition) => condition.params) };
}

/** A cheap test on the stored JSON's text before its values are walked (as SQLite's rawValuesContain). */
function rawValuesContain(text: string): PgCondition {
  return { sql: 'field_values::text ILIKE ?', params: [`%${escapeLike(JSON.stringify(text).slice(1, -1))}%`] };
}

/** The texts of a JSON value at any depth (itself included): `jsonb_path_query(x, 'strict $.**')`. */
const TEXTS_OF = (json: string) => `jsonb_path_query(${json}, 'strict $.**') AS v WHERE jsonb_typeof(v) = 'string' AND v #>> '{}' ILIKE ?`;

/** A word of the free text: model (or its label), record id, user, changed fields, or a text in the values. */
function wordCondition(word: string): PgCondition {
  const pattern = `%${escapeLike(word)}%`;
  const labelled = modelsLabelled(word);
  const byLabel: PgCondition = labelled.length ? { sql: ' OR model = ANY(?::text[])', params: [labelled] } : { sql: '', params: [] };
  const raw = rawValuesContain(word);
  // Every text of the values except a field's type (as SQLite's json_tree walk with key IS NOT 'type').
  const values = `(${raw.sql} AND EXISTS (SELECT 1 FROM jsonb_array_elements(field_values) AS f, jsonb_each(f) AS kv, ${TEXTS_OF('kv.value')} AND kv.key <> 'type'))`;
  return {
    sql: `(model ILIKE ? OR record_id::text ILIKE ? OR user_name ILIKE ? OR changed_fields ILIKE ?${byLabel.sql} OR ${values})`,
    params: [pattern, pattern, pattern, pattern, ...byLabel.params, ...raw.params, pattern],
  };
}

/**
 * Whole field names only: in the changed-field list when the row has one, else among the fields of its
 * values, found by jsonb containment (`field_values @> '[{"field": …}]'`).
 */
export function changedFieldCondition(field: string): PgCondition {
  return {
    sql: `((',' || replace(changed_fields, ' ', '') || ',') ILIKE ? OR (changed_fields IS NULL AND field_values @> (?::text)::jsonb))`,
    params: [`%,${escapeLike(field)},%`, JSON.stringify([{ field }])],
  };
}

/** The old or new value of a change (of `field` when given) satisfies `value`: a text in it, or the bare number it is. */
export function valueCondition(value: ValueCondition, field: string | undefined): PgCondition {
  const pattern = value.match === 'equals' ? escapeLike(value.text) : `%${escapeLike(value.text)}%`;
  const sides = value.side === 'old' ? ['old'] : value.side === 'new' ? ['new'] : ['old', 'new'];
  const side = (key: string) => `(EXISTS (SELECT 1 FROM ${TEXTS_OF(`f -> '${key}'`)}) OR (jsonb_typeof(f -> '${key}') = 'number' AND f ->> '${key}' ILIKE ?))`;
  const raw = rawValuesContain(value.text);
  const fieldSql = field === undefined ? '' : `f ->> 'field' = ? AND `;
  return {
    sql: `(${raw.sql} AND EXISTS (SELECT 1 FROM jsonb_array_elements(field_values) AS f WHERE ${fieldSql}(${sides.map(side).join(' OR ')})))`,
    params: [...raw.params, ...(field === undefined ? [] : [field]), ...sides.flatMap(() => [pattern, pattern])],
  };
}
