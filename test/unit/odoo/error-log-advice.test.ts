/**
 * Issue 14, item 9: the advice for an unreadable error log offers the better fix first (our addon), then
 * the access right where Odoo 17–19 keep it: Settings › Technical › Security › Access Rights, a menu of
 * developer mode (odoo/addons/base/views/base_menus.xml: menu_custom "Technical", groups base.group_no_one;
 * menu_security "Security"; menu_action_ir_access). Never "Settings › Users › Access rights".
 */
import { describe, expect, it } from 'vitest';
import { ERROR_LOG_ACCESS_ADVICE } from '../../../src-main/odoo/log-models';
import { faultToError } from '../../../src-main/odoo/faults';
import { reportStrings } from '../../../src-main/reports/strings';
import { en } from '../../../src-renderer/i18n/en';
import { ar } from '../../../src-renderer/i18n/ar';

const KEYS = ['errors.unreadableHint', 'sync.errorLogUnreadable', 'check.errorLog.unreadableHint'] as const;

describe('the advice for an unreadable error log', () => {
  it('puts the addon first, then Settings › Technical › Security › Access Rights (developer mode), in English', () => {
    for (const text of [ERROR_LOG_ACCESS_ADVICE, reportStrings('en').errorLogReasons.unreadable, ...KEYS.map((key) => en[key])]) {
      expect(text).toContain('Settings › Technical › Security › Access Rights (developer mode)');
      expect(text).not.toMatch(/Settings › Users/);
      expect(text.indexOf('addon')).toBeLessThan(text.indexOf('Access Rights'));
    }
  });

  it('says the same in Arabic', () => {
    for (const text of [reportStrings('ar').errorLogReasons.unreadable, ...KEYS.map((key) => ar[key])]) {
      expect(text).toContain('الإعدادات › تقني › الأمان › صلاحيات الوصول (وضع المطوّر)');
      expect(text.indexOf('auto_webhook')).toBeLessThan(text.indexOf('صلاحيات الوصول'));
    }
  });

  it('is the hint of an access error on webhook.errors', () => {
    const error = faultToError(4, 'You are not allowed to access \'Webhook Errors\' (webhook.errors) records.', { url: 'http://odoo', service: 'object', method: 'execute_kw', model: 'webhook.errors', modelMethod: 'search' });
    expect(error.hint).toBe(ERROR_LOG_ACCESS_ADVICE);
  });
});
