/**
 * Team mode's accounts and collector leases on both stores: every scenario runs against the SQLite
 * store (a real file through openStore) and the PostgreSQL one (a throwaway cluster) and must give the
 * same transcript, besides the expectations it states. The accounts feature (UserService,
 * SessionManager, AccountService, the users policy) runs unchanged over either. PostgreSQL only: two
 * connection pools racing for the same instances, round after round, never both hold one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../../../src-main/accounts/account-service';
import { policedUsers } from '../../../src-main/accounts/policy';
import { SessionManager, type Principal } from '../../../src-main/accounts/sessions';
import { UserService } from '../../../src-main/accounts/user-service';
import type { AccountStore, UserRecord } from '../../../src-main/store/repositories/accounts';
import type { LeaseStore } from '../../../src-main/store/repositories/leases';
import { closePostgres, openPostgres, type PgConnection } from '../../../src-main/store/postgres/connection';
import { migratePostgres } from '../../../src-main/store/postgres/migrate';
import { PgAccountStore } from '../../../src-main/store/postgres/repositories/accounts';
import { PgLeaseStore } from '../../../src-main/store/postgres/repositories/leases';
import { openStore, type Store } from '../../../src-main/store/store';
import { LeasedBackend } from '../../../src-main/sync/leased-backend';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from '../../support/postgres';
import { RecordingBackend, target } from '../../support/recording-backend';

const skip = postgresSkipReason();
if (skip) console.warn(skip);

/** Unix seconds near the end of 2026. */
const T = 1_796_000_000;

/** Two connections to one store (two collectors, or a collector and a web server). */
interface Side {
  accounts: AccountStore;
  leases: LeaseStore;
  otherLeases: LeaseStore;
  /** A journal for the accounts feature (the SQLite store's: the PostgreSQL journal is not under test here). */
  journalStore: Store;
  /** The leases' clock, read as the store reads it (Unix ms): this machine's for SQLite, the database's for PostgreSQL. */
  clock(): Promise<number>;
}

/** What a promise settled to, comparable across stores (a driver's error text differs, its outcome must not). */
async function outcome<T>(work: Promise<T>): Promise<{ value: T } | { rejected: true }> {
  try {
    return { value: await work };
  } catch {
    return { rejected: true };
  }
}

/** A user record without its random parts. */
function shown(user: UserRecord | undefined): unknown {
  return user && { ...user, passwordHash: user.passwordHash.startsWith('scrypt$') ? 'scrypt' : user.passwordHash };
}

function user(id: string, login: string, extra: Partial<UserRecord> = {}): Omit<UserRecord, 'lastLoginAt'> {
  return { id, login, role: 'viewer', passwordHash: `hash-${id}`, preferences: {}, createdAt: T, passwordChangedAt: T, instanceIds: [], ...extra };
}

