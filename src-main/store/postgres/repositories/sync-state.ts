/** Per-instance sync cursors and facts (`sync_state`) on PostgreSQL, as store/repositories/sync-state.ts. */
import type { InstanceId } from '../../../common/model';
import { syncStateOf, type DecodedStateRow, type SyncState } from '../../repositories/sync-state';
import type { SyncStatePort } from '../../ports';
import type { PgConnection, PgValue } from '../connection';
import { jsonText, pgRows, pgRun } from './rows';

// capabilities as text, read as SQLite reads its column (any stored JSON, even `null`, counts).
const SELECT_STATE = `SELECT epoch, change_cursor, error_cursor, revision_cursor, snapshot_done, paused, last_sync_at, last_deletion_check_at,
  server_version, capabilities::text AS capabilities, log_token, tombstone_cursor FROM sync_state WHERE instance_id = $1`;

type Patch = Partial<Omit<SyncState, 'instanceId'>>;

/** The columns a patch writes, each with its value and the cast its parameter needs. */
function columnsOf(patch: Patch): [column: string, value: PgValue, cast: string][] {
  const columns: [string, PgValue, string][] = [];
  if (patch.epoch !== undefined) columns.push(['epoch', patch.epoch, 'integer']);
  if (patch.changeCursor !== undefined) columns.push(['change_cursor', patch.changeCursor, 'bigint']);
  if (patch.errorCursor !== undefined) columns.push(['error_cursor', patch.errorCursor, 'bigint']);
  if ('revisionCursor' in patch) columns.push(['revision_cursor', patch.revisionCursor ?? null, 'text']);
  if (patch.snapshotDone !== undefined) columns.push(['snapshot_done', patch.snapshotDone, 'boolean']);
  if (patch.paused !== undefined) columns.push(['paused', patch.paused, 'boolean']);
  if (patch.lastSyncAt !== undefined) columns.push(['last_sync_at', patch.lastSyncAt, 'bigint']);
  if (patch.lastDeletionCheckAt !== undefined) columns.push(['last_deletion_check_at', patch.lastDeletionCheckAt, 'bigint']);
  if (patch.serverVersion !== undefined) columns.push(['server_version', patch.serverVersion, 'text']);
  if (patch.capabilities !== undefined) columns.push(['capabilities', jsonText(patch.capabilities), 'text::jsonb']);
  if ('logToken' in patch) columns.push(['log_token', patch.logToken ?? null, 'text']);
  if (patch.tombstoneCursor !== undefined) columns.push(['tombstone_cursor', patch.tombstoneCursor, 'bigint']);
  return columns;
}

/** Reads and writes `sync_state` of the team database. */
export class PgSyncStateRepository implements SyncStatePort {
  constructor(private readonly sql: PgConnection) {}

  /** The state, or a fresh one (epoch 0, cursors 0) when the instance never synced. */
  async get(instanceId: InstanceId): Promise<SyncState> {
    const [row] = await pgRows<DecodedStateRow>(this.sql, SELECT_STATE, [instanceId]);
    return syncStateOf(instanceId, row);
  }

  /** Writes the given fields (creating the row when missing), in one statement. */
  async update(instanceId: InstanceId, patch: Patch): Promise<void> {
    const columns = columnsOf(patch);
    if (columns.length === 0) {
      await pgRun(this.sql, 'INSERT INTO sync_state (instance_id) VALUES ($1) ON CONFLICT (instance_id) DO NOTHING', [instanceId]);
      return;
    }
    const names = columns.map(([column]) => column).join(', ');
    const placeholders = columns.map(([, , cast], index) => `$${index + 2}::${cast}`).join(', ');
    const sets = columns.map(([column]) => `${column} = excluded.${column}`).join(', ');
    await pgRun(
      this.sql,
      `INSERT INTO sync_state (instance_id, ${names}) VALUES ($1, ${placeholders}) ON CONFLICT (instance_id) DO UPDATE SET ${sets}`,
      [instanceId, ...columns.map(([, value]) => value)],
    );
  }
}
