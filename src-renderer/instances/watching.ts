/**
 * What the workbench may offer for an instance given how it is watched: server deletes and orphan
 * cleanup need the module's change log on the server (an instance watched without it has nothing there
 * to delete; the admin service refuses too).
 */
import type { ChangeRow, InstanceConfig } from '../../src-main/common/model';

/** True when the instance is mirrored from the module's change log (the default). */
export function hasChangeLog(instance: Pick<InstanceConfig, 'source'> | undefined): boolean {
  return instance?.source !== 'polling';
}

/** True when the row is a row of the server's change log, which the server can delete. */
export function hasServerRow(row: Pick<ChangeRow, 'origin'>, instance: Pick<InstanceConfig, 'source'> | undefined): boolean {
  return hasChangeLog(instance) && (row.origin === undefined || row.origin === 'module');
}
