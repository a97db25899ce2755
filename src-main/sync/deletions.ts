/**
 * Finds rows deleted on the server without re-reading every id: the server's count of an id range is
 * compared with the local count of present rows in the same range. Equal ranges are done (ids below the
 * cursor never reappear, so equal counts mean equal sets); a differing range is split in two at the local
 * median and only the left half is counted (the right half's count is the difference), down to ranges
 * small enough that fetching their ids costs about as much as another count; those ids are then diffed.
 * Ranges are counted in concurrent batches so the round trips of one level overlap.
 */
import type { OdooClient } from '../odoo/types';
import { CHANGE_MODEL } from './rows';

/** Tuning of {@link findDeletions}. */
export interface DeletionScanOptions {
  /** Fetch ids once a differing range holds at most this many local rows. */
  leafSize: number;
  /** Count requests in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
}

/** What the scan found. */
export interface DeletionScanResult {
  /** Server ids present locally but gone from the server. */
  removed: number[];
  /** Server ids on the server (at or below the cursor) that the mirror does not hold: late commits. */
  missing: number[];
  /** Requests made. */
  requests: number;
}

interface Range {
  from: number;
  to: number;
  /** Index of the first local id >= from, and one past the last <= to. */
  lo: number;
  hi: number;
  /** The server's count, when known. */
  server?: number;
}

/** Index of the first element >= value in the ascending array. */
function lowerBound(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Compares the server's rows with `localIds` (ascending, distinct present ids) over `[1, upTo]`.
 * `knownServerCount`, when given, saves the first count request.
 */
export async function findDeletions(client: OdooClient, localIds: readonly number[], upTo: number, options: DeletionScanOptions, knownServerCount?: number): Promise<DeletionScanResult> {
  const result: DeletionScanResult = { removed: [], missing: [], requests: 0 };
  const call = { signal: options.signal };
  const domainOf = (range: Range) => [['id', '>=', range.from] as [string, string, number], ['id', '<=', range.to] as [string, string, number]];
  const count = async (range: Range) => {
    result.requests++;
    range.server = await client.searchCount(CHANGE_MODEL, domainOf(range), undefined, call);
  };
  const leaf = async (range: Range) => {
    result.requests++;
    const serverIds = await client.search(CHANGE_MODEL, domainOf(range), { order: 'id asc' }, call);
    const server = new Set(serverIds);
    for (let i = range.lo; i < range.hi; i++) if (!server.has(localIds[i])) result.removed.push(localIds[i]);
    const local = new Set(localIds.slice(range.lo, range.hi));
    for (const id of serverIds) if (!local.has(id)) result.missing.push(id);
  };

  let pending: Range[] = [{ from: 1, to: upTo, lo: 0, hi: lowerBound(localIds, upTo + 1), server: knownServerCount }];
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    await inBatches(pending.filter((range) => range.server === undefined), options.concurrency, count);
    const pairs: { left: Range; right: Range; parent: number }[] = [];
    const leaves: Range[] = [];
    for (const range of pending) {
      const local = range.hi - range.lo;
      const server = range.server ?? 0;
      if (server === local) continue;
      if (server === 0) {
        for (let i = range.lo; i < range.hi; i++) result.removed.push(localIds[i]);
        continue;
      }
      if (local <= options.leafSize || range.from === range.to) {
        leaves.push(range);
        continue;
      }
      // Split at the local median so both halves hold about the same number of local rows.
      const mid = range.lo + (local >>> 1);
      const splitAt = localIds[mid - 1];
      pairs.push({
        left: { from: range.from, to: splitAt, lo: range.lo, hi: mid },
        right: { from: splitAt + 1, to: range.to, lo: mid, hi: range.hi },
        parent: server,
      });
    }
    // Count only the left halves; each right half is its parent minus its sibling.
    await Promise.all([
      inBatches(pairs.map((pair) => pair.left), options.concurrency, count),
      inBatches(leaves, options.concurrency, leaf),
    ]);
    pending = [];
    for (const { left, right, parent } of pairs) {
      right.server = parent - (left.server ?? 0);
      pending.push(left, right);
    }
  }
  result.removed.sort((a, b) => a - b);
  result.missing.sort((a, b) => a - b);
  return result;
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
