/** Issue 14, item 13: record links follow Odoo's own URL rules, per version, and carry the database when needed. */
import { describe, expect, it } from 'vitest';
import { odooRecordUrl } from '../../../src-main/common/odoo-urls';

const base = { baseUrl: 'https://erp.example.com/', model: 'res.partner', recordId: 42 };

describe('links into Odoo', () => {
  it('use /odoo/<model>/<id> from 17.2 and 18 on, /web#… before', () => {
    expect(odooRecordUrl({ ...base, serverVersion: '18.0-20250421' })).toBe('https://erp.example.com/odoo/res.partner/42');
    expect(odooRecordUrl({ ...base, serverVersion: '19.0' })).toBe('https://erp.example.com/odoo/res.partner/42');
    expect(odooRecordUrl({ ...base, serverVersion: 'saas~17.2+e' })).toBe('https://erp.example.com/odoo/res.partner/42');
    expect(odooRecordUrl({ ...base, serverVersion: '17.0-20240115' })).toBe('https://erp.example.com/web#id=42&model=res.partner&view_type=form');
    expect(odooRecordUrl({ ...base, serverVersion: '16.0' })).toBe('https://erp.example.com/web#id=42&model=res.partner&view_type=form');
  });

  it('write a model without a dot as m-<model>, as the router reads it', () => {
    expect(odooRecordUrl({ ...base, model: 'website', serverVersion: '18.0' })).toBe('https://erp.example.com/odoo/m-website/42');
  });

  it('carry the database as ?db= (before the hash on older versions)', () => {
    expect(odooRecordUrl({ ...base, serverVersion: '18.0', db: 'riyadh prod' })).toBe('https://erp.example.com/odoo/res.partner/42?db=riyadh%20prod');
    expect(odooRecordUrl({ ...base, serverVersion: '17.0', db: 'seed' })).toBe('https://erp.example.com/web?db=seed#id=42&model=res.partner&view_type=form');
  });
});
