/**
 * Finds rows deleted on the server without re-reading every id. For an id range, the server's aggregate
 * is compared with the same aggregate of the local present rows:
 *
 * - the count, and where the server can say, the sum of ids and the sum of record ids of the range. Ids
 *   below the cursor never reappear, so equal counts mean equal sets. With sums, a range missing one row
 *   names it (local sum minus server sum), and a range missing two rows names them when exactly one pair
 *   of local rows matches both sums, without another request.
 * - Otherwise a differing range is split at local quantiles; all parts but the last are asked for, the
 *   last is the parent minus its siblings. Ranges small enough that fetching their ids costs about as
 *   much as another request have their ids fetched and diffed.
 *
 * Where the aggregates come from is a {@link RangeAggregator}: the version-aware group totals of any
 * Odoo (`read_group`, `formatted_read_group` on 19+; one range per request, so ranges are halved), or our
 * addon's `digest` (up to 1,000 ranges per request, so a range is cut in about two parts per missing row
 * and a level costs one request).
 */
import { OcmError } from '../../common/errors';
import { groupTotals } from '../../odoo/group-totals';
import { CHANGE_LOG_MODEL } from '../../odoo/log-models';
import { readDigest } from '../../odoo/addon-protocol';
import type { Domain, OdooClient } from '../../odoo/types';

/** Tuning of {@link findDeletions}. */
export interface DeletionScanOptions {
  /** Fetch ids once a differing range holds at most this many local rows. */
  leafSize: number;
  /** Requests in flight at once. */
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

/** An id range `[from, to]` to aggregate, with the sums of the local rows in it (to bound XML-RPC integers). */
export interface IdRange {
  from: number;
  to: number;
  localIdSum: number;
  localRecordSum: number;
}

/** Where range aggregates come from. */
export interface RangeAggregator {
  /** Ranges one request answers (1, or up to 1,000 for `digest`). */
  readonly perRequest: number;
  /** Parts to split a differing range into, given how many rows it lacks (negative: has too many). */
  parts(missing: number): number;
  /** Ranges holding at most this many local rows have their ids fetched instead of being split; default the scan's. */
  readonly leafSize?: number;
  /** Whether an answer for this range would carry sums. */
  answersSums(range: IdRange): boolean;
  /** The aggregate of each range, in order; `requests` is incremented per request made. */
  aggregate(ranges: readonly IdRange[], counter: { requests: number }): Promise<RangeAggregate[]>;
}

interface Range {
  from: number;
  to: number;
  /** Local rows `[lo, hi)` of the arrays. */
  lo: number;
  hi: number;
  server?: RangeAggregate;
}

const XMLRPC_MAX_INT = 2 ** 31 - 1;
/** Fault codes that mean "this server does not do group sums": fall back to counts. */
const UNSUPPORTED = new Set(['server-error', 'user-error', 'access-error']);
/** Ranges one `digest` call answers at most (docs/addon-protocol.md). */
export const DIGEST_MAX_RANGES = 1000;
/** Parts one range is cut into at most in a digest scan. */
const DIGEST_MAX_PARTS = 256;

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

function idDomain(from: number, to: number): Domain {
  return [
    ['id', '>=', from],
    ['id', '<=', to],
  ];
}

/**
 * Aggregates from group totals, one range per request: count and sums where the transport can carry
 * them (XML-RPC integers stop at 2^31-1, so larger sums are not asked for), else `search_count`. A
 * server that refuses the group query is asked for counts from then on.
 */
export function groupTotalsAggregator(client: OdooClient, serverMajor: number, options: { sums?: boolean; signal?: AbortSignal } = {}): RangeAggregator {
  let sums = options.sums ?? true;
  const call = { signal: options.signal };
  const fits = (range: IdRange) =>
    client.transport !== 'xmlrpc' || (range.localIdSum < XMLRPC_MAX_INT / 2 && range.localRecordSum < XMLRPC_MAX_INT / 2); // late rows could add a little
  const one = async (range: IdRange, counter: { requests: number }): Promise<RangeAggregate> => {
    const domain = idDomain(range.from, range.to);
    if (sums && fits(range)) {
      counter.requests++;
      try {
        const [group] = await groupTotals(client, serverMajor, CHANGE_LOG_MODEL, { domain, sums: ['id', 'record_id'] }, call);
        return group ? { count: group.count, idSum: group.sums.id, recordSum: group.sums.record_id } : { count: 0, idSum: 0, recordSum: 0 };
      } catch (error) {
        if (!(error instanceof OcmError) || !UNSUPPORTED.has(error.code)) throw error;
        sums = false; // this server does not answer sums: counts from now on
      }
    }
    counter.requests++;
    return { count: await client.searchCount(CHANGE_LOG_MODEL, domain, undefined, call) };
  };
  // Halving: the right half is inferred from the parent, so each level costs one request per differing range.
  return { perRequest: 1, parts: () => 2, answersSums: (range) => sums && fits(range), aggregate: (ranges, counter) => Promise.all(ranges.map((range) => one(range, counter))) };
}

/** Aggregates from our addon's `update.webhook.digest(ranges)`: many ranges per request, always with sums. */
export function digestAggregator(client: OdooClient, options: { signal?: AbortSignal } = {}): RangeAggregator {
  return {
    perRequest: DIGEST_MAX_RANGES,
    // A level costs one request whatever its ranges: cut a range into about two parts per missing row, so
    // most parts miss none or one (named by its sums), and few need another level.
    parts: (missing) => Math.min(DIGEST_MAX_PARTS, Math.max(4, 2 * Math.abs(missing))),
    // Fetching ids costs a request per range, splitting a few bytes per part: fetch only tiny ranges.
    leafSize: 4,
    answersSums: () => true,
    async aggregate(ranges, counter) {
      counter.requests++;
      const answer = await readDigest(client, ranges.map((range) => [range.from, range.to]), { signal: options.signal });
      return answer.map(([count, idSum, recordSum]) => ({ count, idSum, recordSum }));
    },
  };
}

/**
 * Compares the server's rows with `local` over `[1, upTo]`. `knownServer`, when given, is the server's
 * aggregate of the whole span (saves the first request).
 */
export async function findDeletions(
  client: OdooClient,
  aggregator: RangeAggregator,
  local: LocalRows,
  upTo: number,
  options: DeletionScanOptions,
  knownServer?: RangeAggregate,
): Promise<DeletionScanResult> {
  const { ids, recordIds } = local;
  const result: DeletionScanResult = { removed: [], missing: [], requests: 0 };
  const call = { signal: options.signal };
  const idPrefix = new Float64Array(ids.length + 1);
  const recordPrefix = new Float64Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) {
    idPrefix[i + 1] = idPrefix[i] + ids[i];
    recordPrefix[i + 1] = recordPrefix[i] + recordIds[i];
  }
  const localSum = (range: Range) => ({ ids: idPrefix[range.hi] - idPrefix[range.lo], records: recordPrefix[range.hi] - recordPrefix[range.lo] });
  const asked = (range: Range): IdRange => {
    const sum = localSum(range);
    return { from: range.from, to: range.to, localIdSum: sum.ids, localRecordSum: sum.records };
  };

