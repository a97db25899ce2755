/**
 * Finds rows deleted on the server without re-reading every id. For an id range, the server's aggregate
 * is compared with the same aggregate of the local present rows:
 *
 * - `search_count`, or better one `read_group` with no grouping that returns the count, the sum of ids and
 *   the sum of record ids of the range. Ids below the cursor never reappear, so equal counts mean equal
 *   sets. With sums, a range missing one row names it (local sum minus server sum), and a range missing
 *   two rows names them when exactly one pair of local rows matches both sums, without another request.
 * - Otherwise a differing range is split in two at the local median; only the left half is asked for,
 *   the right half is the parent minus the left. Ranges small enough that fetching their ids costs about
 *   as much as another request have their ids fetched and diffed.
 *
 * Requests of one level run concurrently. XML-RPC cannot carry integers above 2^31-1, so ranges whose
 * sums could overflow are counted instead; a server that refuses `read_group` falls back to counts.
 */
import { OcmError } from '../../common/errors';
import type { Domain, OdooClient } from '../../odoo/types';
import { CHANGE_LOG_MODEL } from '../../odoo/log-models';

/** Tuning of {@link findDeletions}. */
export interface DeletionScanOptions {
  /** Fetch ids once a differing range holds at most this many local rows. */
  leafSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Use read_group sums (default true); false = counts only. */
  sums?: boolean;
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

/** The local present rows of the scanned span: ascending server ids and their record ids. */
export interface LocalRows {
  ids: readonly number[];
  recordIds: readonly number[];
}

/** Count, and when the server answered sums, the sums of ids and record ids of an id range. */
export interface RangeAggregate {
  count: number;
  idSum?: number;
  recordSum?: number;
}
type Aggregate = RangeAggregate;

interface Range {
  from: number;
  to: number;
  /** Local rows `[lo, hi)` of the arrays. */
  lo: number;
  hi: number;
  server?: Aggregate;
}

const XMLRPC_MAX_INT = 2 ** 31 - 1;
/** Fault codes that mean "this server does not do read_group sums": fall back to counts. */
const UNSUPPORTED = new Set(['server-error', 'user-error', 'access-error']);

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
 * Compares the server's rows with `local` over `[1, upTo]`. `knownServer`, when given, is the server's
 * aggregate of the whole span (saves the first request).
 */
export async function findDeletions(client: OdooClient, local: LocalRows, upTo: number, options: DeletionScanOptions, knownServer?: RangeAggregate): Promise<DeletionScanResult> {
  const { ids, recordIds } = local;
  const result: DeletionScanResult = { removed: [], missing: [], requests: 0 };
  const call = { signal: options.signal };
  let sums = options.sums ?? true;
  const idPrefix = new Float64Array(ids.length + 1);
  const recordPrefix = new Float64Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) {
    idPrefix[i + 1] = idPrefix[i] + ids[i];
    recordPrefix[i + 1] = recordPrefix[i] + recordIds[i];
  }
  const localSum = (range: Range) => ({ ids: idPrefix[range.hi] - idPrefix[range.lo], records: recordPrefix[range.hi] - recordPrefix[range.lo] });
  const domainOf = (range: Range): Domain => [
    ['id', '>=', range.from],
    ['id', '<=', range.to],
  ];
  const sumsFit = (range: Range) => {
    if (client.transport !== 'xmlrpc') return true;
    const sum = localSum(range);
    // Late rows could add a little; keep a margin.
    return sum.ids < XMLRPC_MAX_INT / 2 && sum.records < XMLRPC_MAX_INT / 2;
  };

  const ask = async (range: Range, withSums: boolean) => {
    result.requests++;
    if (withSums && sums && sumsFit(range)) {
      try {
        const [row] = await client.readGroup(CHANGE_LOG_MODEL, domainOf(range), ['ids:sum(id)', 'records:sum(record_id)'], [], { lazy: false }, call);
        const number = (value: unknown) => (typeof value === 'number' ? value : 0);
        range.server = row ? { count: number(row.__count), idSum: number(row.ids), recordSum: number(row.records) } : { count: 0, idSum: 0, recordSum: 0 };
        return;
      } catch (error) {
        if (!(error instanceof OcmError) || !UNSUPPORTED.has(error.code)) throw error;
        sums = false; // this server does not answer sums: counts from now on
        result.requests++;
      }
    }
    range.server = { count: await client.searchCount(CHANGE_LOG_MODEL, domainOf(range), undefined, call) };
  };

  const leaf = async (range: Range) => {
    result.requests++;
    const serverIds = await client.search(CHANGE_LOG_MODEL, domainOf(range), { order: 'id asc' }, call);
    const server = new Set(serverIds);
    for (let i = range.lo; i < range.hi; i++) if (!server.has(ids[i])) result.removed.push(ids[i]);
    const known = new Set(ids.slice(range.lo, range.hi));
    for (const id of serverIds) if (!known.has(id)) result.missing.push(id);
  };

