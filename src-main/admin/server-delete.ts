/**
 * Deletes change-log rows on the server in batches. Each batch first asks which of its ids still
 * exist (another consumer may have deleted some, and unlinking a missing id fails on Odoo), then
 * unlinks those; `onDeleted` runs after each successful batch so local history is marked as it goes.
 */
import { OcmError, toOcmError } from '../common/errors';
import { CHANGE_LOG_MODEL } from '../odoo/log-models';
import type { OdooClient } from '../odoo/types';
import { batches } from './batches';

/** Options of {@link unlinkLogRows}. */
export interface UnlinkOptions {
  /** Ids per unlink request (default 500). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Called with the ids each batch actually deleted; the next batch waits for it. */
  onDeleted?: (ids: number[]) => void | Promise<void>;
}

/** How a batched delete ended. */
export interface UnlinkOutcome {
  deleted: number;
  /** Ids that were already gone from the server. */
  alreadyGone: number;
  cancelled: boolean;
  /** The failure that stopped it, if any (later batches were not attempted). */
  error?: OcmError;
}

/** Deletes `serverIds` from update.webhook; never throws for server failures (see `error`). */
export async function unlinkLogRows(client: OdooClient, serverIds: readonly number[], options: UnlinkOptions = {}): Promise<UnlinkOutcome> {
  const outcome: UnlinkOutcome = { deleted: 0, alreadyGone: 0, cancelled: false };
  const total = serverIds.length;
  let done = 0;
  options.onProgress?.(0, total);
  for (const batch of batches(serverIds, options.batchSize ?? 500)) {
    if (options.signal?.aborted) {
      outcome.cancelled = true;
      break;
    }
    try {
      const existing = await client.search(CHANGE_LOG_MODEL, [['id', 'in', batch]], {}, { signal: options.signal });
      if (existing.length > 0) {
        await client.unlink(CHANGE_LOG_MODEL, existing, { signal: options.signal });
        outcome.deleted += existing.length;
        await options.onDeleted?.(existing);
      }
      outcome.alreadyGone += batch.length - existing.length;
    } catch (error) {
      const failure = toOcmError(error);
      if (failure.code === 'cancelled' || options.signal?.aborted) outcome.cancelled = true;
      else outcome.error = failure;
      break;
    }
    done += batch.length;
    options.onProgress?.(done, total);
  }
  return outcome;
}

/** The result word for the journal. */
export function resultOf(outcome: UnlinkOutcome): 'ok' | 'partial' | 'failed' | 'cancelled' {
  if (outcome.cancelled) return 'cancelled';
  if (outcome.error) return outcome.deleted > 0 ? 'partial' : 'failed';
  return 'ok';
}

/** The plain AccessError message for a user without the unlink right. */
export function noDeleteRightError(login: string, instanceName: string, cause?: unknown): OcmError {
  return new OcmError('access-error', `User ${login} may not delete change-log rows on ${instanceName}.`, {
    hint: 'Use a login in the Internal User group (base.group_user), which may delete update.webhook rows, or ask an Odoo administrator.',
    cause,
  });
}
