/**
 * Turns a {@link ChangeFilter} into parameterized SQL conditions on `changes`. Values are always bound;
 * the only text spliced into SQL is column names and `?` lists chosen here.
 */
import { OcmError } from '../../common/errors';
import type { ChangeEvent, ChangeFilter, ValueCondition } from '../../common/model';
import { modelsLabelled } from '../../common/model-labels';
import { placeholders } from './statements';
import type { SqlValue } from '../database';
import { secondsFromIso } from '../../common/time';

const EVENTS: readonly ChangeEvent[] = ['create', 'write', 'unlink'];

/** The three dimensions that `change_hours` aggregates and facets count. */
export type Dimension = 'instance_id' | 'model' | 'event';

/** A validated filter in store terms: Unix seconds, de-duplicated lists, text split into words. */
export interface NormalizedFilter {
  /** Per dimension, the allowed values; absent = any. An empty list in the input means "any" too. */
  dimensions: Partial<Record<Dimension, string[]>>;
  recordId?: number;
  from?: number;
  to?: number;
  /** Every word must match one of model (or its label, in English or Arabic), record id, user name or changed fields. */
  words: string[];
  users?: string[];
  changedField?: string;
  presence: 'all' | 'present' | 'removed';
  /** Old or new value condition (on `changedField` when set). */
  value?: ValueCondition;
}

/** A piece of WHERE clause with its bound values, in placeholder order. */
export interface Condition {
  sql: string;
  params: SqlValue[];
}

/** Validates and normalizes a filter; throws 'invalid-input' on bad times, events or record ids. */
export function normalizeFilter(filter: ChangeFilter): NormalizedFilter {
  const dimensions: NormalizedFilter['dimensions'] = {};
  const instances = distinct(filter.instanceIds);
  if (instances) dimensions.instance_id = instances;
  const models = distinct(filter.models);
  if (models) dimensions.model = models;
  const events = distinct(filter.events);
  if (events) {
    const unknown = events.find((event) => !EVENTS.includes(event as ChangeEvent));
    if (unknown !== undefined) {
      throw new OcmError('invalid-input', `Unknown event "${unknown}".`, { hint: 'Events are create, write and unlink.' });
    }
    dimensions.event = events;
  }
  if (filter.recordId !== undefined && !Number.isSafeInteger(filter.recordId)) {
    throw new OcmError('invalid-input', `Record id must be a whole number, not "${String(filter.recordId)}".`);
  }
  const from = filter.from ? secondsFromIso(filter.from, 'The start of the time range') : undefined;
  const to = filter.to ? secondsFromIso(filter.to, 'The end of the time range') : undefined;
  const presence = filter.presence ?? 'all';
  if (!['all', 'present', 'removed'].includes(presence)) {
    throw new OcmError('invalid-input', `Unknown presence "${String(presence)}".`, { hint: 'Use all, present or removed.' });
  }
  const value = normalizeValueCondition(filter.value);
  return {
    dimensions,
    value,
    recordId: filter.recordId,
    from,
    to,
    words: (filter.text ?? '').split(/\s+/).filter((word) => word.length > 0),
    users: distinct(filter.users),
    changedField: filter.changedField?.trim() || undefined,
    presence,
  };
}

function normalizeValueCondition(value: ValueCondition | undefined): ValueCondition | undefined {
  if (!value || value.text === '') return undefined;
  if (value.match !== undefined && value.match !== 'contains' && value.match !== 'equals') {
    throw new OcmError('invalid-input', `Unknown value match "${String(value.match)}".`, { hint: 'Use contains or equals.' });
  }
  if (value.side !== undefined && !['either', 'old', 'new'].includes(value.side)) {
    throw new OcmError('invalid-input', `Unknown value side "${String(value.side)}".`, { hint: 'Use either, old or new.' });
  }
  return { text: value.text, match: value.match ?? 'contains', side: value.side ?? 'either' };
}

function distinct(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  return [...new Set(values)];
}

/** True when only instance, model, event, time range and presence constrain rows: change_hours can answer. */
export function isAggregatable(filter: NormalizedFilter): boolean {
  return filter.recordId === undefined && filter.words.length === 0 && !filter.users && filter.changedField === undefined && !filter.value;
}

/** Escapes `%`, `_` and the escape character itself for `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => '\\' + character);
}

/**
 * `column IN (?, …)` (or `= ?` for one value). `indexable: false` prefixes the column with unary `+`,
 * which tells SQLite not to drive the scan from that column's index: used to steer the plan towards the
 * index that also delivers the ORDER BY.
 */
export function inCondition(column: string, values: readonly SqlValue[], indexable = true): Condition {
  const target = indexable ? column : `+${column}`;
  return values.length === 1
    ? { sql: `${target} = ?`, params: [values[0]] }
    : { sql: `${target} IN (${placeholders(values.length)})`, params: [...values] };
}

/** Options for {@link filterConditions}. */
export interface ConditionOptions {
  /** Dimensions left out (facets ignore their own dimension; merge arms bind their own value). */
  omit?: readonly Dimension[];
  /** Dimensions whose index may drive the scan; others get unary `+`. Default: all. */
  indexable?: readonly Dimension[];
  /** Leave out the time range (callers that bound time themselves). */
  omitTime?: boolean;
}

