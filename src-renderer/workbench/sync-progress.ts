/**
 * What the workbench shows of a running mirror: rows done of the total, the rate and the time left (the
 * side bar and the status bar), worked out from the engine's progress events; and whether an instance
 * waits for its password (a refused login is not retried).
 */
import { isLoginRefusal } from '../../src-main/common/errors';
import type { InstanceStatus } from '../../src-main/common/model';

/** A running mirror as the side bar and the status bar show it. */
export interface SyncProgress {
  done: number;
  total?: number;
  /** Rows per second since the mirror started (once it has run long enough to say). */
  rowsPerSecond?: number;
  /** Seconds left at that rate (when the total is known). */
  secondsLeft?: number;
  /** When the first progress event of this run came (ms), and how many rows were done then. */
  startedAt: number;
  startDone: number;
}

/** Rates are not shown before this long: the first page alone says little about the speed. */
const MIN_RATE_MS = 1000;

/** The progress after one more event (`previous`: this run's progress so far, if any). */
export function trackProgress(previous: SyncProgress | undefined, event: { done: number; total?: number }, now: number): SyncProgress {
  // A count that went back is a new run (a resumed or restarted snapshot): start measuring again.
  const run = previous && event.done >= previous.done ? previous : undefined;
  const startedAt = run?.startedAt ?? now;
  const startDone = run?.startDone ?? event.done;
  const next: SyncProgress = { done: event.done, startedAt, startDone };
  if (event.total !== undefined) next.total = event.total;
  const elapsed = now - startedAt;
  if (elapsed >= MIN_RATE_MS && event.done > startDone) {
    next.rowsPerSecond = ((event.done - startDone) * 1000) / elapsed;
    if (event.total !== undefined) next.secondsLeft = Math.max(0, (event.total - event.done) / next.rowsPerSecond);
  }
  return next;
}

/** The share done (0 to 1), when the total is known. */
export function progressFraction(progress: Pick<SyncProgress, 'done' | 'total'>): number | undefined {
  if (progress.total === undefined) return undefined;
  if (progress.total <= 0) return 1;
  return Math.min(1, progress.done / progress.total);
}

/** Odoo refused the saved login or password and the engine waits for a new one (it does not retry). */
export function needsPassword(status: InstanceStatus | undefined): boolean {
  return status?.state === 'error' && isLoginRefusal(status.lastError?.code) && !status.nextAttemptAt;
}
