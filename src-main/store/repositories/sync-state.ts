/** Per-instance sync cursors and facts (`sync_state`). */
import type { Capabilities, InstanceId } from '../../common/model';
import type { SqlDatabase } from '../database';

/** The sync state of one instance. */
export interface SyncState {
  instanceId: InstanceId;
  /** Bumped when the server's log was reset; rows of older epochs are history. */
  epoch: number;
  /** Highest update.webhook id mirrored in this epoch. */
  changeCursor: number;
  /** Highest webhook.errors id mirrored in this epoch. */
  errorCursor: number;
  /** Newest refreshed timestamp seen, Odoo format (our addon's revisions). */
  revisionCursor?: string;
  snapshotDone: boolean;
  /** The user paused syncing of this instance (kept across restarts). */
  paused: boolean;
  /** Unix seconds. */
  lastSyncAt?: number;
  lastDeletionCheckAt?: number;
  serverVersion?: string;
  capabilities?: Capabilities;
  /** Our addon (protocol 2): the log's token when last seen; a new one means the log was recreated. */
  logToken?: string;
  /** Our addon (protocol 2): the highest tombstone id whose deletion was applied. */
  tombstoneCursor: number;
}

/** A sync_state row, its flags as booleans (each store decodes its own); `capabilities` is JSON text. */
export type DecodedStateRow = Omit<StateRow, 'instance_id' | 'snapshot_done' | 'paused'> & { snapshot_done: boolean; paused: boolean };

/** The state a row stands for, or a fresh one (epoch 0, cursors 0) without a row (both stores). */
export function syncStateOf(instanceId: InstanceId, row: DecodedStateRow | undefined): SyncState {
  if (!row) return { instanceId, epoch: 0, changeCursor: 0, errorCursor: 0, snapshotDone: false, paused: false, tombstoneCursor: 0 };
  const state: SyncState = {
    instanceId,
    epoch: row.epoch,
    changeCursor: row.change_cursor,
    errorCursor: row.error_cursor,
    snapshotDone: row.snapshot_done,
    paused: row.paused,
    tombstoneCursor: row.tombstone_cursor,
  };
  if (row.log_token) state.logToken = row.log_token;
  if (row.revision_cursor) state.revisionCursor = row.revision_cursor;
  if (row.last_sync_at !== null) state.lastSyncAt = row.last_sync_at;
  if (row.last_deletion_check_at !== null) state.lastDeletionCheckAt = row.last_deletion_check_at;
  if (row.server_version) state.serverVersion = row.server_version;
  if (row.capabilities) state.capabilities = JSON.parse(row.capabilities) as Capabilities;
  return state;
}

interface StateRow {
  instance_id: string;
  epoch: number;
  change_cursor: number;
  error_cursor: number;
  revision_cursor: string | null;
  snapshot_done: number;
  paused: number;
  last_sync_at: number | null;
  last_deletion_check_at: number | null;
  server_version: string | null;
  capabilities: string | null;
  log_token: string | null;
  tombstone_cursor: number;
}

/** Reads and writes `sync_state`. */
export class SyncStateRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** The state, or a fresh one (epoch 0, cursors 0) when the instance never synced. */
  get(instanceId: InstanceId): SyncState {
    const row = this.db.prepare('SELECT * FROM sync_state WHERE instance_id = ?').get(instanceId) as StateRow | undefined;
    return syncStateOf(instanceId, row && { ...row, snapshot_done: row.snapshot_done === 1, paused: row.paused === 1 });
  }

  /** Writes the given fields (creating the row when missing). */
  update(instanceId: InstanceId, patch: Partial<Omit<SyncState, 'instanceId'>>): void {
    this.db.prepare('INSERT OR IGNORE INTO sync_state (instance_id) VALUES (?)').run(instanceId);
    const columns: Record<string, unknown> = {};
    if (patch.epoch !== undefined) columns.epoch = patch.epoch;
    if (patch.changeCursor !== undefined) columns.change_cursor = patch.changeCursor;
    if (patch.errorCursor !== undefined) columns.error_cursor = patch.errorCursor;
    if ('revisionCursor' in patch) columns.revision_cursor = patch.revisionCursor ?? null;
    if (patch.snapshotDone !== undefined) columns.snapshot_done = patch.snapshotDone ? 1 : 0;
    if (patch.paused !== undefined) columns.paused = patch.paused ? 1 : 0;
    if (patch.lastSyncAt !== undefined) columns.last_sync_at = patch.lastSyncAt;
    if (patch.lastDeletionCheckAt !== undefined) columns.last_deletion_check_at = patch.lastDeletionCheckAt;
    if (patch.serverVersion !== undefined) columns.server_version = patch.serverVersion;
    if (patch.capabilities !== undefined) columns.capabilities = JSON.stringify(patch.capabilities);
    if ('logToken' in patch) columns.log_token = patch.logToken ?? null;
    if (patch.tombstoneCursor !== undefined) columns.tombstone_cursor = patch.tombstoneCursor;
    const names = Object.keys(columns);
    if (names.length === 0) return;
    this.db.prepare(`UPDATE sync_state SET ${names.map((name) => `${name} = ?`).join(', ')} WHERE instance_id = ?`).run(...names.map((name) => columns[name]), instanceId);
  }
}
