/**
 * The module-log source: one pass over `update.webhook` (the original module or our addon) and
 * `webhook.errors`: reset check, snapshot or incremental pull by id cursor, refreshed rows (our addon's
 * revisions), deletion detection and the error log. Every page of rows is committed with its cursor in
 * one transaction, so a pass interrupted at any point resumes where it stopped.
 */
import { CHANGE_LOG_MODEL, ERROR_LOG_FIELDS, ERROR_LOG_MODEL } from '../../odoo/log-models';
import type { OdooRecord } from '../../odoo/types';
import type { MirrorChange } from '../../store/repositories/mirror';
import { findDeletions, serverAggregate } from './deletions';
import { changeFields, sameRow, toMirrorChange, toMirrorError } from './rows';
import { isoFromSeconds } from '../../common/time';
import { odooTimeFromSeconds } from '../../odoo/datetime';
import { DEFAULT_PASS_OPTIONS, type ChangeSource, type SyncPassContext, type SyncPassResult } from '../source';

/** Reads the module's change log: the source wherever `update.webhook` exists and is readable. */
export const moduleLogSource: ChangeSource = { kind: 'module-log', pass: runModuleLogPass };

/** Runs one pass. Rejects with the client's OcmError on failure; what was committed stays committed. */
async function runModuleLogPass(context: SyncPassContext): Promise<SyncPassResult> {
  const { store, client, capabilities, instanceId, signal } = context;
  const options = { ...DEFAULT_PASS_OPTIONS, ...context.options };
  const now = context.now ?? (() => Math.floor(Date.now() / 1000));
  const log = context.log ?? (() => undefined);
  const call = { signal };
  const fields = changeFields(capabilities.richFields);
  const refreshes = capabilities.richFields.includes('change_count');
  const result: SyncPassResult = { added: 0, removed: 0, revised: 0, errorsAdded: 0, reset: false, snapshot: false, requests: 0 };
  const started = Date.now();

  let state = store.syncState.get(instanceId);
  // Refreshes are looked for from the newest timestamp seen before this pass's new rows moved it.
  const revisionFrom = state.revisionCursor;
  store.syncState.update(instanceId, { capabilities, serverVersion: capabilities.version.serverVersion });

  // 1. Reset check, folded into the first incremental request: read from the cursor row onwards.
  let firstPage: OdooRecord[] | undefined;
  if (state.changeCursor > 0) {
    const local = store.mirror.lastRow(instanceId, state.epoch);
    const limit = state.snapshotDone ? options.pageSize : 2;
    result.requests++;
    const rows = await client.searchRead(CHANGE_LOG_MODEL, [['id', '>=', state.changeCursor]], { fields, limit, order: 'id asc' }, call);
    let reset = false;
    if (rows.length > 0 && rows[0].id === state.changeCursor) {
      reset = local !== undefined && local.serverId === state.changeCursor && !sameRow(local, toMirrorChange(rows[0]), refreshes);
    } else if (rows.length === 0) {
      // The cursor row is gone and nothing is newer: either the newest rows were deleted, or the log was
      // reset. The server's newest row tells: if the mirror holds it unchanged, rows were only deleted.
      result.requests++;
      const newest = await client.searchRead(CHANGE_LOG_MODEL, [], { fields, limit: 1, order: 'id desc' }, call);
      if (newest.length > 0) {
        const known = store.mirror.rowIdentity(instanceId, state.epoch, newest[0].id);
        reset = known === undefined || !sameRow(known, toMirrorChange(newest[0]), refreshes);
      }
    }
    if (reset) {
      const { epoch, removed } = store.mirror.startNewEpoch(instanceId, state.epoch, now());
      log({ instanceId, level: 'warning', kind: 'reset', message: `The server's change log was reset (row ${state.changeCursor} changed or vanished with older ids reused): ${removed} rows kept as history, taking a new snapshot (epoch ${epoch}).`, messageKey: 'sync.reset', params: { row: state.changeCursor, removed, epoch }, removed });
      result.reset = true;
      result.removed += removed;
      context.data?.({ added: 0, removed });
      state = store.syncState.get(instanceId);
    } else {
      firstPage = rows.filter((row) => row.id > state.changeCursor);
      if (rows.length < limit) {
        // Everything after the cursor is in hand: no need to page further.
        result.added += commitChanges(context, state.epoch, firstPage, !state.snapshotDone, now);
        firstPage = [];
        if (!state.snapshotDone) store.syncState.update(instanceId, { snapshotDone: true });
        state = store.syncState.get(instanceId);
      }
    }
  }

  // 2. Snapshot or incremental pull, pipelined pages by id.
  if (firstPage === undefined || firstPage.length > 0) {
    const snapshot = !state.snapshotDone;
    result.snapshot = snapshot;
    const started = Date.now();
    let done = 0;
    let total: number | undefined;
    if (firstPage && firstPage.length > 0) {
      result.added += commitChanges(context, state.epoch, firstPage, snapshot, now);
      done += firstPage.length;
    }
    const afterId = store.syncState.get(instanceId).changeCursor;
    let pages: AsyncIterable<OdooRecord[]>;
    let bulkLoad = false;
    if (snapshot) {
      // The bounds (newest id, rows to go) in one round trip, then pipelined id ranges.
      result.requests += 2;
      const [newest, count] = await Promise.all([
        client.search(CHANGE_LOG_MODEL, [['id', '>', afterId]], { limit: 1, order: 'id desc' }, call),
        client.searchCount(CHANGE_LOG_MODEL, [['id', '>', afterId]], undefined, call),
      ]);
      total = count;
      log(
        afterId > 0
          ? { instanceId, level: 'info', kind: 'snapshot', message: `Resuming the snapshot after row ${afterId}: ${count} rows to go.`, messageKey: 'sync.snapshot.resume', params: { row: afterId, rows: count } }
          : { instanceId, level: 'info', kind: 'snapshot', message: `Taking a snapshot: ${count} rows.`, messageKey: 'sync.snapshot.start', params: { rows: count } },
      );
      pages = client.pages(CHANGE_LOG_MODEL, { afterId, upToId: newest[0] ?? afterId, count, pageSize: options.pageSize, pipelineDepth: options.pipelineDepth, fields, signal });
      // A large first load goes faster without the read-only indexes; they are built once at its end.
      bulkLoad = store.mirror.beginBulkLoad(instanceId, count);
    } else {
      pages = client.pages(CHANGE_LOG_MODEL, { afterId, pageSize: options.pageSize, fields, signal });
    }
    context.progress?.(done, total);
    try {
      for await (const page of pages) {
        result.requests++;
        result.added += commitChanges(context, state.epoch, page, snapshot, now);
        done += page.length;
        context.progress?.(done, total);
      }
    } finally {
      if (bulkLoad) store.mirror.endBulkLoad(instanceId);
    }
    if (snapshot) {
      store.syncState.update(instanceId, { snapshotDone: true });
      log({ instanceId, level: 'info', kind: 'snapshot', message: `Snapshot complete: ${done} rows.`, messageKey: 'sync.snapshot.done', params: { rows: done }, added: result.added, durationMs: Date.now() - started });
    }
    state = store.syncState.get(instanceId);
  }

  // 3. Refreshed rows (our addon): rows whose timestamp moved to or past the newest one seen.
  if (refreshes && revisionFrom && !result.reset && state.changeCursor > 0) {
    result.requests++;
    const rows = await client.searchRead(CHANGE_LOG_MODEL, [['timestamp', '>=', revisionFrom], ['id', '<=', state.changeCursor]], { fields, order: 'id asc' }, call);
    const changes = rows.map(toMirrorChange);
    const latest = store.mirror.latestRevisions(instanceId, state.epoch, changes.map((row) => row.serverId));
    const revisions: MirrorChange[] = [];
    for (const row of changes) {
      const known = latest.get(row.serverId);
      if (!known) continue; // a late row: deletion detection fetches it
      if (known.ts !== row.ts || (known.changeCount ?? null) !== (row.changeCount ?? null)) revisions.push({ ...row, revision: known.revision + 1 });
    }
    const newest = maxTimestamp(changes);
    if (revisions.length > 0 || newest !== undefined) {
      const added = store.mirror.insertChanges(instanceId, state.epoch, revisions, newest === undefined ? {} : { revisionCursor: newest }, now());
      result.revised += added;
      if (added > 0) context.data?.({ added, removed: 0, newestTimestamp: isoFromSeconds(Math.max(...revisions.map((row) => row.ts))) });
    }
  }

  // 4. Deletions: compare counts per id range with the local copy (not right after a snapshot: it is fresh).
  if (state.snapshotDone && state.changeCursor > 0 && !result.snapshot) {
    // The top-level comparison needs no local rows: most polls stop here with one request.
    result.requests++;
    const mine = store.mirror.presentAggregate(instanceId, state.epoch, 1, state.changeCursor);
    const theirs = await serverAggregate(client, 1, state.changeCursor, mine, { sums: options.deletionSums, signal });
    const same = theirs.count === mine.count && (theirs.idSum === undefined || (theirs.idSum === mine.ids && theirs.recordSum === mine.records));
    // Fetch a range's ids only when that costs about one more request: ~0.8 KB per JSON-RPC request vs ~7 B
    // per id, ~1.7 KB per XML-RPC request vs ~32 B per id (bench/sync.bench.ts). Splitting is usually
    // cheaper, since a half missing one or two rows is named by its sums.
    const leafSize = options.deletionLeafSize ?? (client.transport === 'jsonrpc' ? 64 : 32);
    const scan = same
      ? { removed: [], missing: [], requests: 0 }
      : await findDeletions(client, store.mirror.presentRows(instanceId, state.epoch, 1, state.changeCursor), state.changeCursor, { leafSize, concurrency: options.deletionConcurrency, sums: options.deletionSums, signal }, theirs);
    result.requests += scan.requests;
    if (scan.removed.length > 0) {
      const removed = store.mirror.markRemoved(instanceId, state.epoch, scan.removed, 'server', now());
      result.removed += removed;
      context.data?.({ added: 0, removed });
    }
    if (scan.missing.length > 0) {
      result.requests++;
      const late = await client.searchRead(CHANGE_LOG_MODEL, [['id', 'in', scan.missing]], { fields, order: 'id asc' }, call);
      result.added += commitChanges(context, state.epoch, late, false, now);
    }
    store.syncState.update(instanceId, { lastDeletionCheckAt: now() });
  }

  // 5. The error log, when this user may read it.
  if (capabilities.errorLog === 'readable') {
    for await (const page of client.pages(ERROR_LOG_MODEL, { afterId: state.errorCursor, pageSize: options.pageSize, fields: [...ERROR_LOG_FIELDS], signal })) {
      result.requests++;
      result.errorsAdded += store.mirror.insertErrors(instanceId, state.epoch, page.map(toMirrorError), { errorCursor: page[page.length - 1].id }, now());
    }
  }

  store.syncState.update(instanceId, { lastSyncAt: now() });
  if (!result.snapshot && (result.added > 0 || result.removed > 0 || result.revised > 0 || result.errorsAdded > 0)) {
    const parts = [`${result.added} new`, `${result.removed} removed on the server`];
    if (result.revised > 0) parts.push(`${result.revised} refreshed`);
    if (result.errorsAdded > 0) parts.push(`${result.errorsAdded} new errors`);
    const params = { added: result.added, removed: result.removed, refreshed: result.revised, errors: result.errorsAdded };
    log({ instanceId, level: 'info', kind: 'poll', message: parts.join(', ') + '.', messageKey: 'sync.poll', params, added: result.added, removed: result.removed, durationMs: Date.now() - started });
  }
  return result;
}

/** Converts and commits one page with its cursor; announces what was new. */
function commitChanges(context: SyncPassContext, epoch: number, records: readonly OdooRecord[], snapshot: boolean, now: () => number): number {
  if (records.length === 0) return 0;
  const rows = records.map(toMirrorChange);
  const cursor = records[records.length - 1].id;
  const state = context.store.syncState.get(context.instanceId);
  const newest = maxTimestamp(rows);
  const advance: { changeCursor: number; revisionCursor?: string } = { changeCursor: Math.max(cursor, state.changeCursor) };
  if (newest !== undefined) advance.revisionCursor = newest;
  const added = context.store.mirror.insertChanges(context.instanceId, epoch, rows, advance, now());
  if (added > 0 && !snapshot) context.data?.({ added, removed: 0, newestTimestamp: isoFromSeconds(Math.max(...rows.map((row) => row.ts))) });
  if (added > 0 && snapshot) context.data?.({ added, removed: 0 });
  return added;
}

function maxTimestamp(rows: readonly MirrorChange[]): string | undefined {
  let max = -Infinity;
  for (const row of rows) if (row.ts > max) max = row.ts;
  return max === -Infinity ? undefined : odooTimeFromSeconds(max);
}
