/** Running long jobs (exports, scans, deletes) by id, so `cancel(jobId)` reaches the right AbortController. */
export class JobRegistry {
  private readonly running = new Map<string, AbortController>();
  private sequence = 0;

  /** @param kind prefix of the job ids, e.g. 'export' or 'orphans'. */
  constructor(private readonly kind: string) {}

  /** Registers a new job and returns its id and signal. */
  start(kind: string = this.kind): { jobId: string; signal: AbortSignal } {
    const jobId = `${kind}-${Date.now().toString(36)}-${++this.sequence}`;
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
