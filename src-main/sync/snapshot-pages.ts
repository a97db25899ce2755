/**
 * Pipelined pages for a snapshot. The id space after the cursor is cut into ranges `(a, a + width]`
 * whose width is the page size scaled by the table's id density, and each range is read with a limit of
 * at least its width. Ids are unique integers, so a range can never hold more rows than its width: no
 * range ever needs a follow-up request (a full page would otherwise cost one more sequential round trip
 * to prove the range is done). Up to `depth` ranges are in flight; pages are yielded in id order, so the
 * cursor committed with each page only ever moves past rows already stored. Rows created after the
 * bounds were read are left to the next incremental pull.
 */
import type { OdooClient, OdooRecord } from '../odoo/types';

/** Options of {@link snapshotPages}. */
export interface SnapshotPagesOptions {
  afterId: number;
  /** The highest id to read (the server's max id when the snapshot started). */
  upToId: number;
  /** Rows on the server after `afterId` (for the density); 0 = unknown. */
  count: number;
  pageSize: number;
  depth: number;
  fields: string[];
  signal?: AbortSignal;
}

/** Largest limit asked for in one request when the id space is sparse. */
const MAX_LIMIT_FACTOR = 4;

/** Yields pages of `model` with `afterId < id <= upToId`, in id order. */
export async function* snapshotPages(client: OdooClient, model: string, options: SnapshotPagesOptions): AsyncGenerator<OdooRecord[]> {
  const { afterId, upToId, pageSize, fields, signal } = options;
  if (upToId <= afterId) return;
  const span = upToId - afterId;
  const density = options.count > 0 ? Math.min(1, options.count / span) : 1;
  const width = Math.max(pageSize, Math.ceil(pageSize / density));
  const limit = Math.min(width, pageSize * MAX_LIMIT_FACTOR);
  const ranges: [number, number][] = [];
  for (let from = afterId; from < upToId; from += width) ranges.push([from, Math.min(from + width, upToId)]);

  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const call = { signal: controller.signal };
  const read = (after: number, upTo: number) => client.searchRead(model, [['id', '>', after], ['id', '<=', upTo]], { fields, limit, order: 'id asc' }, call);

  const inFlight: { range: [number, number]; rows: Promise<OdooRecord[]> }[] = [];
  let next = 0;
  const topUp = () => {
    while (inFlight.length < Math.max(1, options.depth) && next < ranges.length) {
      const range = ranges[next++];
      const rows = read(range[0], range[1]);
      rows.catch(() => undefined); // awaited in order below
      inFlight.push({ range, rows });
    }
  };
  try {
    topUp();
    while (inFlight.length > 0) {
      const head = inFlight.shift()!;
      let rows = await head.rows;
      topUp();
      // Only a sparse table read with a capped limit can come back full: continue inside the range.
      for (;;) {
        if (rows.length > 0) yield rows;
        // A range holds at most `width` rows: when the limit covers the width, a full page is the whole range.
        if (rows.length < limit || limit >= head.range[1] - head.range[0]) break;
        rows = await read(rows[rows.length - 1].id, head.range[1]);
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
