/**
 * One check of one watched model: what changed since its cursor, as events.
 *
 * - First the baseline: every id (archived records included), paged and committed as it goes, then the
 *   model's newest `write_date` (taken after the ids, so a record created meanwhile is found by the
 *   next check as new). The baseline is not history: it makes no event.
 * - Then each check asks one aggregate: count, sum of ids (where the transport carries it) and newest
 *   `write_date`. When that moved past the cursor, or the last check found a change (a tie may follow in
 *   the same second), the rows changed since the cursor are read, keyset on (`write_date`, `id`). When
 *   the model's window is due (windows.ts), the rows from the cursor minus the window are re-read as
 *   (`id`, `write_date`) pairs only, and the ones the source has not seen are read in full. Rows become
 *   events: a record the app did not know is a create (at `create_date`, by `create_uid`); a
 *   `write_date` after the `create_date` is a write (at it, by `write_uid`: several writes between two
 *   reads merge into one). Events that repeat are deduplicated on commit.
 * - When the count or sum differs from the known records (after adding the new ones), the id ranges are
 *   compared (record-diff.ts): vanished records are unlink events at detection time, by nobody known;
 *   records never seen (committed late) are read and created.
 */
import type { ChangeEvent } from '../../common/model';
import { secondsFromOdooTime, odooTimeFromSeconds } from '../../odoo/datetime';
import { groupTotals } from '../../odoo/group-totals';
import type { Domain, OdooClient, OdooRecord, OdooValue } from '../../odoo/types';
import type { Repositories } from '../../store/ports';
import type { ModelCursor, PollingEvent } from '../../store/repositories/polling';
import { diffRecords } from './record-diff';
import { windowDue, windowSeconds } from './windows';

/** What a check needs. */
export interface ModelCheckContext {
  client: OdooClient;
  store: Pick<Repositories, 'polling'>;
  instanceId: string;
  /** The server's major version. */
  major: number;
  /** App time, Unix seconds. */
  now: number;
  /** The longest transaction whose late commit is caught (windows.ts). */
  overlapSeconds: number;
  /** Rows per page of a row read; ids per page of the baseline. */
  pageSize: number;
  baselinePageSize: number;
  /** Requests in flight while comparing id ranges. */
  concurrency: number;
  signal?: AbortSignal;
  /** Told of baseline progress (ids read). */
  progress?: (done: number) => void;
  /** The (`id` → `write_date`) pairs of a model's rows already read in its overlap window (kept between passes). */
  seen(model: string): Map<number, string>;
}

/** What a check found, committed by the pass with the other models' and the chatter's. */
export interface ModelCheck {
  model: string;
  events: PollingEvent[];
  added: number[];
  removed: number[];
  cursor: ModelCursor;
  requests: number;
  /** True when the baseline was taken (or continued) instead. */
  baseline: boolean;
}

const ALL: Record<string, OdooValue> = { active_test: false };
const ROW_FIELDS = ['create_date', 'write_date', 'create_uid', 'write_uid'];
/** The cursor of a model that had no record at its baseline. */
const EPOCH = '1970-01-01 00:00:00';

/** Checks one model (its baseline first, when not taken). */
export async function checkModel(context: ModelCheckContext, model: string, previous: ModelCursor | undefined): Promise<ModelCheck> {
  const cursor: ModelCursor = previous ? { ...previous } : { model, baselineAfter: 0, baselineDone: false };
  const check: ModelCheck = { model, events: [], added: [], removed: [], cursor, requests: 0, baseline: false };
  if (!cursor.baselineDone) return baseline(context, check);

  const { client, store, instanceId } = context;
  const known = await store.polling.knownAggregate(instanceId, model);
  const fits = client.transport !== 'xmlrpc' || known.sum < 2 ** 29;
  check.requests++;
  const [probe] = await groupTotals(client, context.major, model, { domain: [], sums: fits ? ['id'] : [], maxima: ['write_date'], context: ALL }, { signal: context.signal });
  const newest = typeof probe?.maxima?.write_date === 'string' ? probe.maxima.write_date : undefined;
  const from = cursor.writeCursor ?? EPOCH;
  const tie = previous?.changedAt !== undefined && previous.changedAt === previous.checkedAt;

  // 1. Rows changed since the cursor; when the window is due, the window's rows not seen yet.
  let added: number[] = [];
  const seen = context.seen(model);
  let rows: OdooRecord[] | undefined;
  if (windowDue(previous, context.now, context.overlapSeconds)) {
    const since = odooTimeFromSeconds(secondsFromOdooTime(from) - windowSeconds(context.overlapSeconds));
    for (const [id, date] of seen) if (date < since) seen.delete(id);
    const stamps = await readChangedRows(context, model, [['write_date', '>=', since]], check, ['write_date']);
    const fresh = stamps.filter((row) => seen.get(row.id) !== row.write_date).map((row) => row.id);
    rows = fresh.length > 0 ? await readChangedRows(context, model, [['id', 'in', fresh]], check) : [];
    cursor.windowReadAt = context.now;
  } else if (tie || (newest !== undefined && newest > from)) {
    rows = await readChangedRows(context, model, [['write_date', '>=', from]], check);
  }
  if (rows) {
    added = await rowsToEvents(context, model, rows, check);
    for (const row of rows) {
      if (typeof row.write_date !== 'string') continue;
      seen.set(row.id, row.write_date);
      if (row.write_date > (cursor.writeCursor ?? '')) cursor.writeCursor = row.write_date;
    }
  }

  // 2. Deletions and late creates: the aggregate against the known records (with the new ones).
  const addedSum = added.reduce((sum, id) => sum + id, 0);
  const count = probe?.count ?? 0;
  const countDiffers = count !== known.count + added.length;
  const sumDiffers = fits && (probe?.sums.id ?? 0) !== known.sum + addedSum;
  if (countDiffers || sumDiffers) {
    const local = [...new Set([...(await store.polling.knownIds(instanceId, model)), ...added])].sort((a, b) => a - b);
    const diff = await diffRecords(client, model, local, { major: context.major, leafSize: client.transport === 'jsonrpc' ? 64 : 32, concurrency: context.concurrency, signal: context.signal });
    check.requests += diff.requests;
    // Detected now; never before the newest write seen, whichever clock is ahead.
    const detected = Math.max(context.now, secondsFromOdooTime(cursor.writeCursor ?? EPOCH));
    for (const id of diff.removed) check.events.push({ model, recordId: id, event: 'unlink', ts: detected, userName: null });
    check.removed = diff.removed.filter((id) => !added.includes(id));
    added = added.filter((id) => !diff.removed.includes(id));
    if (diff.missing.length > 0) {
      const late = await readChangedRows(context, model, [['id', 'in', diff.missing]], check);
      added.push(...(await rowsToEvents(context, model, late, check, true)));
    }
  }
  check.added = added;
  if (check.events.length > 0 || check.added.length > 0 || check.removed.length > 0) cursor.changedAt = context.now;
  cursor.checkedAt = context.now;
  return check;
}

