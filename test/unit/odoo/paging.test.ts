import { describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { keysetPages, MAX_LIMIT_FACTOR, type PagingSource } from '../../../src-main/odoo/paging';
import type { CallOptions, Domain, OdooRecord } from '../../../src-main/odoo/types';

/** An in-memory model supporting the id bounds and `order='id asc|desc'` the pager uses. */
function fakeSource(ids: number[], options: { failOnCall?: number } = {}) {
  const rows: OdooRecord[] = [...ids].sort((a, b) => a - b).map((id) => ({ id, name: `r${id}` }));
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0, aborted: 0 };
  const matches = (domain: Domain, row: OdooRecord) =>
    domain.every((term) => {
      if (!Array.isArray(term)) throw new Error('unexpected operator in test domain');
      const [field, operator, value] = term;
      const actual = row[field] as number;
      if (operator === '>') return actual > (value as number);
      if (operator === '<=') return actual <= (value as number);
      if (operator === '=') return actual === value;
      throw new Error(`unexpected operator ${operator}`);
    });
  /** Answers asynchronously so several requests can be in flight. */
  const later = async <T>(call: CallOptions | undefined, compute: () => T): Promise<T> => {
    const number = ++stats.calls;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (call?.signal?.aborted) {
        stats.aborted++;
        throw new OcmError('cancelled', 'cancelled');
      }
      if (options.failOnCall === number) throw new OcmError('network-reset', 'dropped');
      return compute();
    } finally {
      stats.inFlight--;
    }
  };
  const source: PagingSource = {
    search: (_model, domain, opts = {}, call) =>
      later(call, () => {
        const found = rows.filter((row) => matches(domain, row)).map((row) => row.id);
        if (opts.order === 'id desc') found.reverse();
        return found.slice(opts.offset ?? 0, opts.limit === undefined ? undefined : (opts.offset ?? 0) + opts.limit);
      }),
    searchRead: (_model, domain, opts = {}, call) =>
      later(call, () => {
        expect(opts.order).toBe('id asc');
        return rows.filter((row) => matches(domain, row)).slice(0, opts.limit);
      }),
    searchCount: (_model, domain, _context, call) => later(call, () => rows.filter((row) => matches(domain, row)).length),
  };
  return { source, stats, rows };
}

async function collect(iterable: AsyncIterable<OdooRecord[]>): Promise<OdooRecord[][]> {
  const pages: OdooRecord[][] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

/** Ids with gaps and a dense tail, so ranges are uneven. */
const unevenIds = [...Array.from({ length: 300 }, (_, i) => 1000 + i * 7), ...Array.from({ length: 700 }, (_, i) => 5000 + i)];

describe('keysetPages', () => {
  it('pages sequentially by id with full pages until a short one', async () => {
    const { source } = fakeSource(unevenIds);
    const pages = await collect(keysetPages(source, 'update.webhook', { pageSize: 100 }));
    expect(pages.map((page) => page.length)).toEqual([...Array(10).fill(100)]);
    expect(pages.flat().map((row) => row.id)).toEqual(unevenIds);
  });

  it.each([2, 4, 8])('yields every row once, in id order, with %i requests in flight', async (depth) => {
    const { source, stats } = fakeSource(unevenIds);
    const pages = await collect(keysetPages(source, 'update.webhook', { pageSize: 64, pipelineDepth: depth }));
    expect(pages.flat().map((row) => row.id)).toEqual(unevenIds);
    expect(pages.every((page) => page.length > 0 && page.length <= 64 * MAX_LIMIT_FACTOR)).toBe(true);
    expect(stats.maxInFlight).toBeGreaterThan(1);
    expect(stats.maxInFlight).toBeLessThanOrEqual(Math.max(3, depth));
  });

  it('honours afterId and upToId bounds', async () => {
    const { source } = fakeSource(unevenIds);
    for (const depth of [1, 4]) {
      const pages = await collect(keysetPages(source, 'update.webhook', { pageSize: 50, pipelineDepth: depth, afterId: 1070, upToId: 5010 }));
      expect(pages.flat().map((row) => row.id)).toEqual(unevenIds.filter((id) => id > 1070 && id <= 5010));
    }
  });

  it('reads a dense span with one request per range when the bounds are known (a snapshot)', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const { source, stats } = fakeSource(ids);
    const pages = await collect(keysetPages(source, 'update.webhook', { pageSize: 100, pipelineDepth: 3, afterId: 0, upToId: 1000, count: 1000 }));
    expect(pages.flat().map((row) => row.id)).toEqual(ids);
    expect(pages).toHaveLength(10);
    expect(stats.calls).toBe(10); // no follow-up request for full ranges, no request for the bounds
  });

  it('reads sparse ids with a dense cluster after a cursor, every row once', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => i + 1).filter((id) => id % 10 === 0 || (id >= 2000 && id <= 2600));
    const { source } = fakeSource(ids);
    const after = ids.filter((id) => id > 150);
    const pages = await collect(keysetPages(source, 'update.webhook', { pageSize: 50, pipelineDepth: 4, afterId: 150, upToId: after[after.length - 1], count: after.length }));
    expect(pages.flat().map((row) => row.id)).toEqual(after);
  });

  it('yields nothing for an empty table', async () => {
    const { source } = fakeSource([]);
    expect(await collect(keysetPages(source, 'update.webhook', { pageSize: 10, pipelineDepth: 4 }))).toEqual([]);
  });

  it('stops requests in flight when the consumer stops early', async () => {
    const { source, stats } = fakeSource(unevenIds);
    for await (const page of keysetPages(source, 'update.webhook', { pageSize: 20, pipelineDepth: 6 })) {
      expect(page.length).toBeGreaterThan(0);
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stats.aborted).toBeGreaterThan(0);
    expect(stats.inFlight).toBe(0);
  });

  it('rejects with the failing page\'s error', async () => {
    const { source } = fakeSource(unevenIds, { failOnCall: 6 });
    await expect(collect(keysetPages(source, 'update.webhook', { pageSize: 20, pipelineDepth: 4 }))).rejects.toMatchObject({ code: 'network-reset' });
  });
});
