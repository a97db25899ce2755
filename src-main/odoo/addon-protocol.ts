/**
 * The calls of our addon's protocol 2 (docs/addon-protocol.md): `update.webhook.sync_state(...)`, which
 * answers an idle poll in one request, and `update.webhook.digest(ranges)`, counts and sums of many id
 * ranges in one request. Answers are checked here, so the sync engine only sees well-formed values.
 */
import { OcmError } from '../common/errors';
import { CHANGE_LOG_MODEL } from './log-models';
import type { CallOptions, OdooClient, OdooRecord, OdooValue } from './types';

/** What to ask `sync_state` for. Arguments left out take the addon's defaults (and cost no bytes). */
export interface SyncStateRequest {
  /** The highest `update.webhook` id the caller has. */
  cursor: number;
  /** Return up to this many rows after `cursor`. */
  limit?: number;
  fields?: readonly string[];
  /** The highest tombstone id the caller has applied. */
  tombstoneCursor?: number;
  /** Naive UTC `YYYY-MM-DD HH:MM:SS`: also return rows at or below `cursor` refreshed since then. */
  refreshedSince?: string;
}

/** The answer of `sync_state`, with the contract's names. */
export interface SyncStateAnswer {
  log: string;
  max_id: number;
  count: number;
  /** `[model, record_id, event]` of the row with id `cursor`, or false when it does not exist. */
  cursor_row: [string, number, string] | false;
  tombstone_id: number;
  tombstone_floor: number;
  tombstones: number[];
  tombstone_more: boolean;
  tombstone_last: number;
  error_max_id: number;
  rows: OdooRecord[];
  refreshed: OdooRecord[];
}

/** Calls `update.webhook.sync_state`. Rejects 'protocol' on an answer that does not follow the contract. */
export async function readSyncState(client: Pick<OdooClient, 'executeKw' | 'url'>, request: SyncStateRequest, call?: CallOptions): Promise<SyncStateAnswer> {
  const kwargs: Record<string, OdooValue> = { cursor: request.cursor };
  if (request.limit) kwargs.limit = request.limit;
  if (request.fields && request.limit) kwargs.fields = [...request.fields];
  if (request.tombstoneCursor) kwargs.tombstone_cursor = request.tombstoneCursor;
  if (request.refreshedSince) kwargs.refreshed_since = request.refreshedSince;
  const answer = await client.executeKw(CHANGE_LOG_MODEL, 'sync_state', [], kwargs, call);
  if (!isSyncState(answer)) throw unexpected(client.url, 'sync_state', answer);
  return answer;
}

/** Calls `update.webhook.digest(ranges)`: `[count, id sum, record id sum]` per `[from, to]` range, in order. */
export async function readDigest(client: Pick<OdooClient, 'executeKw' | 'url'>, ranges: readonly [number, number][], call?: CallOptions): Promise<[number, number, number][]> {
  const answer = await client.executeKw(CHANGE_LOG_MODEL, 'digest', [ranges.map(([from, to]) => [from, to])], {}, call);
  const valid = Array.isArray(answer) && answer.length === ranges.length && answer.every((item) => Array.isArray(item) && item.length === 3 && item.every((value) => typeof value === 'number'));
  if (!valid) throw unexpected(client.url, 'digest', answer);
  return answer as [number, number, number][];
}

function isSyncState(value: OdooValue): value is OdooValue & SyncStateAnswer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const numbers = ['max_id', 'count', 'tombstone_id', 'tombstone_floor', 'tombstone_last', 'error_max_id'];
  const row = value.cursor_row;
  return (
    typeof value.log === 'string' &&
    numbers.every((key) => typeof value[key] === 'number') &&
    (row === false || (Array.isArray(row) && row.length === 3 && typeof row[0] === 'string' && typeof row[1] === 'number' && typeof row[2] === 'string')) &&
    Array.isArray(value.tombstones) &&
    value.tombstones.every((id) => typeof id === 'number') &&
    typeof value.tombstone_more === 'boolean' &&
    isRecordList(value.rows) &&
    isRecordList(value.refreshed)
  );
}

function isRecordList(value: OdooValue | undefined): boolean {
  return Array.isArray(value) && value.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row) && typeof row.id === 'number');
}

function unexpected(url: string, method: string, answer: OdooValue): OcmError {
  return new OcmError('protocol', `${url} gave an unexpected answer to update.webhook.${method}.`, {
    hint: 'Update the auto_webhook addon on the server to the version this app ships.',
    detail: JSON.stringify(answer)?.slice(0, 2000),
  });
}
