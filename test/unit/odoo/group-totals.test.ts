/**
 * The version-aware group query: read_group up to 18 and formatted_read_group from 19 give the same
 * `GroupTotals`: the XML-RPC client against a tiny server answering 18's recorded read_group by hour,
 * and 19's recorded formatted_read_group answer (recorded over JSON-2; execute_kw returns the same value).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo } from '../../../src-main/odoo/connection';
import { groupTotals, planReadGroup, readGroupArguments, readGroupRowsFromFormatted, totalsFromFormattedReadGroup, totalsFromReadGroup } from '../../../src-main/odoo/group-totals';
import type { OdooConnection } from '../../../src-main/odoo/types';
import { answerWith, methodOf, recordedAnswer, startServer, type TestServer } from './servers';
import { ODOO19_EXCHANGES_FILE } from '../../fixtures/recordings';

const formatted19 = (JSON.parse(readFileSync(ODOO19_EXCHANGES_FILE, 'utf8')) as { name: string; response: string }[]).find(
  (exchange) => exchange.name === 'json2_formatted_read_group',
)!.response;

describe('groupTotals over execute_kw', () => {
  let server: TestServer;
  let client: OdooConnection;
  beforeAll(async () => {
    server = await startServer((request, response) => {
      const method = methodOf(request);
      if (method === 'authenticate') return answerWith(recordedAnswer('02-authenticate-ok.response.xml'), response);
      return answerWith(recordedAnswer('13-read_group-hour.response.xml'), response);
    });
    client = await connectOdoo({ url: server.url, db: 'big', login: 'admin', secret: 'admin', transport: 'xmlrpc' });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('asks read_group (lazy=False) before 19 and reads each hour as the start of its range', async () => {
    const totals = await groupTotals(client, 18, 'update.webhook', { domain: [['id', '>', 299000]], groupby: ['timestamp:hour'] });
    const request = server.requests.at(-1)!.body;
    expect(request).toContain('<string>read_group</string>');
    expect(request).toContain('<string>__count</string>');
    expect(totals[0]).toEqual({ group: { 'timestamp:hour': '2026-11-30 09:00:00' }, count: 624, sums: {} });
    expect(totals.every((group) => typeof group.count === 'number' && group.count > 0)).toBe(true);
  });

  it('asks formatted_read_group from 19 on and gives the same shape', async () => {
    const calls: { method: string; args: unknown[]; kwargs: unknown }[] = [];
    const totals = await groupTotals(
      {
        executeKw: async (_model, method, args, kwargs) => {
          calls.push({ method, args, kwargs });
          return JSON.parse(formatted19);
        },
      },
      19,
      'res.partner',
      { domain: [], groupby: ['is_company'] },
    );
    expect(calls).toEqual([{ method: 'formatted_read_group', args: [], kwargs: { domain: [], groupby: ['is_company'], aggregates: ['__count'] } }]);
    expect(totals).toEqual([
      { group: { is_company: false }, count: 48, sums: {} },
      { group: { is_company: true }, count: 12, sums: {} },
    ]);
  });
});

describe('the two answers in one shape', () => {
  it('reads sums under their read_group alias and their formatted_read_group spec', () => {
    const query = { domain: [], sums: ['id', 'record_id'] };
    expect(readGroupArguments(query)).toEqual({ args: [[], ['sum_id:sum(id)', 'sum_record_id:sum(record_id)'], []], kwargs: { lazy: false } });
    expect(totalsFromReadGroup([{ __count: 3, sum_id: 6, sum_record_id: 60, __domain: [] }], query)).toEqual([{ group: {}, count: 3, sums: { id: 6, record_id: 60 } }]);
    expect(totalsFromFormattedReadGroup([{ __count: 3, 'id:sum': 6, 'record_id:sum': 60, __extra_domain: [[1, '=', 1]] }], query)).toEqual([{ group: {}, count: 3, sums: { id: 6, record_id: 60 } }]);
  });

  it('turns formatted_read_group rows back into read_group rows for readGroup callers', () => {
    const plan = planReadGroup([['id', '>', 0]], ['ids:sum(id)', 'value:max'], ['datetime:hour'], { lazy: false })!;
    expect(plan.arguments).toEqual({ domain: [['id', '>', 0]], groupby: ['datetime:hour'], aggregates: ['__count', 'id:sum', 'value:max'] });
    const rows = [
      {
        '__extra_domain': ['&', ['datetime', '>=', '1916-08-18 12:00:00'], ['datetime', '<', '1916-08-18 13:00:00']],
        'datetime:hour': ['1916-08-18 12:00:00', '12:00 18 Aug'],
        '__count': 2,
        'id:sum': 3,
        'value:max': 4,
      },
      { '__extra_domain': [['datetime', '=', false]], 'datetime:hour': false, '__count': 1, 'id:sum': 5, 'value:max': 13 },
    ];
    expect(readGroupRowsFromFormatted(rows, plan, false)).toEqual([
      {
        'datetime:hour': '12:00 18 Aug',
        '__count': 2,
        'ids': 3,
        'value': 4,
        '__range': { 'datetime:hour': { from: '1916-08-18 12:00:00', to: '1916-08-18 13:00:00' } },
        '__domain': ['&', ['datetime', '>=', '1916-08-18 12:00:00'], ['datetime', '<', '1916-08-18 13:00:00'], ['id', '>', 0]],
      },
      { 'datetime:hour': false, '__count': 1, 'ids': 5, 'value': 13, '__domain': [['datetime', '=', false], ['id', '>', 0]] },
    ]);
  });

  it('leaves read_group alone when a field has no explicit aggregate', () => {
    expect(planReadGroup([], ['amount_total'], ['partner_id'], {})).toBeUndefined();
    expect(planReadGroup([], ['__count'], ['partner_id', 'state'], { lazy: true })).toBeUndefined();
  });
});
