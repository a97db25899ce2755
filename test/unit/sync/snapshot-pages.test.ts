import { describe, expect, it } from 'vitest';
import { snapshotPages } from '../../../src-main/sync/snapshot-pages';
import { FakeOdoo } from './fake-odoo';

async function collect(server: FakeOdoo, afterId: number, pageSize: number, depth: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let pages = 0;
  const all = [...server.rows.keys()].filter((id) => id > afterId);
  const upToId = Math.max(afterId, ...all);
  for await (const page of snapshotPages(server.client(), 'update.webhook', { afterId, upToId, count: all.length, pageSize, depth, fields: [] })) {
    pages++;
    ids.push(...page.map((row) => row.id));
  }
  return { ids, pages };
}

describe('snapshotPages', () => {
  it('yields every row once, in id order, one request per range on a dense table', async () => {
    const server = new FakeOdoo();
    server.add(1000);
    server.requests = 0;
    const { ids, pages } = await collect(server, 0, 100, 3);
    expect(ids).toEqual([...server.rows.keys()]);
    expect(pages).toBe(10);
    expect(server.requests).toBe(10); // no follow-up request for full ranges
  });

  it('handles sparse ids with a dense cluster, resuming after a cursor', async () => {
    const server = new FakeOdoo();
    server.add(5000);
    server.remove([...server.rows.keys()].filter((id) => id % 10 !== 0 && (id < 2000 || id > 2600))); // sparse, with a dense block
    const { ids } = await collect(server, 150, 50, 4);
    expect(ids).toEqual([...server.rows.keys()].filter((id) => id > 150));
  });
});
