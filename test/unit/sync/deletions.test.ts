import { describe, expect, it } from 'vitest';
import { digestAggregator, findDeletions, groupTotalsAggregator, type LocalRows } from '../../../src-main/sync/module-log/deletions';
import type { Domain, OdooClient } from '../../../src-main/odoo/types';
import { FakeOdoo } from './fake-odoo';

function setup(rows: number): { server: FakeOdoo; local: LocalRows } {
  const server = new FakeOdoo();
  server.add(rows);
  const ids = [...server.rows.keys()];
  return { server, local: { ids, recordIds: ids.map((id) => server.rows.get(id)!.record_id) } };
}

/** Deterministic spread of `count` ids over 1..rows. */
function scattered(rows: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => 1 + Math.floor(((i + 0.37) * rows) / count)).sort((a, b) => a - b);
}

const options = { leafSize: 200, concurrency: 8 };

/** The version-aware group totals of an Odoo 18 (read_group). */
const groups = (client: OdooClient) => groupTotalsAggregator(client, 18);

describe('findDeletions', () => {
  it('names a single deleted row from one sum request', async () => {
    const { server, local } = setup(20_000);
    server.remove([12_345]);
    server.requests = 0;
    const result = await findDeletions(server.client(), groups(server.client()), local, 20_000, options, { count: 19_999 });
    expect(result.removed).toEqual([12_345]);
    expect(result.requests).toBe(1);
  });

  it('finds scattered deletions with far fewer requests than rows', async () => {
    const { server, local } = setup(30_000);
    const deleted = scattered(30_000, 100);
    server.remove(deleted);
    const result = await findDeletions(server.client(), groups(server.client()), local, 30_000, options);
    expect(result.removed).toEqual(deleted);
    expect(result.missing).toEqual([]);
    expect(result.requests).toBeLessThan(400);
  });

  it('falls back to counts when the server refuses read_group, with the same result', async () => {
    const { server, local } = setup(10_000);
    const deleted = scattered(10_000, 30);
    server.remove(deleted);
    server.refuseReadGroup = true;
    const result = await findDeletions(server.client(), groups(server.client()), local, 10_000, options);
    expect(result.removed).toEqual(deleted);
  });

  it('keeps XML-RPC sums within 32-bit integers', async () => {
    const { server, local } = setup(100_000);
    server.transport = 'xmlrpc';
    const deleted = scattered(100_000, 20);
    server.remove(deleted);
    const client = server.client();
    const asked: number[] = [];
    const spy: OdooClient = { ...client, executeKw: async (...args: Parameters<typeof client.executeKw>) => {
      const rows = (await client.executeKw(...args)) as { sum_id: number; sum_record_id: number }[];
      asked.push(rows[0].sum_id, rows[0].sum_record_id);
      return rows;
    } };
    const result = await findDeletions(spy, groups(spy), local, 100_000, options);
    expect(result.removed).toEqual(deleted);
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.max(...asked)).toBeLessThan(2 ** 31);
  });

  it('asks formatted_read_group from Odoo 19 on', async () => {
    const { server, local } = setup(1000);
    server.remove([500]);
    const client = server.client();
    const methods: string[] = [];
    const spy: OdooClient = { ...client, executeKw: async (model, method, args, kwargs) => {
      methods.push(method);
      const named = kwargs as { domain: Domain };
      const [row] = server.readGroup(model, named.domain, ['ids:sum(id)', 'records:sum(record_id)'], []);
      return [{ __count: row.__count, 'id:sum': row.ids, 'record_id:sum': row.records, __extra_domain: [] }];
    } };
    const result = await findDeletions(spy, groupTotalsAggregator(spy, 19), local, 1000, options);
    expect(result.removed).toEqual([500]);
    expect(new Set(methods)).toEqual(new Set(['formatted_read_group']));
  });

  it("with our addon's digest, finds 100 scattered deletions in a handful of requests", async () => {
    const { server, local } = setup(30_000);
    const deleted = scattered(30_000, 100);
    server.remove(deleted);
    const client = server.client();
    server.requests = 0;
    const result = await findDeletions(client, digestAggregator(client), local, 30_000, options);
    expect(result.removed).toEqual(deleted);
    expect(result.missing).toEqual([]);
    expect(result.requests).toBe(server.requests);
    expect(result.requests).toBeLessThan(10);
  });

  it('reports rows on the server that the mirror never had (late commits)', async () => {
    const { server, local } = setup(5000);
    const withoutLate = { ids: local.ids.filter((id) => id !== 2500), recordIds: local.recordIds.filter((_, index) => local.ids[index] !== 2500) };
    server.remove([100]);
    const result = await findDeletions(server.client(), groups(server.client()), withoutLate, 5000, options);
    expect(result.removed).toEqual([100]);
    expect(result.missing).toEqual([2500]);
  });
});
