/**
 * The polling source's own state on PostgreSQL (`polling_state`, `polling_models`, `polling_records`),
 * with the meaning of the SQLite PollingRepository (store/repositories/polling.ts, whose types and
 * synthetic server ids are reused): cursors per instance and per watched model, the records each model
 * had when last checked, and a pass's events committed to the mirror in the same transaction as the
 * cursors and record sets they move, so a crash can neither lose nor double an event.
 *
 * Record sets can hold hundreds of thousands of ids: they go to the server as one array parameter and
 * come back through `= ANY` or `unnest`, one statement per set whatever its size.
 *
 * Two collectors committing for one instance at once are serialized on its `polling_state` row (locked
 * first): the second then sees the first's events, so it neither doubles them nor reuses their numbers.
 */
import type { InstanceId } from '../../../common/model';
import type { CursorAdvance, MirrorChange } from '../../repositories/mirror';
import { modelCursorOf, pollingServerId, pollingStateOf, type ModelCursor, type ModelCursorRow, type PollingCommit, type PollingState, type PollingStateRow } from '../../repositories/polling';
import type { PollingPort } from '../../ports';
import type { PgConnection, PgValue } from '../connection';
import type { PgTransaction } from '../insert-hook';

/** The one thing the polling repository needs of the PostgreSQL mirror: inserting changes inside its transaction. */
export interface PgPollingMirror {
  /** Inserts change rows (already mirrored ones skipped) and advances the cursors within `tx`; returns how many rows were new. */
  insertChangesIn(tx: PgTransaction, instanceId: InstanceId, epoch: number, rows: readonly MirrorChange[], advance: CursorAdvance, seenAt: number): Promise<number>;
}

/** A pool or a transaction: both run `unsafe`. */
type Runner = PgConnection | PgTransaction;

const SELECT_STATE = 'SELECT server, message_cursor, message_date, changed_at, window_read_at FROM polling_state WHERE instance_id = $1';

/**
 * The instance's first state row. Its event numbers continue after any polling event already mirrored:
 * a number given again would be a server row the mirror already holds, so the new event would be
 * dropped. `ocm store migrate` copies the polling state with the rows (next_event included, so a copied
 * instance keeps its cursors and numbering and begin finds its row); this guards rows that came without
 * their state (a copy by a release that did not copy it). (In SQLite the state row and the rows come and
 * go together, so this is 0 there too.) Another begin that got there first is restarted instead.
 */
const FIRST_STATE = `
INSERT INTO polling_state (instance_id, server, next_event)
VALUES ($1, $2, (SELECT coalesce(max((-server_id - 1) / 2) + 1, 0) FROM changes WHERE instance_id = $1 AND origin = 'polling' AND server_id < 0))
ON CONFLICT (instance_id) DO UPDATE SET server = excluded.server, message_cursor = NULL, message_date = NULL, changed_at = NULL, window_read_at = NULL`;

/** Another server for the instance: its cursors start over, its event numbers go on. */
const RESTART_STATE = 'UPDATE polling_state SET server = $2, message_cursor = NULL, message_date = NULL, changed_at = NULL, window_read_at = NULL WHERE instance_id = $1';

/** Adds ids to a model's record set; ids already there (or given twice) are kept once. */
const ADD_RECORDS = `
INSERT INTO polling_records (instance_id, model, record_id)
SELECT $1, $2, record_id FROM unnest($3::bigint[]) AS ids (record_id)
ON CONFLICT (instance_id, model, record_id) DO NOTHING`;

const REMOVE_RECORDS = 'DELETE FROM polling_records WHERE instance_id = $1 AND model = $2 AND record_id = ANY($3::bigint[])';

/** Saves model cursors, one row each (the caller gives each model once). */
const SAVE_MODELS = `
INSERT INTO polling_models (instance_id, model, write_cursor, baseline_after, baseline_done, checked_at, changed_at, window_read_at)
SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]::boolean[], $6::bigint[], $7::bigint[], $8::bigint[])
ON CONFLICT (instance_id, model) DO UPDATE SET write_cursor = excluded.write_cursor, baseline_after = excluded.baseline_after,
  baseline_done = excluded.baseline_done, checked_at = excluded.checked_at, changed_at = excluded.changed_at, window_read_at = excluded.window_read_at`;

/** The natural keys (model, record, event, time) among the given ones that already have a mirrored polling event. */
const MIRRORED_EVENTS = `
SELECT DISTINCT given.model, given.record_id, given.event, given.ts
FROM unnest($2::text[], $3::bigint[], $4::text[], $5::bigint[]) AS given (model, record_id, event, ts)
WHERE EXISTS (
  SELECT 1 FROM changes
  WHERE changes.model = given.model AND changes.record_id = given.record_id AND changes.ts = given.ts
    AND changes.instance_id = $1 AND changes.event = given.event AND changes.origin = 'polling'
)`;

