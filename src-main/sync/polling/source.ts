/**
 * The polling source: watches a server without the module (Odoo Online included) with read access only.
 * One pass:
 *
 * 1. checks the models that are due ({@link dueModels}): each model's baseline until taken, the hot
 *    ones (changed less than the overlap ago) and those owed a window re-read (windows.ts), and a few
 *    idle ones in turn (the stalest first), so an idle pass costs one aggregate request per model checked;
 * 2. reads Odoo's chatter for every watched model in one request (chatter-feed.ts): tracked writes
 *    become 'tracking' events with old → new values and their author; any new message also makes its
 *    model due at once (checked after the feed in the same pass);
 * 3. drops a polling write that a tracking event of the same record already tells (a message dated
 *    within {@link PollingTuning.mergeSeconds} of the write), so a tracked write is one event;
 * 4. commits every event, record set and cursor in one transaction (store/repositories/polling.ts).
 *
 * An idle pass with ten watched models costs 1 + {@link PollingTuning.modelChecksPerPoll} requests
 * (3 by default; bench/polling.bench.ts). The same chatter step enriches the module log with tracking
 * values when an instance asks for them ({@link trackingSource}).
 */
import { IDLE_MODEL_CHECKS_PER_POLL } from '../../common/instance-input';
import { isoFromSeconds } from '../../common/time';
import { odooTimeFromSeconds, secondsFromOdooTime } from '../../odoo/datetime';
import type { DomainTerm } from '../../odoo/types';
import { MESSAGE_MODEL } from '../../odoo/watch-capabilities';
import type { MirrorChange } from '../../store/repositories/mirror';
import { trackingServerId, type ModelCursor, type PollingEvent, type PollingState } from '../../store/repositories/polling';
import type { ChangeSource, SyncPassContext, SyncPassResult } from '../source';
import { readFeed, type FeedMessage } from './chatter-feed';
import { checkModel, type ModelCheck, type ModelCheckContext } from './model-check';
import { inBatches } from './record-diff';
import { isHot, windowDue, windowSeconds } from './windows';

/** Tuning of the polling source. */
export interface PollingTuning {
  /**
   * The longest transaction whose late commit is caught (default 120 s, Odoo's default
   * `limit_time_real`): after a change, a model (and the chatter) is checked every pass for this long and
   * its window re-read every half of it (windows.ts). Ties within a second are caught by the pass after.
   */
  overlapSeconds: number;
  /** Idle models checked per pass, the stalest first (default 2: ten models in five passes). */
  modelChecksPerPoll: number;
  /** A polling write and a tracking event of the same record within this many seconds are one change (default 10). */
  mergeSeconds: number;
  /** Rows per page of changed rows and of chatter messages (default 500). */
  pageSize: number;
  /** Ids per page of a model's baseline (default 20,000). */
  baselinePageSize: number;
  /** Models checked at once, and requests in flight while comparing id ranges (default 4). */
  concurrency: number;
}

/** Defaults of {@link PollingTuning}. */
export const DEFAULT_POLLING_TUNING: PollingTuning = { overlapSeconds: 120, modelChecksPerPoll: IDLE_MODEL_CHECKS_PER_POLL, mergeSeconds: 10, pageSize: 500, baselinePageSize: 20_000, concurrency: 4 };

/** What an instance watches. */
export interface PollingSettings {
  /** The url and database polled: cursors of another server are dropped (a new baseline is taken). */
  server: string;
  /** The watched models (those this login cannot read are skipped, see Capabilities.watch). */
  models: readonly string[];
}

/**
 * What a source remembers between passes of one connection: the rows and messages already read in their
 * overlap windows, so re-reading a window costs their ids and dates only. Lost on reconnect: the next
 * pass reads the windows in full once (events are deduplicated on commit).
 */
interface Memory {
  /** Per model: `id` → `write_date` read. */
  rows: Map<string, Map<number, string>>;
  /** `mail.message` id → date read. */
  messages: Map<number, string>;
}