  /** Asks for the aggregates of these ranges: batched per request, requests `concurrency` at a time. */
  const ask = async (ranges: Range[]) => {
    const batches: Range[][] = [];
    for (let start = 0; start < ranges.length; start += aggregator.perRequest) batches.push(ranges.slice(start, start + aggregator.perRequest));
    await inBatches(batches, options.concurrency, async (batch) => {
      const answers = await aggregator.aggregate(batch.map(asked), result);
      batch.forEach((range, index) => (range.server = answers[index]));
    });
  };

  const leaf = async (range: Range) => {
    result.requests++;
    const serverIds = await client.search(CHANGE_LOG_MODEL, idDomain(range.from, range.to), { order: 'id asc' }, call);
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
    await ask(pending.filter((range) => range.server === undefined));
    // Ranges missing one or two rows whose sums are unknown (a count-only answer): one sum request may settle them.
    const small = pending.filter((range) => {
      const missing = range.hi - range.lo - range.server!.count;
      return range.server!.idSum === undefined && (missing === 1 || missing === 2) && range.hi - range.lo > (aggregator.leafSize ?? options.leafSize) / 4 && aggregator.answersSums(asked(range));
    });
    if (small.length > 0) {
      for (const range of small) range.server = undefined;
      await ask(small);
    }

    const families: { parts: Range[]; parent: RangeAggregate }[] = [];
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
      if (local <= (aggregator.leafSize ?? options.leafSize) || range.from === range.to) {
        leaves.push(range);
        continue;
      }
      families.push({ parts: split(range, Math.min(aggregator.parts(missing), local), ids), parent: server });
    }
    // Ask for every part but the last; the last is its parent minus its siblings.
    await Promise.all([ask(families.flatMap((family) => family.parts.slice(0, -1))), inBatches(leaves, options.concurrency, leaf)]);
    pending = [];
    for (const { parts, parent } of families) {
      const last = parts[parts.length - 1];
      const siblings = parts.slice(0, -1).map((part) => part.server!);
      last.server = { count: parent.count - siblings.reduce((total, part) => total + part.count, 0) };
      if (parent.idSum !== undefined && siblings.every((part) => part.idSum !== undefined)) last.server.idSum = parent.idSum - siblings.reduce((total, part) => total + part.idSum!, 0);
      if (parent.recordSum !== undefined && siblings.every((part) => part.recordSum !== undefined)) last.server.recordSum = parent.recordSum - siblings.reduce((total, part) => total + part.recordSum!, 0);
      pending.push(...parts);
    }
  }
  result.removed.sort((a, b) => a - b);
  result.missing.sort((a, b) => a - b);
  return result;
}

/** Splits a range into `parts` ranges holding about the same number of local rows. */
function split(range: Range, parts: number, ids: readonly number[]): Range[] {
  const local = range.hi - range.lo;
  const out: Range[] = [];
  let from = range.from;
  let lo = range.lo;
  for (let part = 1; part < parts; part++) {
    const hi = range.lo + Math.floor((local * part) / parts);
    if (hi <= lo) continue;
    const to = ids[hi - 1];
    out.push({ from, to, lo, hi });
    from = to + 1;
    lo = hi;
  }
  out.push({ from, to: range.to, lo, hi: range.hi });
  return out;
}

/**
 * The server's aggregate of `[from, to]` (one request, or two when the group query is refused):
 * `localSums` bounds the sums asked over XML-RPC.
 */
export async function serverAggregate(aggregator: RangeAggregator, from: number, to: number, localSums: { ids: number; records: number }): Promise<{ aggregate: RangeAggregate; requests: number }> {
  const counter = { requests: 0 };
  const [aggregate] = await aggregator.aggregate([{ from, to, localIdSum: localSums.ids, localRecordSum: localSums.records }], counter);
  return { aggregate, requests: counter.requests };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