/** Scenarios: what to do with a store (returning a transcript), and what that transcript must say. */
const ACCOUNT_SCENARIOS: [string, (store: AccountStore) => Promise<unknown[]>, (out: unknown[]) => void][] = [
  [
    'logins: unique and ordered ignoring ASCII case only, grants sorted by code point',
    async (store) => {
      const out: unknown[] = [];
      await store.insertUser(user('u1', 'alice', { role: 'admin', displayName: 'Alice A.', instanceIds: ['i-b', 'i-a', 'i-b', 'I-c'] }));
      await store.insertUser(user('u2', 'Bob'));
      await store.insertUser(user('u3', '_under'));
      await store.insertUser(user('u4', 'Émile'));
      await store.insertUser(user('u5', 'émile')); // not ASCII: another login, as with SQLite's NOCASE
      await store.insertUser(user('u6', 'سارة', { preferences: { language: 'ar', theme: 'dark', savedFilters: [{ name: 'مبيعات "اليوم"', filter: { models: ['sale.order'] } }] } }));
      await store.insertUser(user('u7', 'zed9'));
      await store.insertUser(user('u8', 'Zed10'));
      out.push(await outcome(store.insertUser(user('u9', 'ALICE'))));
      out.push(await outcome(store.insertUser(user('u1', 'another'))));
      out.push(await store.countUsers());
      out.push((await store.listUsers()).map((record) => record.login));
      out.push(shown(await store.userByLogin('ALICE')), shown(await store.userByLogin('bob')), shown(await store.userByLogin('ÉMILE')));
      out.push((await store.userByLogin('émile'))?.id, (await store.userByLogin('nobody'))?.id, (await store.userByLogin('alice%'))?.id, (await store.userByLogin('_UNDER'))?.id);
      out.push(shown(await store.userById('u6')), await store.userById('nope'));
      return out;
    },
    (out) => {
      // SQLite's NOCASE order: ASCII letters folded to lower case, then code points ('_' < 'a', '1' < '9', 'É' < 'é' < Arabic).
      expect(out.slice(0, 4)).toEqual([{ rejected: true }, { rejected: true }, 8, ['_under', 'alice', 'Bob', 'Zed10', 'zed9', 'Émile', 'émile', 'سارة']]);
      expect(out[4]).toMatchObject({ id: 'u1', login: 'alice', displayName: 'Alice A.', instanceIds: ['I-c', 'i-a', 'i-b'] });
      expect(out[6]).toMatchObject({ id: 'u4' }); // ÉMILE is Émile, not émile: only A-Z fold
      expect(out.slice(7, 11)).toEqual(['u5', undefined, undefined, 'u3']);
      expect(out[11]).toMatchObject({ preferences: { language: 'ar', savedFilters: [{ name: 'مبيعات "اليوم"' }] } });
    },
  ],
  [
    'users: patches, cleared values, damaged preferences',
    async (store) => {
      const out: unknown[] = [];
      await store.insertUser(user('u1', 'carol', { displayName: 'Carol', preferences: { theme: 'light' } }));
      await store.updateUser('u1', { role: 'operator', lastLoginAt: T + 60, preferences: { theme: 'dark', nested: { list: [1, 'two', null] } } });
      out.push(shown(await store.userById('u1')));
      await store.updateUser('u1', { displayName: undefined, passwordHash: 'scrypt$new', passwordChangedAt: T + 120 });
      out.push(shown(await store.userById('u1')));
      await store.updateUser('u1', {});
      await store.updateUser('u1', { unknown: 'ignored' } as never);
      await store.updateUser('u1', { preferences: [1, 2] as never }); // not an object: read as no preferences
      out.push((await store.userById('u1'))?.preferences);
      await store.updateUser('u1', { preferences: undefined });
      out.push((await store.userById('u1'))?.preferences);
      out.push(await outcome(store.updateUser('u1', { role: 'root' as never })));
      await store.updateUser('missing', { role: 'admin' });
      out.push(await store.listUsers().then((users) => users.map(shown)));
      return out;
    },
    (out) => {
      expect(out[0]).toMatchObject({ role: 'operator', displayName: 'Carol', lastLoginAt: T + 60, preferences: { nested: { list: [1, 'two', null] } } });
      expect(out[1]).not.toHaveProperty('displayName');
      expect(out.slice(2, 5)).toEqual([{}, {}, { rejected: true }]);
    },
  ],
  [
    'grants and sessions: replaced, counted, expired, and gone with their user',
    async (store) => {
      const out: unknown[] = [];
      await store.insertUser(user('u1', 'dave', { instanceIds: ['i-1'] }));
      await store.insertUser(user('u2', 'erin'));
      await store.setGrants('u1', ['i-3', 'i-2', 'i-3']);
      out.push((await store.userById('u1'))?.instanceIds);
      await store.setGrants('u1', ['i-2', 'i-4']);
      out.push((await store.userById('u1'))?.instanceIds);
      await store.setGrants('u2', ['i-2']);
      await store.setGrants('u1', []);
      out.push((await store.listUsers()).map((record) => [record.login, record.instanceIds]));
      const session = (token: string, userId: string, expiresAt: number) => ({ tokenHash: token, userId, createdAt: T, lastSeenAt: T, expiresAt });
      await store.insertSession(session('s1', 'u1', T + 100));
      await store.insertSession(session('s2', 'u1', T + 200));
      await store.insertSession(session('s3', 'u1', T + 300));
      await store.insertSession(session('s4', 'u2', T + 200));
      out.push(await outcome(store.insertSession(session('s1', 'u2', T + 900))));
      out.push(await outcome(store.insertSession(session('s9', 'no-such-user', T + 900))));
      out.push(await store.session('s1'), await store.session('nope'));
      await store.touchSession('s1', T + 50);
      out.push(await store.session('s1'));
      out.push([...(await store.sessionCounts(T))].sort(), [...(await store.sessionCounts(T + 200))].sort());
      out.push(await store.deleteExpiredSessions(T + 100)); // ends at its expiry: s1
      out.push(await store.session('s1'));
      await store.deleteSession('s2');
      await store.deleteSession('s2');
      out.push(await store.deleteSessionsOf('u1'), await store.deleteSessionsOf('u1'));
      await store.insertSession(session('s5', 'u2', T + 500));
      await store.setGrants('u2', ['i-7', 'i-5']);
      await store.deleteUser('u2');
      out.push(await store.session('s4'), await store.session('s5'), await store.countUsers(), [...(await store.sessionCounts(T))]);
      await store.insertUser(user('u2', 'erin')); // the same id again: nothing of the old user remains
      out.push(shown(await store.userById('u2')), [...(await store.sessionCounts(T))]);
      await store.deleteUser('missing');
      return out;
    },
    (out) => {
      expect(out.slice(0, 3)).toEqual([['i-2', 'i-3'], ['i-2', 'i-4'], [['dave', []], ['erin', ['i-2']]]]);
      expect(out.slice(3, 5)).toEqual([{ rejected: true }, { rejected: true }]); // a taken token, an unknown user
      expect(out[5]).toEqual({ tokenHash: 's1', userId: 'u1', createdAt: T, lastSeenAt: T, expiresAt: T + 100 });
      expect(out[6]).toBeUndefined();
      expect(out[7]).toMatchObject({ tokenHash: 's1', lastSeenAt: T + 50 });
      expect(out.slice(8, 10)).toEqual([[['u1', 3], ['u2', 1]], [['u1', 1]]]);
      expect(out.slice(10, 14)).toEqual([1, undefined, 1, 0]);
      expect(out.slice(14, 18)).toEqual([undefined, undefined, 1, []]);
      expect(out[18]).toMatchObject({ id: 'u2', instanceIds: [] });
      expect(out[19]).toEqual([]);
    },
  ],
];

