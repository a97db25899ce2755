/**
 * Field values as the server sends them, read into the contract's {@link FieldChange}: our addon's
 * `changed_values` column (docs/addon-protocol.md, "The value format"). Odoo's own tracking values
 * (`mail.tracking.value`) are read into the same shape beside it, by tracking-values.ts. Anything malformed is
 * dropped field by field: a value the app cannot read must not cost the row it belongs to.
 */
import type { FieldChange, FieldValue } from '../common/model';

/** Most fields kept from one row (a write of hundreds of fields stays readable and bounded). */
const MAX_FIELDS = 200;

function isPair(value: unknown): value is [number, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string';
}

/** One side of a change as the format allows it, or undefined when it is not one. */
export function fieldValue(value: unknown): FieldValue | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (isPair(value)) return value;
  if (Array.isArray(value) && value.every(isPair)) return value as [number, string][];
  return undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** One entry of `changed_values` (keyed by field name), or undefined when it is not one. */
function fieldChange(field: string, entry: unknown): FieldChange | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const source = entry as Record<string, unknown>;
  const change: FieldChange = { field };
  if (typeof source.label === 'string') change.label = source.label;
  if (typeof source.type === 'string') change.type = source.type;
  if (source.changed === true) change.changed = true;
  const old = fieldValue(source.old);
  const now = fieldValue(source.new);
  if (old !== undefined) change.old = old;
  if (now !== undefined) change.new = now;
  if (!change.changed && old === undefined && now === undefined) return undefined;
  if (source.truncated === true) change.truncated = true;
  const lengths = { oldLength: count(source.old_length), newLength: count(source.new_length), oldCount: count(source.old_count), newCount: count(source.new_count) };
  for (const [key, value] of Object.entries(lengths)) if (value !== undefined) change[key as keyof typeof lengths] = value;
  return change;
}

/**
 * Reads our addon's `changed_values` (a JSON object keyed by field name, or `false`): the changes in
 * field-name order, or undefined when the row has none (not a write, values off, or not readable).
 */
export function fieldChangesFromChangedValues(value: unknown): FieldChange[] | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const changes: FieldChange[] = [];
  for (const field of Object.keys(parsed).sort().slice(0, MAX_FIELDS)) {
    const change = fieldChange(field, (parsed as Record<string, unknown>)[field]);
    if (change) changes.push(change);
  }
  return changes.length > 0 ? changes : undefined;
}
