/** Mapping of `changes` rows to the contract's {@link ChangeRow}. */
import type { ChangeEvent, ChangeOrigin, ChangeRow, FieldChange } from '../../common/model';
import { isoFromSeconds } from '../../common/time';

/** The columns every row query selects, in this order. */
export const CHANGE_RECORD_COLUMNS =
  'id, instance_id, server_id, model, record_id, event, ts, first_seen_at, removed_at, removed_by, user_name, changed_fields, change_count, origin, field_values';

/** A `changes` row as SQLite returns it for {@link CHANGE_RECORD_COLUMNS}. */
export interface ChangeRecord {
  id: number;
  instance_id: string;
  server_id: number;
  model: string;
  record_id: number;
  event: ChangeEvent;
  ts: number;
  first_seen_at: number;
  removed_at: number | null;
  removed_by: 'server' | 'user' | 'reset' | null;
  user_name: string | null;
  changed_fields: string | null;
  change_count: number | null;
  origin: ChangeOrigin;
  /** JSON array of FieldChange, written by the mirror. */
  field_values: string | null;
}

/** The contract's row: ISO UTC times, key = local id, optional fields only when the server had them. */
export function toChangeRow(record: ChangeRecord): ChangeRow {
  const row: ChangeRow = {
    key: String(record.id),
    instanceId: record.instance_id,
    serverId: record.server_id,
    model: record.model,
    recordId: record.record_id,
    event: record.event,
    timestamp: isoFromSeconds(record.ts),
    firstSeenAt: isoFromSeconds(record.first_seen_at),
  };
  if (record.removed_at !== null) {
    row.removedAt = isoFromSeconds(record.removed_at);
    // A log reset also means the server no longer has the row.
    row.removedBy = record.removed_by === 'user' ? 'user' : 'server';
  }
  if (record.user_name !== null) row.userName = record.user_name;
  if (record.changed_fields !== null) {
    row.changedFields = record.changed_fields.split(',').map((field) => field.trim()).filter((field) => field.length > 0);
  }
  if (record.change_count !== null) row.changeCount = record.change_count;
  if (record.origin !== 'module') row.origin = record.origin;
  if (record.field_values !== null) row.values = (JSON.parse(record.field_values) as FieldChange[]).map(inKeyOrder);
  return row;
}

/** The keys of a {@link FieldChange} in the order rows give them (the order the readers of odoo/ build them in). */
const FIELD_CHANGE_KEYS: readonly (keyof FieldChange)[] = ['field', 'label', 'type', 'changed', 'old', 'new', 'truncated', 'oldLength', 'newLength', 'oldCount', 'newCount'];

/**
 * The change with its keys in one order whichever store kept it: PostgreSQL's jsonb keeps keys sorted
 * its own way, SQLite keeps the text as written, and JSON exports print the keys in object order.
 */
function inKeyOrder(change: FieldChange): FieldChange {
  const ordered: Record<string, unknown> = {};
  for (const key of FIELD_CHANGE_KEYS) if (key in change) ordered[key] = change[key];
  for (const [key, value] of Object.entries(change)) if (!(key in ordered)) ordered[key] = value;
  return ordered as unknown as FieldChange;
}
