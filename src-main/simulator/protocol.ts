/**
 * The public methods our addon's protocol 2 adds to `update.webhook` (docs/addon-protocol.md):
 * `protocol_version()`, `sync_state(...)` — one call answers an idle poll: anything new, anything deleted,
 * was the log reset — and `digest(ranges)` — counts and sums per id range, to find deletions the
 * tombstones no longer cover. Choices where the contract is silent are marked and listed in
 * docs/simulator.md.
 */
import { pythonRepr } from './codec/python';
import { PyFloat, type WireValue } from './codec/values';
import { pythonError } from './errors';
import type { AccessMode } from './orm';
import type { FieldDef, ModelDef } from './schema';
import type { Row, Table } from './table';
import { TOMBSTONE_PAGE, type Tombstones } from './tombstones';

/** The protocol spoken by the fixed flavour. */
export const PROTOCOL_VERSION = 2;
/** `refreshed` holds at most this many rows when no `limit` is given. */
export const REFRESHED_PAGE = 1000;
/** `digest` answers at most this many ranges. */
export const MAX_DIGEST_RANGES = 1000;

/** What the protocol needs from the database. */
export interface ProtocolStore {
  table(name: string): Table;
  model(name: string): ModelDef;
  fieldList(def: ModelDef, fields: unknown): FieldDef[];
  readRows(model: string, rows: readonly Row[], fields: unknown): WireValue[];
  checkAccess(uid: number, model: string, mode: AccessMode, raise?: boolean): boolean;
  /** A random token created with the log table; a new one means the log was recreated. */
  readonly logToken: string;
  readonly tombstoneTable: Tombstones;
}

/** Arguments of `sync_state` (named as in the contract). */
export interface SyncStateArguments {
  cursor?: unknown;
  limit?: unknown;
  fields?: unknown;
  tombstone_cursor?: unknown;
  refreshed_since?: unknown;
}

const LOG = 'update.webhook';

function whole(value: unknown, name: string): number {
  if (value === false || value === null || value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw pythonError('ValueError', `${name} must be a whole number, 0 or more, not ${pythonRepr(value)}`);
  }
  return value;
}

/** Every stored field of the log but `changed_values`: what `rows` carry by default. */
function defaultFields(def: ModelDef): string[] {
  return [...def.fields.values()].filter((field) => field.store !== false && field.type !== 'one2many' && field.name !== 'changed_values').map((field) => field.name);
}

/** `update.webhook.sync_state(cursor=0, limit=0, fields=False, tombstone_cursor=0, refreshed_since=False)`. */
export function syncState(store: ProtocolStore, uid: number, args: SyncStateArguments): { [key: string]: WireValue } {
  store.checkAccess(uid, LOG, 'read');
  const def = store.model(LOG);
  const cursor = whole(args.cursor, 'cursor');
  const limit = whole(args.limit, 'limit');
  const tombstoneCursor = whole(args.tombstone_cursor, 'tombstone_cursor');
  const fields = Array.isArray(args.fields) && args.fields.length ? args.fields : defaultFields(def);
  store.fieldList(def, fields); // an unknown field fails before anything is read
  const since = args.refreshed_since;
  if (since !== false && since !== null && since !== undefined && (typeof since !== 'string' || !/^\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d)?$/.test(since))) {
    throw pythonError('ValueError', `refreshed_since must be a naive UTC datetime 'YYYY-MM-DD HH:MM:SS', not ${pythonRepr(since)}`);
  }

  const table = store.table(LOG);
  const rows = table.rows;
  const cursorRow = cursor ? table.get(cursor) : undefined;
  const newer: Row[] = [];
  if (limit > 0) {
    for (let i = table.lowerBound(cursor + 1); i < rows.length && newer.length < limit; i++) newer.push(rows[i]);
  }
  const refreshed: Row[] = [];
  if (typeof since === 'string') {
    // Ordered by (timestamp, id) and capped, so a caller that gets a full page continues from the last timestamp.
    const cap = limit > 0 ? limit : REFRESHED_PAGE;
    const end = table.lowerBound(cursor + 1);
    for (let i = 0; i < end; i++) if ((rows[i].timestamp as string) >= since) refreshed.push(rows[i]);
    refreshed.sort((a, b) => ((a.timestamp as string) < (b.timestamp as string) ? -1 : (a.timestamp as string) > (b.timestamp as string) ? 1 : a.id - b.id));
    refreshed.length = Math.min(refreshed.length, cap);
  }
  const { tombstones, more } = store.tombstoneTable.after(tombstoneCursor, TOMBSTONE_PAGE);
  const errors = store.checkAccess(uid, 'webhook.errors', 'read', false) ? store.table('webhook.errors').rows : [];
  return {
    log: store.logToken,
    max_id: rows.length ? rows[rows.length - 1].id : 0,
    count: rows.length,
    cursor_row: cursorRow ? [cursorRow.model as string, cursorRow.record_id as number, cursorRow.event as string] : false,
    tombstone_id: store.tombstoneTable.lastId,
    tombstone_floor: store.tombstoneTable.floor,
    tombstones: tombstones.map((tombstone) => tombstone.rowId),
    tombstone_more: more,
    tombstone_last: tombstones.length ? tombstones[tombstones.length - 1].id : tombstoneCursor,
    error_max_id: errors.length ? errors[errors.length - 1].id : 0,
    rows: store.readRows(LOG, newer, fields),
    refreshed: store.readRows(LOG, refreshed, fields),
  };
}

/**
 * `update.webhook.digest(ranges)`: `[count, id_sum, record_id_sum]` per `[from_id, to_id]` (inclusive). The
 * sums are floats: over a few thousand rows they pass 2**31, which XML-RPC's int cannot carry
 * (`OverflowError: int exceeds XML-RPC limits`); a double holds them exactly up to 2**53.
 */
export function digest(store: ProtocolStore, uid: number, ranges: unknown): WireValue[] {
  store.checkAccess(uid, LOG, 'read');
  if (!Array.isArray(ranges)) throw pythonError('ValueError', `ranges must be a list of [from_id, to_id] pairs, not ${pythonRepr(ranges)}`);
  if (ranges.length > MAX_DIGEST_RANGES) throw pythonError('ValueError', `digest() takes at most ${MAX_DIGEST_RANGES} ranges, not ${ranges.length}`);
  const table = store.table(LOG);
  return ranges.map((range) => {
    if (!Array.isArray(range) || range.length !== 2 || !range.every((bound) => typeof bound === 'number' && Number.isInteger(bound))) {
      throw pythonError('ValueError', `a range is [from_id, to_id], not ${pythonRepr(range)}`);
    }
    const [from, to] = range as [number, number];
    let count = 0;
    let idSum = 0;
    let recordIdSum = 0;
    for (let i = table.lowerBound(from); i < table.rows.length && table.rows[i].id <= to; i++) {
      count++;
      idSum += table.rows[i].id;
      recordIdSum += table.rows[i].record_id as number;
    }
    return [count, new PyFloat(idSum), new PyFloat(recordIdSum)];
  });
}
