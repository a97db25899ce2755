import { describe, expect, it } from 'vitest';
import { findDeletions, type LocalRows } from '../../../src-main/sync/module-log/deletions';
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

describe('findDeletions', () => {
  it('names a single deleted row from one sum request', async () => {
    const { server, local } = setup(20_000);
    server.remove([12_345]);
    server.requests = 0;
    const result = await findDeletions(server.client(), local, 20_000, options, { count: 19_999 });
    expect(result.removed).toEqual([12_345]);
    expect(result.requests).toBe(1);
  });

  it('finds scattered deletions with far fewer requests than rows', async () => {
    const { server, local } = setup(30_000);
    const deleted = scattered(30_000, 100);
    server.remove(deleted);
    const result = await findDeletions(server.client(), local, 30_000, options);
    expect(result.removed).toEqual(deleted);
    expect(result.missing).toEqual([]);
    expect(result.requests).toBeLessThan(400);
  });

  it('falls back to counts when the server refuses read_group, with the same result', async () => {
    const { server, local } = setup(10_000);
    const deleted = scattered(10_000, 30);
    server.remove(deleted);
    server.refuseReadGroup = true;
    const result = await findDeletions(server.client(), local, 10_000, options);
    expect(result.removed).toEqual(deleted);
  });

  it('keeps XML-RPC sums within 32-bit integers', async () => {
    const { server, local } = setup(100_000);
    server.transport = 'xmlrpc';
    const deleted = scattered(100_000, 20);
    server.remove(deleted);
    const client = server.client();
    const asked: number[] = [];
    const spy = { ...client, readGroup: async (...args: Parameters<typeof client.readGroup>) => {
      const rows = await client.readGroup(...args);
      asked.push(rows[0].ids as number, rows[0].records as number);
      return rows;
    } };
    const result = await findDeletions(spy, local, 100_000, options);
    expect(result.removed).toEqual(deleted);
    expect(Math.max(...asked)).toBeLessThan(2 ** 31);
  });

  it('reports rows on the server that the mirror never had (late commits)', async () => {
    const { server, local } = setup(5000);
    const withoutLate = { ids: local.ids.filter((id) => id !== 2500), recordIds: local.recordIds.filter((_, index) => local.ids[index] !== 2500) };
    server.remove([100]);
    const result = await findDeletions(server.client(), withoutLate, 5000, options);
    expect(result.removed).toEqual([100]);
    expect(result.missing).toEqual([2500]);
  });
});
