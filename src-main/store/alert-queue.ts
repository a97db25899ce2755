/**
 * The alert queue: the mirror's insert hook that records, in the transaction that stores new rows, the
 * events the enabled rules fire on them (store/alert-firing.ts reads the rows). Whichever process or thread
 * writes the mirror (the sync worker, `ocm sync`, a test) queues the same way, and a crash can never keep
 * a row and lose its alert. Sending is someone else's job (src-main/alerts), after the commit.
 */
import type { InstanceId } from '../common/model';
import { changeEvents, errorEvents, firingRules, wantsChanges, wantsErrors, type FiringRules } from './alert-firing';
import type { SqlDatabase } from './database';
import type { AlertRepository } from './repositories/alerts';
import type { InsertedChange, InsertedError, MirrorInsertHook } from './repositories/mirror';

/** Queues alert events for the rows the mirror inserts (see the module comment). */
export class AlertQueue implements MirrorInsertHook {
  private revision = -1;
  private rules: FiringRules = { changes: [], newErrors: [], errorRates: [] };

  constructor(
    private readonly db: SqlDatabase,
    private readonly alerts: AlertRepository,
  ) {}

  wantsChanges(instanceId: InstanceId): boolean {
    return wantsChanges(this.current(), instanceId);
  }

  changesInserted(instanceId: InstanceId, rows: readonly InsertedChange[], seenAt: number): void {
    const events = changeEvents(this.rules, instanceId, rows);
    if (events.length) this.alerts.queue(events, seenAt);
  }

  wantsErrors(instanceId: InstanceId): boolean {
    return wantsErrors(this.current(), instanceId);
  }

  errorsInserted(instanceId: InstanceId, rows: readonly InsertedError[], seenAt: number): void {
    const earlier = this.db.prepare('SELECT 1 FROM errors WHERE fingerprint = ? AND instance_id = ? AND id < ? LIMIT 1');
    const inWindow = this.db.prepare('SELECT count(*) FROM errors WHERE fingerprint = ? AND instance_id = ? AND ts > ? AND ts <= ?').pluck();
    const events = errorEvents(this.rules, instanceId, rows, {
      hasEarlier: (row) => earlier.get(row.fingerprint, instanceId, row.id) !== undefined,
      countWithin: (row, seconds) => Number(inWindow.get(row.fingerprint, instanceId, row.ts - seconds, row.ts)),
    });
    if (events.length) this.alerts.queue(events, seenAt);
  }

  /** The enabled rules, reloaded when another connection (or this one) changed them. */
  private current(): FiringRules {
    const revision = this.alerts.revision();
    if (revision === this.revision) return this.rules;
    this.rules = firingRules(this.alerts.list());
    this.revision = revision;
    return this.rules;
  }
}
