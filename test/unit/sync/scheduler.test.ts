import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { nextEvent } from '../../../src-main/common/event';
import type { InstanceConfig } from '../../../src-main/common/model';
import { openStore, type Store } from '../../../src-main/store/store';
import { backoffDelay, DEFAULT_TIMING } from '../../../src-main/sync/backend';
import { SyncScheduler } from '../../../src-main/sync/scheduler';
import { FakeOdoo, fakeCapabilities } from './fake-odoo';
import { syncTarget } from './targets';

let dir: string;
let store: Store;
let scheduler: SyncScheduler;

function config(id: string): InstanceConfig {
  return { id, name: id, url: `http://${id}`, db: 'db', login: 'admin', transport: 'jsonrpc', production: false, demo: false, pollIntervalSeconds: 30, createdAt: '2026-11-30T00:00:00Z' };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-sched-'));
  store = openStore(join(dir, 'mirror.sqlite'));
});
afterEach(async () => {
  await scheduler?.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, with jitter between half and all of the step', () => {
    const fixed = (random: number) => ({ ...DEFAULT_TIMING, random: () => random });
    expect(backoffDelay(1, fixed(1))).toBe(1000);
    expect(backoffDelay(1, fixed(0))).toBe(500);
    expect(backoffDelay(4, fixed(1))).toBe(8000);
    expect(backoffDelay(30, fixed(1))).toBe(300_000);
    expect(backoffDelay(30, fixed(0))).toBe(150_000);
  });
});

