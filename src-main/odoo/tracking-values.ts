/**
 * Odoo's own field tracking read into the contract's {@link FieldChange}, in the same value format as our
 * addon's `changed_values` (docs/addon-protocol.md, "The value format"; field-values.ts reads those), so
 * both sources look the same to the UI.
 *
 * A `mail.tracking.value` row stores each side in a column per kind, as Odoo's
 * `_create_tracking_values` writes it: char, selection (its label) and many2one (display name) in
 * `*_value_char` (many2one ids in `*_value_integer`), integers and booleans in `*_value_integer`,
 * float and monetary in `*_value_float` (with `currency_id` for money), dates and datetimes in
 * `*_value_datetime` (a date at midnight), text in `*_value_text`, x2many as comma-joined names in
 * `*_value_char`.
 */
import type { FieldChange, FieldValue } from '../common/model';

/** What is known of the tracked field: its technical name, label and type (`ir.model.fields`). */
export interface TrackedField {
  name: string;
  label?: string;
  type?: string;
}

/** The currency of a monetary change: its ISO code and decimals (`res.currency`). */
export interface TrackingCurrency {
  code?: string;
  decimals?: number;
}

/** Text is cut at this many characters (code points), as our addon does. */
const MAX_TEXT = 500;
/** Most fields kept from one message. */
const MAX_FIELDS = 200;
const SECRET_WORDS = ['password', 'token', 'secret', 'signature', 'totp', 'otp', 'oauth'];

/** Names our addon never records values of (docs/addon-protocol.md); tracked ones show as changed only. */
function isSecretName(name: string): boolean {
  const parts = name.split('_');
  return SECRET_WORDS.some((word) => parts.includes(word)) || name.includes('api_key') || /_key$/.test(name);
}

/** Python's `str()` of a float: `12.5`, `12.0`, so tracking values read like our addon's. */
function pythonFloat(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? value.toFixed(1) : String(value);
}

function number(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function text(value: unknown): string | false {
  return typeof value === 'string' && value !== '' ? value : false;
}

/** One side of a tracked change, as the value format says, before cutting. */
function side(record: Record<string, unknown>, prefix: 'old' | 'new', type: string, currency?: TrackingCurrency): FieldValue {
  const column = (kind: string) => record[`${prefix}_value_${kind}`];
  switch (type) {
    case 'boolean':
      return number(column('integer')) !== 0;
    case 'integer':
      return number(column('integer'));
    case 'float':
      return pythonFloat(number(column('float')));
    case 'monetary': {
      const amount = number(column('float')).toFixed(currency?.decimals ?? 2);
      return currency?.code ? `${amount} ${currency.code}` : amount;
    }
    case 'date': {
      const value = text(column('datetime'));
      return value === false ? false : value.slice(0, 10);
    }
    case 'datetime':
      return text(column('datetime'));
    case 'many2one': {
      const id = number(column('integer'));
      const name = text(column('char'));
      return id > 0 ? [id, name === false ? `#${id}` : name] : false;
    }
    case 'text':
    case 'html':
      return text(column('text'));
    default:
      return text(column('char')) || text(column('text'));
  }
}

/** Cuts a long text side at {@link MAX_TEXT} characters, noting the full length. */
function cut(change: FieldChange, key: 'old' | 'new'): void {
  const value = change[key];
  if (typeof value !== 'string') return;
  const points = [...value];
  if (points.length <= MAX_TEXT) return;
  change[key] = points.slice(0, MAX_TEXT).join('');
  change.truncated = true;
  change[key === 'old' ? 'oldLength' : 'newLength'] = points.length;
}

/** One `mail.tracking.value` row as a {@link FieldChange}. */
export function fieldChangeFromTracking(record: Record<string, unknown>, field: TrackedField, currency?: TrackingCurrency): FieldChange {
  const change: FieldChange = { field: field.name };
  if (field.label) change.label = field.label;
  const type = field.type ?? 'char';
  if (field.type) change.type = field.type;
  if (isSecretName(field.name) || type === 'binary') {
    change.changed = true;
    return change;
  }
  change.old = side(record, 'old', type, currency);
  change.new = side(record, 'new', type, currency);
  cut(change, 'old');
  cut(change, 'new');
  return change;
}

/**
 * The tracking values of one message as field changes, in field-name order (as our addon's values are
 * read), or undefined when none could be read. `describe` names each row's field (rows whose field is
 * unknown, e.g. deleted since, are left out) and its currency.
 */
export function fieldChangesFromTracking<T extends Record<string, unknown>>(
  records: readonly T[],
  describe: (record: T) => { field?: TrackedField; currency?: TrackingCurrency },
): FieldChange[] | undefined {
  const changes: FieldChange[] = [];
  for (const record of records) {
    const { field, currency } = describe(record);
    if (field && field.name) changes.push(fieldChangeFromTracking(record, field, currency));
  }
  changes.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return changes.length > 0 ? changes.slice(0, MAX_FIELDS) : undefined;
}