/** The natural key of a polling event. */
function eventKey(model: string, recordId: number, event: string, ts: number): string {
  return `${model}\u0000${recordId}\u0000${event}\u0000${ts}`;
}

/** Reads and writes the polling source's tables in PostgreSQL. */
export class PgPollingRepository implements PollingPort {
  constructor(
    private readonly sql: PgConnection,
    private readonly mirror: PgPollingMirror,
  ) {}

  /** The instance's state, or undefined before its first pass. */
  async state(instanceId: InstanceId): Promise<PollingState | undefined> {
    return readState(this.sql, instanceId);
  }

  /**
   * Starts polling `server` for the instance: kept as it is when it already polls that server, else its
   * cursors and record sets are cleared (a new baseline follows). Event numbers are never reused.
   */
  async begin(instanceId: InstanceId, server: string): Promise<PollingState> {
    return (await this.sql.begin(async (tx) => {
      const [current] = (await tx.unsafe(`${SELECT_STATE} FOR UPDATE`, [instanceId], { prepare: true })) as unknown as PollingStateRow[];
      if (current?.server === server) return pollingStateOf(current);
      await tx.unsafe('DELETE FROM polling_models WHERE instance_id = $1', [instanceId], { prepare: true });
      await tx.unsafe('DELETE FROM polling_records WHERE instance_id = $1', [instanceId], { prepare: true });
      await tx.unsafe(current ? RESTART_STATE : FIRST_STATE, [instanceId, server], { prepare: true });
      return (await readState(tx, instanceId))!;
    })) as PollingState;
  }

  /** The cursors of the instance's models, by model (models never checked are absent). */
  async models(instanceId: InstanceId): Promise<Map<string, ModelCursor>> {
    const rows = (await this.sql.unsafe(
      'SELECT model, write_cursor, baseline_after, baseline_done, checked_at, changed_at, window_read_at FROM polling_models WHERE instance_id = $1',
      [instanceId],
      { prepare: true },
    )) as unknown as ModelCursorRow[];
    return new Map(rows.map((row) => [row.model, modelCursorOf(row)]));
  }

  /** Count and sum of the ids of the records a model had when last checked. */
  async knownAggregate(instanceId: InstanceId, model: string): Promise<{ count: number; sum: number }> {
    const [row] = (await this.sql.unsafe(
      'SELECT count(*) AS count, coalesce(sum(record_id), 0)::bigint AS sum FROM polling_records WHERE instance_id = $1 AND model = $2',
      [instanceId, model],
      { prepare: true },
    )) as unknown as { count: number; sum: number }[];
    return { count: row.count, sum: row.sum };
  }

  /** The known record ids of a model, ascending. */
  async knownIds(instanceId: InstanceId, model: string): Promise<number[]> {
    const rows = (await this.sql.unsafe('SELECT record_id FROM polling_records WHERE instance_id = $1 AND model = $2 ORDER BY record_id', [instanceId, model], {
      prepare: true,
    })) as unknown as { record_id: number }[];
    return rows.map((row) => row.record_id);
  }

  /** Which of `ids` are known records of the model (one statement however many ids). */
  async knownAmong(instanceId: InstanceId, model: string, ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = (await this.sql.unsafe('SELECT record_id FROM polling_records WHERE instance_id = $1 AND model = $2 AND record_id = ANY($3::bigint[])', [instanceId, model, ids] as never[], {
      prepare: true,
    })) as unknown as { record_id: number }[];
    return new Set(rows.map((row) => row.record_id));
  }

  /** Adds one page of the first scan of a model and moves its cursor, in one transaction. */
  async addBaseline(instanceId: InstanceId, model: string, ids: readonly number[], cursor: ModelCursor): Promise<void> {
    await this.sql.begin(async (tx) => {
      await addRecords(tx, instanceId, model, ids);
      await saveModels(tx, instanceId, [cursor]);
    });
  }

  /** Whether a tracking event of the record is mirrored with a time in `[from, to]` (Unix seconds). */
  async trackingWithin(instanceId: InstanceId, model: string, recordId: number, from: number, to: number): Promise<boolean> {
    const rows = await this.sql.unsafe(
      "SELECT 1 FROM changes WHERE model = $1 AND record_id = $2 AND ts BETWEEN $3 AND $4 AND instance_id = $5 AND origin = 'tracking' LIMIT 1",
      [model, recordId, from, to, instanceId],
      { prepare: true },
    );
    return rows.length > 0;
  }

