/**
 * The polling source's state on PostgreSQL (PgPollingRepository) against the SQLite PollingRepository:
 * every scenario runs on a real SQLite file (openStore in a temp folder) and a real PostgreSQL, and both
 * must answer identically (states, cursors, record sets, the events a commit mirrors and their numbers,
 * through each store's own mirror repository: SQLite's MirrorRepository, PostgreSQL's PgMirrorRepository).
 * Then what only PostgreSQL has: two connections committing one instance's pass at once, and a failed
 * mirror insert rolling the whole pass back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Awaitable, PollingPort } from '../../../src-main/store/ports';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { PgMirrorRepository } from '../../../src-main/store/postgres/mirror-repository';
import { PgPollingRepository, type PgPollingMirror } from '../../../src-main/store/postgres/repositories/polling';
import type { MirrorChange } from '../../../src-main/store/repositories/mirror';
import { pollingServerId, trackingServerId, type ModelCursor, type PollingCommit, type PollingEvent } from '../../../src-main/store/repositories/polling';
import { openStore, type Store } from '../../../src-main/store/store';
import { migratedDatabase, postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

const SERVER = 'https://odoo.example|prod';
const T0 = 1_790_000_000;

/** A pass's commit with nothing in it but what is given. */
function pass(commit: Partial<PollingCommit>): PollingCommit {
  return { epoch: 0, events: [], tracking: [], records: [], models: [], ...commit };
}

function event(model: string, recordId: number, kind: PollingEvent['event'], ts: number, userName?: string | null): PollingEvent {
  return { model, recordId, event: kind, ts, userName };
}

function tracking(messageId: number, model: string, recordId: number, ts: number): MirrorChange {
  return {
    serverId: trackingServerId(messageId),
    model,
    recordId,
    event: 'write',
    ts,
    userName: 'Mitchell Admin',
    origin: 'tracking',
    changedFields: 'state',
    values: [{ field: 'state', label: 'Status', type: 'selection', old: 'Quotation', new: 'Sales Order' }],
  };
}

function range(from: number, count: number, step = 1): number[] {
  return Array.from({ length: count }, (_, index) => from + index * step);
}

let server: TestPostgres;

