/** Odoo's mail.tracking.value rows read into the value format our addon's changed_values uses. */
import { describe, expect, it } from 'vitest';
import { fieldChangeFromTracking, fieldChangesFromTracking } from '../../../src-main/odoo/tracking-values';

/** A tracking row with every column empty, as Odoo stores it, plus the given ones. */
function row(columns: Record<string, unknown>): Record<string, unknown> {
  const empty: Record<string, unknown> = {};
  for (const side of ['old', 'new']) Object.assign(empty, { [`${side}_value_integer`]: 0, [`${side}_value_float`]: 0, [`${side}_value_char`]: false, [`${side}_value_text`]: false, [`${side}_value_datetime`]: false });
  return { ...empty, ...columns };
}

describe('fieldChangeFromTracking', () => {
  it('reads each kind of field from its own column', () => {
    const cases: [string, Record<string, unknown>, unknown, unknown, { code?: string; decimals?: number }?][] = [
      ['char', { old_value_char: 'a@example.com', new_value_char: 'b@example.com' }, 'a@example.com', 'b@example.com'],
      ['selection', { old_value_char: 'Quotation', new_value_char: 'Sales Order' }, 'Quotation', 'Sales Order'],
      ['integer', { old_value_integer: 3, new_value_integer: 0 }, 3, 0],
      ['boolean', { old_value_integer: 1, new_value_integer: 0 }, true, false],
      ['float', { old_value_float: 10, new_value_float: 12.5 }, '10.0', '12.5'],
      ['monetary', { old_value_float: 10, new_value_float: 12.5 }, '10.00 USD', '12.50 USD', { code: 'USD', decimals: 2 }],
      ['monetary', { old_value_float: 1, new_value_float: 2 }, '1.000', '2.000', { decimals: 3 }],
      ['date', { old_value_datetime: false, new_value_datetime: '2026-12-01 00:00:00' }, false, '2026-12-01'],
      ['datetime', { old_value_datetime: '2026-11-30 09:51:44', new_value_datetime: '2026-12-01 08:00:00' }, '2026-11-30 09:51:44', '2026-12-01 08:00:00'],
      ['many2one', { old_value_integer: 7, old_value_char: 'Azure Interior', new_value_integer: 0, new_value_char: false }, [7, 'Azure Interior'], false],
      ['many2one', { old_value_integer: 0, new_value_integer: 9, new_value_char: false }, false, [9, '#9']],
      ['text', { old_value_text: false, new_value_text: 'Call back' }, false, 'Call back'],
      ['many2many', { old_value_char: 'VIP', new_value_char: 'VIP, B2B' }, 'VIP', 'VIP, B2B'],
    ];
    for (const [type, columns, old, now, currency] of cases) {
      expect(fieldChangeFromTracking(row(columns), { name: 'f', label: 'F', type }, currency), type).toEqual({ field: 'f', label: 'F', type, old, new: now });
    }
  });

  it('cuts long text at 500 characters and keeps the full length, like our addon', () => {
    const long = 'é'.repeat(1834);
    const change = fieldChangeFromTracking(row({ old_value_text: 'short', new_value_text: long }), { name: 'note', type: 'text' });
    expect(change).toMatchObject({ old: 'short', truncated: true, newLength: 1834 });
    expect([...(change.new as string)]).toHaveLength(500);
    expect(change.oldLength).toBeUndefined();
  });

  it('says only that a secret or binary field changed', () => {
    for (const name of ['password', 'api_key_ids', 'signup_token', 'smtp_key']) {
      expect(fieldChangeFromTracking(row({ old_value_char: 'x', new_value_char: 'y' }), { name, type: 'char' })).toEqual({ field: name, type: 'char', changed: true });
    }
    expect(fieldChangeFromTracking(row({}), { name: 'image_1920', type: 'binary' })).toEqual({ field: 'image_1920', type: 'binary', changed: true });
  });
});

describe('fieldChangesFromTracking', () => {
  it('orders a message\'s changes by field name and leaves out rows whose field is unknown', () => {
    const rows = [row({ id: 1, new_value_char: 'b' }), row({ id: 2, new_value_char: 'x' }), row({ id: 3, new_value_char: 'a' })];
    const names: Record<number, string | undefined> = { 1: 'phone', 2: undefined, 3: 'email' };
    const changes = fieldChangesFromTracking(rows, (value) => ({ field: names[value.id as number] ? { name: names[value.id as number]!, type: 'char' } : undefined }));
    expect(changes?.map((change) => [change.field, change.new])).toEqual([
      ['email', 'a'],
      ['phone', 'b'],
    ]);
    expect(fieldChangesFromTracking([row({})], () => ({}))).toBeUndefined();
  });
});