/** Runs collectors A and B (each on its own connection) through the lease rules. */
async function leaseScenario(a: LeaseStore, b: LeaseStore): Promise<unknown[]> {
  const t = 1_796_000_000_000;
  const out: unknown[] = [];
  out.push(await a.acquire('A', [], 3000, t));
  out.push(await a.acquire('A', ['x', 'y'], 3000, t));
  out.push(await b.acquire('B', ['x', 'y', 'z'], 3000, t + 100));
  out.push(await a.acquire('A', ['x'], 3000, t + 2000)); // renewed: expiry moves, generation stays
  out.push(await b.acquire('B', ['y'], 3000, t + 2999)); // not yet expired
  out.push(await b.acquire('B', ['y'], 3000, t + 3000)); // expired at its expiry: taken, generation 2
  out.push(await a.acquire('A', ['x', 'y'], 3000, t + 3100)); // A renews x, does not get y back
  out.push(await a.acquire('A', ['y', 'y', 'x'], 3000.7, t + 3200.4)); // repeated ids and fractions, as SQLite answers them
  await a.release('A', ['x', 'z']); // z is B's: untouched
  await a.release('A', []);
  out.push(await a.list());
  out.push(await b.acquire('B', ['x'], 3000, t + 3300)); // released: a new row, generation 1
  out.push(await a.acquire('A', ['y'], 3000, t + 7000)); // B's y expired: A takes it back, generation 3
  out.push(await b.acquire('B', ['y', 'x', 'z'], 3000, t + 7000));
  out.push(await a.list(), await b.list());
  return out;
}

/**
 * The lease scenario without `now`, on the store's own clock (the database's on PostgreSQL). Exact times
 * differ from run to run and store to store, so the transcript keeps holders, generations and times
 * relative to each other; each new expiry must lie one lease after a reading of `clock` taken around
 * the call.
 */
