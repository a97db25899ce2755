/**
 * The alert queue: the mirror's insert hook that records, in the transaction that stores new rows, the
 * events the enabled rules fire on them (common/alerts.ts reads the rows). Whichever process or thread
 * writes the mirror (the sync worker, `ocm sync`, a test) queues the same way, and a crash can never keep
 * a row and lose its alert. Sending is someone else's job (src-main/alerts), after the commit.
 */
import { changeMatches, inScope, type AlertCondition, type AlertEvent, type ChangeCondition, type ErrorRateCondition, type NewErrorCondition } from '../common/alerts';
import type { InstanceId } from '../common/model';
import { isoFromSeconds } from '../common/time';
import type { SqlDatabase } from './database';
import { eventIdempotencyKey, type AlertRepository, type QueuedEvent } from './repositories/alerts';
import type { InsertedChange, InsertedError, MirrorInsertHook } from './repositories/mirror';

interface Rule<C extends AlertCondition> {
  id: string;
  condition: C;
}

interface Rules {
  changes: Rule<ChangeCondition>[];
  newErrors: Rule<NewErrorCondition>[];
  errorRates: Rule<ErrorRateCondition>[];
}

/** Queues alert events for the rows the mirror inserts (see the module comment). */
export class AlertQueue implements MirrorInsertHook {
  private revision = -1;
  private rules: Rules = { changes: [], newErrors: [], errorRates: [] };

  constructor(
    private readonly db: SqlDatabase,
    private readonly alerts: AlertRepository,
  ) {}

  wantsChanges(instanceId: InstanceId): boolean {
    return this.current().changes.some((rule) => inScope(rule.condition, instanceId));
  }

  changesInserted(instanceId: InstanceId, rows: readonly InsertedChange[], seenAt: number): void {
    const events: QueuedEvent[] = [];
    for (const row of rows) {
      const changedFields = row.changedFields?.split(',').map((field) => field.trim()).filter((field) => field.length > 0);
      const matchable = { instanceId, model: row.model, event: row.event, userName: row.userName ?? undefined, changedFields, values: row.values ?? undefined };
      for (const rule of this.rules.changes) {
        if (!changeMatches(rule.condition, matchable)) continue;
        const eventKey = `change:${row.id}`;
        const detail: AlertEvent = {
          key: eventIdempotencyKey(rule.id, eventKey),
          kind: 'change',
          instanceId,
          at: isoFromSeconds(row.ts),
          model: row.model,
          recordId: row.recordId,
          event: row.event,
          serverId: row.serverId,
        };
        if (row.userName) detail.userName = row.userName;
        if (row.values?.length) detail.values = [...row.values];
        events.push({ ruleId: rule.id, eventKey, instanceId, at: row.ts, detail });
      }
    }
    if (events.length) this.alerts.queue(events, seenAt);
  }

  wantsErrors(instanceId: InstanceId): boolean {
    const rules = this.current();
    return [...rules.newErrors, ...rules.errorRates].some((rule) => inScope(rule.condition, instanceId));
  }

  errorsInserted(instanceId: InstanceId, rows: readonly InsertedError[], seenAt: number): void {
    const events: QueuedEvent[] = [];
    const earlier = this.db.prepare('SELECT 1 FROM errors WHERE fingerprint = ? AND instance_id = ? AND id < ? LIMIT 1');
    const inWindow = this.db.prepare('SELECT count(*) FROM errors WHERE fingerprint = ? AND instance_id = ? AND ts > ? AND ts <= ?').pluck();
    for (const row of rows) {
      const detail = (ruleId: string, eventKey: string, count?: number): QueuedEvent => {
        const event: AlertEvent = { key: eventIdempotencyKey(ruleId, eventKey), kind: 'error', instanceId, at: isoFromSeconds(row.ts), model: row.model, recordId: row.recordId, message: row.message, fingerprint: row.fingerprint };
        if (count !== undefined) event.count = count;
        return { ruleId, eventKey, instanceId, at: row.ts, detail: event };
      };
      const newRules = this.rules.newErrors.filter((rule) => inScope(rule.condition, instanceId, row.model));
      if (newRules.length && earlier.get(row.fingerprint, instanceId, row.id) === undefined) {
        for (const rule of newRules) events.push(detail(rule.id, `error-new:${instanceId}:${row.fingerprint}`));
      }
      for (const rule of this.rules.errorRates) {
        if (!inScope(rule.condition, instanceId, row.model)) continue;
        const window = rule.condition.windowMinutes * 60;
        const count = Number(inWindow.get(row.fingerprint, instanceId, row.ts - window, row.ts));
        // At most once per fingerprint and window: the window the error falls in names the event.
        if (count >= rule.condition.count) events.push(detail(rule.id, `error-rate:${instanceId}:${row.fingerprint}:${Math.floor(row.ts / window)}`, count));
      }
    }
    if (events.length) this.alerts.queue(events, seenAt);
  }

  /** The enabled rules, reloaded when another connection (or this one) changed them. */
  private current(): Rules {
    const revision = this.alerts.revision();
    if (revision === this.revision) return this.rules;
    const rules: Rules = { changes: [], newErrors: [], errorRates: [] };
    for (const rule of this.alerts.list()) {
      if (!rule.enabled) continue;
      const condition = rule.condition;
      if (condition.kind === 'change') rules.changes.push({ id: rule.id, condition });
      else if (condition.kind === 'error-new') rules.newErrors.push({ id: rule.id, condition });
      else if (condition.kind === 'error-rate') rules.errorRates.push({ id: rule.id, condition });
    }
    this.rules = rules;
    this.revision = revision;
    return rules;
  }
}
