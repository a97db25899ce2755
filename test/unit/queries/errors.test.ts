import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { errorGroups, errorRows, ftsQuery } from '../../../src-main/store/queries/error-queries';
import { errorFingerprint } from '../../../src-main/store/fingerprint';
import { createMirrorDatabase, insertErrors } from './fixtures';
import { END, iso } from './test-mirror';

let dir: string;
let db: Database.Database;

const MESSAGES = [
  ['inst-prod', 'res.partner', 'Timeout calling https://hooks.example.com/a for res.partner 12', END - 5000],
  ['inst-prod', 'sale.order', 'Timeout calling https://hooks.example.com/b for res.partner 13', END - 4000],
  ['inst-demo', 'res.partner', 'Timeout calling https://hooks.example.com/c for res.partner 99', END - 100],
  ['inst-prod', 'account.move', 'Record res.partner(12, 13) does not exist or has been deleted.', END - 3000],
  ['inst-staging', 'account.move', 'Record res.partner(7,) does not exist or has been deleted.', END - 2000],
  ['inst-prod', 'hr.expense', 'Field "amount" said: value \'-5\' AND NOT (x) is not valid: 50%_off', END - 1000],
  ['inst-demo', 'hr.expense', 'Webhook rejected: {"error": "bad-token"} NEAR(1)', END - 500],
] as const;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-errors-'));
  db = createMirrorDatabase(join(dir, 'mirror.sqlite'));
  insertErrors(db, MESSAGES.map(([instanceId, model, message, ts], index) => ({ instanceId, model, message, ts, recordId: index + 1 })));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const messagesOf = (rows: { message: string }[]) => rows.map((row) => row.message);

describe('error rows', () => {
  it('lists newest first with limit and offset', () => {
    const all = errorRows(db, {});
    expect(messagesOf(all)).toEqual([...MESSAGES].sort((a, b) => b[3] - a[3]).map((entry) => entry[2]));
    expect(all[0]).toMatchObject({ instanceId: 'inst-demo', model: 'res.partner', timestamp: iso(END - 100), key: expect.stringMatching(/^\d+$/) });
    expect(messagesOf(errorRows(db, {}, { limit: 2, offset: 1 }))).toEqual(messagesOf(all).slice(1, 3));
    expect(() => errorRows(db, {}, { limit: 0 })).toThrowError(/Invalid error page/);
  });

  it('filters by instance, model, time range and fingerprint', () => {
    expect(errorRows(db, { instanceIds: ['inst-demo'] }).map((row) => row.instanceId)).toEqual(['inst-demo', 'inst-demo']);
    expect(errorRows(db, { models: ['account.move', 'sale.order'] })).toHaveLength(3);
    expect(errorRows(db, { from: iso(END - 3000), to: iso(END - 500) })).toHaveLength(3);
    expect(errorRows(db, { fingerprint: errorFingerprint(MESSAGES[0][2]) })).toHaveLength(3);
  });

  it.each([
    ['timeout', 3],
    ['TIMEOUT res.partner', 3],
    ['time*', 3],
    ['"amount"', 1],
    ['\'-5\' AND NOT (x)', 1],
    ['50%_off', 1],
    ['{"error": "bad-token"}', 1],
    ['NEAR(1)', 1],
    ['deleted. -', 2],
    ['hooks.example.com/c', 1],
    ['nothing-like-this', 0],
    ['"unbalanced', 0],
  ])('full-text search for %j finds %i rows without a syntax error', (text, count) => {
    expect(errorRows(db, { text })).toHaveLength(count);
  });

  it('quotes user input into phrases', () => {
    expect(ftsQuery('a "b" c*  -')).toBe('"a" """b""" "c"*');
    expect(ftsQuery('  ... ')).toBeUndefined();
    expect(errorRows(db, { text: ' ... ' })).toHaveLength(MESSAGES.length);
  });
});

describe('error groups', () => {
  it('groups messages that differ only in numbers and ids, most recent first', () => {
    const groups = errorGroups(db, {});
    expect(groups.map((group) => group.count)).toEqual([3, 1, 1, 2]);
    const [timeouts, , , records] = groups;
    expect(timeouts).toEqual({
      fingerprint: errorFingerprint(MESSAGES[0][2]),
      title: 'Timeout calling <url> for res.partner <n>',
      sample: MESSAGES[2][2],
      count: 3,
      firstSeen: iso(END - 5000),
      lastSeen: iso(END - 100),
      models: ['res.partner', 'sale.order'],
      instanceIds: ['inst-demo', 'inst-prod'],
    });
    expect(records).toMatchObject({ count: 2, title: 'Record res.partner(<ids>) does not exist or has been deleted.', instanceIds: ['inst-prod', 'inst-staging'] });
  });

  it('applies the filter before grouping', () => {
    const groups = errorGroups(db, { instanceIds: ['inst-prod'], text: 'timeout' });
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ count: 2, lastSeen: iso(END - 4000), instanceIds: ['inst-prod'] });
  });
});
