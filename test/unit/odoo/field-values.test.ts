import { describe, expect, it } from 'vitest';
import { fieldChangesFromChangedValues } from '../../../src-main/odoo/field-values';

describe('fieldChangesFromChangedValues', () => {
  it('reads every documented kind of value, in field order', () => {
    const json = JSON.stringify({
      partner_id: { label: 'Customer', type: 'many2one', old: [7, 'Azure Interior'], new: [9, 'Deco Addict'] },
      list_price: { label: 'Sales Price', type: 'monetary', old: '10.00 USD', new: '12.50 USD' },
      image_1920: { label: 'Image', type: 'binary', changed: true },
      tag_ids: { label: 'Tags', type: 'many2many', old: [[1, 'VIP']], new: [[1, 'VIP'], [4, 'B2B']] },
      note: { label: 'Notes', type: 'text', old: 'x'.repeat(500), new: false, old_length: 1834, truncated: true },
      active: { label: 'Active', type: 'boolean', old: true, new: false },
    });
    expect(fieldChangesFromChangedValues(json)).toEqual([
      { field: 'active', label: 'Active', type: 'boolean', old: true, new: false },
      { field: 'image_1920', label: 'Image', type: 'binary', changed: true },
      { field: 'list_price', label: 'Sales Price', type: 'monetary', old: '10.00 USD', new: '12.50 USD' },
      { field: 'note', label: 'Notes', type: 'text', old: 'x'.repeat(500), new: false, truncated: true, oldLength: 1834 },
      { field: 'partner_id', label: 'Customer', type: 'many2one', old: [7, 'Azure Interior'], new: [9, 'Deco Addict'] },
      { field: 'tag_ids', label: 'Tags', type: 'many2many', old: [[1, 'VIP']], new: [[1, 'VIP'], [4, 'B2B']] },
    ]);
  });

  it('has nothing for rows without values, and drops what it cannot read without losing the rest', () => {
    expect(fieldChangesFromChangedValues(false)).toBeUndefined();
    expect(fieldChangesFromChangedValues('')).toBeUndefined();
    expect(fieldChangesFromChangedValues('{not json')).toBeUndefined();
    expect(fieldChangesFromChangedValues('[1, 2]')).toBeUndefined();
    expect(fieldChangesFromChangedValues('{}')).toBeUndefined();
    const json = JSON.stringify({ weird: { old: { nested: 1 }, new: null }, name: { old: 'A', new: 'B' }, other: 'text' });
    expect(fieldChangesFromChangedValues(json)).toEqual([{ field: 'name', old: 'A', new: 'B' }]);
  });
});
