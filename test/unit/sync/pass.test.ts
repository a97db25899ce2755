import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src-main/store/store';
import { runSyncPass } from '../../../src-main/sync/pass';
import { odooTimeFromSeconds, secondsFromOdooTime } from '../../../src-main/odoo/datetime';
import { FakeOdoo, fakeCapabilities } from './fake-odoo';

const ID = 'instance-1';
let dir: string;
let store: Store;
let server: FakeOdoo;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-pass-'));
  store = openStore(join(dir, 'mirror.sqlite'));
  server = new FakeOdoo();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function pass(options: { rich?: boolean; pageSize?: number } = {}) {
  return runSyncPass({ store, client: server.client(), capabilities: fakeCapabilities({ rich: options.rich }), instanceId: ID, options: { pageSize: options.pageSize ?? 100 } });
}

function localRows(): { server_id: number; revision: number; epoch: number; removed_by: string | null }[] {
  return store.db.prepare('SELECT server_id, revision, epoch, removed_by FROM changes WHERE instance_id = ? ORDER BY epoch, server_id, revision').all(ID) as never;
}

function presentIds(): number[] {
  return localRows().filter((row) => row.removed_by === null).map((row) => row.server_id);
}

function serverIds(): number[] {
  return [...server.rows.keys()].sort((a, b) => a - b);
}

