/** The one builder of an instance's status from what the store knows (and, when connected, what the server said). */
import type { Capabilities, InstanceId, InstanceState, InstanceStatus } from '../common/model';
import { isoFromSeconds } from '../common/time';
import type { Repositories } from '../store/ports';

/**
 * The status of instance `id` in `state`: its mirrored counts, its last sync, and the capabilities of
 * the live connection, else those saved by the last one. Counts are cosmetic: a locked store leaves
 * them at 0 rather than stopping status reporting.
 */
export async function instanceStatus(store: Pick<Repositories, 'mirror' | 'syncState'>, id: InstanceId, state: InstanceState, live?: Capabilities): Promise<InstanceStatus> {
  let counts = { changeCount: 0, removedCount: 0, errorCount: 0 };
  try {
    counts = await store.mirror.counts(id);
  } catch {
    // see above
  }
  const saved = await store.syncState.get(id);
  const capabilities = live ?? saved.capabilities;
  const status: InstanceStatus = { instanceId: id, state, ...counts, errorLog: 'unknown', richFields: [], canDeleteChanges: false };
  if (saved.lastSyncAt !== undefined) status.lastSyncAt = isoFromSeconds(saved.lastSyncAt);
  return capabilities ? { ...status, ...capabilityFields(capabilities) } : status;
}

/** What a status shows of a server's capabilities. */
export function capabilityFields(capabilities: Capabilities): Pick<InstanceStatus, 'errorLog' | 'serverVersion' | 'richFields' | 'canDeleteChanges'> {
  return {
    errorLog: capabilities.errorLog,
    serverVersion: capabilities.version.serverVersion,
    richFields: capabilities.richFields,
    canDeleteChanges: capabilities.canDeleteChanges,
  };
}
