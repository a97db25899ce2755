/** Converts update.webhook and webhook.errors records to the store's rows (timestamps to Unix seconds). */
import { OcmError } from '../../common/errors';
import type { ChangeEvent } from '../../common/model';
import { CHANGE_LOG_FIELDS, RICH_CHANGE_LOG_FIELDS } from '../../odoo/log-models';
import type { OdooRecord, OdooValue } from '../../odoo/types';
import type { MirrorChange, MirrorError, RowIdentity } from '../../store/repositories/mirror';
import { secondsFromOdooTime } from '../../odoo/datetime';
import { fieldChangesFromChangedValues } from '../../odoo/field-values';

const EVENTS = new Set<string>(['create', 'write', 'unlink']);

/** The fields to read from update.webhook given the rich fields the server has. */
export function changeFields(richFields: readonly string[]): string[] {
  return [...CHANGE_LOG_FIELDS, ...richFields.filter((name) => RICH_CHANGE_LOG_FIELDS.includes(name))];
}

function text(value: OdooValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** One update.webhook record as a mirror row. Throws 'protocol' on a row the module cannot produce. */
export function toMirrorChange(record: OdooRecord): MirrorChange {
  const { model, record_id: recordId, event, timestamp } = record;
  if (typeof model !== 'string' || typeof recordId !== 'number' || typeof event !== 'string' || !EVENTS.has(event) || typeof timestamp !== 'string') {
    throw new OcmError('protocol', `The server sent an unexpected update.webhook row (id ${record.id}).`, { detail: JSON.stringify(record) });
  }
  const row: MirrorChange = { serverId: record.id, model, recordId, event: event as ChangeEvent, ts: secondsFromOdooTime(timestamp) };
  if ('user_id' in record) row.userName = Array.isArray(record.user_id) ? text(record.user_id[1]) : null;
  if ('changed_fields' in record) row.changedFields = text(record.changed_fields);
  if ('change_count' in record) row.changeCount = typeof record.change_count === 'number' ? record.change_count : null;
  if ('changed_values' in record) row.values = fieldChangesFromChangedValues(record.changed_values) ?? null;
  return row;
}

/** One webhook.errors record as a mirror row. */
export function toMirrorError(record: OdooRecord): MirrorError {
  const timestamp = record.timestamp;
  return {
    serverId: record.id,
    model: typeof record.model === 'string' ? record.model : '',
    recordId: typeof record.record_id === 'number' ? record.record_id : 0,
    message: typeof record.error_message === 'string' ? record.error_message : '',
    ts: typeof timestamp === 'string' ? secondsFromOdooTime(timestamp) : 0,
  };
}

/**
 * Whether a server row is the same row the mirror holds under that id. The module never changes model,
 * record or event of a row; the timestamp only moves forward, and only on servers that refresh rows
 * (our addon, `refreshes` true). Anything else means the server's log was reset and ids were reused.
 */
export function sameRow(local: RowIdentity, server: MirrorChange, refreshes: boolean): boolean {
  if (local.model !== server.model || local.recordId !== server.recordId || local.event !== server.event) return false;
  return refreshes ? server.ts >= local.ts : server.ts === local.ts;
}
