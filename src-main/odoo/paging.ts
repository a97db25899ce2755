/**
 * The one keyset pager by id: the sync engine's pulls and snapshots, the orphan scan and the client's
 * `pages()` all read through it.
 *
 * Sequential (`pipelineDepth` 1, the default): `id > cursor` with `order='id asc'` and `limit=pageSize`;
 * the cursor is the last id of the previous page, so each request waits for the one before it.
 *
 * Pipelined (`pipelineDepth` > 1): the next page's lower bound is unknown until the previous page
 * arrives, so the id span `(afterId, upToId]` is cut up front into ranges `(a, a + width]` whose width is
 * the page size scaled by the span's density (`count` rows over the span), each read with a limit of at
 * least its width (at most {@link MAX_LIMIT_FACTOR} × pageSize). Ids are unique integers, so a range
 * never holds more rows than its width and needs no follow-up request, except where a sparse span was
 * read with the capped limit. Up to `pipelineDepth` ranges are in flight; pages are yielded strictly in
 * range order, so rows come out in id order and a cursor committed with each page only ever moves past
 * rows already yielded. `upToId` and `count` are learnt with one round trip when not given; without a
 * given `upToId`, a sequential tail then picks up rows created during the scan.
 */
import type { CallOptions, Domain, KeysetPageOptions, OdooRecord, OdooValue, SearchReadOptions } from './types';

/** The part of the client paging needs (so it can be tested without a transport). */
export interface PagingSource {
  search(model: string, domain: Domain, options?: Omit<SearchReadOptions, 'fields'>, call?: CallOptions): Promise<number[]>;
  searchRead(model: string, domain: Domain, options?: SearchReadOptions, call?: CallOptions): Promise<OdooRecord[]>;
  searchCount(model: string, domain: Domain, context?: Record<string, OdooValue>, call?: CallOptions): Promise<number>;
}

/** Largest limit of one pipelined request, as a multiple of the page size, where ids are sparse. */
export const MAX_LIMIT_FACTOR = 4;

/** Yields the non-empty pages of `model` in id order (see the module comment for the two strategies). */
export async function* keysetPages(source: PagingSource, model: string, options: KeysetPageOptions): AsyncGenerator<OdooRecord[]> {
  const pageSize = Math.max(1, Math.floor(options.pageSize));
  const depth = Math.max(1, Math.floor(options.pipelineDepth ?? 1));
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const call: CallOptions = { signal: controller.signal };
  const bounded = (after: number, upTo: number | undefined): Domain => [
    ['id', '>', after],
    ...(upTo === undefined ? [] : [['id', '<=', upTo] as [string, string, OdooValue]]),
    ...(options.domain ?? []),
  ];
  const read = (after: number, upTo: number | undefined, limit: number) =>
    source.searchRead(model, bounded(after, upTo), { fields: options.fields, limit, order: 'id asc', context: options.context }, call);

  /** Pages of `(after, upTo]` read by keyset, the first one possibly already in hand. */
  async function* sequential(after: number, upTo: number | undefined, limit: number, first?: OdooRecord[]): AsyncGenerator<OdooRecord[]> {
    let cursor = after;
    let rows = first ?? (await read(cursor, upTo, limit));
    for (;;) {
      if (rows.length > 0) {
        yield rows;
        cursor = rows[rows.length - 1].id;
      }
      // A range holds at most its width of ids: when the limit covers it, a full page is the whole range.
      if (rows.length < limit || (upTo !== undefined && limit >= upTo - after)) return;
      rows = await read(cursor, upTo, limit);
    }
  }

  try {
    const afterId = options.afterId ?? 0;
    if (depth === 1) {
      yield* sequential(afterId, options.upToId, pageSize);
      return;
    }
    const scope = bounded(afterId, options.upToId);
    const [newest, count] = await Promise.all([
      options.upToId === undefined ? source.search(model, scope, { limit: 1, order: 'id desc', context: options.context }, call) : [options.upToId],
      options.count ?? source.searchCount(model, scope, options.context, call),
    ]);
    const upToId = newest[0] ?? afterId;
    if (upToId > afterId) {
      const span = upToId - afterId;
      const density = count > 0 ? Math.min(1, count / span) : 1;
      const width = Math.max(pageSize, Math.ceil(pageSize / density));
      const limit = Math.min(width, pageSize * MAX_LIMIT_FACTOR);
      const ranges: [number, number][] = [];
      for (let from = afterId; from < upToId; from += width) ranges.push([from, Math.min(from + width, upToId)]);

      // A sliding window of first-page requests, one per range, started in range order.
      const inFlight: { range: [number, number]; rows: Promise<OdooRecord[]> }[] = [];
      let next = 0;
      const topUp = () => {
        while (inFlight.length < depth && next < ranges.length) {
          const range = ranges[next++];
          const rows = read(range[0], range[1], limit);
          rows.catch(() => undefined); // awaited in order below; avoids an unhandled rejection meanwhile
          inFlight.push({ range, rows });
        }
      };
      topUp();
      while (inFlight.length > 0) {
        const head = inFlight.shift()!;
        const rows = await head.rows;
        topUp();
        yield* sequential(head.range[0], head.range[1], limit, rows);
      }
    }
    // Rows created after the bounds were learnt.
    if (options.upToId === undefined) yield* sequential(upToId, undefined, pageSize);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort(); // stops requests still in flight when the consumer stops early or a page failed
  }
}
