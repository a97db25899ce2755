/** A sync engine stand-in for lease tests: it records the targets it was told to run. */
import type { InstanceId, InstanceStatus } from '../../src-main/common/model';
import { SyncBackendEvents, type SyncBackend, type SyncTarget } from '../../src-main/sync/backend';

/** An engine that records the targets it was given (what a collector runs at this moment). */
export class RecordingBackend extends SyncBackendEvents implements SyncBackend {
  running: InstanceId[] = [];
  closed = false;
  setTargets(targets: readonly SyncTarget[]): void {
    this.running = targets.map((target) => target.config.id);
  }
  syncNow(): void {}
  pause(): void {}
  resume(): void {}
  statuses(): InstanceStatus[] {
    return [];
  }
  async close(): Promise<void> {
    this.closed = true;
    this.running = [];
  }
}

/** A sync target for instance `id` (never contacted: the recording engine runs nothing). */
export function target(id: string): SyncTarget {
  return { config: { id, name: id, url: 'http://x', db: 'd', login: 'l', transport: 'xmlrpc', production: false, demo: false, pollIntervalSeconds: 30, createdAt: '' }, connection: { url: 'http://x', db: 'd', login: 'l', secret: 's', transport: 'xmlrpc' } };
}
