import { describe, expect, it } from 'vitest';
import { RowSource } from '../../../src-renderer/timeline/row-source';
import { nextEvent } from '../../../src-main/common/event';
import { FakeChangeService, generateRows } from './fake-changes';

/** Ensures a range and waits until every row in it is loaded. */
async function load(source: RowSource, start: number, end: number): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    let missing = false;
    for (let index = start; index <= end; index++) if (!source.row(index)) missing = true;
    if (!missing) return;
    const changed = nextEvent(source.onDidChange);
    source.ensure(start, end);
    await changed;
  }
  throw new Error(`rows ${start}..${end} never loaded`);
}

describe('RowSource', () => {
  it('loads the count and the first page, and pages on by keyset cursor', async () => {
    const service = new FakeChangeService(generateRows(5000));
    const source = new RowSource(service, {}, { pageSize: 100 });
    await source.load();
    expect(source.total).toBe(5000);
    expect(source.row(0)?.serverId).toBe(5000);
    await load(source, 150, 180);
    expect(source.row(150)?.serverId).toBe(5000 - 150);
    expect(source.row(180)?.serverId).toBe(5000 - 180);
  });

  it('jumps far into a large list through the histogram, fetching only a few pages', async () => {
    const service = new FakeChangeService(generateRows(200_000, { stepSeconds: 3 }));
    const source = new RowSource(service, {}, { pageSize: 200 });
    await source.load();
    await load(source, 123_456, 123_480);
    for (let index = 123_456; index <= 123_480; index++) expect(source.row(index)?.serverId).toBe(200_000 - index);
    expect(source.loadedRows).toBeLessThan(2000);
    expect(service.maxLimit).toBeLessThanOrEqual(1000);
  });

  it('keeps indexes stable when newer rows arrive after the first load', async () => {
    const rows = generateRows(3000, { stepSeconds: 5 });
    const service = new FakeChangeService(rows);
    const source = new RowSource(service, {}, { pageSize: 100 });
    await source.load();
    service.rows.unshift(...generateRows(50, { newest: Date.parse(rows[0].timestamp) + 600_000, stepSeconds: 5, instances: ['new'] }));
    await load(source, 2500, 2510);
    expect(source.row(2500)?.serverId).toBe(3000 - 2500);
  });

  it('respects the filter in every request', async () => {
    const service = new FakeChangeService(generateRows(4000));
    const source = new RowSource(service, { models: ['sale.order'] }, { pageSize: 50 });
    await source.load();
    expect(source.total).toBe(800);
    await load(source, 700, 720);
    for (let index = 700; index <= 720; index++) expect(source.row(index)?.model).toBe('sale.order');
  });

  it('never duplicates rows when requests for nearby ranges overlap (fast scrolling)', async () => {
    const service = new FakeChangeService(generateRows(5000));
    const source = new RowSource(service, {}, { pageSize: 100 });
    await source.load();
    // Three ensures before any answer: all continue the same segment from the same cursor.
    source.ensure(100, 150);
    source.ensure(250, 300);
    source.ensure(380, 420);
    await load(source, 0, 600);
    for (let index = 0; index <= 600; index++) expect(source.row(index)?.serverId).toBe(5000 - index);
  });

  it('fetches far enough ahead in one request when asked for a long range', async () => {
    const service = new FakeChangeService(generateRows(5000));
    const source = new RowSource(service, {}, { pageSize: 100, maxPage: 500 });
    await source.load();
    const before = service.calls.timeline;
    await load(source, 100, 450);
    expect(service.calls.timeline - before).toBe(1);
    expect(service.maxLimit).toBeLessThanOrEqual(500);
  });

  it('reports a page that failed and asks again only when asked again', async () => {
    const service = new FakeChangeService(generateRows(5000));
    const source = new RowSource(service, {}, { pageSize: 100 });
    await source.load();
    const timeline = service.timeline.bind(service);
    service.timeline = async () => {
      service.calls.timeline++;
      throw new Error('connection lost');
    };
    const before = service.calls.timeline;
    const failed = nextEvent(source.onDidFail);
    source.ensure(100, 150);
    await failed;
    // Let any follow-up the failure might (wrongly) schedule run before counting.
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(service.calls.timeline - before).toBe(1);
    service.timeline = timeline;
    await load(source, 100, 150);
    expect(source.row(150)?.serverId).toBe(5000 - 150);
  });
});

describe('RowSource.refresh (issue 14, item 2)', () => {
  /** Marks rows removed in the fake service, as the app's own deletions mark them in the mirror. */
  function removeRows(service: FakeChangeService, keys: readonly string[]): void {
    const wanted = new Set(keys);
    service.rows = service.rows.map((row) => (wanted.has(row.key) ? { ...row, removedAt: '2026-12-01T00:00:00Z', removedBy: 'user' } : row));
  }

  it('shows rows removed since they were loaded, in place, in every loaded segment, without a reload', async () => {
    const service = new FakeChangeService(generateRows(60_000, { stepSeconds: 3 }));
    const source = new RowSource(service, {}, { pageSize: 200 });
    await source.load();
    await load(source, 20_000, 20_010);
    const near = source.row(5)!;
    const far = source.row(20_003)!;
    removeRows(service, [near.key, far.key]);
    const changed = nextEvent(source.onDidChange);
    await source.refresh();
    await changed;
    expect(source.total).toBe(60_000);
    expect(source.row(5)).toMatchObject({ key: near.key, removedBy: 'user' });
    expect(source.row(20_003)).toMatchObject({ key: far.key, removedBy: 'user' });
    expect(source.row(6)?.removedAt).toBeUndefined();
  });

  it('counts again when removed rows leave the filter, and the rows after them move up', async () => {
    const service = new FakeChangeService(generateRows(1000));
    const source = new RowSource(service, { presence: 'present' }, { pageSize: 100 });
    await source.load();
    const gone = source.row(3)!;
    const next = source.row(4)!;
    removeRows(service, [gone.key]);
    await source.refresh();
    expect(source.total).toBe(999);
    expect(source.row(3)?.key).toBe(next.key);
  });
});
