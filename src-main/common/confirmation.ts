/**
 * When a destructive action needs the instance name typed: on production instances, and above a row
 * count the user can set. Shared by the admin service (which enforces it) and the workbench (which asks).
 */
import type { InstanceConfig } from './model';

/** Rows above which the instance name must be typed, unless the user changed the setting. */
export const DEFAULT_DELETE_CONFIRM_THRESHOLD = 100;

/** True when deleting `count` rows on `instance` needs the instance name typed. */
export function requiresTypedName(instance: Pick<InstanceConfig, 'production'>, count: number, threshold: number): boolean {
  return instance.production || count > threshold;
}
