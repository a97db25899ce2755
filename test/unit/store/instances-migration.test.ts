/**
 * Migration 5: the instances table is rebuilt so its transport CHECK takes 'json2', and gains the
 * transport's choice; a mirror written by the previous schema keeps every instance, column and index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/store/schema';
import { openStore } from '../../../src-main/store/store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-migration-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rebuild = MIGRATIONS.find((migration) => migration.sql.includes('CREATE TABLE instances_next'))!;

/** A mirror file at the schema just before the rebuild, with two instances (one hidden) and a mirrored row. */
function previousMirror(path: string): void {
  const db = new Database(path);
  for (const migration of MIGRATIONS.filter((candidate) => candidate.version < rebuild.version)) db.exec(migration.sql);
  db.pragma(`user_version = ${rebuild.version - 1}`);
  const insert = db.prepare(
    `INSERT INTO instances (id, name, url, db, login, secret, transport, production, demo, poll_interval_seconds, trusted_cert_sha256, position, created_at, removed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  insert.run('a', 'Prod', 'https://erp.example.com', 'prod', 'admin', 'sealed-a', 'jsonrpc', 1, 0, 60, 'AB:CD', 0, 1_800_000_000, null);
  insert.run('b', 'Old', 'https://old.example.com', 'old', 'admin', 'sealed-b', 'xmlrpc', 0, 0, 30, null, 1, 1_800_000_100, 1_800_000_200);
  db.prepare('INSERT INTO changes (instance_id, server_id, model, record_id, event, ts, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run('a', 1, 'res.partner', 7, 'create', 1, 1);
  db.close();
}

describe('instances rebuild (JSON-2)', () => {
  it('keeps every row, column value and index, takes json2, and refuses what was never a transport', () => {
    const path = join(dir, 'mirror.sqlite');
    previousMirror(path);
    const before = new Database(path, { readonly: true });
    const rowsBefore = before.prepare('SELECT * FROM instances ORDER BY id').all();
    before.close();

    const store = openStore(path);
    try {
      const rowsAfter = store.db.prepare('SELECT * FROM instances ORDER BY id').all() as Record<string, unknown>[];
      // The rebuild adds transport_choice; the later watch migration adds its columns with their defaults.
      const added = rowsAfter.map(({ transport_choice, source, watched_models, tracking_values }) => ({ transport_choice, source, watched_models, tracking_values }));
      expect(added).toEqual(rowsBefore.map(() => ({ transport_choice: null, source: 'module', watched_models: null, tracking_values: 0 })));
      expect(rowsAfter.map(({ transport_choice: _choice, source: _source, watched_models: _models, tracking_values: _tracking, ...row }) => row)).toEqual(rowsBefore);
      const indexes = store.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instances' AND sql IS NOT NULL").all();
      expect(indexes).toEqual([{ name: 'instances_name', sql: 'CREATE UNIQUE INDEX instances_name ON instances(name) WHERE removed_at IS NULL' }]);
      expect(store.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'instances_next'").pluck().get()).toBe(0);
      expect(store.db.prepare('SELECT COUNT(*) FROM changes').pluck().get()).toBe(1);

      // The repository reads the kept instances (no choice: they keep their transport) and writes JSON-2 ones.
      expect(store.instances.list({ includeRemoved: true }).map((record) => [record.config.name, record.config.transport, record.config.transportChoice])).toEqual([
        ['Prod', 'jsonrpc', undefined],
        ['Old', 'xmlrpc', undefined],
      ]);
      const fields = { name: 'Nineteen', url: 'https://n.example.com', db: 'n', login: 'admin', secret: 's', transport: 'json2' as const, transportChoice: { reason: 'json2' as const, serverSerie: '19.0', major: 19 }, production: false, demo: false, pollIntervalSeconds: 30 };
      store.instances.insert('c', fields, 1_800_000_300);
      expect(store.instances.get('c')?.config).toMatchObject({ transport: 'json2', transportChoice: { reason: 'json2', serverSerie: '19.0', major: 19 } });
      expect(() => store.db.prepare("UPDATE instances SET transport = 'soap' WHERE id = 'c'").run()).toThrow(/CHECK constraint failed/);
      // The unique name among visible instances still holds.
      expect(() => store.instances.insert('d', { ...fields, secret: 't' }, 1_800_000_400)).toThrow();
    } finally {
      store.close();
    }
  });
});
