/**
 * The steps of one module-log pass, shared by its two flows (pass.ts: any module; addon-pass.ts: our
 * addon's protocol 2): committing pages with their cursor, pulling pages, storing refreshed rows as
 * revisions, scanning for deleted rows, the error log, a reset, and the pass's closing log line.
 */
import type { InstanceId } from '../../common/model';
import { isoFromSeconds } from '../../common/time';
import { odooTimeFromSeconds, secondsFromOdooTime } from '../../odoo/datetime';
import { CHANGE_LOG_MODEL, ERROR_LOG_FIELDS, ERROR_LOG_MODEL } from '../../odoo/log-models';
import type { CallOptions, OdooClient, OdooRecord } from '../../odoo/types';
import type { MirrorChange } from '../../store/repositories/mirror';
import type { SyncState } from '../../store/repositories/sync-state';
import { DEFAULT_PASS_OPTIONS, type SyncPassContext, type SyncPassOptions, type SyncPassResult, type SyncPassStore } from '../source';
import { findDeletions, type RangeAggregate, type RangeAggregator } from './deletions';
import { changeFields, sameRow, toMirrorChange, toMirrorError } from './rows';

/** Bounds of a snapshot's remaining span, when already known (they cost a request otherwise). */
export interface SnapshotBounds {
  upToId: number;
  /** Rows expected in the span (sizes the pipelined ranges). */
  count: number;
}

/** How old the newest second seen must be before idle passes stop re-reading it (see {@link PassRun.applyRefreshed}). */
const REFRESH_SETTLE_SECONDS = 60;

/** One pass in progress: its context, tuning and running result. */
export class PassRun {
  readonly store: SyncPassStore;
  readonly client: OdooClient;
  readonly instanceId: InstanceId;
  readonly options: SyncPassOptions;
  readonly call: CallOptions;
  /** update.webhook fields to read. */
  readonly fields: string[];
  /** Our addon refreshes rows (their timestamp moves); each refresh seen is a new revision. */
  readonly refreshes: boolean;
  readonly result: SyncPassResult = { added: 0, removed: 0, revised: 0, errorsAdded: 0, reset: false, snapshot: false, requests: 0 };
  readonly now: () => number;
  private readonly started = Date.now();

