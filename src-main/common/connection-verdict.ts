/**
 * The one verdict of a connection test, for `ocm instance test`, `ocm instance add` and the instance
 * editor: passed, passed with warnings, or failed. A test with a warning never reads "every check
 * passed" anywhere.
 */
import type { ConnectionCheck } from './services';

/** What a connection test came to. */
export interface ConnectionVerdict {
  outcome: 'passed' | 'warnings' | 'failed';
  /** The steps that failed, and those that passed with a warning, in test order. */
  failed: ConnectionCheck['id'][];
  warnings: ConnectionCheck['id'][];
  /** The verdict in English (the CLI), naming the steps by id. */
  message: string;
  /** The catalogue key of the same verdict; its parameters: `failed`, `warnings` (counts) and `failedChecks`, `warningChecks` (the steps' names in the UI's language). */
  messageKey: 'check.verdict.passed' | 'check.verdict.warnings' | 'check.verdict.failed' | 'check.verdict.failedWithWarnings';
}

/** The verdict of `checks`. */
export function connectionVerdict(checks: readonly ConnectionCheck[]): ConnectionVerdict {
  const failed = checks.filter((check) => check.status === 'failed').map((check) => check.id);
  const warnings = checks.filter((check) => check.status === 'warning').map((check) => check.id);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (failed.length) {
    const and = warnings.length ? ` (and ${plural(warnings.length, 'warning')})` : '';
    return { outcome: 'failed', failed, warnings, message: `Failed: ${failed.join(', ')}${and}.`, messageKey: warnings.length ? 'check.verdict.failedWithWarnings' : 'check.verdict.failed' };
  }
  if (warnings.length) {
    return { outcome: 'warnings', failed, warnings, message: `Passed with ${plural(warnings.length, 'warning')}: ${warnings.join(', ')}.`, messageKey: 'check.verdict.warnings' };
  }
  return { outcome: 'passed', failed, warnings, message: 'Passed.', messageKey: 'check.verdict.passed' };
}
