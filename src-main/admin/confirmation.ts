/**
 * The confirmation rules of destructive actions: the dialog always names the instance and the count;
 * a production instance, or more rows than the threshold, also needs the instance name typed.
 */
import { requiresTypedName } from '../common/confirmation';
import { OcmError } from '../common/errors';
import type { InstanceConfig } from '../common/model';

export { DEFAULT_DELETE_CONFIRM_THRESHOLD, requiresTypedName } from '../common/confirmation';

/** Throws 'invalid-input' when the typed name is required and missing or different. */
export function assertConfirmed(instance: Pick<InstanceConfig, 'name' | 'production'>, count: number, threshold: number, typedName: string | undefined): void {
  if (!requiresTypedName(instance, count, threshold)) return;
  const why = instance.production ? `${instance.name} is a production instance` : `${count} rows is more than ${threshold}`;
  const typed = typedName?.trim();
  if (!typed) {
    throw new OcmError('invalid-input', `Type the instance name "${instance.name}" to delete ${count} ${rowsWord(count)} on it (${why}). Nothing was deleted.`, {
      hint: 'The name must match exactly, including capitals.',
    });
  }
  if (typed !== instance.name) {
    throw new OcmError('invalid-input', `"${typed}" does not match the instance name "${instance.name}". Nothing was deleted.`, {
      hint: 'Type the instance name exactly as shown, including capitals.',
    });
  }
}

/** "row" or "rows". */
export function rowsWord(count: number): string {
  return count === 1 ? 'row' : 'rows';
}
