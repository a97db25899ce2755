import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { dataDirectory, databasePath } from '../../../src-main/store/data-directory';
import { SCHEMA_VERSION } from '../../../src-main/store/open';
import { createKeyFileVault, KEY_FILE } from '../../../src-main/store/secret-vault';
import { openStore, type Store } from '../../../src-main/store/store';
import type { MirrorChange } from '../../../src-main/store/repositories/mirror';
import { DEFERRABLE_INDEXES } from '../../../src-main/store/read-indexes';
import { isoFromSeconds, secondsFromIso } from '../../../src-main/common/time';
import { odooTimeFromSeconds, secondsFromOdooTime } from '../../../src-main/odoo/datetime';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function rows(ids: number[], ts = 1_800_000_000): MirrorChange[] {
  return ids.map((id) => ({ serverId: id, model: id % 2 ? 'res.partner' : 'sale.order', recordId: id * 10, event: 'create', ts: ts + id * 60 }));
}

describe('openStore', () => {
  it('creates the schema with WAL and records the version', () => {
    const store = openStore(join(dir, 'm.sqlite'));
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
    // Reopening runs nothing again.
    const again = openStore(join(dir, 'm.sqlite'));
    expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('refuses a database written by a newer app and leaves it alone', () => {
    const path = join(dir, 'm.sqlite');
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const before = readFileSync(path);
    expect(() => openStore(path)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('MirrorRepository', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(join(dir, 'm.sqlite'));
  });
  afterEach(() => store.close());

  it('inserts rows with the cursor in one transaction, idempotently', () => {
    expect(store.mirror.insertChanges('a', 0, rows([1, 2, 3]), { changeCursor: 3 }, 100)).toBe(3);
    expect(store.mirror.insertChanges('a', 0, rows([2, 3, 4]), { changeCursor: 4 }, 200)).toBe(1);
    expect(store.syncState.get('a').changeCursor).toBe(4);
    const count = store.db.prepare('SELECT COUNT(*) FROM changes').pluck().get();
    expect(count).toBe(4);
    const totals = store.db.prepare('SELECT SUM(present) FROM change_hours').pluck().get();
    expect(totals).toBe(4);
    // The cursor never moves backwards.
    store.mirror.insertChanges('a', 0, [], { changeCursor: 2 }, 300);
    expect(store.syncState.get('a').changeCursor).toBe(4);
  });

  it('inserts pages of any size, scattered rows, revisions and rows given twice, each once', () => {
    // 200 rows: three multi-row statements and a tail; then a page overlapping it (a resumed snapshot).
    const ids = Array.from({ length: 200 }, (_, index) => index + 1);
    expect(store.mirror.insertChanges('a', 0, rows(ids), { changeCursor: 200 }, 100)).toBe(200);
    expect(store.mirror.insertChanges('a', 0, rows([...ids.slice(150), 201, 202, 203]), { changeCursor: 203 }, 100)).toBe(3);
    // Scattered rows (ids far apart) are looked up one by one; a row given twice counts once.
    expect(store.mirror.insertChanges('a', 0, rows([5, 100_000, 100_000, 900_000]), {}, 100)).toBe(2);
    // Refreshes are new revisions of known rows.
    const revised = rows([7, 8]).map((row) => ({ ...row, revision: 1, ts: row.ts + 5 }));
    expect(store.mirror.insertChanges('a', 0, [...revised, ...revised], {}, 100)).toBe(2);
    expect(store.db.prepare('SELECT COUNT(*) FROM changes').pluck().get()).toBe(207);
    expect(store.db.prepare('SELECT SUM(present) FROM change_hours').pluck().get()).toBe(207);
    const row = store.db.prepare('SELECT instance_id, epoch, revision, model, record_id, event, ts, first_seen_at, origin FROM changes WHERE server_id = 8 AND revision = 1').get();
    expect(row).toEqual({ instance_id: 'a', epoch: 0, revision: 1, model: 'sale.order', record_id: 80, event: 'create', ts: 1_800_000_000 + 8 * 60 + 5, first_seen_at: 100, origin: 'module' });
  });

  it('defers the read indexes during a large bulk load and builds them at its end', () => {
    const readIndexes = () => store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes' ORDER BY name").pluck().all();
    const all = readIndexes();
    expect(store.mirror.beginBulkLoad('a', 1000)).toBe(false); // small: not worth it
    expect(store.mirror.beginBulkLoad('a', 50_000)).toBe(true);
    expect(readIndexes()).toEqual(all.filter((name) => !DEFERRABLE_INDEXES.some((index) => index.name === name)));
    store.mirror.insertChanges('a', 0, rows([1, 2, 3]), { changeCursor: 3 }, 100);
    // Another instance's pass does not build them while the load runs; the load's end does.
    expect(store.mirror.ensureReadIndexes()).toEqual([]);
    store.mirror.endBulkLoad('a');
    expect(readIndexes()).toEqual(all);
    // A load that would not at least double the table keeps them.
    store.db.prepare("UPDATE changes SET id = 90000 WHERE server_id = 3").run();
    expect(store.mirror.beginBulkLoad('b', 50_000)).toBe(false);
  });

  it('defines the deferrable indexes as the schema does', () => {
    const defined = new Map((store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index'").all() as { name: string; sql: string }[]).map((index) => [index.name, index.sql]));
    for (const index of DEFERRABLE_INDEXES) expect(index.sql.replace(' IF NOT EXISTS', '')).toBe(defined.get(index.name));
  });

  it('rolls back the rows when the cursor update fails', () => {
    expect(() => store.mirror.insertChanges('a', 0, [...rows([1]), { serverId: 2, model: 'x', recordId: 1, event: 'bogus' as never, ts: 1 }], { changeCursor: 2 }, 1)).toThrow();
    expect(store.db.prepare('SELECT COUNT(*) FROM changes').pluck().get()).toBe(0);
    expect(store.syncState.get('a').changeCursor).toBe(0);
  });

  it('marks rows removed and moves their hour counts from present to removed', () => {
    store.mirror.insertChanges('a', 0, rows([1, 2, 3, 4]), { changeCursor: 4 }, 100);
    expect(store.mirror.markRemoved('a', 0, [2, 3, 99], 'server', 500)).toBe(2);
    expect(store.mirror.markRemoved('a', 0, [2], 'user', 600)).toBe(0); // first removal wins
    const removed = store.db.prepare('SELECT server_id, removed_at, removed_by FROM changes WHERE removed_at IS NOT NULL ORDER BY server_id').all();
    expect(removed).toEqual([
      { server_id: 2, removed_at: 500, removed_by: 'server' },
      { server_id: 3, removed_at: 500, removed_by: 'server' },
    ]);
    const sums = store.db.prepare('SELECT SUM(present) AS present, SUM(removed) AS removed FROM change_hours').get();
    expect(sums).toEqual({ present: 2, removed: 2 });
    expect(store.mirror.presentServerIds('a', 0, 1, 10)).toEqual([1, 4]);
    expect(store.mirror.counts('a')).toEqual({ changeCount: 4, removedCount: 2, errorCount: 0 });
  });

  it('starts a new epoch on reset, keeping the old rows as history', () => {
    store.mirror.insertChanges('a', 0, rows([1, 2, 3]), { changeCursor: 3, snapshotDone: true }, 100);
    store.mirror.markRemoved('a', 0, [1], 'server', 150);
    const { epoch, removed } = store.mirror.startNewEpoch('a', 0, 200);
    expect({ epoch, removed }).toEqual({ epoch: 1, removed: 2 });
    expect(store.syncState.get('a')).toMatchObject({ epoch: 1, changeCursor: 0, snapshotDone: false });
    expect(store.db.prepare('SELECT server_id, removed_by FROM changes ORDER BY server_id').all()).toEqual([
      { server_id: 1, removed_by: 'server' },
      { server_id: 2, removed_by: 'reset' },
      { server_id: 3, removed_by: 'reset' },
    ]);
    // The same server ids can now be mirrored again in the new epoch.
    expect(store.mirror.insertChanges('a', 1, rows([1, 2]), { changeCursor: 2 }, 300)).toBe(2);
  });

  it('stores error rows with their fingerprint, searchable by full text', () => {
    const message = 'Timeout calling https://hook.example/x for res.partner 42';
    store.mirror.insertErrors('a', 0, [{ serverId: 1, model: 'res.partner', recordId: 42, message, ts: 1000 }], { errorCursor: 1 }, 2000);
    store.mirror.insertErrors('a', 0, [{ serverId: 1, model: 'res.partner', recordId: 42, message, ts: 1000 }], { errorCursor: 1 }, 2000);
    expect(store.db.prepare('SELECT COUNT(*) FROM errors').pluck().get()).toBe(1);
    expect(store.db.prepare("SELECT rowid FROM errors_fts WHERE errors_fts MATCH 'timeout'").all()).toHaveLength(1);
    expect(store.syncState.get('a').errorCursor).toBe(1);
  });
});

describe('settings', () => {
  it('has defaults and keeps updates as JSON', () => {
    const store = openStore(join(dir, 'm.sqlite'));
    expect(store.settings.get()).toEqual({ language: 'en', theme: 'system', savedFilters: [], deleteConfirmThreshold: 100 });
    store.settings.update({ language: 'ar', savedFilters: [{ id: 'f', name: 'Partners', filter: { models: ['res.partner'] } }] });
    expect(store.settings.get()).toMatchObject({ language: 'ar', theme: 'system', savedFilters: [{ id: 'f' }] });
    store.close();
  });
});

describe('createKeyFileVault', () => {
  it('round-trips secrets with a 0600 key file, never storing the plain text', () => {
    const vault = createKeyFileVault(dir);
    expect(vault.kind).toBe('local-key-file');
    const cipher = vault.encrypt('s3cret-ÄÖ');
    expect(cipher).not.toContain('s3cret');
    expect(vault.encrypt('s3cret-ÄÖ')).not.toBe(cipher); // random IV
    expect(createKeyFileVault(dir).decrypt(cipher)).toBe('s3cret-ÄÖ');
    if (process.platform !== 'win32') expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('refuses cipher text from another key', () => {
    const other = mkdtempSync(join(tmpdir(), 'ocm-vault-'));
    try {
      const cipher = createKeyFileVault(other).encrypt('x');
      expect(() => createKeyFileVault(dir).decrypt(cipher)).toThrow(OcmError);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('dataDirectory', () => {
  it('prefers OCM_HOME, else the platform folder', () => {
    expect(dataDirectory({ OCM_HOME: '/data/ocm' }, 'linux', '/home/u')).toBe('/data/ocm');
    expect(dataDirectory({}, 'linux', '/home/u')).toBe('/home/u/.config/odoo-change-monitor');
    expect(dataDirectory({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/odoo-change-monitor');
    expect(dataDirectory({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/odoo-change-monitor');
    expect(dataDirectory({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\odoo-change-monitor');
    expect(databasePath('/data/ocm')).toBe(join('/data/ocm', 'mirror.sqlite'));
  });
});

describe('time', () => {
  it("converts Odoo's naive UTC to Unix seconds and back", () => {
    expect(secondsFromOdooTime('2026-11-30 09:51:44')).toBe(Date.UTC(2026, 10, 30, 9, 51, 44) / 1000);
    expect(odooTimeFromSeconds(secondsFromOdooTime('2026-11-30 09:51:44'))).toBe('2026-11-30 09:51:44');
    expect(isoFromSeconds(secondsFromOdooTime('2026-11-30 09:51:44'))).toBe('2026-11-30T09:51:44Z');
    expect(secondsFromIso('2026-11-30T09:51:44Z', 'The time')).toBe(secondsFromOdooTime('2026-11-30 09:51:44'));
    expect(() => secondsFromOdooTime('30/11/2026')).toThrow(expect.objectContaining({ code: 'protocol' }));
  });

  it('accepts Odoo timestamps with a T or fractional seconds, and nothing else', () => {
    const seconds = Date.UTC(2026, 10, 30, 9, 51, 44) / 1000;
    expect(secondsFromOdooTime('2026-11-30T09:51:44')).toBe(seconds);
    expect(secondsFromOdooTime('2026-11-30 09:51:44.123456')).toBe(seconds);
    for (const bad of ['', '2026-11-30 09:51', '2026-11-30 09:51:44.', '2026-11-30 09:51:44Z', ' 2026-11-30 09:51:44', '2026-11-30 09:51:4a', '2026/11/30 09:51:44', '2026-1-130 09:51:44', '2026-11-30 09:51:44.1x']) {
      expect(() => secondsFromOdooTime(bad), bad).toThrow(expect.objectContaining({ code: 'protocol' }));
    }
  });
});

