/** Running exports by job id, so `cancel(jobId)` can reach the right AbortController. */
import { randomUUID } from 'node:crypto';

/** A set of running jobs, each with its own AbortController. */
export class ExportJobs {
  private readonly running = new Map<string, AbortController>();

  /** Registers a new job and returns its id and signal. */
  start(): { jobId: string; signal: AbortSignal } {
    const jobId = `export-${randomUUID()}`;
    const controller = new AbortController();
    this.running.set(jobId, controller);
    return { jobId, signal: controller.signal };
  }

  /** Aborts a running job; unknown or finished jobs are ignored (the cancel raced the finish). */
  cancel(jobId: string): void {
    this.running.get(jobId)?.abort();
  }

  /** Forgets a finished job. */
  finish(jobId: string): void {
    this.running.delete(jobId);
  }
}