  /** Names the missing rows from the sums when it can (1 or 2 rows); true when the range is resolved. */
  const solve = (range: Range, missing: number): boolean => {
    const server = range.server!;
    if (server.idSum === undefined || server.recordSum === undefined) return false;
    const sum = localSum(range);
    const idGap = sum.ids - server.idSum;
    const recordGap = sum.records - server.recordSum;
    const indexOf = (id: number) => {
      const at = lowerBound(ids, id);
      return at >= range.lo && at < range.hi && ids[at] === id ? at : -1;
    };
    if (missing === 1) {
      const at = indexOf(idGap);
      if (at < 0 || recordIds[at] !== recordGap) return false;
      result.removed.push(idGap);
      return true;
    }
    if (missing === 2) {
      let found: [number, number] | undefined;
      for (let i = range.lo; i < range.hi; i++) {
        const other = idGap - ids[i];
        if (other <= ids[i]) break;
        const at = indexOf(other);
        if (at >= 0 && recordIds[i] + recordIds[at] === recordGap) {
          if (found) return false; // two pairs fit: ambiguous, split instead
          found = [ids[i], other];
        }
      }
      if (!found) return false;
      result.removed.push(...found);
      return true;
    }
    return false;
  };

  let pending: Range[] = [{ from: 1, to: upTo, lo: 0, hi: lowerBound(ids, upTo + 1), server: knownServer }];
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    await inBatches(pending.filter((range) => range.server === undefined), options.concurrency, (range) => ask(range, true));
    // Ranges missing one or two rows whose sums are unknown: one sum request may settle them.
    const small = pending.filter((range) => {
      const missing = range.hi - range.lo - range.server!.count;
      return sums && range.server!.idSum === undefined && (missing === 1 || missing === 2) && range.hi - range.lo > options.leafSize / 4 && sumsFit(range);
    });
    await inBatches(small, options.concurrency, (range) => ask(range, true));

    const pairs: { left: Range; right: Range; parent: Aggregate }[] = [];
    const leaves: Range[] = [];
    for (const range of pending) {
      const local = range.hi - range.lo;
      const server = range.server!;
      const sum = localSum(range);
      // Equal counts with different sums: a late row and a deletion cancel out in the count.
      const sumsDiffer = server.idSum !== undefined && (server.idSum !== sum.ids || server.recordSum !== sum.records);
      if (server.count === local && !sumsDiffer) continue;
      if (server.count === 0) {
        for (let i = range.lo; i < range.hi; i++) result.removed.push(ids[i]);
        continue;
      }
      const missing = local - server.count;
      if (missing > 0 && solve(range, missing)) continue;
      if (local <= options.leafSize || range.from === range.to) {
        leaves.push(range);
        continue;
      }
      // Split at the local median so both halves hold about the same number of local rows.
      const mid = range.lo + (local >>> 1);
      const splitAt = ids[mid - 1];
      pairs.push({
        left: { from: range.from, to: splitAt, lo: range.lo, hi: mid },
        right: { from: splitAt + 1, to: range.to, lo: mid, hi: range.hi },
        parent: server,
      });
    }
    // Ask only for the left halves; each right half is its parent minus its sibling.
    await Promise.all([
      inBatches(pairs.map((pair) => pair.left), options.concurrency, (range) => ask(range, true)),
      inBatches(leaves, options.concurrency, leaf),
    ]);
    pending = [];
    for (const { left, right, parent } of pairs) {
      const l = left.server!;
      right.server = { count: parent.count - l.count };
      if (parent.idSum !== undefined && l.idSum !== undefined) right.server.idSum = parent.idSum - l.idSum;
      if (parent.recordSum !== undefined && l.recordSum !== undefined) right.server.recordSum = parent.recordSum - l.recordSum;
      pending.push(left, right);
    }
  }
  result.removed.sort((a, b) => a - b);
  result.missing.sort((a, b) => a - b);
  return result;
}

/**
 * The server's aggregate of `[from, to]`: count and sums in one read_group when the transport can carry
 * them (`localSums` bounds them for XML-RPC), else the count alone. Falls back to a count when refused.
 */
export async function serverAggregate(client: OdooClient, from: number, to: number, localSums: { ids: number; records: number }, options: { sums?: boolean; signal?: AbortSignal } = {}): Promise<RangeAggregate> {
  const signal = options.signal;
  const domain: Domain = [
    ['id', '>=', from],
    ['id', '<=', to],
  ];
  const fits = options.sums !== false && (client.transport !== 'xmlrpc' || (localSums.ids < XMLRPC_MAX_INT / 2 && localSums.records < XMLRPC_MAX_INT / 2));
  if (fits) {
    try {
      const [row] = await client.readGroup(CHANGE_LOG_MODEL, domain, ['ids:sum(id)', 'records:sum(record_id)'], [], { lazy: false }, { signal });
      const number = (value: unknown) => (typeof value === 'number' ? value : 0);
      return row ? { count: number(row.__count), idSum: number(row.ids), recordSum: number(row.records) } : { count: 0, idSum: 0, recordSum: 0 };
    } catch (error) {
      if (!(error instanceof OcmError) || !UNSUPPORTED.has(error.code)) throw error;
    }
  }
  return { count: await client.searchCount(CHANGE_LOG_MODEL, domain, undefined, { signal }) };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