beforeAll(async () => {
  if (!skip) server = await startTestPostgres();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe.skipIf(Boolean(skip))('PgPollingRepository answers as the SQLite PollingRepository', () => {
  let pg: PgConnection;
  let dir: string;
  let store: Store;
  let lite: PollingPort;
  let post: PgPollingRepository;
  let mirror: PgMirrorRepository;

  beforeAll(async () => {
    ({ pg } = await migratedDatabase(server));
    dir = mkdtempSync(join(tmpdir(), 'ocm-pg-polling-'));
    store = openStore(join(dir, 'mirror.sqlite'));
    lite = store.polling;
    mirror = new PgMirrorRepository(pg);
    post = new PgPollingRepository(pg, mirror);
  }, 120_000);

  afterAll(async () => {
    if (pg) await closePostgres(pg);
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `step` on the SQLite repository, then on the PostgreSQL one, and requires the same answer; returns it. */
  async function same<T>(step: (repository: PollingPort) => Awaitable<T>): Promise<T> {
    const expected = await step(lite);
    const actual = await step(post);
    expect(actual).toEqual(expected);
    return actual;
  }

  /** The instance's mirrored changes on both stores, as the sync sees them (local ids aside). */
  async function mirrored(instanceId: string) {
    const columns = 'epoch, server_id, revision, model, record_id, event, ts, first_seen_at, user_name, changed_fields, origin';
    const sqlite = store.db
      .prepare(`SELECT ${columns}, field_values FROM changes WHERE instance_id = ? ORDER BY epoch, server_id, revision`)
      .all(instanceId) as Record<string, unknown>[];
    const postgres = await pg.unsafe(`SELECT ${columns}, field_values::text AS field_values FROM changes WHERE instance_id = $1 ORDER BY epoch, server_id, revision`, [instanceId]);
    const normalize = (row: Record<string, unknown>) => ({ ...row, field_values: row.field_values === null ? null : JSON.parse(String(row.field_values)) });
    expect(postgres.map(normalize)).toEqual(sqlite.map(normalize));
    // The mirror kept its hourly counts in the same transaction on both.
    const hours = 'SELECT model, event, hour, present, removed FROM change_hours WHERE instance_id = $1 ORDER BY model, event, hour';
    expect(await pg.unsafe(hours, [instanceId])).toEqual(store.db.prepare(hours.replace('$1', '?')).all(instanceId));
    return sqlite;
  }

  it('state: absent before begin; begin keeps the state of the same server and clears it for another, never reusing event numbers', async () => {
    const id = 'inst-begin';
    expect(await same((repository) => repository.state(id))).toBeUndefined();
    expect(await same((repository) => repository.begin(id, SERVER))).toEqual({ server: SERVER });
    const cursor: ModelCursor = { model: 'sale.order', writeCursor: '2026-11-30 09:00:00', baselineAfter: 40, baselineDone: true, checkedAt: T0, changedAt: T0 - 5, windowReadAt: T0 - 1 };
    const state = { messageCursor: 9001, messageDate: '2026-11-30 09:00:01', changedAt: T0, windowReadAt: T0 + 1 };
    expect(
      await same((repository) =>
        repository.commit(id, pass({ events: [event('sale.order', 7, 'create', T0), event('sale.order', 8, 'write', T0 + 1)], records: [{ model: 'sale.order', added: [7, 8], removed: [] }], models: [cursor], state }), T0 + 2),
      ),
    ).toBe(2);
    expect(await same((repository) => repository.begin(id, SERVER))).toEqual({ server: SERVER, ...state });
    expect(await same(async (repository) => [...(await repository.models(id))])).toEqual([['sale.order', cursor]]);
    expect(await same((repository) => repository.knownIds(id, 'sale.order'))).toEqual([7, 8]);

    // Another server (the instance's url or database changed): cursors and record sets start over.
    const other = 'https://odoo.example|staging';
    expect(await same((repository) => repository.begin(id, other))).toEqual({ server: other });
    expect(await same(async (repository) => (await repository.models(id)).size)).toBe(0);
    expect(await same((repository) => repository.knownAggregate(id, 'sale.order'))).toEqual({ count: 0, sum: 0 });
    // An event mirrored before the switch is still skipped (same natural key); a new one gets the next
    // number after the two taken before.
    expect(await same((repository) => repository.commit(id, pass({ events: [event('sale.order', 7, 'create', T0), event('sale.order', 9, 'create', T0 + 10)] }), T0 + 11))).toBe(1);
    const rows = await mirrored(id);
    expect(rows.map((row) => row.server_id)).toEqual([pollingServerId(2), pollingServerId(1), pollingServerId(0)]);
  });

  it('addBaseline: pages of the first scan build the record set and move the model cursor', async () => {
    const id = 'inst-baseline';
    await same((repository) => repository.begin(id, SERVER));
    const pages = [range(1, 2000), range(2001, 2000), range(4001, 1500, 3)];
    let after = 0;
    for (const [index, ids] of pages.entries()) {
      after = ids[ids.length - 1];
      const cursor: ModelCursor = { model: 'res.partner', baselineAfter: after, baselineDone: index === pages.length - 1, checkedAt: T0 + index };
      await same((repository) => repository.addBaseline(id, 'res.partner', ids, cursor));
    }
    // A page read again (the scan resumed after a crash) adds nothing twice.
    await same((repository) => repository.addBaseline(id, 'res.partner', [...pages[2].slice(0, 10), ...pages[2].slice(0, 10)], { model: 'res.partner', baselineAfter: after, baselineDone: true, checkedAt: T0 + 9 }));
    await same((repository) => repository.addBaseline(id, 'product.template', [], { model: 'product.template', baselineAfter: 0, baselineDone: true }));
    const models = await same(async (repository) => Object.fromEntries(await repository.models(id)));
    expect(models).toEqual({
      'res.partner': { model: 'res.partner', baselineAfter: after, baselineDone: true, checkedAt: T0 + 9 },
      'product.template': { model: 'product.template', baselineAfter: 0, baselineDone: true },
    });
    const all = pages.flat();
    expect(await same((repository) => repository.knownAggregate(id, 'res.partner'))).toEqual({ count: all.length, sum: all.reduce((sum, value) => sum + value, 0) });
    expect(await same((repository) => repository.knownIds(id, 'res.partner'))).toEqual(all);
    expect(await same((repository) => repository.knownIds(id, 'product.template'))).toEqual([]);
    expect(await same((repository) => repository.knownIds('inst-none', 'res.partner'))).toEqual([]);
  });

  it('knownAmong: large id lists, unknown and repeated ids, other models and instances', async () => {
    const id = 'inst-among';
    await same((repository) => repository.begin(id, SERVER));
    const known = range(10, 60_000, 2); // even ids 10 … 120,008
    await same((repository) => repository.addBaseline(id, 'stock.move', known, { model: 'stock.move', baselineAfter: known[known.length - 1], baselineDone: true }));
    await same((repository) => repository.addBaseline(id, 'stock.picking', range(1, 1000), { model: 'stock.picking', baselineAfter: 1000, baselineDone: true }));
    const asked = [...range(1, 90_000), 12, 12, 14, 5_000_000_000];
    const sorted = async (repository: PollingPort, instanceId: string, model: string, ids: readonly number[]) => [...(await repository.knownAmong(instanceId, model, ids))].sort((a, b) => a - b);
    const found = await same((repository) => sorted(repository, id, 'stock.move', asked));
    expect(found).toEqual(range(10, 44_996, 2));
    expect(await same((repository) => sorted(repository, id, 'stock.picking', range(990, 20)))).toEqual(range(990, 11));
    expect(await same((repository) => sorted(repository, id, 'stock.move', []))).toEqual([]);
    expect(await same((repository) => sorted(repository, 'inst-other', 'stock.move', known.slice(0, 100)))).toEqual([]);
  });

  it('commit: numbers new events once, skips those already mirrored (the overlap window) and given twice, and mirrors tracking rows', async () => {
    const id = 'inst-commit';
    await same((repository) => repository.begin(id, SERVER));
    const first = [
      event('sale.order', 1, 'create', T0, 'Marc Demo'),
      event('sale.order', 1, 'write', T0 + 5, 'سارة أحمد'),
      event('sale.order', 1, 'write', T0 + 5, 'سارة أحمد'), // the same event twice in one pass
      event('res.partner', 44, 'write', T0 + 6),
      event('res.partner', 44, 'unlink', T0 + 6, null),
    ];
    const trackingRows = [tracking(501, 'sale.order', 1, T0 + 5), tracking(502, 'sale.order', 2, T0 + 7)];
    expect(await same((repository) => repository.commit(id, pass({ events: first, tracking: trackingRows, state: { messageCursor: 502, messageDate: '2026-11-30 09:00:07' } }), T0 + 8))).toBe(6);
    // The overlap window re-read: the same events and tracking rows again, with new ones among them.
    const second = [...first, event('sale.order', 1, 'write', T0 + 20), event('sale.order', 1, 'write', T0 + 5, 'someone else'), event('res.partner', 44, 'write', T0 + 6)];
    expect(await same((repository) => repository.commit(id, pass({ events: second, tracking: [...trackingRows, tracking(503, 'sale.order', 3, T0 + 21)] }), T0 + 22))).toBe(2);
    // Nothing new at all: the state still moves, the event number does not.
    expect(await same((repository) => repository.commit(id, pass({ events: second, tracking: trackingRows, state: { windowReadAt: T0 + 30 } }), T0 + 31))).toBe(0);
    // The same natural key in another epoch (a reset server log) is still the event already mirrored.
    expect(await same((repository) => repository.commit(id, pass({ epoch: 1, events: [event('sale.order', 1, 'create', T0)] }), T0 + 32))).toBe(0);
    const rows = await mirrored(id);
    // Ordered by server id: the newest number first.
    expect(rows.filter((row) => row.origin === 'polling').map((row) => [row.server_id, row.model, row.record_id, row.event, row.ts, row.user_name, row.first_seen_at])).toEqual([
      [pollingServerId(4), 'sale.order', 1, 'write', T0 + 20, null, T0 + 22],
      [pollingServerId(3), 'res.partner', 44, 'unlink', T0 + 6, null, T0 + 8],
      [pollingServerId(2), 'res.partner', 44, 'write', T0 + 6, null, T0 + 8],
      [pollingServerId(1), 'sale.order', 1, 'write', T0 + 5, 'سارة أحمد', T0 + 8],
      [pollingServerId(0), 'sale.order', 1, 'create', T0, 'Marc Demo', T0 + 8],
    ]);
    expect(rows.filter((row) => row.origin === 'tracking').map((row) => row.server_id)).toEqual([trackingServerId(503), trackingServerId(502), trackingServerId(501)]);
    expect(await same((repository) => repository.state(id))).toEqual({ server: SERVER, messageCursor: 502, messageDate: '2026-11-30 09:00:07', windowReadAt: T0 + 30 });
  });

  it('commit: record sets added and removed (thousands of ids), model cursors saved, state fields set and cleared', async () => {
    const id = 'inst-records';
    await same((repository) => repository.begin(id, SERVER));
    const base = range(1, 30_000);
    await same((repository) => repository.addBaseline(id, 'account.move', base, { model: 'account.move', baselineAfter: 30_000, baselineDone: true }));
    const removed = range(2, 8_000, 3); // 2, 5, 8 … and a few never known
    const added = [...range(30_001, 5_000), 30_001, 4]; // new ids, one twice, one already known
    const deletions = removed.slice(0, 50).map((recordId) => event('account.move', recordId, 'unlink', T0 + 100));
    const cursors: ModelCursor[] = [
      { model: 'account.move', writeCursor: '2026-11-30 09:01:40', baselineAfter: 30_000, baselineDone: true, checkedAt: T0 + 100, changedAt: T0 + 100 },
      { model: 'res.partner', baselineAfter: 0, baselineDone: false, checkedAt: T0 + 99 },
      { model: 'res.partner', baselineAfter: 500, baselineDone: false, checkedAt: T0 + 100 }, // a model given twice keeps the last
    ];
    const commit = pass({
      events: deletions,
      records: [
        { model: 'account.move', added, removed },
        { model: 'res.partner', added: [7, 8, 9], removed: [] },
      ],
      models: cursors,
      state: { messageCursor: 10, changedAt: T0 + 100, windowReadAt: T0 + 100 },
    });
    expect(await same((repository) => repository.commit(id, commit, T0 + 101))).toBe(50);
    const expected = [...new Set([...base, ...added])].filter((recordId) => !removed.includes(recordId)).sort((a, b) => a - b);
    expect(await same((repository) => repository.knownIds(id, 'account.move'))).toEqual(expected);
    expect(await same((repository) => repository.knownAggregate(id, 'account.move'))).toEqual({ count: expected.length, sum: expected.reduce((sum, value) => sum + value, 0) });
    expect(await same((repository) => repository.knownIds(id, 'res.partner'))).toEqual([7, 8, 9]);
    expect(await same(async (repository) => Object.fromEntries(await repository.models(id)))).toEqual({ 'account.move': cursors[0], 'res.partner': cursors[2] });
    // A field given as undefined is cleared; a field not given is kept.
    await same((repository) => repository.commit(id, pass({ state: { changedAt: undefined, messageDate: '2026-11-30 09:02:00' } }), T0 + 102));
    expect(await same((repository) => repository.state(id))).toEqual({ server: SERVER, messageCursor: 10, messageDate: '2026-11-30 09:02:00', windowReadAt: T0 + 100 });
    // A cursor without its optional fields clears them.
    await same((repository) => repository.commit(id, pass({ models: [{ model: 'account.move', baselineAfter: 30_000, baselineDone: true }] }), T0 + 103));
    expect(await same(async (repository) => (await repository.models(id)).get('account.move'))).toEqual({ model: 'account.move', baselineAfter: 30_000, baselineDone: true });
    await mirrored(id);
  });

  it('trackingWithin: only tracking rows of the record and instance, bounds included', async () => {
    const id = 'inst-tracking';
    await same((repository) => repository.begin(id, SERVER));
    await same((repository) => repository.commit(id, pass({ events: [event('sale.order', 5, 'write', T0 + 50)], tracking: [tracking(900, 'sale.order', 5, T0 + 10)] }), T0 + 60));
    const cases: [string, string, number, number, number][] = [
      [id, 'sale.order', 5, T0 + 10, T0 + 10],
      [id, 'sale.order', 5, T0, T0 + 10],
      [id, 'sale.order', 5, T0 + 11, T0 + 100], // only the polling event is there
      [id, 'sale.order', 5, T0 - 10, T0 + 9],
      [id, 'sale.order', 6, T0, T0 + 100],
      [id, 'res.partner', 5, T0, T0 + 100],
      ['inst-other', 'sale.order', 5, T0, T0 + 100],
    ];
    const answers = await same(async (repository) => {
      const found: boolean[] = [];
      for (const [instanceId, model, recordId, from, to] of cases) found.push(await repository.trackingWithin(instanceId, model, recordId, from, to));
      return found;
    });
    expect(answers).toEqual([true, true, false, false, false, false, false]);
  });
});

describe.skipIf(Boolean(skip))('PgPollingRepository on a shared PostgreSQL', () => {
  let url: string;
  let pg: PgConnection;

  beforeAll(async () => {
    ({ url, pg } = await migratedDatabase(server));
  }, 120_000);

  afterAll(async () => {
    if (pg) await closePostgres(pg);
  });

  it('two collectors committing the same pass at once: each event mirrored once, no number given twice', async () => {
    const other = await openPostgres(url);
    try {
      // The first holds its transaction open a while after inserting, so the second surely starts within it.
      const slow: PgPollingMirror = {
        async insertChangesIn(tx, ...args) {
          const inserted = await new PgMirrorRepository(pg).insertChangesIn(tx, ...args);
          await new Promise((resolve) => setTimeout(resolve, 150));
          return inserted;
        },
      };
      const repositories = [new PgPollingRepository(pg, slow), new PgPollingRepository(other, new PgMirrorRepository(other))];
      const id = 'inst-race';
      await repositories[0].begin(id, SERVER);
      const events = range(1, 400).map((recordId) => event('crm.lead', recordId, 'write', T0 + recordId));
      for (let round = 0; round < 5; round++) {
        // Each round both read the window again, the second (in the reverse order) with 10 events more.
        const window = events.slice(0, 100 + round * 20);
        const wider = events.slice(0, 110 + round * 20).reverse();
        const results = await Promise.all([
          repositories[0].commit(id, pass({ events: window }), T0 + 1000 + round),
          new Promise((resolve) => setTimeout(resolve, 50)).then(() => repositories[1].commit(id, pass({ events: wider }), T0 + 1000 + round)),
        ]);
        expect(results[0] + results[1]).toBe(round === 0 ? 110 : 20);
      }
      const [check] = await pg.unsafe(`SELECT count(*) AS rows, count(DISTINCT server_id) AS numbers, count(DISTINCT (model, record_id, event, ts)) AS keys, min(server_id) AS lowest
        FROM changes WHERE instance_id = 'inst-race'`);
      expect(check).toEqual({ rows: 190, numbers: 190, keys: 190, lowest: pollingServerId(189) });
      const [state] = await pg.unsafe(`SELECT next_event FROM polling_state WHERE instance_id = 'inst-race'`);
      expect(state.next_event).toBe(190);
    } finally {
      await closePostgres(other);
    }
  });

  it('an instance whose polling rows came without their state (a copy by an older release) numbers new events after them', async () => {
    const id = 'inst-copied';
    const copied = range(0, 5).map((n) => ({ serverId: pollingServerId(n), model: 'sale.order', recordId: 100 + n, event: 'write' as const, ts: T0 + n, origin: 'polling' as const }));
    const mirror = new PgMirrorRepository(pg);
    await mirror.insertChanges(id, 0, [...copied, tracking(77, 'sale.order', 100, T0)], {}, T0 + 10);
    const repository = new PgPollingRepository(pg, mirror);
    expect(await repository.begin(id, SERVER)).toEqual({ server: SERVER });
    expect(await repository.commit(id, pass({ events: [event('sale.order', 100, 'write', T0), event('sale.order', 200, 'create', T0 + 20)] }), T0 + 21)).toBe(1);
    const rows = await pg.unsafe(`SELECT server_id, record_id FROM changes WHERE instance_id = $1 AND origin = 'polling' ORDER BY server_id`, [id]);
    expect(rows[0]).toEqual({ server_id: pollingServerId(5), record_id: 200 });
    expect(rows).toHaveLength(6);
  });

  it('a pass whose mirror insert fails leaves nothing behind: no records, cursors, state or event numbers', async () => {
    const id = 'inst-rollback';
    const working = new PgPollingRepository(pg, new PgMirrorRepository(pg));
    await working.begin(id, SERVER);
    const failing = new PgPollingRepository(pg, {
      async insertChangesIn(tx, ...args) {
        await new PgMirrorRepository(pg).insertChangesIn(tx, ...args);
        throw new Error('the mirror refused the rows');
      },
    });
    const commit = pass({
      events: [event('sale.order', 1, 'create', T0)],
      records: [{ model: 'sale.order', added: [1, 2, 3], removed: [] }],
      models: [{ model: 'sale.order', baselineAfter: 3, baselineDone: true, checkedAt: T0 }],
      state: { messageCursor: 77 },
    });
    await expect(failing.commit(id, commit, T0 + 1)).rejects.toThrow('the mirror refused the rows');
    expect(await working.state(id)).toEqual({ server: SERVER });
    expect(await working.knownIds(id, 'sale.order')).toEqual([]);
    expect((await working.models(id)).size).toBe(0);
    expect((await pg.unsafe(`SELECT count(*) AS n FROM changes WHERE instance_id = $1`, [id]))[0].n).toBe(0);
    // The retry numbers the event as the first one.
    expect(await working.commit(id, commit, T0 + 2)).toBe(1);
    expect((await pg.unsafe(`SELECT server_id FROM changes WHERE instance_id = $1`, [id])).map((row) => row.server_id)).toEqual([pollingServerId(0)]);
  });
});
