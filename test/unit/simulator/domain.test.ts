import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src-main/simulator/database';
import { andDomains, normalizeDomain } from '../../../src-main/simulator/domain';
import { OdooException } from '../../../src-main/simulator/errors';
import { makeDatabase } from './helpers';

let db: Database;
const partners = (domain: unknown[], activeTest = true): number[] =>
  db
    .select('res.partner', domain, { order: 'id asc', activeTest })
    .map((row) => row.id);

beforeEach(() => {
  db = makeDatabase();
});

describe('domain operators', () => {
  it('= and != (with unset values counted as different)', () => {
    expect(partners([['name', '=', 'Azure Interior']])).toEqual([14]);
    expect(partners([['vat', '!=', false]])).toEqual([11, 13, 15]);
    expect(partners([['vat', '=', false], ['is_company', '=', true]])).toEqual([1, 10, 12, 14, 16]);
    expect(partners([['name', '!=', 'Azure Interior']])).not.toContain(14);
    expect(partners([['name', '<>', 'Azure Interior']])).not.toContain(14);
  });

  it('< <= > >= on numbers and strings; unset values never compare', () => {
    expect(partners([['id', '>', 27]])).toEqual([28, 29, 30]);
    expect(partners([['id', '>=', 28], ['id', '<', 30]])).toEqual([28, 29]);
    expect(partners([['id', '<=', 3]])).toEqual([1, 3]);
    expect(partners([['name', '<', 'B'], ['is_company', '=', true]])).toEqual([14]);
    expect(partners([['vat', '>', 'A']])).toEqual([11, 13, 15]);
  });

  it('=? ignores false values', () => {
    expect(partners([['parent_id', '=?', false]]).length).toBe(partners([]).length);
    expect(partners([['parent_id', '=?', 14]])).toEqual([22, 23, 24, 25]);
  });

  it('in and not in, including False for unset values', () => {
    expect(partners([['id', 'in', [10, 14, 999]]])).toEqual([10, 14]);
    expect(partners([['parent_id', 'in', [16, false]], ['id', '>', 14]])).toEqual([15, 16, 26, 27, 28]);
    expect(partners([['id', 'not in', [1, 3, 7, 9]], ['id', '<', 12]])).toEqual([10, 11]);
  });

  it('like, ilike, not like, not ilike, =like, =ilike', () => {
    expect(partners([['name', 'like', 'Inc']])).toEqual([15]);
    expect(partners([['name', 'like', 'inc']])).toEqual([]);
    expect(partners([['name', 'ilike', 'inc']])).toEqual([15]);
    expect(partners([['email', '=like', 'deco%']])).toEqual([10]);
    expect(partners([['email', '=ilike', 'DECO\\_ADDICT@EXAMPLE.COM']])).toEqual([10]);
    expect(partners([['name', '=like', 'Ready _at']])).toEqual([12]);
    const notLike = partners([['vat', 'not like', 'US']]);
    expect(notLike).toContain(10); // unset values match the negative operators
    expect(notLike).not.toContain(11);
    expect(partners([['name', 'not ilike', 'a']])).toEqual(partners([]).filter((id) => !/a/i.test(String(db.table('res.partner').get(id)?.name))));
  });

  it('many2one by id, by name, and through dotted paths', () => {
    expect(partners([['parent_id', '=', 10]])).toEqual([17, 18]);
    expect(partners([['parent_id', 'ilike', 'azure']])).toEqual([22, 23, 24, 25]);
    expect(partners([['parent_id.city', '=', 'Turlock']])).toEqual([26, 27, 28]);
    expect(partners([['parent_id', 'any', [['name', '=', 'Lumber Inc']]]])).toEqual([29]);
  });

  it('child_of follows parent_id', () => {
    expect(db.select('product.category', [['id', 'child_of', 2]], { order: 'id' }).map((row) => row.id)).toEqual([2, 5]);
    expect(partners([['parent_id', 'child_of', 16]])).toEqual([26, 27, 28]);
  });

  it('prefix & | ! and implicit &', () => {
    expect(partners(['|', ['id', '=', 10], ['id', '=', 11]])).toEqual([10, 11]);
    expect(partners(['!', ['id', '>', 3], ['is_company', '=', true]])).toEqual([1]);
    expect(partners(['&', ['is_company', '=', true], '|', ['city', '=', 'Miami'], ['city', '=', 'Tracy']])).toEqual([12, 13]);
    expect(partners([['is_company', '=', true], ['city', 'in', ['Miami', 'Tracy']]])).toEqual([12, 13]);
    expect(partners(['|', '!', ['id', '>', 2], ['id', '=', 30], ['id', '<', 31]])).toEqual([1, 30]);
  });

  it('excludes archived records unless active_test is False or the domain names active', () => {
    expect(partners([['id', '<', 6]])).toEqual([1, 3]);
    expect(partners([['id', '<', 6]], false)).toEqual([1, 2, 3, 4, 5]);
    expect(partners([['active', '=', false]])).toEqual([2, 4, 5]);
  });

  it('refuses unknown fields and operators with Odoo messages', () => {
    const error = (() => {
      try {
        db.select('update.webhook', [['nosuchfield', '=', 1]]);
      } catch (caught) {
        return caught as OdooException;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(OdooException);
    expect(error?.finalLine).toBe("ValueError: Invalid field update.webhook.nosuchfield in leaf ('nosuchfield', '=', 1)");
    expect(() => db.select('res.partner', [['name', 'regex', 'x']])).toThrow("Invalid leaf ('name', 'regex', 'x')");
    expect(() => db.select('res.partner', ['|', ['id', '=', 1]])).toThrow(/syntactically not correct/);
  });

  it('normalizes and combines like expression.AND', () => {
    expect(normalizeDomain([['a', '=', 1], ['b', '=', 2]])).toEqual(['&', ['a', '=', 1], ['b', '=', 2]]);
    expect(andDomains([[['id', '>', 5]], ['&', ['t', '>=', 'x'], ['t', '<', 'y']]])).toEqual([
      '&',
      ['id', '>', 5],
      '&',
      ['t', '>=', 'x'],
      ['t', '<', 'y'],
    ]);
    expect(andDomains([[], [['a', '=', 1]]])).toEqual([['a', '=', 1]]);
  });
});

describe('ordering and paging', () => {
  it('uses the model order (res.partner: complete_name asc, id desc)', () => {
    const names = db.select('res.partner', [['is_company', '=', true]]).map((row) => row.name);
    expect(names).toEqual([...names].sort());
  });

  it('orders by several terms, many2one by display name, unset values last when ascending', () => {
    const rows = db.select('res.partner', [['id', '>=', 17]], { order: 'parent_id asc, name desc' });
    expect(rows.slice(0, 4).map((row) => row.name)).toEqual(['Nicole Ford', 'Colleen Diaz', 'Brandon Freeman', 'Billy Fox']);
    const byVat = db.select('res.partner', [['is_company', '=', true]], { order: 'vat asc' });
    expect(byVat.at(-1)?.vat).toBe(false);
    const byVatDesc = db.select('res.partner', [['is_company', '=', true]], { order: 'vat desc' });
    expect(byVatDesc[0].vat).toBe(false);
  });

  it('applies offset and limit, forwards and backwards by id', () => {
    db.seedWebhookRows(500);
    const all = db.webhookRows().map((row) => row.id);
    expect(db.select('update.webhook', [['id', '>', all[100]]], { order: 'id asc', limit: 5 }).map((row) => row.id)).toEqual(all.slice(101, 106));
    expect(db.select('update.webhook', [], { order: 'id desc', limit: 3, offset: 2 }).map((row) => row.id)).toEqual(all.slice(-5, -2).reverse());
    expect(db.select('update.webhook', [['id', 'in', [all[3], all[1]]]], { order: 'id asc' }).map((row) => row.id)).toEqual([all[1], all[3]]);
    expect(db.count('update.webhook', [['id', '>', all[10]], ['id', '<=', all[20]]])).toBe(10);
  });

  it('rejects unknown order fields', () => {
    expect(() => db.select('res.partner', [], { order: 'nosuch desc' })).toThrow("Invalid field 'nosuch' on model 'res.partner'");
  });
});