/** Every condition of the filter, in a fixed order so equal filter shapes produce equal SQL. */
export function filterConditions(filter: NormalizedFilter, options: ConditionOptions = {}): Condition[] {
  const conditions: Condition[] = [];
  for (const dimension of ['instance_id', 'model', 'event'] as const) {
    const values = filter.dimensions[dimension];
    if (!values || options.omit?.includes(dimension)) continue;
    conditions.push(inCondition(dimension, values, options.indexable ? options.indexable.includes(dimension) : true));
  }
  if (filter.recordId !== undefined) conditions.push({ sql: 'record_id = ?', params: [filter.recordId] });
  if (!options.omitTime) conditions.push(...timeConditions(filter.from, filter.to));
  conditions.push(...presenceConditions(filter.presence));
  for (const word of filter.words) {
    const pattern = `%${escapeLike(word)}%`;
    const values = valueWordCondition(word);
    // What the screen shows matches too: "Contact" (or "جهة") finds res.partner rows.
    const labelled = modelsLabelled(word);
    const byLabel = labelled.length ? ` OR model IN (${placeholders(labelled.length)})` : '';
    conditions.push({
      sql: `(model LIKE ? ESCAPE '\\' OR CAST(record_id AS TEXT) LIKE ? ESCAPE '\\'`
        + ` OR user_name LIKE ? ESCAPE '\\' OR changed_fields LIKE ? ESCAPE '\\'${byLabel} OR ${values.sql})`,
      params: [pattern, pattern, pattern, pattern, ...labelled, ...values.params],
    });
  }
  if (filter.users) conditions.push(inCondition('user_name', filter.users, false));
  if (filter.changedField !== undefined) conditions.push(changedFieldCondition(filter.changedField));
  if (filter.value) conditions.push(valueCondition(filter.value, filter.changedField));
  return conditions;
}

/**
 * `field_values LIKE` a text as it appears inside the stored JSON (escaped the way JSON.stringify writes
 * it): a cheap test on the raw column, so SQLite's JSON functions only parse rows that can match.
 */
function rawValuesContain(text: string): Condition {
  return { sql: `field_values LIKE ? ESCAPE '\\'`, params: [`%${escapeLike(JSON.stringify(text).slice(1, -1))}%`] };
}

/** A side's texts as common/field-values.ts `searchableTexts` reads them: text nodes, and a bare number. */
const SEARCHABLE_NODE = `(v.type = 'text' OR (v.parent IS NULL AND v.type IN ('integer', 'real')))`;

/**
 * Whole field names only (`name` must not match `display_name`): in the changed-field list when the row
 * has one (our addon), else among the fields of its values (sources that only know values).
 */
export function changedFieldCondition(field: string): Condition {
  const raw = { sql: `field_values LIKE ? ESCAPE '\\'`, params: [`%${escapeLike(JSON.stringify(field))}%`] };
  return {
    sql: `((',' || replace(changed_fields, ' ', '') || ',') LIKE ? ESCAPE '\\'`
      + ` OR (changed_fields IS NULL AND ${raw.sql} AND EXISTS (SELECT 1 FROM json_each(changes.field_values) AS f WHERE json_extract(f.value, '$.field') = ?)))`,
    params: [`%,${escapeLike(field)},%`, ...raw.params, field],
  };
}

/** The old or new value of a change (of `field` when given) satisfies `value` (see ValueCondition). */
export function valueCondition(value: ValueCondition, field: string | undefined): Condition {
  const pattern = value.match === 'equals' ? escapeLike(value.text) : `%${escapeLike(value.text)}%`;
  const sides = value.side === 'old' ? ['$.old'] : value.side === 'new' ? ['$.new'] : ['$.old', '$.new'];
  const side = (path: string) => `EXISTS (SELECT 1 FROM json_tree(f.value, '${path}') AS v WHERE ${SEARCHABLE_NODE} AND v.value LIKE ? ESCAPE '\\')`;
  const raw = rawValuesContain(value.text);
  const fieldSql = field === undefined ? '' : `json_extract(f.value, '$.field') = ? AND `;
  return {
    sql: `(${raw.sql} AND EXISTS (SELECT 1 FROM json_each(changes.field_values) AS f WHERE ${fieldSql}(${sides.map(side).join(' OR ')})))`,
    params: [...raw.params, ...(field === undefined ? [] : [field]), ...sides.map(() => pattern)],
  };
}

/** Free text in the values: a field's name or label, or an old or new value (not the field's type). */
function valueWordCondition(word: string): Condition {
  const raw = rawValuesContain(word);
  return {
    sql: `(${raw.sql} AND EXISTS (SELECT 1 FROM json_tree(changes.field_values) AS v WHERE v.type = 'text' AND v.key IS NOT 'type' AND v.value LIKE ? ESCAPE '\\'))`,
    params: [...raw.params, `%${escapeLike(word)}%`],
  };
}

/** `ts >= from AND ts < to`, either side optional. */
export function timeConditions(from: number | undefined, to: number | undefined): Condition[] {
  const conditions: Condition[] = [];
  if (from !== undefined) conditions.push({ sql: 'ts >= ?', params: [from] });
  if (to !== undefined) conditions.push({ sql: 'ts < ?', params: [to] });
  return conditions;
}

/** Present = still on the server (removed_at IS NULL); removed = marked gone, by the server or the user. */
export function presenceConditions(presence: NormalizedFilter['presence']): Condition[] {
  if (presence === 'present') return [{ sql: 'removed_at IS NULL', params: [] }];
  if (presence === 'removed') return [{ sql: 'removed_at IS NOT NULL', params: [] }];
  return [];
}

/** Joins conditions into ` WHERE …` (or nothing) and flattens their parameters. */
export function whereClause(conditions: readonly Condition[]): Condition {
  if (conditions.length === 0) return { sql: '', params: [] };
  return { sql: ' WHERE ' + conditions.map((condition) => condition.sql).join(' AND '), params: conditions.flatMap((condition) => condition.params) };
}
