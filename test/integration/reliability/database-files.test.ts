/** A locked or corrupt database file: a clear error, and the file is never overwritten or recreated. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { nextEvent } from '../../../src-main/common/event';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { openStore } from '../../../src-main/store/store';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { SyncScheduler } from '../../../src-main/sync/scheduler';
import { syncTarget } from '../../unit/sync/targets';
import { createServices } from '../../../src-main/hosts/services';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-dbfiles-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function failure(work: () => unknown): OcmError {
  try {
    work();
  } catch (error) {
    if (error instanceof OcmError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('a corrupt database file', () => {
  it('is reported as store-corrupt and left byte-identical (garbage bytes)', async () => {
    const path = join(dir, 'mirror.sqlite');
    writeFileSync(path, randomBytes(64 * 1024));
    const before = readFileSync(path);
    const error = failure(() => openStore(path));
    expect(error.code).toBe('store-corrupt');
    expect(error.message).toContain(path);
    expect(error.hint).toMatch(/untouched/);
    expect(readFileSync(path).equals(before)).toBe(true);
    // The factory the hosts call refuses it too, and recreates nothing.
    await expect(createServices({ dataDir: dir, engine: 'none', keychain: null })).rejects.toMatchObject({ code: 'store-corrupt' });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('is reported as store-corrupt when the header is right but the pages are garbage', () => {
    const path = join(dir, 'mirror.sqlite');
    openStore(path).close();
    const good = readFileSync(path);
    const damaged = Buffer.concat([good.subarray(0, 16), randomBytes(Math.max(good.length, 8192) - 16)]);
    writeFileSync(path, damaged);
    const error = failure(() => openStore(path));
    expect(error.code).toBe('store-corrupt');
    expect(readFileSync(path).equals(damaged)).toBe(true);
  });
});

describe('a locked database file', () => {
  it('is reported as store-locked when another process holds an exclusive lock before the schema exists', () => {
    const path = join(dir, 'mirror.sqlite');
    const other = new Database(path);
    other.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const before = readFileSync(path);
      const error = failure(() => openStore(path, { busyTimeoutMs: 100 }));
      expect(error.code).toBe('store-locked');
      expect(error.hint).toMatch(/Another copy/);
      expect(readFileSync(path).equals(before)).toBe(true);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('is reported as store-locked on a write while another connection holds BEGIN EXCLUSIVE', () => {
    const path = join(dir, 'mirror.sqlite');
    openStore(path).close();
    const store = openStore(path, { busyTimeoutMs: 100 });
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const error = failure(() => store.mirror.insertChanges('a', 0, [{ serverId: 1, model: 'res.partner', recordId: 1, event: 'create', ts: 1 }], { changeCursor: 1 }, 1));
      expect(error.code).toBe('store-locked');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // Once the lock is gone, the same write succeeds.
    expect(store.mirror.insertChanges('a', 0, [{ serverId: 1, model: 'res.partner', recordId: 1, event: 'create', ts: 1 }], { changeCursor: 1 }, 1)).toBe(1);
    store.close();
  });

  it('lets a transaction that reads before it writes finish while another connection writes (BEGIN IMMEDIATE)', () => {
    const path = join(dir, 'mirror.sqlite');
    const store = openStore(path);
    const other = new Database(path, { timeout: 0 });
    try {
      // Deferred, the other connection's commit between the read and the write would fail this
      // transaction at once, without waiting (the sync worker's pages while the UI thread sent alerts).
      const inserted = store.db.transaction(() => {
        const before = store.db.prepare('SELECT COUNT(*) FROM changes').pluck().get();
        expect(() => other.prepare("INSERT INTO settings (key, value) VALUES ('x', '1')").run()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
        return store.mirror.insertChanges('a', 0, [{ serverId: 1, model: 'res.partner', recordId: 1, event: 'create', ts: 1 }], { changeCursor: 1 }, 1) + Number(before);
      })();
      expect(inserted).toBe(1);
      // The other connection's write goes through once the transaction ended.
      expect(other.prepare("INSERT INTO settings (key, value) VALUES ('x', '1')").run().changes).toBe(1);
    } finally {
      other.close();
      store.close();
    }
  });
});

describe('a database locked during a sync pass', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("reports 'store-locked' (not 'internal') from the pass and in the instance's status, then recovers", async () => {
    const path = join(dir, 'mirror.sqlite');
    const store = openStore(path, { busyTimeoutMs: 100 });
    const target = syncTarget({ id: 'seed', url: sim.url, db: 'seed' });
    const abort = new AbortController();
    const { client, capabilities } = await connectTarget(target, abort.signal);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE'); // another process holds the write lock past the busy timeout
    try {
      const error = await runSyncPass({ store, client, capabilities, instanceId: 'seed' }).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(OcmError);
      expect(error).toMatchObject({ code: 'store-locked', message: expect.stringContaining(path) });

      // The engine shows the same, with the hint, instead of an internal error.
      const scheduler = new SyncScheduler({ store, timing: { fastMs: 20, backoffBaseMs: 50, backoffMaxMs: 100 } });
      try {
        const failed = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'error');
        scheduler.setTargets([target]);
        expect((await failed).lastError).toMatchObject({ code: 'store-locked', hint: expect.stringMatching(/Another copy/) });
        const recovered = nextEvent(scheduler.onDidChangeStatus, (status) => status.state === 'up-to-date');
        other.exec('ROLLBACK');
        expect((await recovered).changeCount).toBe(sim.database('seed').webhookRows().length);
      } finally {
        await scheduler.close();
      }
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      client.close();
      store.close();
    }
  });
});

