/**
 * The pass with our addon's protocol 2 (docs/addon-protocol.md). One `sync_state` call answers what an
 * idle poll asks: was the log reset (its token, the cursor row's identity), the new rows (a first page),
 * the refreshed rows, the deleted rows (tombstones since the tombstone cursor), the row count (to catch
 * what tombstones cannot: late commits, tombstones committed out of order) and the error log's newest id.
 * Anything more costs requests only when there is something to fetch: further pages, more tombstones, a
 * `digest` scan when tombstones were missed or the count disagrees, the error log when it grew.
 */
import { readSyncState, type SyncStateAnswer } from '../../odoo/addon-protocol';
import { CHANGE_LOG_MODEL } from '../../odoo/log-models';
import type { SyncState } from '../../store/repositories/sync-state';
import type { SyncPassResult } from '../source';
import { digestAggregator } from './deletions';
import type { PassRun } from './run';

/** How often the counts-only check is backed by a check of the sums (one `digest` call when nothing changed). */
export const DIGEST_CHECK_INTERVAL_SECONDS = 3600;

/** Runs one pass over our addon's log. */
export async function runAddonPass(run: PassRun): Promise<SyncPassResult> {
  const { store, instanceId, options, result } = run;
  let state = await run.state();
  const wasDone = state.snapshotDone;
  const cursorBefore = state.changeCursor;
  const revisionFrom = wasDone && run.refreshes ? state.revisionCursor : undefined;
  await run.saveCapabilities();

  result.requests++;
  const answer = await readSyncState(
    run.client,
    { cursor: state.changeCursor, limit: options.pageSize, fields: run.fields, tombstoneCursor: state.tombstoneCursor, refreshedSince: revisionFrom },
    run.call,
  );

  // 1. Reset: a new token means the log table was recreated.
  if (state.changeCursor > 0 && (await wasReset(run, state, answer))) {
    state = await run.startNewEpoch(state, state.logToken !== undefined && answer.log !== state.logToken ? 'the log was recreated' : `row ${state.changeCursor} changed or vanished with older ids reused`);
  }
  const fresh = state.changeCursor === 0;
  // A mirror that never saw a token (taken before protocol 2, or by the original module) cannot trust
  // the tombstones before now: its first check is a digest scan. A fresh epoch needs none before now.
  const tombstonesKnown = state.logToken !== undefined && !fresh;
  await store.syncState.update(instanceId, { logToken: answer.log, ...(tombstonesKnown ? {} : { tombstoneCursor: answer.tombstone_id }) });

  // 2. New rows: the answer's first page, then further pages while there are more.
  const firstPage = result.reset ? [] : answer.rows;
  const cut = result.reset || answer.rows.length >= options.pageSize;
  if (!state.snapshotDone) {
    if (cut) {
      const after = Math.max(state.changeCursor, firstPage.length ? firstPage[firstPage.length - 1].id : 0);
      const span = Math.max(0, answer.max_id - after);
      const count = answer.max_id > 0 ? Math.min(span, Math.round((answer.count * span) / answer.max_id)) : 0;
      await run.pull(true, firstPage, { upToId: answer.max_id, count });
    } else {
      const started = Date.now();
      await run.commit(state.epoch, firstPage, true);
      await run.finishSnapshot(firstPage.length, started);
    }
  } else if (cut) {
    await run.pull(false, firstPage);
  } else {
    await run.commit(state.epoch, firstPage, false);
  }
  state = await run.state();

  // 3. Refreshed rows (their timestamp moved); a full answer may have more behind it.
  if (revisionFrom && !result.reset) {
    await run.applyRefreshed(answer.refreshed, revisionFrom);
    if (answer.refreshed.length >= options.pageSize) {
      const last = answer.refreshed[answer.refreshed.length - 1].timestamp;
      result.requests++;
      const rest = await run.client.searchRead(CHANGE_LOG_MODEL, [['timestamp', '>=', last], ['id', '<=', answer.max_id]], { fields: run.fields, order: 'id asc' }, run.call);
      await run.applyRefreshed(rest, revisionFrom);
    }
  }

  // 4. Deletions (a fresh snapshot needs none): tombstones, then the count; a digest scan where they fall short.
  if (wasDone && !result.reset && !fresh) await findDeleted(run, state, answer, tombstonesKnown, cursorBefore);

  // 5. The error log, only when it grew.
  if (answer.error_max_id > state.errorCursor) await run.pullErrors();
  return await run.finish();
}

/** Whether the log was reset since the last pass. */
async function wasReset(run: PassRun, state: SyncState, answer: SyncStateAnswer): Promise<boolean> {
  if (state.logToken !== undefined) return answer.log !== state.logToken;
  // No token seen yet: the cursor row tells, as without the addon.
  const row = answer.cursor_row;
  if (row !== false) {
    const local = await run.store.mirror.lastRow(run.instanceId, state.epoch);
    return local !== undefined && local.serverId === state.changeCursor && (local.model !== row[0] || local.recordId !== row[1] || local.event !== row[2]);
  }
  return answer.max_id <= state.changeCursor && (await run.newestRowChanged(state.epoch));
}

/**
 * Applies the tombstones after the tombstone cursor (asking for more while the answer was cut), then
 * compares the server's row count with the mirror's. A tombstone cursor below the server's floor (some
 * were cleaned before they were read), a count that differs, or an hour without a sums check: a digest
 * scan settles it (one request when nothing is missing).
 */
async function findDeleted(run: PassRun, state: SyncState, answer: SyncStateAnswer, tombstonesKnown: boolean, cursorBefore: number): Promise<void> {
  const { store, instanceId, result } = run;
  const missed = !tombstonesKnown || (answer.tombstone_floor > 0 && state.tombstoneCursor < answer.tombstone_floor - 1);
  if (!missed) {
    let page = answer;
    await run.markRemoved(page.tombstones);
    while (page.tombstone_more) {
      result.requests++;
      page = await readSyncState(run.client, { cursor: state.changeCursor, tombstoneCursor: page.tombstone_last }, run.call);
      await run.markRemoved(page.tombstones);
    }
    await store.syncState.update(instanceId, { tombstoneCursor: page.tombstone_last });
  }
  // The answer's count covers the rows up to its newest id, and the mirror's rows up to the cursor the
  // pass started from must all be on the server; rows the pull read past both are compared next time.
  const upTo = Math.max(answer.max_id, cursorBefore);
  const due = (state.lastDeletionCheckAt ?? 0) + DIGEST_CHECK_INTERVAL_SECONDS <= run.now();
  const counted = missed || due ? undefined : (await store.mirror.presentAggregate(instanceId, state.epoch, 1, upTo)).count;
  if (upTo > 0 && (missed || due || counted !== answer.count)) {
    await run.scanDeletions(digestAggregator(run.client, { signal: run.context.signal }), upTo);
  }
  if (missed) await store.syncState.update(instanceId, { tombstoneCursor: answer.tombstone_id });
}