async function storeClockScenario(a: LeaseStore, b: LeaseStore, clock: () => Promise<number>): Promise<unknown[]> {
  const ttl = 2000; // ample on a busy machine: the first five calls must finish within it
  const out: unknown[] = [];
  const acquire = async (store: LeaseStore, holder: string, ids: string[]) => {
    const before = await clock();
    const leases = await store.acquire(holder, ids, ttl);
    const after = await clock();
    for (const lease of leases) {
      expect(lease.expiresAt - ttl).toBeGreaterThanOrEqual(before);
      expect(lease.expiresAt - ttl).toBeLessThanOrEqual(after);
    }
    out.push(leases.map((lease) => ({ instanceId: lease.instanceId, holder: lease.holder, generation: lease.generation, lasts: lease.expiresAt - lease.acquiredAt === ttl ? 'ttl' : lease.expiresAt - lease.acquiredAt > ttl ? 'more' : 'less' })));
    return leases;
  };
  const [x, y] = await acquire(a, 'A', ['x', 'y']);
  await acquire(b, 'B', ['x', 'y', 'z']); // x and y are A's
  await sleep(50);
  const [renewed] = await acquire(a, 'A', ['x']);
  out.push(renewed.acquiredAt === x.acquiredAt && renewed.expiresAt > x.expiresAt ? 'renewed: taken at the same time, expires later' : renewed);
  await acquire(b, 'B', ['y']); // not expired yet
  while ((await clock()) < y.expiresAt) await sleep(25);
  const [taken] = await acquire(b, 'B', ['y']);
  out.push(taken.acquiredAt >= y.expiresAt ? 'taken over: at or after the expiry' : taken);
  await acquire(a, 'A', ['x', 'y']); // A renews x, does not get y back
  await a.release('A', ['x']);
  await acquire(b, 'B', ['x']);
  out.push((await a.list()).map((lease) => `${lease.instanceId}:${lease.holder}:${lease.generation}`));
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.skipIf(Boolean(skip))('team accounts and leases: the PostgreSQL store answers as the SQLite store', () => {
  let server: TestPostgres;
  let dir: string;
  const pools: PgConnection[] = [];
  const stores: Store[] = [];
  let databases = 0;

  beforeAll(async () => {
    server = await startTestPostgres();
    dir = mkdtempSync(join(tmpdir(), 'ocm-pg-accounts-'));
  }, 120_000);

  afterAll(async () => {
    for (const pool of pools) await closePostgres(pool, 1);
    for (const store of stores) store.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function sqliteStore(name: string): Store {
    const store = openStore(join(dir, `${name}.sqlite`));
    stores.push(store);
    return store;
  }

  /** A fresh SQLite file opened twice. */
  function sqliteSide(): Side {
    const name = `mirror-${stores.length}`;
    const store = sqliteStore(name);
    const other = sqliteStore(name);
    return { accounts: store.accounts, leases: store.leases, otherLeases: other.leases, journalStore: store, clock: async () => Date.now() };
  }

  /** A fresh, migrated PostgreSQL database opened by two pools. */
  async function postgresPools(max = 4): Promise<[PgConnection, PgConnection]> {
    const url = await server.createDatabase(`accounts_${++databases}`);
    const first = await openPostgres(url, { max });
    const second = await openPostgres(url, { max });
    pools.push(first, second);
    await migratePostgres(first);
    return [first, second];
  }

  async function postgresSide(): Promise<Side> {
    const [first, second] = await postgresPools();
    const clock = async () => Number(((await first.unsafe('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms')) as unknown as { ms: number }[])[0].ms);
    return { accounts: new PgAccountStore(first), leases: new PgLeaseStore(first), otherLeases: new PgLeaseStore(second), journalStore: sqliteStore(`journal-${stores.length}`), clock };
  }

  async function bothSides(): Promise<[Side, Side]> {
    return [sqliteSide(), await postgresSide()];
  }

  it.each(ACCOUNT_SCENARIOS)('accounts: %s', async (_name, scenario, check) => {
    const [lite, post] = await bothSides();
    const expected = await scenario(lite.accounts);
    check(expected);
    expect(await scenario(post.accounts)).toEqual(expected);
  });

  it('leases: taken, renewed, expired, handed over and released alike', async () => {
    const [lite, post] = await bothSides();
    const expected = await leaseScenario(lite.leases, lite.otherLeases);
    expect(await leaseScenario(post.leases, post.otherLeases)).toEqual(expected);
    const t = 1_796_000_000_000;
    expect(expected[5]).toEqual([{ instanceId: 'y', holder: 'B', acquiredAt: t + 3000, expiresAt: t + 6000, generation: 2 }]);
    expect(expected[6]).toMatchObject([{ instanceId: 'x', holder: 'A', acquiredAt: t, expiresAt: t + 6100, generation: 1 }]);
    expect(expected[7]).toEqual([{ instanceId: 'x', holder: 'A', acquiredAt: t, expiresAt: t + 6201, generation: 1 }]);
    expect(expected[8]).toEqual([
      { instanceId: 'y', holder: 'B', acquiredAt: t + 3000, expiresAt: t + 6000, generation: 2 },
      { instanceId: 'z', holder: 'B', acquiredAt: t + 100, expiresAt: t + 3100, generation: 1 },
    ]);
    expect(expected[10]).toMatchObject([{ instanceId: 'y', holder: 'A', acquiredAt: t + 7000, generation: 3 }]);
    expect((expected[11] as { instanceId: string }[]).map((lease) => lease.instanceId)).toEqual(['x', 'z']);
  });

  it('accounts feature: users, sign-in, expiry, revocation and the users policy work unchanged over either store', async () => {
    const [lite, post] = await bothSides();
    const expected = await accountsFeature(lite);
    const actual = await accountsFeature(post);
    expect(actual).toEqual(expected);
    expect(expected).toEqual([
      'alice signed in as viewer [i-1]',
      'refused auth-failed',
      'refused auth-failed',
      'rotated: old token dead',
      'idle 599 s: alive',
      'idle 601 s: ended',
      'lifetime: ended',
      'operator on users: refused access-error',
      'admin added frank: viewer, 0 sessions',
      'frank preferences: {"language":"ar"}',
      'changed password: own session alive, other dead',
      'revoked 1',
      'removed: session dead, 0 open sessions',
      'last admin: refused conflict',
      'users: admin alice erin',
      'journal: user-add:ok user-add:ok user-edit:ok user-add:ok user-sessions:ok user-remove:ok user-add:ok user-edit:ok user-remove:ok user-add:ok user-remove:ok',
      'frank added by: root (team)',
    ]);
  }, 120_000);

  it('leases on the store\'s own clock (what collectors use): taken, renewed, expired and handed over alike', async () => {
    const [lite, post] = await bothSides();
    const expected = await storeClockScenario(lite.leases, lite.otherLeases, lite.clock);
    expect(await storeClockScenario(post.leases, post.otherLeases, post.clock)).toEqual(expected);
    expect(expected).toEqual([
      [{ instanceId: 'x', holder: 'A', generation: 1, lasts: 'ttl' }, { instanceId: 'y', holder: 'A', generation: 1, lasts: 'ttl' }],
      [{ instanceId: 'z', holder: 'B', generation: 1, lasts: 'ttl' }],
      [{ instanceId: 'x', holder: 'A', generation: 1, lasts: 'more' }],
      'renewed: taken at the same time, expires later',
      [],
      [{ instanceId: 'y', holder: 'B', generation: 2, lasts: 'ttl' }],
      'taken over: at or after the expiry',
      [{ instanceId: 'x', holder: 'A', generation: 1, lasts: 'more' }],
      [{ instanceId: 'x', holder: 'B', generation: 1, lasts: 'ttl' }],
      ['x:B:1', 'y:B:2', 'z:B:1'],
    ]);
  }, 60_000);

  it('PostgreSQL: collectors whose clocks are a minute apart never both run an instance; a dead one is taken over by the database\'s clock', async () => {
    const [first, second] = await postgresPools();
    // Leases of seconds: a collector that cannot renew within two thirds of one stops itself, and a loaded
    // machine's timers must not make A give up what this test expects it to keep.
    const ttl = 3_000;
    const ids = ['i-1', 'i-2', 'i-3', 'i-4'];
    const engineA = new RecordingBackend();
    const engineB = new RecordingBackend();
    const storeA = new PgLeaseStore(first);
    const storeB = new PgLeaseStore(second);
    // Each machine's clock: B's runs a minute ahead of A's, far more than a lease.
    const leasedA = new LeasedBackend(engineA, { store: storeA, holder: 'A', ttlMs: ttl, now: () => Date.now() });
    const leasedB = new LeasedBackend(engineB, { store: storeB, holder: 'B', ttlMs: ttl, now: () => Date.now() + 60_000 });
    const overlaps: string[] = [];
    const watch = setInterval(() => {
      const both = engineA.running.filter((id) => engineB.running.includes(id));
      if (both.length) overlaps.push(both.join(','));
    }, 5);
    try {
      leasedA.setTargets(ids.map(target));
      await leasedA.renew();
      expect(engineA.running).toEqual(ids);
      leasedB.setTargets(ids.map(target));
      await leasedB.renew();
      expect(engineB.running, 'B, its clock ahead, took leases A still runs').toEqual([]);
      // Both keep renewing on their own timers for three leases: A keeps every instance.
      await sleep(3 * ttl);
      expect([engineA.running, engineB.running]).toEqual([ids, []]);

      // A loses its database: it stops by its own clock, B takes over once the database's clock says so.
      const expiries = new Map(leasedA.held()); // each instance's own expiry, by the database's clock
      storeA.acquire = async () => {
        throw new Error('connection lost');
      };
      const lost = Date.now();
      while (engineB.running.length < ids.length && Date.now() - lost < 10 * ttl) await sleep(10);
      expect(engineB.running).toEqual(ids);
      expect(engineA.running).toEqual([]);
      for (const lease of await storeB.list()) expect(lease.acquiredAt, `${lease.instanceId} taken over before A's lease ran out`).toBeGreaterThanOrEqual(expiries.get(lease.instanceId)!);
      expect(overlaps).toEqual([]);
    } finally {
      clearInterval(watch);
      await leasedA.close();
      await leasedB.close();
    }
  }, 60_000);

  it('PostgreSQL: two connections racing for the same instances never both hold one', async () => {
    const [first, second] = await postgresPools(1);
    const a = new PgLeaseStore(first);
    const b = new PgLeaseStore(second);
    const instances = Array.from({ length: 24 }, (_, index) => `race-${index}`);
    const ttl = 1000;
    let now = 1_796_000_000_000;
    const previous = new Map<string, { holder: string; generation: number }>();
    let wonByA = 0;
    let takeovers = 0;
    // Each collector asks in its own order (row locks taken in different orders must not deadlock).
    const order = (seed: number) => [...instances].sort((x, y) => ((Number(x.slice(5)) * 7 + seed) % 11) - ((Number(y.slice(5)) * 7 + seed) % 11) || x.localeCompare(y));
    for (let round = 0; round < 150; round++) {
      // Even rounds: every lease has just expired, so both may take any. Odd rounds: only holders renew.
      const expiry = round % 2 === 0;
      now += expiry ? ttl : ttl / 10;
      const [heldByA, heldByB] = await Promise.all([a.acquire('A', order(round), ttl, now), b.acquire('B', order(round + 5).reverse(), ttl, now)]);
      const aIds = new Set(heldByA.map((lease) => lease.instanceId));
      const bIds = new Set(heldByB.map((lease) => lease.instanceId));
      expect([...aIds].filter((id) => bIds.has(id)), `round ${round}: held by both`).toEqual([]);
      expect(aIds.size + bIds.size, `round ${round}: every instance has a holder`).toBe(instances.length);
      wonByA += aIds.size;
      const rows = await a.list();
      expect(rows).toHaveLength(instances.length);
      for (const row of rows) {
        expect(row.holder, `${row.instanceId} round ${round}`).toBe(aIds.has(row.instanceId) ? 'A' : 'B');
        expect(row.expiresAt).toBe(now + ttl);
        const before = previous.get(row.instanceId);
        if (before) {
          const handedOver = before.holder !== row.holder;
          if (handedOver) takeovers++;
          expect(handedOver && !expiry, `round ${round}: a lease changed hands before it expired`).toBe(false);
          expect(row.generation, `${row.instanceId} round ${round}`).toBe(before.generation + (handedOver ? 1 : 0));
        } else {
          expect(row.generation).toBe(1);
        }
        previous.set(row.instanceId, { holder: row.holder, generation: row.generation });
      }
    }
    // Both really competed: each won instances, and leases changed hands at expiry.
    expect(wonByA).toBeGreaterThan(0);
    expect(wonByA).toBeLessThan(150 * instances.length);
    expect(takeovers).toBeGreaterThan(0);
  }, 120_000);
});

/** The accounts feature end to end over one side's store; returns what happened, in words. */
async function accountsFeature(side: Side): Promise<string[]> {
  let clock = T * 1000;
  const now = () => clock;
  const out: string[] = [];
  const refused = async (work: Promise<unknown>) => {
    try {
      await work;
      return 'done';
    } catch (error) {
      return `refused ${(error as { code?: string }).code}`;
    }
  };
  const store = side.accounts;
  const sessions = new SessionManager(store, { lifetimeSeconds: 3600, idleSeconds: 600 }, now);
  const users = new UserService({ store, sessions, journal: side.journalStore.journal, instanceNames: async () => new Map([['i-1', 'Riyadh ERP'], ['i-2', 'Jeddah ERP']]), now });

  await users.add({ login: 'root', password: 'root-password-1', role: 'admin' });
  await users.add({ login: 'alice', password: 'alice-password-1', role: 'viewer', instanceIds: ['i-1'] });
  const first = await sessions.signIn('ALICE', 'alice-password-1');
  out.push(`alice signed in as ${first.principal.role} [${first.principal.instanceIds.join(',')}]`);
  out.push(await refused(sessions.signIn('alice', 'wrong-password')));
  out.push(await refused(sessions.signIn('nobody', 'alice-password-1')));
  const second = await sessions.signIn('alice', 'alice-password-1', first.token);
  out.push(`rotated: old token ${(await sessions.validate(first.token)) ? 'alive' : 'dead'}`);
  clock += 599_000;
  out.push(`idle 599 s: ${(await sessions.validate(second.token)) ? 'alive' : 'ended'}`);
  clock += 601_000;
  out.push(`idle 601 s: ${(await sessions.validate(second.token)) ? 'alive' : 'ended'}`);
  const busy = await sessions.signIn('alice', 'alice-password-1');
  for (let minute = 5; minute <= 60; minute += 5) {
    clock += 5 * 60_000;
    if (!(await sessions.validate(busy.token))) {
      out.push(minute === 60 ? 'lifetime: ended' : `ended early at minute ${minute}`);
      break;
    }
  }

  // The users service as a session uses it: admins only, journaled as that admin.
  await users.update('alice', { role: 'operator' });
  const operator = await sessions.signIn('alice', 'alice-password-1');
  const asSession = (token: string) => {
    let latest: Principal | undefined;
    return {
      current: async () => {
        const principal = await sessions.validate(token);
        if (!principal) throw Object.assign(new Error('session ended'), { code: 'access-denied' });
        latest = principal;
        return principal;
      },
      latest: () => latest!,
    };
  };
  out.push(`operator on users: ${await refused(policedUsers(users, asSession(operator.token)).list())}`);
  const admin = await sessions.signIn('root', 'root-password-1');
  const frank = await policedUsers(users, asSession(admin.token)).add({ login: 'frank', password: 'frank-password-1', role: 'viewer', instanceIds: ['i-2'] });
  out.push(`admin added ${frank.login}: ${frank.role}, ${frank.sessions} sessions`);

  // Preferences as the team server saves them (options.accounts.updateUser), read back by the session.
  const frankSession = await sessions.signIn('frank', 'frank-password-1');
  await store.updateUser(frank.id, { preferences: { language: 'ar' } });
  out.push(`frank preferences: ${JSON.stringify((await sessions.validate(frankSession.token))?.preferences)}`);

  // A person changes their own password: their other sessions end, this one stays.
  const elsewhere = await sessions.signIn('frank', 'frank-password-1');
  const account = new AccountService({ store, sessions, current: async () => (await sessions.validate(frankSession.token))!, onLogout: () => undefined });
  await account.changePassword('frank-password-1', 'frank-password-2');
  out.push(`changed password: own session ${(await sessions.validate(frankSession.token)) ? 'alive' : 'dead'}, other ${(await sessions.validate(elsewhere.token)) ? 'alive' : 'dead'}`);

  out.push(`revoked ${await users.revokeSessions('frank')}`);
  const last = await sessions.signIn('frank', 'frank-password-2');
  await users.remove('frank');
  out.push(`removed: session ${(await sessions.validate(last.token)) ? 'alive' : 'dead'}, ${(await store.sessionCounts(Math.floor(clock / 1000))).get(frank.id) ?? 0} open sessions`);
  await users.add({ login: 'erin', password: 'erin-password-1', role: 'viewer' });
  await users.update('alice', { role: 'admin' });
  await users.remove('alice');
  out.push(`last admin: ${await refused(users.remove('root'))}`);
  await users.add({ login: 'alice', password: 'alice-password-1', role: 'admin' });
  await users.remove('root');
  out.push(`users: ${(await users.list()).map((each) => `${each.role === 'admin' ? 'admin ' : ''}${each.login}`).join(' ')}`);
  const journal = side.journalStore.journal.list().reverse();
  out.push(`journal: ${journal.map((entry) => `${entry.action}:${entry.result}`).join(' ')}`);
  out.push(`frank added by: ${journal.find((entry) => entry.description.startsWith('Added frank'))?.actor}`);
  return out;
}
