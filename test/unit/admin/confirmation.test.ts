import { describe, expect, it } from 'vitest';
import { assertConfirmed, requiresTypedName } from '../../../src-main/admin/confirmation';

describe('confirmation rules', () => {
  it('asks for the typed name on production instances, whatever the count', () => {
    expect(requiresTypedName({ production: true }, 1, 100)).toBe(true);
    expect(requiresTypedName({ production: false }, 1, 100)).toBe(false);
  });

  it('asks for the typed name above the threshold only', () => {
    expect(requiresTypedName({ production: false }, 100, 100)).toBe(false);
    expect(requiresTypedName({ production: false }, 101, 100)).toBe(true);
  });

  it('rejects a missing or different name with a message naming the instance and the count', () => {
    const prod = { name: 'Prod ERP', production: true };
    expect(() => assertConfirmed(prod, 3, 100, undefined)).toThrow(/Type the instance name "Prod ERP" to delete 3 rows .*production/);
    expect(() => assertConfirmed(prod, 3, 100, 'prod erp')).toThrow(/does not match the instance name "Prod ERP"/);
    try {
      assertConfirmed(prod, 3, 100, '');
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid-input' });
    }
    expect(() => assertConfirmed(prod, 3, 100, ' Prod ERP ')).not.toThrow();
    expect(() => assertConfirmed({ name: 'Test', production: false }, 150, 100, undefined)).toThrow(/150 rows is more than 100/);
    expect(() => assertConfirmed({ name: 'Test', production: false }, 5, 100, undefined)).not.toThrow();
  });
});
