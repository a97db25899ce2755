/**
 * The JSON-2 client against a real Odoo 19 (or later) server, given `ODOO_URL`, `ODOO_DB` and
 * `ODOO_API_KEY` (an API key of a user who may read res.partner; `ODOO_LOGIN` optional). Without them
 * every test is skipped with the reason. Nothing is written on the server.
 *
 * Until the simulator speaks JSON-2 (`--odoo 19`), this file has no simulator target: the replay of the
 * Odoo 19 recordings in test/unit/odoo/json2-client.test.ts covers the same calls offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectJson2, fetchServerVersion, type Json2Connection } from '../../src-main/odoo/json2-client';
import { absentModel } from './target';
import { failure } from '../unit/odoo/servers';

const variables = ['ODOO_URL', 'ODOO_DB', 'ODOO_API_KEY'] as const;
const missing = variables.filter((name) => !process.env[name]);
const skipReason = missing.length ? ` [skipped: set ${missing.join(', ')} to run against a real Odoo 19+ server]` : '';
const describeReal = missing.length ? describe.skip : describe;

describeReal(`JSON-2 against a real server${skipReason}`, () => {
  const url = process.env.ODOO_URL ?? '';
  const db = process.env.ODOO_DB ?? '';
  const apiKey = process.env.ODOO_API_KEY ?? '';
  let client: Json2Connection;

  beforeAll(async () => {
    client = await connectJson2({ url, db, secret: apiKey, login: process.env.ODOO_LOGIN });
  });
  afterAll(() => client?.close());

  it('reads the version without credentials, 19 or later', async () => {
    const version = await fetchServerVersion(url);
    expect(version.major).toBeGreaterThanOrEqual(19);
    expect(await client.version()).toEqual(version);
  });

  it('learns the key\'s user from context_get', () => {
    expect(client.uid).toBeGreaterThan(0);
  });

  it('reads, counts and pages res.partner', async () => {
    const count = await client.searchCount('res.partner', [], { active_test: false });
    const rows = await client.searchRead('res.partner', [], { fields: ['name'], limit: 3, order: 'id asc', context: { active_test: false } });
    expect(rows.length).toBe(Math.min(3, count));
    const ids = await client.search('res.partner', [], { limit: 3, order: 'id asc', context: { active_test: false } });
    expect(ids).toEqual(rows.map((row) => row.id));
    expect(await client.read('res.partner', [2 ** 31 - 1], ['name'])).toEqual([]);
    let paged = 0;
    for await (const page of client.pages('res.partner', { pageSize: 7, fields: ['id'], context: { active_test: false } })) paged += page.length;
    expect(paged).toBe(count);
  });

  it('groups with formatted_read_group and checks rights with has_access', async () => {
    const groups = await client.groupTotals('res.partner', { domain: [], groupby: ['is_company'], context: { active_test: false } });
    const total = groups.reduce((sum, group) => sum + group.count, 0);
    expect(total).toBe(await client.searchCount('res.partner', [], { active_test: false }));
    const [row] = await client.readGroup('res.partner', [], ['ids:sum(id)'], [], { context: { active_test: false } });
    expect(row.__count).toBe(total);
    expect(await client.checkAccessRights('res.partner', 'read')).toBe(true);
  });

  it('maps Odoo\'s errors: missing model, missing method, private method, wrong key', async () => {
    expect((await failure(client.searchRead(absentModel, []))).code).toBe('model-missing');
    expect((await failure(client.call('res.partner', 'ocm_no_such_method'))).code).toBe('not-found');
    expect((await failure(client.call('res.partner', '_read_group', { domain: [], groupby: [], aggregates: ['__count'] }))).code).toBe('access-error');
    const wrongKey = await failure(connectJson2({ url, db, secret: '0'.repeat(40) }));
    expect(wrongKey.code).toBe('access-denied');
    expect(wrongKey.hint).toMatch(/API key/);
  });
});