function newMemory(): Memory {
  return { rows: new Map(), messages: new Map() };
}

/** The source of an instance watched without the module. */
export function pollingSource(settings: PollingSettings, tuning: Partial<PollingTuning> = {}): ChangeSource {
  const options = { ...DEFAULT_POLLING_TUNING, ...tuning };
  const memory = newMemory();
  return { kind: 'polling', pass: (context) => runPass(context, settings, options, memory, true) };
}

/**
 * The module log enriched with Odoo's tracking values (an instance's `trackingValues`): the module's pass,
 * then the chatter's tracked writes of the watched models as 'tracking' events.
 */
export function trackingSource(moduleLog: ChangeSource, settings: PollingSettings, tuning: Partial<PollingTuning> = {}): ChangeSource {
  const options = { ...DEFAULT_POLLING_TUNING, ...tuning };
  const memory = newMemory();
  return {
    kind: moduleLog.kind,
    async pass(context) {
      const result = await moduleLog.pass(context);
      if (!context.capabilities.watch?.trackingValues) return result;
      const tracking = await runPass(context, settings, options, memory, false);
      return { ...result, added: result.added + tracking.added, requests: result.requests + tracking.requests };
    },
  };
}

/**
 * Which models a pass checks: not baselined yet, hot or owed a window re-read (windows.ts), then `budget`
 * idle ones, the stalest first.
 */
export function dueModels(models: readonly string[], cursors: ReadonlyMap<string, ModelCursor>, budget: number, now: number, overlapSeconds: number): string[] {
  const due = models.filter((model) => {
    const cursor = cursors.get(model);
    return !cursor || !cursor.baselineDone || isHot(cursor, now, overlapSeconds) || windowDue(cursor, now, overlapSeconds);
  });
  const idle = models
    .filter((model) => !due.includes(model))
    .map((model, index) => ({ model, index, checkedAt: cursors.get(model)?.checkedAt ?? -1 }))
    .sort((a, b) => a.checkedAt - b.checkedAt || a.index - b.index);
  return [...due, ...idle.slice(0, Math.max(0, budget)).map((entry) => entry.model)];
}