describe('runSyncPass', () => {
  it('takes a snapshot, then pulls only new rows by id cursor', async () => {
    server.add(950);
    const first = await pass();
    expect(first).toMatchObject({ added: 950, snapshot: true, removed: 0 });
    expect(store.syncState.get(ID)).toMatchObject({ changeCursor: 950, snapshotDone: true });

    server.add(30);
    const second = await pass();
    expect(second).toMatchObject({ added: 30, snapshot: false });
    expect(presentIds()).toEqual(serverIds());
  });

  it('converts rows: naive UTC timestamps become Unix seconds', async () => {
    server.rows.set(1, { id: 1, model: 'res.partner', record_id: 62, event: 'create', timestamp: '2026-11-30 09:51:44' });
    server.nextId = 2;
    await pass();
    const row = store.db.prepare('SELECT model, record_id, event, ts FROM changes').get() as Record<string, unknown>;
    expect(row).toEqual({ model: 'res.partner', record_id: 62, event: 'create', ts: Date.UTC(2026, 10, 30, 9, 51, 44) / 1000 });
  });

  it('an idle poll costs two requests and changes nothing', async () => {
    server.add(500);
    await pass();
    server.requests = 0;
    const idle = await pass();
    expect(idle).toMatchObject({ added: 0, removed: 0, reset: false });
    expect(server.requests).toBe(2);
  });

  it('finds rows deleted on the server without re-reading all ids, and keeps them as history', async () => {
    server.add(5000);
    await pass({ pageSize: 1000 });
    const deleted = [3, 77, 1500, 1501, 2999, 4998, 5000];
    server.remove(deleted);
    server.requests = 0;
    const result = await pass({ pageSize: 1000 });
    expect(result.removed).toBe(deleted.length);
    expect(presentIds()).toEqual(serverIds());
    expect(localRows().filter((row) => row.removed_by === 'server').map((row) => row.server_id)).toEqual(deleted);
    expect(server.requests).toBeLessThan(60);
    // change_hours follows: present + removed still equals the rows mirrored.
    const hours = store.db.prepare('SELECT SUM(present) AS present, SUM(removed) AS removed FROM change_hours').get() as { present: number; removed: number };
    expect(hours).toEqual({ present: 5000 - deleted.length, removed: deleted.length });
  });

  it('marks everything removed when the server log is emptied, without calling it a reset', async () => {
    server.add(300);
    await pass();
    server.remove(serverIds());
    const result = await pass();
    expect(result).toMatchObject({ reset: false, removed: 300 });
    expect(new Set(localRows().map((row) => row.removed_by))).toEqual(new Set(['server']));
  });

  it('detects a reset log (ids reused with other content), keeps history and takes a new snapshot', async () => {
    server.add(200);
    await pass();
    server.reset();
    server.add(120, Date.UTC(2026, 11, 5) / 1000); // ids 1..120 again, other timestamps
    const result = await pass();
    expect(result.reset).toBe(true);
    const rows = localRows();
    expect(rows.filter((row) => row.epoch === 0).every((row) => row.removed_by === 'reset')).toBe(true);
    expect(rows.filter((row) => row.epoch === 0)).toHaveLength(200);
    expect(rows.filter((row) => row.epoch === 1 && row.removed_by === null).map((row) => row.server_id)).toEqual(serverIds());
    expect(store.syncState.get(ID)).toMatchObject({ epoch: 1, changeCursor: 120, snapshotDone: true });
  });

  it('detects a reset when the new log already has more rows than the cursor', async () => {
    server.add(50);
    await pass();
    server.reset();
    server.add(80, Date.UTC(2027, 0, 1) / 1000);
    const result = await pass();
    expect(result.reset).toBe(true);
    expect(store.syncState.get(ID)).toMatchObject({ epoch: 1, changeCursor: 80 });
  });

  it('does not treat deleted newest rows as a reset', async () => {
    server.add(100);
    await pass();
    server.remove([98, 99, 100]);
    const result = await pass();
    expect(result).toMatchObject({ reset: false, removed: 3 });
  });

  it('picks up rows committed late below the cursor', async () => {
    server.add(400);
    server.remove([250]);
    const late = server.rows.get(251)!;
    await pass();
    server.rows.set(250, { ...late, id: 250, record_id: 9999 });
    const result = await pass();
    expect(result.added).toBe(1);
    expect(presentIds()).toEqual(serverIds());
  });

  it('resumes an interrupted snapshot without losing or doubling rows', async () => {
    server.add(1000);
    let ranges = 0;
    const client = server.client();
    const failing = {
      ...client,
      // The fourth range request of the pipelined snapshot fails, as a dropped connection would.
      searchRead: (...args: Parameters<typeof client.searchRead>) => (++ranges === 4 ? Promise.reject(new Error('connection dropped')) : client.searchRead(...args)),
    };
    await expect(runSyncPass({ store, client: failing, capabilities: fakeCapabilities(), instanceId: ID, options: { pageSize: 100 } })).rejects.toThrow('connection dropped');
    expect(store.syncState.get(ID)).toMatchObject({ changeCursor: 300, snapshotDone: false });
    await pass();
    expect(localRows().map((row) => row.server_id)).toEqual(serverIds());
  });

  it('stores refreshed rows of our addon as new revisions', async () => {
    server.add(20);
    for (const row of server.rows.values()) row.change_count = 1;
    await pass({ rich: true });
    const row = server.rows.get(7)!;
    row.timestamp = '2026-12-24 10:00:00';
    row.change_count = 2;
    const result = await pass({ rich: true });
    expect(result.revised).toBe(1);
    const revisions = localRows().filter((local) => local.server_id === 7);
    expect(revisions.map((local) => local.revision)).toEqual([0, 1]);
    // Deleting it on the server marks every revision removed.
    server.remove([7]);
    await pass({ rich: true });
    expect(localRows().filter((local) => local.server_id === 7).map((local) => local.removed_by)).toEqual(['server', 'server']);
  });

  it('stops re-reading the newest second once a quiet pass re-read it, and still finds later refreshes', async () => {
    server.add(20);
    for (const row of server.rows.values()) row.change_count = 1;
    await pass({ rich: true });
    const newest = [...server.rows.values()].map((row) => row.timestamp).sort().at(-1)!;
    expect(store.syncState.get(ID).revisionCursor).toBe(newest);
    // The next pass looks at that second again (a refresh in it may have committed late), finds nothing new,
    // and, the second being long past, steps the cursor one second beyond it.
    expect((await pass({ rich: true })).revised).toBe(0);
    expect(store.syncState.get(ID).revisionCursor).toBe(odooTimeFromSeconds(secondsFromOdooTime(newest) + 1));
    const row = server.rows.get(3)!;
    row.timestamp = odooTimeFromSeconds(secondsFromOdooTime(newest) + 30);
    row.change_count = 2;
    expect((await pass({ rich: true })).revised).toBe(1);
  });

  it('mirrors the error log when readable', async () => {
    server.add(5);
    server.errors.set(1, { id: 1, model: 'res.partner', record_id: 4, error_message: 'Timeout calling https://x.example/hook for res.partner 4', timestamp: '2026-11-30 10:00:00' });
    const result = await runSyncPass({ store, client: server.client(), capabilities: fakeCapabilities({ errorLog: 'readable' }), instanceId: ID });
    expect(result.errorsAdded).toBe(1);
    const row = store.db.prepare('SELECT message, fingerprint FROM errors').get() as { message: string; fingerprint: string };
    expect(row.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(store.syncState.get(ID).errorCursor).toBe(1);
  });
});