/** Reads the rows matching `domain` (`fields`, default all the events need), keyset-paged on (write_date, id), archived ones included. */
async function readChangedRows(context: ModelCheckContext, model: string, domain: Domain, check: ModelCheck, fields: string[] = ROW_FIELDS): Promise<OdooRecord[]> {
  const rows: OdooRecord[] = [];
  let after: { date: string; id: number } | undefined;
  for (;;) {
    const keyset: Domain = after ? ['|', ['write_date', '>', after.date], '&', ['write_date', '=', after.date], ['id', '>', after.id]] : [];
    check.requests++;
    const page = await context.client.searchRead(model, [...domain, ...keyset], { fields, order: 'write_date asc, id asc', limit: context.pageSize, context: ALL }, { signal: context.signal });
    rows.push(...page);
    const last = page[page.length - 1];
    if (page.length < context.pageSize || !last || typeof last.write_date !== 'string') return rows;
    after = { date: last.write_date, id: last.id };
  }
}

/** The name of a many2one user value (`[id, name]`), or null. */
function userOf(value: OdooValue | undefined): string | null {
  return Array.isArray(value) && typeof value[1] === 'string' ? value[1] : null;
}

/**
 * Events of changed rows; returns the ids the app did not know (now added). `late`: the rows were found
 * by the id comparison, so every one is new.
 */
async function rowsToEvents(context: ModelCheckContext, model: string, rows: readonly OdooRecord[], check: ModelCheck, late = false): Promise<number[]> {
  const known = late ? new Set<number>() : await context.store.polling.knownAmong(context.instanceId, model, rows.map((row) => row.id));
  const added: number[] = [];
  const push = (recordId: number, event: ChangeEvent, at: string, user: OdooValue | undefined) => check.events.push({ model, recordId, event, ts: secondsFromOdooTime(at), userName: userOf(user) });
  for (const row of rows) {
    const created = typeof row.create_date === 'string' ? row.create_date : undefined;
    const written = typeof row.write_date === 'string' ? row.write_date : created;
    if (!written) continue;
    const isNew = !known.has(row.id);
    if (isNew) added.push(row.id);
    // A known record's create was told when it was first seen, or it was there at the baseline.
    if (isNew && created !== undefined) push(row.id, 'create', created, row.create_uid);
    if (created === undefined || written > created) push(row.id, 'write', written, row.write_uid);
  }
  return added;
}

/** Takes (or continues) the model's baseline: every id, page by page, then its newest write_date. */
async function baseline(context: ModelCheckContext, check: ModelCheck): Promise<ModelCheck> {
  const { client, store, instanceId } = context;
  const model = check.model;
  const cursor = check.cursor;
  check.baseline = true;
  let done = 0;
  for (;;) {
    check.requests++;
    const ids = await client.search(model, [['id', '>', cursor.baselineAfter]], { order: 'id asc', limit: context.baselinePageSize, context: ALL }, { signal: context.signal });
    if (ids.length > 0) cursor.baselineAfter = ids[ids.length - 1];
    if (ids.length < context.baselinePageSize) {
      check.requests++;
      const [probe] = await groupTotals(client, context.major, model, { domain: [], maxima: ['write_date'], context: ALL }, { signal: context.signal });
      cursor.writeCursor = typeof probe?.maxima?.write_date === 'string' ? probe.maxima.write_date : EPOCH;
      cursor.baselineDone = true;
      cursor.checkedAt = context.now;
    }
    await store.polling.addBaseline(instanceId, model, ids, cursor);
    done += ids.length;
    context.progress?.(done);
    if (cursor.baselineDone) return check;
  }
}
