/**
 * The `changed_values` value format on its own (docs/addon-protocol.md): the deny list and the x2many cut,
 * which no simulated write reaches.
 */
import { describe, expect, it } from 'vitest';
import { describeChange, isSecretField, mergeChangedValues, type ValueContext } from '../../../src-main/simulator/changed-values';
import type { FieldDef } from '../../../src-main/simulator/schema';

const context: ValueContext = { displayName: (_model, id) => `Tag ${id}`, currency: { code: 'EUR', decimals: 2 } };
const char = (name: string): FieldDef => ({ name, type: 'char', string: name });

describe('secrets', () => {
  it('are password fields, names of the deny list (or made of its words), and char *_token, *_secret, *_key', () => {
    for (const name of ['password', 'api_key', 'token', 'secret', 'signature', 'totp', 'otp', 'oauth', 'new_password', 'oauth_uid', 'totp_secret', 'access_token', 'signup_token', 'webhook_secret', 'stripe_key', 'my_api_key_ids']) {
      expect(isSecretField(char(name)), name).toBe(true);
    }
    expect(isSecretField({ name: 'pin', type: 'char', string: 'PIN', password: true })).toBe(true);
    for (const name of ['name', 'keyword', 'monkey', 'tokenizer', 'secretary_id', 'otpauth']) expect(isSecretField(char(name)), name).toBe(false);
    expect(isSecretField({ name: 'sort_key', type: 'integer', string: 'Sort' })).toBe(false);
    expect(describeChange(char('access_token'), 'a', 'b', context)).toBeUndefined();
  });
});

describe('values', () => {
  it('list x2many records up to 20 with the counts when cut', () => {
    const field: FieldDef = { name: 'tag_ids', type: 'one2many', string: 'Tags', relation: 'res.partner.category' };
    const many = Array.from({ length: 25 }, (_, index) => index + 1);
    const entry = describeChange(field, [1, 4], many, context)!;
    expect(entry.old).toEqual([[1, 'Tag 1'], [4, 'Tag 4']]);
    expect((entry.new as unknown[]).length).toBe(20);
    expect([entry.old_count, entry.new_count]).toEqual([undefined, 25]);
  });

  it('give money the currency’s decimals and code, and keep empty values false', () => {
    expect(describeChange({ name: 'amount', type: 'monetary', string: 'Amount' }, 10, 12.5, context)).toEqual({ label: 'Amount', type: 'monetary', old: '10.00 EUR', new: '12.50 EUR' });
    expect(describeChange(char('ref'), false, '', context)).toEqual({ label: 'ref', type: 'char', old: false, new: false });
  });

  it('merge over what a row had, replacing written fields only', () => {
    const merged = mergeChangedValues('{"a": {"label": "A", "type": "char", "old": "1", "new": "2"}}', { b: { label: 'B', type: 'integer', old: 1, new: 2 } });
    expect(JSON.parse(merged)).toEqual({ a: { label: 'A', type: 'char', old: '1', new: '2' }, b: { label: 'B', type: 'integer', old: 1, new: 2 } });
    expect(merged).toBe('{"a": {"label": "A", "type": "char", "old": "1", "new": "2"}, "b": {"label": "B", "type": "integer", "old": 1, "new": 2}}');
  });
});
