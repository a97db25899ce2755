/** Collector leases on a real SQLite file shared by two connections, and the engine wrapper that obeys them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeasedBackend } from '../../../src-main/sync/leased-backend';
import { openStore, type Store } from '../../../src-main/store/store';
import { RecordingBackend, target } from '../../support/recording-backend';

let dir: string;
let a: Store;
let b: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-leases-'));
  a = openStore(join(dir, 'mirror.sqlite'));
  b = openStore(join(dir, 'mirror.sqlite')); // a second process's connection to the same file
});
afterEach(() => {
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lease store', () => {
  it('gives each instance to one holder, renews it for that holder, and hands it over only once expired', async () => {
    const t = 1_000_000;
    expect((await a.leases.acquire('A', ['x', 'y'], 3000, t)).map((lease) => lease.instanceId)).toEqual(['x', 'y']);
    expect(await b.leases.acquire('B', ['x', 'y', 'z'], 3000, t + 100)).toMatchObject([{ instanceId: 'z', holder: 'B', generation: 1 }]);
    // A renews: its expiry moves, its generation stays.
    expect(await a.leases.acquire('A', ['x'], 3000, t + 2000)).toMatchObject([{ instanceId: 'x', holder: 'A', expiresAt: t + 5000, generation: 1 }]);
    // y was not renewed: at its expiry B takes it, and the generation (fencing token) moves on.
    expect(await b.leases.acquire('B', ['y'], 3000, t + 2999)).toEqual([]);
    expect(await b.leases.acquire('B', ['y'], 3000, t + 3000)).toMatchObject([{ instanceId: 'y', holder: 'B', acquiredAt: t + 3000, generation: 2 }]);
    // A no longer holds y: renewing does not take it back.
    expect((await a.leases.acquire('A', ['x', 'y'], 3000, t + 3100)).map((lease) => lease.instanceId)).toEqual(['x']);
    await a.leases.release('A', ['x']);
    expect((await b.leases.acquire('B', ['x'], 3000, t + 3200)).map((lease) => lease.holder)).toEqual(['B']);
    expect((await a.leases.list()).map((lease) => `${lease.instanceId}:${lease.holder}`)).toEqual(['x:B', 'y:B', 'z:B']);
  });
});

describe('leased backend', () => {
  it('runs only held instances, stops one itself before its lease can pass to another, and releases on close', async () => {
    let clock = 10_000_000;
    const now = () => clock;
    const engineA = new RecordingBackend();
    const engineB = new RecordingBackend();
    const leasedA = new LeasedBackend(engineA, { store: a.leases, holder: 'A', ttlMs: 3_000_000, now, leaseClock: now });
    const leasedB = new LeasedBackend(engineB, { store: b.leases, holder: 'B', ttlMs: 3_000_000, now, leaseClock: now });
    try {
      leasedA.setTargets([target('x'), target('y')]);
      await leasedA.renew();
      leasedB.setTargets([target('x'), target('y')]);
      await leasedB.renew();
      expect(engineA.running).toEqual(['x', 'y']);
      expect(engineB.running).toEqual([]);

      // A's store stops answering (a stuck disk): once less than a third of its lease is left it stops
      // its loops, while B still may not take them.
      const acquire = a.leases.acquire.bind(a.leases);
      a.leases.acquire = async () => {
        throw new Error('disk stuck');
      };
      clock += 1_900_000;
      await leasedA.renew();
      expect(engineA.running).toEqual(['x', 'y']);
      clock += 200_000; // 2,100,000 of 3,000,000: under a third left
      await leasedA.renew();
      expect(engineA.running).toEqual([]);
      await leasedB.renew();
      expect(engineB.running).toEqual([]); // not expired yet: nobody runs them for a while, never both
      clock += 900_000;
      await leasedB.renew();
      expect(engineB.running).toEqual(['x', 'y']);
      a.leases.acquire = acquire;
      await leasedA.renew();
      expect(engineA.running).toEqual([]);

      // B is asked to drop y: it stops y, then releases it, and A takes it at once.
      leasedB.setTargets([target('x')]);
      await leasedB.renew();
      expect(engineB.running).toEqual(['x']);
      await leasedA.renew();
      expect(engineA.running).toEqual(['y']);
      await leasedB.close();
      expect(engineB.closed).toBe(true);
      await leasedA.renew();
      expect(engineA.running).toEqual(['x', 'y']);
    } finally {
      await leasedA.close();
      await leasedB.close();
    }
  });

  it('times its leases from its own clock read before asking, whatever the store\'s clock says', async () => {
    let clock = 5_000; // this machine's monotonic clock: its own origin
    const engine = new RecordingBackend();
    const leased = new LeasedBackend(engine, { store: a.leases, holder: 'A', ttlMs: 3_000_000, now: () => clock, leaseClock: () => clock + 1_796_000_000_000 + 3_600_000 });
    // The store answers slowly (half a lease), and by a clock an hour ahead of this machine's wall clock.
    const acquire = a.leases.acquire.bind(a.leases);
    a.leases.acquire = async (...args) => {
      const leases = await acquire(...args);
      clock += 1_500_000;
      return leases;
    };
    try {
      leased.setTargets([target('x')]); // a round from 5,000 to 1,505,000
      await leased.renew(); // and one from 1,505,000 to 3,005,000
      expect(engine.running).toEqual(['x']);
      expect(leased.held().get('x')).toBe(1_505_000 + 1_796_003_600_000 + 3_000_000); // as the store's clock says
      a.leases.acquire = async () => {
        throw new Error('disk stuck');
      };
      // Counted from 1,505,000 (before asking), not from the answer: stops at 1,505,000 + 2,000,000.
      clock = 3_504_999;
      await leased.renew();
      expect(engine.running).toEqual(['x']);
      clock = 3_505_000;
      await leased.renew();
      expect(engine.running).toEqual([]);
    } finally {
      a.leases.acquire = acquire;
      await leased.close();
    }
  });
});
