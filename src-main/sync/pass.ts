/** The engine's one entry to a pass: the context's source, the module log unless told otherwise. */
import { moduleLogSource } from './module-log/pass';
import type { SyncPassContext, SyncPassResult } from './source';

/** Runs one pass. Rejects with the client's OcmError on failure; what was committed stays committed. */
export function runSyncPass(context: SyncPassContext): Promise<SyncPassResult> {
  return (context.source ?? moduleLogSource).pass(context);
}