/** One pass; `poll` false reads only the chatter's tracking values (the module log's enrichment). */
async function runPass(context: SyncPassContext, settings: PollingSettings, tuning: PollingTuning, memory: Memory, poll: boolean): Promise<SyncPassResult> {
  const { store, client, capabilities, instanceId, signal } = context;
  const now = context.now?.() ?? Math.floor(Date.now() / 1000);
  const started = Date.now();
  const result: SyncPassResult = { added: 0, removed: 0, revised: 0, errorsAdded: 0, reset: false, snapshot: false, requests: 0 };
  const watch = capabilities.watch;
  const models = settings.models.filter((model) => !watch || watch.readable.includes(model));
  const syncState = await store.syncState.get(instanceId);
  const state = await store.polling.begin(instanceId, settings.server);
  if (poll) await store.syncState.update(instanceId, { capabilities, serverVersion: capabilities.version.serverVersion });
  const cursors = await store.polling.models(instanceId);
  const checkContext: ModelCheckContext = {
    client,
    store,
    instanceId,
    major: capabilities.version.major,
    now,
    overlapSeconds: tuning.overlapSeconds,
    pageSize: tuning.pageSize,
    baselinePageSize: tuning.baselinePageSize,
    concurrency: tuning.concurrency,
    signal,
    progress: (done) => context.progress?.(done),
    seen: (model) => memory.rows.get(model) ?? memory.rows.set(model, new Map()).get(model)!,
  };
  const checks: { check: ModelCheck; afterFeed: boolean }[] = [];
  const checkAll = async (list: readonly string[], afterFeed: boolean) =>
    inBatches(list, tuning.concurrency, async (model) => {
      const check = await checkModel(checkContext, model, cursors.get(model));
      result.requests += check.requests;
      cursors.set(model, check.cursor);
      checks.push({ check, afterFeed });
    });

  // 1. The models that are due.
  if (poll) await checkAll(dueModels(models, cursors, tuning.modelChecksPerPoll, now, tuning.overlapSeconds), false);

  // 2. The chatter: tracked writes, and which models moved.
  const feed = watch?.messages && models.length > 0 ? await chatterStep(context, state, models, tuning, memory.messages, now, poll ? watch.trackingValues : true) : undefined;
  if (feed) result.requests += feed.requests;

  // 3. Models the chatter says changed and that were not checked yet.
  if (poll && feed) await checkAll([...feed.moved].filter((model) => !checks.some(({ check }) => check.model === model)), true);

  // 4. One event per tracked write, then everything in one transaction.
  const events = poll ? await mergeWrites(context, checks, feed?.tracking ?? [], tuning, watch?.trackedFields ?? {}, (model, id) => checkContext.seen(model).delete(id)) : [];
  const baselines = checks.filter(({ check }) => check.baseline).length;
  const added = await store.polling.commit(
    instanceId,
    {
      epoch: syncState.epoch,
      events,
      tracking: feed?.tracking ?? [],
      records: checks.filter(({ check }) => !check.baseline).map(({ check }) => ({ model: check.model, added: check.added, removed: check.removed })),
      models: checks.map(({ check }) => check.cursor),
      state: feed?.state ?? {},
    },
    now,
  );
  result.added = added;
  if (added > 0) {
    const newest = Math.max(...events.map((event) => event.ts), ...(feed?.tracking ?? []).map((row) => row.ts));
    context.data?.({ added, removed: 0, newestTimestamp: isoFromSeconds(newest) });
  }
  if (!poll) return result;

  result.snapshot = baselines > 0;
  await store.syncState.update(instanceId, { lastSyncAt: now, snapshotDone: true });
  if (baselines > 0 && [...cursors.values()].filter((cursor) => cursor.baselineDone).length >= models.length) {
    let known = 0;
    for (const model of models) known += (await store.polling.knownAggregate(instanceId, model)).count;
    log(context, {
      kind: 'snapshot',
      message: `Watching ${models.length} models without the module: ${known} records known; changes are recorded from now on.`,
      messageKey: 'sync.polling.baseline',
      params: { models: models.length, records: known },
      durationMs: Date.now() - started,
    });
  } else if (added > 0) {
    const deleted = events.filter((event) => event.event === 'unlink').length;
    log(context, { kind: 'poll', message: `${added} new (${deleted} deleted on the server).`, messageKey: 'sync.polling.poll', params: { added, deleted }, added, durationMs: Date.now() - started });
  }
  return result;
}

/** What the chatter step found. */
interface ChatterStep {
  tracking: MirrorChange[];
  /** Models with new messages. */
  moved: Set<string>;
  state: Partial<PollingState>;
  requests: number;
}

/**
 * Reads the chatter after its cursor, and when its window is due (windows.ts) the messages of the window
 * not read yet (their ids first, cheaply); takes its baseline first.
 */
