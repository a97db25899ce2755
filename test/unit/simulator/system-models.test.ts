/**
 * What clients read to learn about a server: `read` of missing ids, `res.users.has_group`, `ir.model` and
 * `ir.module.module` (odoo-facts.md, "Measured again on 2026-12-01").
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../../src-main/simulator/database';
import { versionProfile } from '../../../src-main/simulator/versions';
import { caught, makeDatabase, ManualClock } from './helpers';

describe('read', () => {
  it('skips ids that do not exist instead of faulting', () => {
    const db = makeDatabase();
    expect(db.call('res.partner', 'read', [[999999]], { fields: ['name'] })).toEqual([]);
    expect(db.call('res.partner', 'read', [[999999, 10]], { fields: ['name'] })).toEqual([{ id: 10, name: 'Deco Addict' }]);
  });
});

describe('res.users.has_group', () => {
  it('answers for admin, demo and portal, implied groups included', () => {
    const db = makeDatabase();
    expect(db.call('res.users', 'has_group', [[2], 'base.group_system'])).toBe(true);
    expect(db.call('res.users', 'has_group', [[2], 'base.group_erp_manager'])).toBe(true);
    expect(db.call('res.users', 'has_group', [[6], 'base.group_system'])).toBe(false);
    expect(db.call('res.users', 'has_group', [[6], 'base.group_user'], {}, 'demo')).toBe(true);
    expect(db.call('res.users', 'has_group', [[8], 'base.group_portal'], {}, 'portal')).toBe(true);
  });

  it('refuses several users, unqualified ids, and portal users asking about others', () => {
    const db = makeDatabase();
    expect(caught(() => db.call('res.users', 'has_group', [[2, 6], 'base.group_user'])).finalLine).toBe('ValueError: Expected singleton: res.users(2, 6)');
    expect(caught(() => db.call('res.users', 'has_group', [[2], 'group_user'])).finalLine).toBe(
      "AssertionError: External ID 'group_user' must be fully qualified",
    );
    expect(caught(() => db.call('res.users', 'has_group', [[2], 'base.group_user'], {}, 'portal')).kind).toBe('AccessError');
    expect(caught(() => db.call('res.partner', 'has_group', [[2], 'base.group_user'])).finalLine).toBe(
      "AttributeError: The method 'res.partner.has_group' does not exist",
    );
  });
});

describe('ir.model and ir.module.module', () => {
  it('lists every model, searchable by technical name', () => {
    const db = makeDatabase();
    const [row] = db.call('ir.model', 'search_read', [[['model', '=', 'update.webhook']]], { fields: ['model', 'name', 'modules'] }) as Array<Record<string, unknown>>;
    expect(row).toMatchObject({ model: 'update.webhook', name: 'Store webhook updates from FastAPI', modules: 'auto_webhook' });
    const plain = makeDatabase('original', new ManualClock(), false);
    expect(plain.call('ir.model', 'search_count', [[['model', '=', 'update.webhook']]])).toBe(0);
    expect(plain.call('ir.model', 'search_count', [[['model', '=', 'res.partner']]])).toBe(1);
  });

  it('reports auto_webhook installed with its version, or available but not installed', () => {
    const query = (db: Database) => db.call('ir.module.module', 'search_read', [[['name', '=', 'auto_webhook']]], { fields: ['state', 'latest_version', 'installed_version'] });
    expect(query(makeDatabase('original'))).toEqual([expect.objectContaining({ state: 'installed', latest_version: '18.0.1.0.0' })]);
    expect(query(makeDatabase('fixed'))).toEqual([expect.objectContaining({ state: 'installed', latest_version: '18.0.3.0.0' })]);
    expect(query(makeDatabase('original', new ManualClock(), false))).toEqual([
      expect.objectContaining({ state: 'uninstalled', latest_version: false, installed_version: '18.0.1.0.0' }),
    ]);
    const nineteen = new Database({ name: 'seed', flavour: 'fixed', seed: 1, now: new ManualClock().now, profile: versionProfile(19) });
    expect(query(nineteen)).toEqual([expect.objectContaining({ latest_version: '19.0.3.0.0' })]);
    expect(nineteen.call('ir.module.module', 'search_count', [[['name', '=', 'rpc'], ['state', '=', 'installed']]])).toBe(1);
  });

  it('is readable by internal users only', () => {
    const db = makeDatabase();
    expect(db.call('ir.module.module', 'search_count', [[]], {}, 'demo')).toBeGreaterThan(5);
    expect(caught(() => db.call('ir.module.module', 'search_count', [[]], {}, 'portal')).kind).toBe('AccessError');
  });
});
