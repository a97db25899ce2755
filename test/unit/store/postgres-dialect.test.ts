/** The PostgreSQL store's pure parts, without a server: URLs, placeholders, full-text queries. */
import { describe, expect, it } from 'vitest';
import { assertPostgresUrl, redactUrl, translatePostgresError } from '../../../src-main/store/postgres/connection';
import { tsQuery } from '../../../src-main/store/postgres/error-queries';
import { numbered, pgFilterConditions, pgWhere } from '../../../src-main/store/postgres/filter';
import { normalizeFilter } from '../../../src-main/store/queries/filter';

describe('PostgreSQL URLs', () => {
  it('accepts postgres:// and postgresql:// URLs that name a server and a database', () => {
    expect(assertPostgresUrl('postgres://u:p@db.example:5432/team').hostname).toBe('db.example');
    expect(assertPostgresUrl('postgresql://u@127.0.0.1/team').pathname).toBe('/team');
  });

  it.each([
    ['not a url', /is not a URL/],
    ['mysql://u:p@db/team', /is not a PostgreSQL URL \(it starts with mysql:\/\/\)/],
    ['postgres://u:p@db:5432', /names no database/],
    ['postgres://u:p@db:5432/', /names no database/],
  ])('refuses %s with a clear message', (url, message) => {
    expect(() => assertPostgresUrl(url)).toThrowError(message);
    try {
      assertPostgresUrl(url);
    } catch (error) {
      expect((error as { code: string }).code).toBe('invalid-input');
    }
  });

  it('never shows the password', () => {
    expect(redactUrl('postgres://ocm:s3cret@db:5432/team')).toBe('postgres://ocm:***@db:5432/team');
    expect(redactUrl('postgres://ocm:s3cr et@db/team is bad')).not.toContain('s3cr');
    const refused = translatePostgresError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'postgres://ocm:s3cret@db:5432/team');
    expect(refused.code).toBe('network-refused');
    expect(refused.message).not.toContain('s3cret');
    expect(translatePostgresError(Object.assign(new Error('password authentication failed for user "ocm"'), { code: '28P01' }), 'postgres://db/x').code).toBe('auth-failed');
    expect(translatePostgresError(Object.assign(new Error('database "x" does not exist'), { code: '3D000' }), 'postgres://db/x').code).toBe('database-missing');
  });
});

describe('the thin dialect', () => {
  it('numbers placeholders in order, leaving quoted question marks alone', () => {
    expect(numbered({ sql: `a = ? AND b = '?' AND c = ANY(?::text[])`, params: [1, ['x', 'y']] })).toEqual({ text: `a = $1 AND b = '?' AND c = ANY($2::text[])`, params: [1, ['x', 'y']] });
    expect(() => numbered({ sql: 'a = ?', params: [] })).toThrowError(/1 placeholders for 0 values/);
  });

  it('binds lists as one array, so the statement does not depend on their length', () => {
    const two = pgWhere(pgFilterConditions(normalizeFilter({ models: ['a', 'b'] })));
    const five = pgWhere(pgFilterConditions(normalizeFilter({ models: ['a', 'b', 'c', 'd', 'e'] })));
    expect(two.sql).toBe(five.sql);
    expect(five.params).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('keeps every value out of the SQL text', () => {
    const where = pgWhere(pgFilterConditions(normalizeFilter({ text: `x'; DROP TABLE changes; --`, users: [`o'brien`], changedField: `f'`, value: { text: `v'` } })));
    expect(where.sql).not.toMatch(/DROP|o'brien|f'|v'/);
  });
});

describe('full-text queries on error messages', () => {
  it.each([
    ['timeout', `('timeout')`],
    ['read timed', `('read') & ('timed')`],
    ['recei*', `('recei':*)`],
    ['hooks.example/a', `('hooks' <-> 'example' <-> 'a')`],
    [`it's "quoted" & (or)`, `('it' <-> 's') & ('quoted') & ('or')`],
    ['*** ---', undefined],
  ])('%s becomes %s', (text, query) => {
    expect(tsQuery(text)).toBe(query);
  });
});
