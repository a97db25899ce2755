/**
 * Keyset paging by id, sequential or pipelined.
 *
 * Sequential: `id > cursor` with `order='id asc'` and `limit=pageSize`; the cursor is the last id of the
 * previous page, so each request waits for the one before it.
 *
 * Pipelined (`pipelineDepth` > 1): the next page's lower bound is unknown until the previous page arrives,
 * so instead the id space is split into ranges known up front. Three cheap calls learn the first and last
 * matching id and the number of matching rows; the span between them is cut into contiguous ranges
 * `(a, b]` sized so each holds about `pageSize` rows at the average density. Up to `pipelineDepth` range
 * requests are in flight; results are yielded strictly in range order, so rows come out in id order.
 * A range that comes back full (`pageSize` rows, denser than average) is continued with keyset requests
 * inside the same range before the next range is yielded. When the ranges are done, a sequential keyset
 * tail from the last known id picks up rows created during the scan. Every matching row is yielded
 * exactly once because the ranges partition the id space.
 */
import type { CallOptions, Domain, KeysetPageOptions, OdooRecord, OdooValue, SearchReadOptions } from './types';

/** The part of the client paging needs (so it can be tested and reused without a transport). */
export interface PagingSource {
  search(model: string, domain: Domain, options?: Omit<SearchReadOptions, 'fields'>, call?: CallOptions): Promise<number[]>;
  searchRead(model: string, domain: Domain, options?: SearchReadOptions, call?: CallOptions): Promise<OdooRecord[]>;
  searchCount(model: string, domain: Domain, context?: Record<string, OdooValue>, call?: CallOptions): Promise<number>;
}

/** Yields the pages of `model` in id order (see the module comment for the two strategies). */
export async function* keysetPages(source: PagingSource, model: string, options: KeysetPageOptions): AsyncGenerator<OdooRecord[]> {
  const pageSize = Math.max(1, Math.floor(options.pageSize));
  const depth = Math.max(1, Math.floor(options.pipelineDepth ?? 1));
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const call: CallOptions = { signal: controller.signal };
  const extra = options.domain ?? [];
  const bounded = (after: number, upTo: number | undefined): Domain => [
    ['id', '>', after],
    ...(upTo === undefined ? [] : [['id', '<=', upTo] as [string, string, OdooValue]]),
    ...extra,
  ];
  const readPage = (after: number, upTo: number | undefined) =>
    source.searchRead(model, bounded(after, upTo), { fields: options.fields, limit: pageSize, order: 'id asc', context: options.context }, call);

  /** Sequential keyset pages in `(after, upTo]`. */
  async function* sequential(after: number, upTo: number | undefined, first?: OdooRecord[]): AsyncGenerator<OdooRecord[]> {
    let cursor = after;
    let rows = first ?? (await readPage(cursor, upTo));
    for (;;) {
      if (rows.length > 0) {
        yield rows;
        cursor = rows[rows.length - 1].id;
      }
      if (rows.length < pageSize) return;
      rows = await readPage(cursor, upTo);
    }
  }

  try {
    const start = options.afterId ?? 0;
    if (depth === 1) {
      yield* sequential(start, options.upToId);
      return;
    }
    const scope = bounded(start, options.upToId);
    const [firstIds, lastIds, count] = await Promise.all([
      source.search(model, scope, { limit: 1, order: 'id asc', context: options.context }, call),
      source.search(model, scope, { limit: 1, order: 'id desc', context: options.context }, call),
      source.searchCount(model, scope, options.context, call),
    ]);
    if (firstIds.length === 0 || lastIds.length === 0) {
      // Nothing yet; rows may have arrived since, which the tail below picks up.
      yield* sequential(start, options.upToId);
      return;
    }
    const low = firstIds[0] - 1;
    const high = lastIds[0];
    const width = Math.max(pageSize, Math.ceil((pageSize * (high - low)) / Math.max(1, count)));
    const ranges: [number, number][] = [];
    for (let a = low; a < high; a += width) ranges.push([a, Math.min(a + width, high)]);

    // A sliding window of first-page requests, one per range, started in range order.
    const inFlight: { range: [number, number]; rows: Promise<OdooRecord[]> }[] = [];
    let next = 0;
    const topUp = () => {
      while (inFlight.length < depth && next < ranges.length) {
        const range = ranges[next++];
        const rows = readPage(range[0], range[1]);
        rows.catch(() => undefined); // awaited in order below; avoids an unhandled rejection meanwhile
        inFlight.push({ range, rows });
      }
    };
    topUp();
    while (inFlight.length > 0) {
      const head = inFlight.shift()!;
      const rows = await head.rows;
      topUp();
      yield* sequential(head.range[0], head.range[1], rows);
    }
    // Rows created after the bounds were learnt.
    if (options.upToId === undefined || options.upToId > high) yield* sequential(high, options.upToId);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort(); // stops requests still in flight when the consumer stops early or a page failed
  }
}