  constructor(readonly context: SyncPassContext) {
    this.store = context.store;
    this.client = context.client;
    this.instanceId = context.instanceId;
    this.options = { ...DEFAULT_PASS_OPTIONS, ...context.options };
    this.call = { signal: context.signal };
    this.fields = changeFields(context.capabilities.richFields);
    this.refreshes = context.capabilities.richFields.includes('change_count');
    this.now = context.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** This instance's sync state as committed. */
  async state(): Promise<SyncState> {
    return await this.store.syncState.get(this.instanceId);
  }

  log(entry: Omit<Parameters<NonNullable<SyncPassContext['log']>>[0], 'instanceId'>): void {
    this.context.log?.({ instanceId: this.instanceId, ...entry });
  }

  /** Keeps what the server said it can do with the sync state. */
  async saveCapabilities(): Promise<void> {
    const { capabilities } = this.context;
    await this.store.syncState.update(this.instanceId, { capabilities, serverVersion: capabilities.version.serverVersion });
  }

  /** The log was reset: the current rows become history, a new epoch starts. Returns the fresh state. */
  async startNewEpoch(state: SyncState, why: string): Promise<SyncState> {
    const { epoch, removed } = await this.store.mirror.startNewEpoch(this.instanceId, state.epoch, this.now());
    this.log({ level: 'warning', kind: 'reset', message: `The server's change log was reset (${why}): ${removed} rows kept as history, taking a new snapshot (epoch ${epoch}).`, messageKey: 'sync.reset', params: { row: state.changeCursor, removed, epoch }, removed });
    this.result.reset = true;
    this.result.removed += removed;
    this.context.data?.({ added: 0, removed });
    return await this.state();
  }

  /**
   * The cursor row is gone and nothing is newer: either the newest rows were deleted, or the log was
   * reset. The server's newest row tells: if the mirror holds it unchanged, rows were only deleted.
   */
  async newestRowChanged(epoch: number): Promise<boolean> {
    this.result.requests++;
    const newest = await this.client.searchRead(CHANGE_LOG_MODEL, [], { fields: this.fields, limit: 1, order: 'id desc' }, this.call);
    if (newest.length === 0) return false;
    const known = await this.store.mirror.rowIdentity(this.instanceId, epoch, newest[0].id);
    return known === undefined || !sameRow(known, toMirrorChange(newest[0]), this.refreshes);
  }

  /** Converts and commits one page with its cursor; announces what was new. Returns how many rows were new. */
  async commit(epoch: number, records: readonly OdooRecord[], snapshot: boolean): Promise<number> {
    if (records.length === 0) return 0;
    const rows = records.map(toMirrorChange);
    const cursor = records[records.length - 1].id;
    const state = await this.state();
    const newest = maxTimestamp(rows);
    const advance: { changeCursor: number; revisionCursor?: string } = { changeCursor: Math.max(cursor, state.changeCursor) };
    if (newest !== undefined) advance.revisionCursor = newest;
    const added = await this.store.mirror.insertChanges(this.instanceId, epoch, rows, advance, this.now());
    if (added > 0 && !snapshot) this.context.data?.({ added, removed: 0, newestTimestamp: isoFromSeconds(maxSeconds(rows)) });
    if (added > 0 && snapshot) this.context.data?.({ added, removed: 0 });
    this.result.added += added;
    return added;
  }

  /**
   * Snapshot or incremental pull by id from the cursor, `firstPage` (already read from the cursor) first.
   * A snapshot pipelines id ranges up to `bounds` (learnt with one round trip when not given), drops the
   * read indexes while it loads many rows, and is marked done at its end.
   */
  async pull(snapshot: boolean, firstPage: readonly OdooRecord[] = [], bounds?: SnapshotBounds): Promise<void> {
    const { store, instanceId, options, result } = this;
    const epoch = (await this.state()).epoch;
    const started = Date.now();
    let done = 0;
    let total: number | undefined;
    result.snapshot ||= snapshot;
    if (firstPage.length > 0) {
      await this.commit(epoch, firstPage, snapshot);
      done += firstPage.length;
    }
    const afterId = (await this.state()).changeCursor;
    let pages: AsyncIterable<OdooRecord[]>;
    let bulkLoad = false;
    if (snapshot) {
      if (!bounds) {
        // The bounds (newest id, rows to go) in one round trip.
        result.requests += 2;
        const [newest, count] = await Promise.all([
          this.client.search(CHANGE_LOG_MODEL, [['id', '>', afterId]], { limit: 1, order: 'id desc' }, this.call),
          this.client.searchCount(CHANGE_LOG_MODEL, [['id', '>', afterId]], undefined, this.call),
        ]);
        bounds = { upToId: newest[0] ?? afterId, count };
      }
      total = done + bounds.count;
      this.log(
        afterId > 0
          ? { level: 'info', kind: 'snapshot', message: `Resuming the snapshot after row ${afterId}: ${bounds.count} rows to go.`, messageKey: 'sync.snapshot.resume', params: { row: afterId, rows: bounds.count } }
          : { level: 'info', kind: 'snapshot', message: `Taking a snapshot: ${bounds.count} rows.`, messageKey: 'sync.snapshot.start', params: { rows: bounds.count } },
      );
      pages = this.client.pages(CHANGE_LOG_MODEL, { afterId, upToId: Math.max(afterId, bounds.upToId), count: bounds.count, pageSize: options.pageSize, pipelineDepth: options.pipelineDepth, fields: this.fields, signal: this.context.signal });
      // A large first load goes faster without the read-only indexes; they are built once at its end.
      bulkLoad = await store.mirror.beginBulkLoad(instanceId, bounds.count);
    } else {
      pages = this.client.pages(CHANGE_LOG_MODEL, { afterId, pageSize: options.pageSize, fields: this.fields, signal: this.context.signal });
    }
    this.context.progress?.(done, total);
    try {
      for await (const page of pages) {
        result.requests++;
        await this.commit(epoch, page, snapshot);
        done += page.length;
        this.context.progress?.(done, total);
        // Only the pages in flight are left: build the read indexes now, while the server still works on
        // them, rather than after the last one (the few rows left are inserted with their indexes).
        if (bulkLoad && total !== undefined && total - done <= options.pipelineDepth * options.pageSize) {
          bulkLoad = false;
          await store.mirror.endBulkLoad(instanceId);
        }
      }
    } finally {
      if (bulkLoad) await store.mirror.endBulkLoad(instanceId);
    }
    if (snapshot) await this.finishSnapshot(done, started);
  }

  /** Marks the snapshot done: a fresh snapshot needs no deletion check for a while. */
  async finishSnapshot(rows: number, started: number): Promise<void> {
    this.result.snapshot = true;
    await this.store.syncState.update(this.instanceId, { snapshotDone: true, lastDeletionCheckAt: this.now() });
    this.log({ level: 'info', kind: 'snapshot', message: `Snapshot complete: ${rows} rows.`, messageKey: 'sync.snapshot.done', params: { rows }, added: this.result.added, durationMs: Date.now() - started });
  }

  /**
   * Stores the rows among `records` (rows read with `timestamp >= from`) whose timestamp or count moved
   * since their latest revision as new revisions.
   *
   * The newest second seen is looked at again by the next pass (a refresh in that same second may have
   * committed after this one read it). Once that second is a minute old (by this machine's clock) and a
   * pass re-read it and found nothing new at all, the cursor steps one second past it, so idle polls stop
   * re-reading the newest rows: what is left uncaught is a refresh stamped with that second that commits
   * more than a poll and a minute later, the same window as a late row.
   */
  async applyRefreshed(records: readonly OdooRecord[], from: string): Promise<void> {
    const { store, instanceId } = this;
    const epoch = (await this.state()).epoch;
    const changes = records.map(toMirrorChange);
    const latest = await store.mirror.latestRevisions(instanceId, epoch, changes.map((row) => row.serverId));
    const revisions: MirrorChange[] = [];
    for (const row of changes) {
      const known = latest.get(row.serverId);
      if (!known) continue; // a late row: deletion detection fetches it
      if (known.ts !== row.ts || (known.changeCount ?? null) !== (row.changeCount ?? null)) revisions.push({ ...row, revision: known.revision + 1 });
    }
    let newest = maxTimestamp(changes);
    const second = secondsFromOdooTime(from);
    const quiet = revisions.length === 0 && this.result.added === 0 && (newest === undefined || newest <= from);
    if (quiet && second + REFRESH_SETTLE_SECONDS <= this.now()) newest = odooTimeFromSeconds(second + 1);
    if (revisions.length === 0 && newest === undefined) return;
    const added = await store.mirror.insertChanges(instanceId, epoch, revisions, newest === undefined ? {} : { revisionCursor: newest }, this.now());
    this.result.revised += added;
    if (added > 0) this.context.data?.({ added, removed: 0, newestTimestamp: isoFromSeconds(maxSeconds(revisions)) });
  }

  /**
   * Compares the mirror's present rows up to `upTo` with the server's through `aggregator`, marks the
   * rows gone from the server removed and fetches rows committed late below the cursor.
   */
  async scanDeletions(aggregator: RangeAggregator, upTo: number, knownServer?: RangeAggregate): Promise<void> {
    const { store, instanceId, options, result } = this;
    const epoch = (await this.state()).epoch;
    // Fetch a range's ids only when that costs about one more request: ~0.7 KB per JSON-RPC request vs ~7 B
    // per id, ~1.6 KB per XML-RPC request vs ~32 B per id (bench/sync.bench.ts). Splitting is usually
    // cheaper, since a part missing one or two rows is named by its sums.
    const leafSize = options.deletionLeafSize ?? (this.client.transport === 'xmlrpc' ? 32 : 64);
    const local = await store.mirror.presentRows(instanceId, epoch, 1, upTo);
    const scan = await findDeletions(this.client, aggregator, local, upTo, { leafSize, concurrency: options.deletionConcurrency, signal: this.context.signal }, knownServer);
    result.requests += scan.requests;
    await this.markRemoved(scan.removed);
    if (scan.missing.length > 0) {
      result.requests++;
      const late = await this.client.searchRead(CHANGE_LOG_MODEL, [['id', 'in', scan.missing]], { fields: this.fields, order: 'id asc' }, this.call);
      await this.commit(epoch, late, false);
    }
    await store.syncState.update(instanceId, { lastDeletionCheckAt: this.now() });
  }

  /** Marks these server rows removed by the server (rows not mirrored, or already removed, are skipped). */
  async markRemoved(serverIds: readonly number[]): Promise<void> {
    if (serverIds.length === 0) return;
    const removed = await this.store.mirror.markRemoved(this.instanceId, (await this.state()).epoch, serverIds, 'server', this.now());
    this.result.removed += removed;
    if (removed > 0) this.context.data?.({ added: 0, removed });
  }

  /** The error log from the error cursor on, when this user may read it. */
  async pullErrors(): Promise<void> {
    if (this.context.capabilities.errorLog !== 'readable') return;
    const { epoch, errorCursor } = await this.state();
    for await (const page of this.client.pages(ERROR_LOG_MODEL, { afterId: errorCursor, pageSize: this.options.pageSize, fields: [...ERROR_LOG_FIELDS], signal: this.context.signal })) {
      this.result.requests++;
      const added = await this.store.mirror.insertErrors(this.instanceId, epoch, page.map(toMirrorError), { errorCursor: page[page.length - 1].id }, this.now());
      this.result.errorsAdded += added;
    }
  }

  /** Records the pass and logs what an incremental pass changed. */
  async finish(): Promise<SyncPassResult> {
    const { result } = this;
    await this.store.syncState.update(this.instanceId, { lastSyncAt: this.now() });
    if (!result.snapshot && (result.added > 0 || result.removed > 0 || result.revised > 0 || result.errorsAdded > 0)) {
      const parts = [`${result.added} new`, `${result.removed} removed on the server`];
      if (result.revised > 0) parts.push(`${result.revised} refreshed`);
      if (result.errorsAdded > 0) parts.push(`${result.errorsAdded} new errors`);
      const params = { added: result.added, removed: result.removed, refreshed: result.revised, errors: result.errorsAdded };
      this.log({ level: 'info', kind: 'poll', message: parts.join(', ') + '.', messageKey: 'sync.poll', params, added: result.added, removed: result.removed, durationMs: Date.now() - this.started });
    }
    return result;
  }
}

function maxSeconds(rows: readonly MirrorChange[]): number {
  let max = -Infinity;
  for (const row of rows) if (row.ts > max) max = row.ts;
  return max;
}

function maxTimestamp(rows: readonly MirrorChange[]): string | undefined {
  const max = maxSeconds(rows);
  return max === -Infinity ? undefined : odooTimeFromSeconds(max);
}
