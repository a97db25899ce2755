/**
 * Reading old → new values ({@link FieldChange}, docs/addon-protocol.md "The value format") the same way
 * everywhere: which texts a value holds for searching, whether a row changed a field, whether a value
 * condition holds, and a plain-text rendering for exports, reports and alert messages. The store's SQL
 * (store/queries/filter.ts) implements the same matching with SQLite's JSON functions; tests hold the two
 * to the same answers.
 */
import type { FieldChange, FieldValue, ValueCondition } from './model';

/** Lower-cases ASCII letters only, as SQLite's LIKE compares (other letters keep their case). */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function isPair(value: unknown): value is [number, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string';
}

/**
 * The texts a value is searched by: a text as is, a number by its digits, a many2one by its display name,
 * an x2many by each name. Empty (`false`) and boolean values hold none; ids are not searched.
 */
export function searchableTexts(value: FieldValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (isPair(value)) return [value[1]];
  if (Array.isArray(value)) return (value as unknown[]).filter(isPair).map((pair) => pair[1]);
  return [];
}

/** Whether one of `texts` matches the condition's text (contains, or equals, ignoring ASCII case). */
function textsMatch(texts: readonly string[], condition: ValueCondition): boolean {
  const wanted = asciiLower(condition.text);
  return texts.some((text) => (condition.match === 'equals' ? asciiLower(text) === wanted : asciiLower(text).includes(wanted)));
}

/** Whether a field's change satisfies the condition on the side(s) it names. */
export function fieldChangeMatches(change: FieldChange, condition: ValueCondition): boolean {
  const side = condition.side ?? 'either';
  if (side !== 'new' && textsMatch(searchableTexts(change.old), condition)) return true;
  return side !== 'old' && textsMatch(searchableTexts(change.new), condition);
}

/**
 * Whether the row changed `field`: the row's changed-field list when it has one (our addon), else its
 * values (sources that only know values). Whole names only: `name` is not `display_name`.
 */
export function rowChangedField(row: { changedFields?: readonly string[]; values?: readonly FieldChange[] }, field: string): boolean {
  if (row.changedFields) return row.changedFields.includes(field);
  return row.values?.some((change) => change.field === field) ?? false;
}

/** Whether a row's values satisfy `condition`, on `field` only when given. Rows without values never do. */
export function rowValuesMatch(row: { values?: readonly FieldChange[] }, condition: ValueCondition, field?: string): boolean {
  if (!condition.text) return true;
  return row.values?.some((change) => (field === undefined || change.field === field) && fieldChangeMatches(change, condition)) ?? false;
}

/** Words a plain-text rendering needs, in the reader's language. */
export interface ValueWords {
  /** An empty value (`false`), e.g. "(empty)". */
  empty: string;
  /** Only the fact of a change is known (binary or restricted fields), e.g. "changed". */
  changed: string;
  /** A cut value: `{length}` is the full length in characters, e.g. "… ({length} characters)". */
  truncated: string;
  /** An x2many list cut short: `{count}` is the full number of records, e.g. "({count} in all)". */
  moreRecords: string;
  /** Boolean values. */
  yes: string;
  no: string;
  /** Writes a length or a count in the reader's digits (default: plain digits). */
  number?: (value: number) => string;
}

/** English words for files read by tools and people alike (CSV, JSON, e-mail, webhooks). */
export const ENGLISH_VALUE_WORDS: ValueWords = {
  empty: '(empty)',
  changed: 'changed',
  truncated: '… ({length} characters)',
  moreRecords: '({count} in all)',
  yes: 'yes',
  no: 'no',
};

/**
 * One side of a change as text: a many2one as "name (#id)", an x2many as its names joined by ", ",
 * booleans as yes/no, `false` for a non-boolean field as empty; cut values say their full length.
 */
export function valueText(value: FieldValue | undefined, words: ValueWords, details: { type?: string; length?: number; count?: number } = {}): string {
  let text: string;
  if (value === undefined) text = '';
  else if (value === false) text = details.type === 'boolean' ? words.no : words.empty;
  else if (value === true) text = words.yes;
  else if (isPair(value)) text = `${value[1]} (#${value[0]})`;
  else if (Array.isArray(value)) text = (value as [number, string][]).map((pair) => pair[1]).join(', ') || words.empty;
  else text = String(value);
  const number = words.number ?? String;
  if (details.length !== undefined) text += words.truncated.replace('{length}', number(details.length));
  if (details.count !== undefined && Array.isArray(value) && details.count > value.length) text += ` ${words.moreRecords.replace('{count}', number(details.count))}`;
  return text;
}

/** Both sides of a change as text; a change known only as a fact reads "changed" on the new side. */
export function changeTexts(change: FieldChange, words: ValueWords): { old: string; new: string } {
  if (change.changed && change.old === undefined && change.new === undefined) return { old: '', new: words.changed };
  return {
    old: valueText(change.old, words, { type: change.type, length: change.oldLength, count: change.oldCount }),
    new: valueText(change.new, words, { type: change.type, length: change.newLength, count: change.newCount }),
  };
}
