/**
 * The module-log source: one pass over `update.webhook` (the original module or our addon) and
 * `webhook.errors`: reset check, snapshot or incremental pull by id cursor, refreshed rows (our addon's
 * revisions), deletion detection and the error log. Every page of rows is committed with its cursor in
 * one transaction, so a pass interrupted at any point resumes where it stopped.
 *
 * Two flows: with our addon's protocol 2, one `sync_state` call answers the whole idle poll
 * (addon-pass.ts); with any other module, the steps below, at two requests per idle poll.
 */
import { CHANGE_LOG_MODEL } from '../../odoo/log-models';
import type { OdooRecord } from '../../odoo/types';
import type { ChangeSource, SyncPassContext, SyncPassResult } from '../source';
import { runAddonPass } from './addon-pass';
import { groupTotalsAggregator, serverAggregate } from './deletions';
import { sameRow, toMirrorChange } from './rows';
import { PassRun } from './run';

/** Reads the module's change log: the source wherever `update.webhook` exists and is readable. */
export const moduleLogSource: ChangeSource = { kind: 'module-log', pass: runModuleLogPass };

/** Runs one pass. Rejects with the client's OcmError on failure; what was committed stays committed. */
function runModuleLogPass(context: SyncPassContext): Promise<SyncPassResult> {
  const run = new PassRun(context);
  return (context.capabilities.addonProtocol ?? 0) >= 2 ? runAddonPass(run) : runClassicPass(run);
}

/** The pass with the original module (or protocol 1): plain ORM calls. */
async function runClassicPass(run: PassRun): Promise<SyncPassResult> {
  const { store, client, instanceId, options, result, fields, refreshes, call } = run;
  let state = await run.state();
  // Refreshes are looked for from the newest timestamp seen before this pass's new rows moved it.
  const revisionFrom = state.revisionCursor;
  await run.saveCapabilities();

  // 1. Reset check, folded into the first incremental request: read from the cursor row onwards.
  let firstPage: OdooRecord[] | undefined;
  if (state.changeCursor > 0) {
    const local = await store.mirror.lastRow(instanceId, state.epoch);
    const limit = state.snapshotDone ? options.pageSize : 2;
    result.requests++;
    const rows = await client.searchRead(CHANGE_LOG_MODEL, [['id', '>=', state.changeCursor]], { fields, limit, order: 'id asc' }, call);
    let reset = false;
    if (rows.length > 0 && rows[0].id === state.changeCursor) {
      reset = local !== undefined && local.serverId === state.changeCursor && !sameRow(local, toMirrorChange(rows[0]), refreshes);
    } else if (rows.length === 0) {
      reset = await run.newestRowChanged(state.epoch);
    }
    if (reset) {
      state = await run.startNewEpoch(state, `row ${state.changeCursor} changed or vanished with older ids reused`);
    } else {
      firstPage = rows.filter((row) => row.id > state.changeCursor);
      if (rows.length < limit) {
        // Everything after the cursor is in hand: no need to page further.
        await run.commit(state.epoch, firstPage, !state.snapshotDone);
        firstPage = [];
        if (!state.snapshotDone) await store.syncState.update(instanceId, { snapshotDone: true });
        state = await run.state();
      }
    }
  }

  // 2. Snapshot or incremental pull, pipelined pages by id.
  if (firstPage === undefined || firstPage.length > 0) {
    await run.pull(!state.snapshotDone, firstPage);
    state = await run.state();
  }

  // 3. Refreshed rows (our addon): rows whose timestamp moved to or past the newest one seen.
  if (refreshes && revisionFrom && !result.reset && state.changeCursor > 0) {
    result.requests++;
    await run.applyRefreshed(await client.searchRead(CHANGE_LOG_MODEL, [['timestamp', '>=', revisionFrom], ['id', '<=', state.changeCursor]], { fields, order: 'id asc' }, call), revisionFrom);
  }

  // 4. Deletions: compare the aggregate of the mirrored id range with the local copy (not right after a
  // snapshot: it is fresh). The top-level comparison needs no local rows: most polls stop at one request.
  if (state.snapshotDone && state.changeCursor > 0 && !result.snapshot) {
    const aggregator = groupTotalsAggregator(client, run.context.capabilities.version.major, { sums: options.deletionSums, signal: run.context.signal });
    const mine = await store.mirror.presentAggregate(instanceId, state.epoch, 1, state.changeCursor);
    const top = await serverAggregate(aggregator, 1, state.changeCursor, mine);
    result.requests += top.requests;
    const theirs = top.aggregate;
    const same = theirs.count === mine.count && (theirs.idSum === undefined || (theirs.idSum === mine.ids && theirs.recordSum === mine.records));
    if (same) await store.syncState.update(instanceId, { lastDeletionCheckAt: run.now() });
    else await run.scanDeletions(aggregator, state.changeCursor, theirs);
  }

  // 5. The error log, when this user may read it.
  await run.pullErrors();
  return await run.finish();
}
