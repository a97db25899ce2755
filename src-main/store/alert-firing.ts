/**
 * Which events the enabled rules fire on newly inserted mirror rows: the part of the alert queue that is
 * the same on both stores (store/alert-queue.ts on SQLite, store/postgres/alert-queue.ts on PostgreSQL).
 * Change rows are matched by common/alerts.ts alone; error rows also need two facts from the database
 * (was there an earlier error with the fingerprint, how many fell in a window), which each store looks
 * up its own way and hands in as {@link ErrorFacts}.
 */
import { changeMatches, inScope, type AlertCondition, type AlertEvent, type ChangeCondition, type ErrorRateCondition, type NewErrorCondition } from '../common/alerts';
import type { InstanceId } from '../common/model';
import { isoFromSeconds } from '../common/time';
import { eventIdempotencyKey, type QueuedEvent, type StoredRule } from './repositories/alerts';
import type { InsertedChange, InsertedError } from './repositories/mirror';

/** An enabled rule and its condition. */
export interface FiringRule<C extends AlertCondition> {
  id: string;
  condition: C;
}

/** The enabled rules that rows fire, by the kind of row they read. */
export interface FiringRules {
  changes: FiringRule<ChangeCondition>[];
  newErrors: FiringRule<NewErrorCondition>[];
  errorRates: FiringRule<ErrorRateCondition>[];
}


/** The enabled row rules among `rules` (instance conditions are the monitor's, not the queue's). */
export function firingRules(rules: readonly StoredRule[]): FiringRules {
  const firing: FiringRules = { changes: [], newErrors: [], errorRates: [] };
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const condition = rule.condition;
    if (condition.kind === 'change') firing.changes.push({ id: rule.id, condition });
    else if (condition.kind === 'error-new') firing.newErrors.push({ id: rule.id, condition });
    else if (condition.kind === 'error-rate') firing.errorRates.push({ id: rule.id, condition });
  }
  return firing;
}

/** Whether a change rule listens to the instance. */
export function wantsChanges(rules: FiringRules, instanceId: InstanceId): boolean {
  return rules.changes.some((rule) => inScope(rule.condition, instanceId));
}

/** Whether an error rule listens to the instance. */
export function wantsErrors(rules: FiringRules, instanceId: InstanceId): boolean {
  return [...rules.newErrors, ...rules.errorRates].some((rule) => inScope(rule.condition, instanceId));
}

/** The events the change rules fire on inserted change rows. */
export function changeEvents(rules: FiringRules, instanceId: InstanceId, rows: readonly InsertedChange[]): QueuedEvent[] {
  const events: QueuedEvent[] = [];
  for (const row of rows) {
    const changedFields = row.changedFields?.split(',').map((field) => field.trim()).filter((field) => field.length > 0);
    const matchable = { instanceId, model: row.model, event: row.event, userName: row.userName ?? undefined, changedFields, values: row.values ?? undefined };
    for (const rule of rules.changes) {
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
  return events;
}

/** What the error rules need to know from the database about an inserted error row. */
export interface ErrorFacts {
  /** Whether an error with the row's fingerprint was stored on the instance before it (a smaller id). */
  hasEarlier(row: InsertedError): boolean;
  /** Errors with the row's fingerprint on the instance in `(row.ts - seconds, row.ts]`, the row included. */
  countWithin(row: InsertedError, seconds: number): number;
}

/** The window lengths (seconds) of the rate rules that listen to the instance: what {@link ErrorFacts.countWithin} is asked. */
export function rateWindows(rules: FiringRules, instanceId: InstanceId): number[] {
  return [...new Set(rules.errorRates.filter((rule) => inScope(rule.condition, instanceId)).map((rule) => rule.condition.windowMinutes * 60))];
}

/** Whether a new-error rule listens to the instance (so {@link ErrorFacts.hasEarlier} is asked). */
export function wantsNewErrors(rules: FiringRules, instanceId: InstanceId): boolean {
  return rules.newErrors.some((rule) => inScope(rule.condition, instanceId));
}

/** The events the error rules fire on inserted error rows. */
export function errorEvents(rules: FiringRules, instanceId: InstanceId, rows: readonly InsertedError[], facts: ErrorFacts): QueuedEvent[] {
  const events: QueuedEvent[] = [];
  for (const row of rows) {
    const detail = (ruleId: string, eventKey: string, count?: number): QueuedEvent => {
      const event: AlertEvent = { key: eventIdempotencyKey(ruleId, eventKey), kind: 'error', instanceId, at: isoFromSeconds(row.ts), model: row.model, recordId: row.recordId, message: row.message, fingerprint: row.fingerprint };
      if (count !== undefined) event.count = count;
      return { ruleId, eventKey, instanceId, at: row.ts, detail: event };
    };
    const newRules = rules.newErrors.filter((rule) => inScope(rule.condition, instanceId, row.model));
    if (newRules.length && !facts.hasEarlier(row)) {
      for (const rule of newRules) events.push(detail(rule.id, `error-new:${instanceId}:${row.fingerprint}`));
    }
    for (const rule of rules.errorRates) {
      if (!inScope(rule.condition, instanceId, row.model)) continue;
      const window = rule.condition.windowMinutes * 60;
      const count = facts.countWithin(row, window);
      // At most once per fingerprint and window: the window the error falls in names the event.
      if (count >= rule.condition.count) events.push(detail(rule.id, `error-rate:${instanceId}:${row.fingerprint}:${Math.floor(row.ts / window)}`, count));
    }
  }
  return events;
}
