/**
 * Which records of a watched model vanished (deleted on the server) and which the app never saw (created
 * in a transaction that committed late, with a `write_date` older than the cursor), without reading every
 * id: the count (and, where the transport can carry it, the sum) of the ids of an id range is compared
 * with the known records of that range; only ranges that differ are split at the local median, and small
 * ones have their ids fetched. Like the module log's deletion scan (module-log/deletions.ts), over a
 * business model and through the version-aware group query (odoo/group-totals.ts), archived records
 * included.
 */
import { OcmError } from '../../common/errors';
import { groupTotals } from '../../odoo/group-totals';
import type { Domain, OdooClient, OdooValue } from '../../odoo/types';

/** Tuning and context of {@link diffRecords}. */
export interface RecordDiffOptions {
  /** The server's major version (picks read_group or formatted_read_group). */
  major: number;
  /** Fetch ids once a differing range holds at most this many known records. */
  leafSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
}

/** What the comparison found. */
export interface RecordDiff {
  /** Known ids the server no longer has. */
  removed: number[];
  /** Ids on the server the app did not know. */
  missing: number[];
  requests: number;
}

interface Range {
  from: number;
  /** Inclusive; Infinity = no upper bound (records newer than every known one). */
  to: number;
  /** Known ids `[lo, hi)`. */
  lo: number;
  hi: number;
}

const XMLRPC_MAX_INT = 2 ** 31 - 1;
/** Fault codes of a server that refuses to sum: counts from then on. */
const NO_SUMS = new Set(['server-error', 'user-error']);
const ALL: Record<string, OdooValue> = { active_test: false };

/** Compares the server's records of `model` with `known` (ascending ids). */
export async function diffRecords(client: OdooClient, model: string, known: readonly number[], options: RecordDiffOptions): Promise<RecordDiff> {
  const result: RecordDiff = { removed: [], missing: [], requests: 0 };
  const call = { signal: options.signal };
  const prefix = new Float64Array(known.length + 1);
  for (let i = 0; i < known.length; i++) prefix[i + 1] = prefix[i] + known[i];
  // XML-RPC has no integer above 2^31 - 1: sum only where it fits, with room for a few unknown records.
  let sums = true;
  const fits = (range: Range) => client.transport !== 'xmlrpc' || prefix[range.hi] - prefix[range.lo] < XMLRPC_MAX_INT / 4;
  const domainOf = (range: Range): Domain => (Number.isFinite(range.to) ? [['id', '>=', range.from], ['id', '<=', range.to]] : [['id', '>=', range.from]]);

  /** True when the server's range matches the known one. */
  const same = async (range: Range): Promise<boolean> => {
    const withSums = sums && fits(range);
    result.requests++;
    let group;
    try {
      [group] = await groupTotals(client, options.major, model, { domain: domainOf(range), sums: withSums ? ['id'] : [], context: ALL }, call);
    } catch (error) {
      if (!withSums || !(error instanceof OcmError) || !NO_SUMS.has(error.code)) throw error;
      sums = false;
      return same(range);
    }
    const count = group?.count ?? 0;
    if (count !== range.hi - range.lo) return false;
    return !withSums || (group?.sums.id ?? 0) === prefix[range.hi] - prefix[range.lo];
  };

  const leaf = async (range: Range) => {
    result.requests++;
    const ids = new Set(await client.search(model, domainOf(range), { order: 'id asc', context: ALL }, call));
    const local = new Set(known.slice(range.lo, range.hi));
    for (const id of local) if (!ids.has(id)) result.removed.push(id);
    for (const id of ids) if (!local.has(id)) result.missing.push(id);
  };

  let pending: Range[] = [{ from: 1, to: Infinity, lo: 0, hi: known.length }];
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const differing: Range[] = [];
    await inBatches(pending, options.concurrency, async (range) => {
      if (!(await same(range))) differing.push(range);
    });
    pending = [];
    const leaves: Range[] = [];
    for (const range of differing) {
      const size = range.hi - range.lo;
      if (size <= options.leafSize || range.from === range.to) {
        leaves.push(range);
        continue;
      }
      const mid = range.lo + (size >>> 1);
      const splitAt = known[mid - 1];
      pending.push({ from: range.from, to: splitAt, lo: range.lo, hi: mid }, { from: splitAt + 1, to: range.to, lo: mid, hi: range.hi });
    }
    await inBatches(leaves, options.concurrency, leaf);
  }
  result.removed.sort((a, b) => a - b);
  result.missing.sort((a, b) => a - b);
  return result;
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
