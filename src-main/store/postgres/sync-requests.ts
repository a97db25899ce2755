/**
 * "Sync now" between the processes that share a team mirror on PostgreSQL: each instance is synced by
 * the one collector holding its lease, which may be another process (or machine) than the one serving
 * the workbench that asked. A request goes out on the `ocm_sync_requests` channel; every collector
 * LISTENs and wakes the instance if it runs it (the others have no loop for it and ignore it).
 * Best effort, as NOTIFY is: a request lost while a listener reconnects waits for the next poll.
 */
import type { InstanceId } from '../../common/model';
import { jsonOf, pgListen, pgNotify } from './channels';
import type { PgConnection } from './connection';

/** The channel collectors listen on for sync requests. */
export const SYNC_REQUESTS_CHANNEL = 'ocm_sync_requests';

/** Asks whichever collector holds the instance (every instance when `instanceId` is undefined) to sync now. */
export async function pgRequestSync(sql: PgConnection, instanceId?: InstanceId): Promise<void> {
  await pgNotify(sql, SYNC_REQUESTS_CHANNEL, JSON.stringify({ instanceId: instanceId ?? null }));
}

/** Hands `listener` each request (undefined: every instance); resolves once listening. */
export function listenForSyncRequests(sql: PgConnection, listener: (instanceId: InstanceId | undefined) => void): Promise<{ unlisten(): Promise<void> }> {
  return pgListen(sql, SYNC_REQUESTS_CHANNEL, parseSyncRequest, (request) => listener(request.instanceId ?? undefined));
}

function parseSyncRequest(payload: string): { instanceId: InstanceId | null } | undefined {
  const value = jsonOf(payload);
  if (typeof value !== 'object' || value === null) return undefined;
  const { instanceId } = value as { instanceId?: unknown };
  return typeof instanceId === 'string' || instanceId === null ? { instanceId } : undefined;
}
