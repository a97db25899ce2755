/**
 * What a report says about the instances it covers: each one's name (marked when the instance was
 * removed with its history kept, so kept rows never read as a raw id) and whether its error log could
 * be read, so "no errors" is only ever said of error logs that were read.
 */
import type { ChangeFilter, InstanceId } from '../common/model';
import type { ReportStrings } from './strings';

/** Whether an instance's error log (`webhook.errors`) was read when it was last synced. */
export type ErrorLogState = 'readable' | 'unreadable' | 'missing' | 'unknown';

/** An instance as a report names it. */
export interface ReportInstance {
  id: InstanceId;
  name: string;
  /** Removed with its history kept: its rows stay and are labelled so. */
  removed: boolean;
  errorLog: ErrorLogState;
}

/** An instance in a report's scope whose error log could not be read, and why. */
export interface UnreadErrorLog {
  instanceId: InstanceId;
  state: 'unreadable' | 'missing';
}

/** The name each instance is shown by in a report: its name, with "(removed instance)" for a removed one. */
export function instanceLabels(instances: readonly ReportInstance[], strings: Pick<ReportStrings, 'removedInstance'>): Map<InstanceId, string> {
  return new Map(instances.map((instance) => [instance.id, instance.removed ? `${instance.name} (${strings.removedInstance})` : instance.name]));
}

/** Which error logs of a report's scope were read, and which were not (with why). */
export interface ErrorLogCoverage {
  read: InstanceId[];
  unread: UnreadErrorLog[];
}

/** The error logs of the report's scope (the filter's instances, else all), read or not. */
export function errorLogCoverage(instances: readonly ReportInstance[], filter: Pick<ChangeFilter, 'instanceIds'>): ErrorLogCoverage {
  const scope = filter.instanceIds?.length ? new Set(filter.instanceIds) : undefined;
  const coverage: ErrorLogCoverage = { read: [], unread: [] };
  for (const instance of instances) {
    if (scope && !scope.has(instance.id)) continue;
    // 'unknown': never connected, so nothing of it is mirrored and there is nothing to qualify.
    if (instance.errorLog === 'readable') coverage.read.push(instance.id);
    else if (instance.errorLog !== 'unknown') coverage.unread.push({ instanceId: instance.id, state: instance.errorLog });
  }
  return coverage;
}
