/**
 * Issue 14, item 8: a connection test with a warning reads "passed with 1 warning" in the CLI and in the
 * instance editor, in English and Arabic, from one verdict; never "every check passed".
 */
import { describe, expect, it } from 'vitest';
import { connectionVerdict } from '../../../src-main/common/connection-verdict';
import type { ConnectionCheck } from '../../../src-main/common/services';
import { formatChecks } from '../../../src-main/hosts/cli/commands/instance-test';
import { createTranslator } from '../../../src-renderer/i18n';
import { localizeVerdict } from '../../../src-renderer/i18n/service-text';

const ok = (id: ConnectionCheck['id']): ConnectionCheck => ({ id, status: 'ok', message: 'fine' });
const warned: ConnectionCheck[] = [ok('reach'), ok('version'), ok('database'), ok('login'), ok('change-log'), { id: 'error-log', status: 'warning', message: 'unreadable', code: 'access-error' }, ok('rights')];

describe('the verdict of a connection test', () => {
  it('is "passed with 1 warning" in the CLI and the UI alike, never "every check passed"', () => {
    expect(connectionVerdict(warned)).toMatchObject({ outcome: 'warnings', warnings: ['error-log'], failed: [] });
    expect(formatChecks(warned).split('\n').at(-1)).toBe('Passed with 1 warning: error-log.');
    const english = localizeVerdict(createTranslator('en'), warned);
    expect(english).toEqual({ outcome: 'warnings', text: 'Passed with 1 warning: Error log (webhook.errors).' });
    const arabic = localizeVerdict(createTranslator('ar'), warned);
    expect(arabic.outcome).toBe('warnings');
    expect(arabic.text).toContain('تحذير واحد');
    expect(arabic.text).toContain('سجل الأخطاء');
  });

  it('says which steps failed, and passes only when nothing failed or warned', () => {
    const failed: ConnectionCheck[] = [ok('reach'), { id: 'login', status: 'failed', message: 'refused' }, { id: 'error-log', status: 'warning', message: 'x' }];
    expect(formatChecks(failed).split('\n').at(-1)).toBe('Failed: login (and 1 warning).');
    expect(localizeVerdict(createTranslator('en'), failed).text).toBe('Failed: Login (and 1 warning).');
    const passed = [ok('reach'), ok('login')];
    expect(formatChecks(passed).split('\n').at(-1)).toBe('Passed.');
    expect(localizeVerdict(createTranslator('en'), passed)).toEqual({ outcome: 'passed', text: 'Passed: every check succeeded.' });
  });
});