async function chatterStep(context: SyncPassContext, state: PollingState, models: readonly string[], tuning: PollingTuning, seen: Map<number, string>, now: number, withValues: boolean): Promise<ChatterStep> {
  const { client, signal } = context;
  const inModels: DomainTerm = ['model', 'in', [...models]];
  if (state.messageCursor === undefined) {
    // The baseline: history starts now.
    const [newest] = await client.searchRead(MESSAGE_MODEL, [inModels], { fields: ['date'], order: 'id desc', limit: 1 }, { signal });
    return { tracking: [], moved: new Set(), state: { messageCursor: newest?.id ?? 0, messageDate: typeof newest?.date === 'string' ? newest.date : undefined }, requests: 1 };
  }
  const cursor = state.messageCursor;
  const next: Partial<PollingState> = {};
  let requests = 0;
  let late: number[] = [];
  if (state.messageDate && windowDue(state, now, tuning.overlapSeconds)) {
    const since = odooTimeFromSeconds(secondsFromOdooTime(state.messageDate) - windowSeconds(tuning.overlapSeconds));
    for (const [id, date] of seen) if (date < since) seen.delete(id);
    requests++;
    const window = await client.search(MESSAGE_MODEL, [inModels, ['date', '>=', since], ['id', '<=', cursor]], { order: 'id asc' }, { signal });
    late = window.filter((id) => !seen.has(id));
    next.windowReadAt = now;
  }
  const feed = await readFeed(client, { models, after: cursor, also: late, withValues, major: context.capabilities.version.major, pageSize: tuning.pageSize, signal });
  requests += feed.requests;
  for (const message of feed.messages) seen.set(message.id, message.date);
  const fresh = feed.messages.filter((message) => message.id > cursor);
  if (fresh.length > 0) {
    next.messageCursor = Math.max(...fresh.map((message) => message.id));
    next.changedAt = now;
  }
  const newestDate = feed.messages.reduce<string | undefined>((max, message) => (max === undefined || message.date > max ? message.date : max), state.messageDate);
  if (newestDate !== state.messageDate) next.messageDate = newestDate;
  return { tracking: feed.messages.filter((message) => message.values).map(trackingRow), moved: new Set(feed.messages.filter((message) => message.id > cursor || late.includes(message.id)).map((message) => message.model)), state: next, requests };
}

/** A tracked write as a mirror row: one per message, by its author, with its values. */
function trackingRow(message: FeedMessage): MirrorChange {
  const values = message.values ?? [];
  return {
    serverId: trackingServerId(message.id),
    model: message.model,
    recordId: message.resId,
    event: 'write',
    ts: secondsFromOdooTime(message.date),
    userName: message.author,
    changedFields: values.map((change) => change.field).join(','),
    values,
    origin: 'tracking',
  };
}

/**
 * The polling events to commit: writes that a tracking event of the same record tells (this pass's or a
 * mirrored one, dated within `mergeSeconds` after the write) are dropped. A write found after the chatter
 * was read, on a model with tracked fields, waits for the next pass (its model stays warm and its window
 * is re-read), so the chatter is always read after the write it may tell.
 */
async function mergeWrites(
  context: SyncPassContext,
  checks: readonly { check: ModelCheck; afterFeed: boolean }[],
  tracking: readonly MirrorChange[],
  tuning: PollingTuning,
  trackedFields: Record<string, string[]>,
  forget: (model: string, id: number) => void,
): Promise<PollingEvent[]> {
  const told = new Map<string, number[]>();
  for (const row of tracking) {
    const key = `${row.model}\u0000${row.recordId}`;
    (told.get(key) ?? told.set(key, []).get(key)!).push(row.ts);
  }
  const events: PollingEvent[] = [];
  for (const { check, afterFeed } of checks) {
    for (const event of check.events) {
      if (event.event !== 'write') {
        events.push(event);
        continue;
      }
      const within = (ts: number) => ts >= event.ts && ts <= event.ts + tuning.mergeSeconds;
      if (told.get(`${event.model}\u0000${event.recordId}`)?.some(within)) continue;
      if (await context.store.polling.trackingWithin(context.instanceId, event.model, event.recordId, event.ts, event.ts + tuning.mergeSeconds)) continue;
      if (afterFeed && (trackedFields[event.model]?.length ?? 0) > 0) {
        const at = odooTimeFromSeconds(event.ts);
        if (check.cursor.writeCursor === undefined || at < check.cursor.writeCursor) check.cursor.writeCursor = at;
        check.cursor.changedAt = check.cursor.checkedAt; // hot: read again from the lowered cursor next pass
        forget(event.model, event.recordId);
        continue;
      }
      events.push(event);
    }
  }
  return events;
}

function log(context: SyncPassContext, entry: { kind: string; message: string; messageKey: string; params: Record<string, number>; added?: number; durationMs?: number }): void {
  context.log?.({ instanceId: context.instanceId, level: 'info', ...entry });
}