  /**
   * Commits one pass: numbers the new polling events (skipping those already mirrored), inserts them
   * and the tracking events, applies the record sets and the cursors, all in one transaction. Returns
   * how many rows were new.
   */
  async commit(instanceId: InstanceId, commit: PollingCommit, seenAt: number): Promise<number> {
    return (await this.sql.begin(async (tx) => {
      // Locked first: a concurrent commit for the instance waits here, then sees this one's events.
      const [state] = (await tx.unsafe('SELECT next_event FROM polling_state WHERE instance_id = $1 FOR UPDATE', [instanceId], { prepare: true })) as unknown as { next_event: number }[];
      let next = Number(state?.next_event ?? 0);
      const seen = await mirroredEvents(tx, instanceId, commit.events);
      const rows: MirrorChange[] = [...commit.tracking];
      for (const event of commit.events) {
        const key = eventKey(event.model, event.recordId, event.event, event.ts);
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({ serverId: pollingServerId(next++), model: event.model, recordId: event.recordId, event: event.event, ts: event.ts, userName: event.userName ?? null, origin: 'polling' });
      }
      const inserted = rows.length > 0 ? await this.mirror.insertChangesIn(tx, instanceId, commit.epoch, rows, {}, seenAt) : 0;
      for (const { model, added, removed } of commit.records) {
        await addRecords(tx, instanceId, model, added);
        if (removed.length > 0) await tx.unsafe(REMOVE_RECORDS, [instanceId, model, removed] as never[], { prepare: true });
      }
      await saveModels(tx, instanceId, commit.models);
      await saveState(tx, instanceId, commit.state ?? {}, next);
      return inserted;
    })) as number;
  }
}

async function readState(runner: Runner, instanceId: InstanceId): Promise<PollingState | undefined> {
  const [row] = (await runner.unsafe(SELECT_STATE, [instanceId], { prepare: true })) as unknown as PollingStateRow[];
  return row ? pollingStateOf(row) : undefined;
}

/** The natural keys of `events` already mirrored as polling events of the instance (one statement). */
async function mirroredEvents(tx: PgTransaction, instanceId: InstanceId, events: PollingCommit['events']): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const columns: PgValue[] = [events.map((event) => event.model), events.map((event) => event.recordId), events.map((event) => event.event), events.map((event) => event.ts)];
  const rows = (await tx.unsafe(MIRRORED_EVENTS, [instanceId, ...columns] as never[], { prepare: true })) as unknown as { model: string; record_id: number; event: string; ts: number }[];
  return new Set(rows.map((row) => eventKey(row.model, row.record_id, row.event, row.ts)));
}

async function addRecords(tx: PgTransaction, instanceId: InstanceId, model: string, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await tx.unsafe(ADD_RECORDS, [instanceId, model, ids] as never[], { prepare: true });
}

/** Upserts model cursors in one statement; a model given twice keeps its last cursor, as saving them in turn would. */
async function saveModels(tx: PgTransaction, instanceId: InstanceId, cursors: readonly ModelCursor[]): Promise<void> {
  if (cursors.length === 0) return;
  const last = [...new Map(cursors.map((cursor) => [cursor.model, cursor])).values()];
  const columns: PgValue[] = [
    last.map((cursor) => cursor.model),
    last.map((cursor) => cursor.writeCursor ?? null),
    last.map((cursor) => cursor.baselineAfter),
    // As text: postgres.js sends an array of booleans as one boolean.
    last.map((cursor) => String(cursor.baselineDone)),
    last.map((cursor) => cursor.checkedAt ?? null),
    last.map((cursor) => cursor.changedAt ?? null),
    last.map((cursor) => cursor.windowReadAt ?? null),
  ];
  await tx.unsafe(SAVE_MODELS, [instanceId, ...columns] as never[], { prepare: true });
}

/** Moves the instance's event number and the state fields the commit names (a field given as undefined is cleared). */
async function saveState(tx: PgTransaction, instanceId: InstanceId, state: NonNullable<PollingCommit['state']>, nextEvent: number): Promise<void> {
  const values: PgValue[] = [instanceId, nextEvent];
  const sets = ['next_event = $2::bigint'];
  const set = (column: string, value: string | number | undefined, type: string) => {
    values.push(value ?? null);
    sets.push(`${column} = $${values.length}::${type}`);
  };
  if ('messageCursor' in state) set('message_cursor', state.messageCursor, 'bigint');
  if ('messageDate' in state) set('message_date', state.messageDate, 'text');
  if ('changedAt' in state) set('changed_at', state.changedAt, 'bigint');
  if ('windowReadAt' in state) set('window_read_at', state.windowReadAt, 'bigint');
  await tx.unsafe(`UPDATE polling_state SET ${sets.join(', ')} WHERE instance_id = $1`, values as never[], { prepare: true });
}
