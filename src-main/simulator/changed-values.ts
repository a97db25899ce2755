/**
 * `update.webhook.changed_values` of our addon's protocol 2 (docs/addon-protocol.md): the old and new value
 * of each field a write changed, rendered for people, bounded, never for secrets, merged by field when a
 * write row is refreshed.
 */
import { pythonJsonDumps } from './codec/python';
import { pythonFloatRepr, type WireValue } from './codec/values';
import type { FieldDef } from './schema';

/** One field's entry: the label, the type and either the two values or `changed` (binary fields). */
export interface ChangedValue {
  label: string;
  type: string;
  old?: unknown;
  new?: unknown;
  changed?: true;
  truncated?: true;
  old_length?: number;
  new_length?: number;
  old_count?: number;
  new_count?: number;
}

/** What rendering needs from the database. */
export interface ValueContext {
  /** The display name of a record, or false when it does not exist. */
  displayName(model: string, id: number): string | false;
  /** ISO code and decimals of the company currency, for monetary fields. */
  currency: { code: string; decimals: number };
}

/** Text values are cut at this many characters (code points). */
export const MAX_TEXT = 500;
/** x2many values list at most this many records. */
export const MAX_RECORDS = 20;

const SECRET_WORDS = ['password', 'api_key', 'token', 'secret', 'signature', 'totp', 'otp', 'oauth'];

/**
 * Whether a field's values must never be recorded: `password=True`, a name that is (or has as an
 * underscore-separated part) a word of the deny list, or a char field named `*_token`, `*_secret`, `*_key`.
 */
export function isSecretField(field: FieldDef): boolean {
  if (field.password) return true;
  const parts = field.name.split('_');
  if (SECRET_WORDS.some((word) => field.name === word || (!word.includes('_') && parts.includes(word)) || (word.includes('_') && field.name.includes(word)))) return true;
  return field.type === 'char' && /_(token|secret|key)$/.test(field.name);
}

const isEmpty = (value: unknown): boolean => value === false || value === undefined || value === null || value === '';

/** One side's rendering, with its full length when it had to be cut. */
function renderSide(field: FieldDef, value: unknown, context: ValueContext): { value: unknown; length?: number; count?: number } {
  if (isEmpty(value) && field.type !== 'boolean' && field.type !== 'integer') return { value: false };
  switch (field.type) {
    case 'integer':
      return { value: typeof value === 'number' ? value : 0 };
    case 'boolean':
      return { value: Boolean(value) };
    case 'float':
      return { value: pythonFloatRepr(Number(value)) };
    case 'monetary':
      return { value: `${Number(value).toFixed(context.currency.decimals)} ${context.currency.code}` };
    case 'date':
      return { value: String(value).slice(0, 10) };
    case 'datetime':
      return { value: String(value).slice(0, 19) };
    case 'selection':
      return { value: field.selection?.find(([key]) => key === value)?.[1] ?? String(value) };
    case 'many2one':
      return { value: typeof value === 'number' && field.relation ? [value, context.displayName(field.relation, value) || `#${value}`] : false };
    case 'one2many': {
      const ids = Array.isArray(value) ? (value as number[]) : [];
      const pairs = ids.slice(0, MAX_RECORDS).map((id) => [id, (field.relation && context.displayName(field.relation, id)) || `#${id}`]);
      return ids.length > MAX_RECORDS ? { value: pairs, count: ids.length } : { value: pairs };
    }
    default: {
      const characters = Array.from(String(value));
      return characters.length > MAX_TEXT ? { value: characters.slice(0, MAX_TEXT).join(''), length: characters.length } : { value: String(value) };
    }
  }
}

/** The entry of one changed field, or undefined when the field is a secret (never recorded). */
export function describeChange(field: FieldDef, old: unknown, now: unknown, context: ValueContext): ChangedValue | undefined {
  if (isSecretField(field)) return undefined;
  const entry: ChangedValue = { label: field.string, type: field.type === 'one2many' ? 'one2many' : field.type };
  if (field.type === 'binary') return { ...entry, changed: true };
  const before = renderSide(field, old, context);
  const after = renderSide(field, now, context);
  entry.old = before.value;
  entry.new = after.value;
  if (before.length !== undefined || after.length !== undefined) {
    entry.truncated = true;
    if (before.length !== undefined) entry.old_length = before.length;
    if (after.length !== undefined) entry.new_length = after.length;
  }
  if (before.count !== undefined) entry.old_count = before.count;
  if (after.count !== undefined) entry.new_count = after.count;
  return entry;
}

/**
 * The column after a write: the earlier entries (a refreshed row) with each field written again replaced
 * by its new pair. JSON text as Python's `json.dumps(..., ensure_ascii=False)` writes it, keys in the order
 * fields were first changed.
 */
export function mergeChangedValues(previous: unknown, changes: Readonly<Record<string, ChangedValue>>): string {
  let merged: Record<string, ChangedValue> = {};
  if (typeof previous === 'string' && previous) {
    try {
      merged = JSON.parse(previous) as Record<string, ChangedValue>;
    } catch {
      merged = {};
    }
  }
  return pythonJsonDumps({ ...merged, ...changes } as unknown as WireValue);
}
