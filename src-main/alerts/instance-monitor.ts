/**
 * Instance conditions ("unreachable for N minutes", "behind for N minutes") are not fired by rows, so a
 * monitor looks at the engine's statuses every half minute and queues an event once per outage: the
 * outage is named by the instance's last successful sync, so a restart or a second process does not
 * fire it again.
 */
import { inScope, type AlertEvent, type InstanceCondition } from '../common/alerts';
import type { InstanceId, InstanceStatus } from '../common/model';
import { isoFromSeconds } from '../common/time';
import type { AlertsPort } from '../store/ports';
import { eventIdempotencyKey } from '../store/repositories/alerts';

/** How often statuses are looked at. */
export const MONITOR_INTERVAL_MS = 30_000;

/** Queues instance events for the given statuses; returns how many were new. */
export async function checkInstances(alerts: Pick<AlertsPort, 'list' | 'hasEvent' | 'queue'>, statuses: readonly InstanceStatus[], nowMs: number, firstSeen: Map<InstanceId, number>): Promise<number> {
  const now = Math.floor(nowMs / 1000);
  let queued = 0;
  const rules = (await alerts.list()).filter((rule) => rule.enabled && (rule.condition.kind === 'instance-unreachable' || rule.condition.kind === 'instance-behind'));
  for (const status of statuses) {
    // Without a successful sync yet, an outage is counted from when this process first saw the instance.
    if (!firstSeen.has(status.instanceId)) firstSeen.set(status.instanceId, now);
    if (status.state === 'paused') continue;
    const lastSync = status.lastSyncAt ? Math.floor(Date.parse(status.lastSyncAt) / 1000) : undefined;
    const since = lastSync ?? firstSeen.get(status.instanceId)!;
    const failing = status.state === 'error' || status.state === 'offline';
    for (const rule of rules) {
      const condition = rule.condition as InstanceCondition;
      if (!inScope(condition, status.instanceId)) continue;
      if (condition.kind === 'instance-unreachable' && !failing) continue;
      if (now - since < condition.minutes * 60) continue;
      const kind = condition.kind === 'instance-unreachable' ? 'unreachable' : 'behind';
      const eventKey = `instance-${kind}:${status.instanceId}:${lastSync ?? 'never'}`;
      if (await alerts.hasEvent(rule.id, eventKey)) continue;
      const detail: AlertEvent = { key: eventIdempotencyKey(rule.id, eventKey), kind: 'instance', instanceId: status.instanceId, at: isoFromSeconds(now), condition: kind, since: isoFromSeconds(since), minutes: Math.floor((now - since) / 60) };
      queued += await alerts.queue([{ ruleId: rule.id, eventKey, instanceId: status.instanceId, at: now, detail }], now);
    }
  }
  return queued;
}