describe('SyncScheduler', () => {
  it('mirrors each instance independently: a dead server does not block a live one', async () => {
    const live = new FakeOdoo();
    live.add(250);
    let deadAttempts = 0;
    scheduler = new SyncScheduler({
      store,
      timing: { fastMs: 10, backoffBaseMs: 5, backoffMaxMs: 20 },
      connect: async (target, signal) => {
        if (target.config.id === 'dead') {
          deadAttempts++;
          // Never answers until cancelled.
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new OcmError('cancelled', 'cancelled'))));
        }
        return { client: live.client(), capabilities: fakeCapabilities() };
      },
    });
    const upToDate = nextEvent(scheduler.onDidChangeStatus, (status) => status.instanceId === 'live' && status.state === 'up-to-date');
    scheduler.setTargets([
      syncTarget(config('dead'), 'x'),
      syncTarget(config('live'), 'x'),
    ]);
    const status = await upToDate;
    expect(status.changeCount).toBe(250);
    expect(deadAttempts).toBe(1);
  });

  it('reports offline with the error code, retries with backoff, and recovers', async () => {
    const server = new FakeOdoo();
    server.add(10);
    server.failAll = new OcmError('network-refused', 'Nothing listens at http://live.');
    scheduler = new SyncScheduler({ store, timing: { fastMs: 10, backoffBaseMs: 5, backoffMaxMs: 20 }, connect: async () => ({ client: server.client(), capabilities: fakeCapabilities() }) });
    const offline = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'offline');
    const logged = nextEvent(scheduler.onDidLog, (entry) => entry.level === 'error');
    scheduler.setTargets([syncTarget(config('live'), 'x')]);
    const status = await offline;
    expect(status.lastError?.code).toBe('network-refused');
    expect(status.nextAttemptAt).toBeDefined();
    expect((await logged).message).toContain('Nothing listens');

    server.failAll = undefined;
    const recovered = await nextEvent(scheduler.onDidChangeStatus, (next) => next.state === 'up-to-date');
    expect(recovered.lastError).toBeUndefined();
    expect(recovered.changeCount).toBe(10);
  });

  it('reports access-denied as an error (not offline)', async () => {
    const server = new FakeOdoo();
    server.failAll = new OcmError('access-denied', 'Access Denied');
    scheduler = new SyncScheduler({ store, timing: { fastMs: 10, backoffBaseMs: 5, backoffMaxMs: 20 }, connect: async () => ({ client: server.client(), capabilities: fakeCapabilities() }) });
    const failed = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'error');
    scheduler.setTargets([syncTarget(config('a'), 'x')]);
    expect((await failed).lastError?.code).toBe('access-denied');
  });

  it('stops retrying a refused login, says the password is needed, and tries again only when asked or given a new password (issue 14, item 11)', async () => {
    const server = new FakeOdoo();
    server.add(4);
    let attempts = 0;
    let refuse = true;
    scheduler = new SyncScheduler({
      store,
      timing: { fastMs: 10, backoffBaseMs: 1, backoffMaxMs: 2 },
      connect: async () => {
        attempts++;
        if (refuse) throw new OcmError('auth-failed', 'Odoo refused the login or password for database db on http://a.');
        return { client: server.client(), capabilities: fakeCapabilities() };
      },
    });
    const failed = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'error');
    const logged = nextEvent(scheduler.onDidLog, (entry) => entry.level === 'error');
    scheduler.setTargets([syncTarget(config('a'), 'wrong')]);
    const status = await failed;
    expect(status.lastError?.code).toBe('auth-failed');
    expect(status.nextAttemptAt).toBeUndefined();
    expect(await logged).toMatchObject({ messageKey: 'sync.passwordNeeded', message: expect.stringContaining('Not retrying') });
    // An absence can only be observed over time: with a 1 ms backoff a retrying loop would try dozens of
    // times in 100 ms; this one waits for the user.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts).toBe(1);

    // Sync now is the user's own try: one more attempt, then waiting again.
    const again = nextEvent(scheduler.onDidChangeStatus, (next) => next.state === 'error');
    scheduler.syncNow('a');
    await again;
    expect(attempts).toBe(2);

    // A new password restarts the loop, which syncs.
    refuse = false;
    const synced = nextEvent(scheduler.onDidChangeStatus, (next) => next.state === 'up-to-date');
    scheduler.setTargets([syncTarget(config('a'), 'right')]);
    expect((await synced).changeCount).toBe(4);
  });

  it('announces every pass, idle ones too, so "last sync" counts from the last poll (issue 14, item 4)', async () => {
    const server = new FakeOdoo();
    scheduler = new SyncScheduler({ store, timing: { fastMs: 10 }, connect: async () => ({ client: server.client(), capabilities: fakeCapabilities() }) });
    const passes: string[] = [];
    const third = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'up-to-date' && passes.push(status.lastSyncAt!) >= 3);
    scheduler.setTargets([syncTarget(config('a'), 'x')]);
    await third;
    // No change reached the server in between: each idle pass still says when it ran.
    expect(passes).toHaveLength(3);
    expect([...passes].sort()).toEqual(passes);
  });

  it('pauses, resumes and announces new rows', async () => {
    const server = new FakeOdoo();
    server.add(5);
    scheduler = new SyncScheduler({ store, timing: { fastMs: 10 }, connect: async () => ({ client: server.client(), capabilities: fakeCapabilities() }) });
    const first = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'up-to-date');
    scheduler.setTargets([syncTarget({ ...config('a'), pollIntervalSeconds: 3600 }, 'x')]);
    await first;
    const paused = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'paused');
    scheduler.pause('a');
    await paused;
    server.add(3);
    const data = nextEvent(scheduler.onDidChangeData, (notice) => notice.added > 0);
    scheduler.resume('a');
    expect(await data).toMatchObject({ instanceId: 'a', added: 3 });
  });

  it('connects again when how the instance is watched changes (its source is picked at connect)', async () => {
    const server = new FakeOdoo();
    const connected: (string | undefined)[] = [];
    scheduler = new SyncScheduler({
      store,
      timing: { fastMs: 10 },
      connect: async (target) => {
        connected.push(`${target.config.source ?? 'module'} ${String(target.config.watchedModels ?? 'default')} ${target.config.trackingValues ?? false}`);
        return { client: server.client(), capabilities: fakeCapabilities() };
      },
    });
    const settled = () => nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'up-to-date');
    let next = settled();
    scheduler.setTargets([syncTarget({ ...config('a'), pollIntervalSeconds: 3600 }, 'x')]);
    await next;
    scheduler.setTargets([syncTarget({ ...config('a'), pollIntervalSeconds: 3600 }, 'x')]); // nothing changed
    for (const change of [{ source: 'polling' as const }, { source: 'polling' as const, watchedModels: ['res.partner'] }, { source: 'polling' as const, watchedModels: ['res.partner'], trackingValues: true }]) {
      next = settled();
      scheduler.setTargets([syncTarget({ ...config('a'), pollIntervalSeconds: 3600, ...change }, 'x')]);
      await next;
    }
    expect(connected).toEqual(['module default false', 'polling default false', 'polling res.partner false', 'polling res.partner true']);
  });

  it('syncNow cuts the idle wait short', async () => {
    const server = new FakeOdoo();
    scheduler = new SyncScheduler({ store, timing: { fastMs: 10 }, connect: async () => ({ client: server.client(), capabilities: fakeCapabilities() }) });
    const first = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'up-to-date');
    scheduler.setTargets([syncTarget({ ...config('a'), pollIntervalSeconds: 3600 }, 'x')]);
    await first;
    // Let the loop settle into its long idle wait, then add rows and ask for a sync.
    server.add(2);
    const data = nextEvent(scheduler.onDidChangeData, (notice) => notice.added === 2);
    scheduler.syncNow('a');
    await data;
  });

  it('runOnce runs a single pass per instance and reports failures without throwing', async () => {
    const server = new FakeOdoo();
    server.add(7);
    scheduler = new SyncScheduler({
      store,
      connect: async (target) => {
        if (target.config.id === 'bad') throw new OcmError('auth-failed', 'Wrong login or password.');
        return { client: server.client(), capabilities: fakeCapabilities() };
      },
    });
    const results = await scheduler.runOnce([
      syncTarget(config('good'), 'x'),
      syncTarget(config('bad'), 'x'),
    ]);
    expect(results.get('good')).toMatchObject({ added: 7 });
    expect(results.get('bad')).toMatchObject({ code: 'auth-failed' });
  });
});
