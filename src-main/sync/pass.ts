/** The engine's one entry to a pass: the context's source, the module log unless told otherwise. */
import { moduleLogSource } from './module-log/pass';
import type { SyncPassContext, SyncPassResult } from './source';

/** Runs one pass. Rejects with the client's OcmError on failure; what was committed stays committed. */
export async function runSyncPass(context: SyncPassContext): Promise<SyncPassResult> {
  const result = await (context.source ?? moduleLogSource).pass(context);
  // A snapshot cut short by a stopped app leaves the read indexes to whoever finishes one (store/read-indexes.ts).
  if ((await context.store.syncState.get(context.instanceId)).snapshotDone) await context.store.mirror.ensureReadIndexes();
  return result;
}
