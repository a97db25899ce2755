/** The instance, sync and settings services as the composition root builds them (in-thread engine, fake server). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { nextEvent } from '../../../src-main/common/event';
import type { ConnectionTestInput } from '../../../src-main/odoo/types';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import { createKeyFileVault } from '../../../src-main/store/secret-vault';
import { FakeOdoo, fakeCapabilities } from '../sync/fake-odoo';

let dir: string;
let app: RunningServices;
let server: FakeOdoo;
let tested: ConnectionTestInput[];
const input = { name: 'Prod', url: 'https://erp.example.com/', db: 'prod', login: 'admin', password: 'pw-123456' };

/** A second connection to the mirror file, to look at what was stored. */
function stored<T>(sql: string, ...params: unknown[]): T {
  const db = new Database(join(dir, 'mirror.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).pluck().get(...params) as T;
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-services-'));
  server = new FakeOdoo();
  server.add(12);
  tested = [];
  app = await createServices({
    dataDir: dir,
    engine: 'in-thread',
    keychain: null,
    timing: { fastMs: 10 },
    connect: async () => ({ client: server.client(), capabilities: fakeCapabilities() }),
    // erp.example.com is never asked: a server that cannot be asked gets XML-RPC until it answers.
    chooser: async () => {
      throw new OcmError('network-dns', 'erp.example.com cannot be found.');
    },
    checker: async (connection) => {
      tested.push(connection);
      return [{ id: 'login', status: connection.secret === 'pw-123456' ? 'ok' : 'failed', message: 'login' }];
    },
  });
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('InstanceService', () => {
  it('adds an instance with its password sealed to its server, and refuses a duplicate name', async () => {
    const { instances } = app.services;
    const changed = nextEvent(instances.onDidChangeInstances);
    const added = await instances.add(input);
    expect(added).toMatchObject({ name: 'Prod', url: 'https://erp.example.com', transport: 'xmlrpc', transportChoice: { reason: 'unreachable' }, production: false, pollIntervalSeconds: 30 });
    expect(added).not.toHaveProperty('password');
    expect((await changed).map((instance) => instance.id)).toEqual([added.id]);
    const secret = stored<string>('SELECT secret FROM instances');
    expect(secret).not.toContain('pw-123456');
    const sealed = createKeyFileVault(dir).decrypt(secret);
    expect(sealed).toContain('"origin":"https://erp.example.com"');
    expect(sealed).toContain('"db":"prod"');
    await expect(instances.add(input)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('validates input with one set of rules', async () => {
    const { instances } = app.services;
    await expect(instances.add({ ...input, url: 'ftp://x' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(instances.add({ ...input, password: '' })).rejects.toMatchObject({ code: 'invalid-input', message: 'The password is missing.' });
    await expect(instances.add({ ...input, pollIntervalSeconds: 1 })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('between 2 and 86400') });
    await expect(instances.add({ ...input, pollIntervalSeconds: 86_401 })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(instances.add({ ...input, transport: 'soap' as 'xmlrpc' })).rejects.toMatchObject({ code: 'invalid-input', hint: expect.stringContaining('Use auto, xmlrpc, jsonrpc or json2') });
  });

  it('keeps the stored password when an edit omits it and the server stays, and tests a saved instance with it', async () => {
    const { instances } = app.services;
    const added = await instances.add(input);
    const updated = await instances.update(added.id, { name: 'Production', production: true, url: 'https://erp.example.com:443/odoo' });
    expect(updated).toMatchObject({ name: 'Production', production: true, url: 'https://erp.example.com:443/odoo' });
    const checks = await instances.test({ ...input, url: updated.url, password: undefined, id: added.id });
    expect(checks[0].status).toBe('ok');
    expect(tested.at(-1)).toMatchObject({ url: 'https://erp.example.com:443/odoo', db: 'prod', secret: 'pw-123456' });
    await expect(instances.update('nope', { name: 'x' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('asks for the password again when an edit points the instance at another origin or database', async () => {
    const { instances } = app.services;
    const added = await instances.add(input);
    for (const patch of [{ url: 'https://evil.example.com' }, { url: 'http://erp.example.com' }, { url: 'https://erp.example.com:8443' }, { db: 'other' }]) {
      await expect(instances.update(added.id, patch), JSON.stringify(patch)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('is not sent to') });
    }
    expect((await instances.list())[0].url).toBe('https://erp.example.com');
    // With the password typed again, the move is saved, and the secret is sealed to the new server.
    const moved = await instances.update(added.id, { url: 'https://erp2.example.com', password: 'pw-123456' });
    expect(moved.url).toBe('https://erp2.example.com');
    expect(createKeyFileVault(dir).decrypt(stored<string>('SELECT secret FROM instances'))).toContain('"origin":"https://erp2.example.com"');
  });

  it('tests a saved secret only against the origin and database it was saved for', async () => {
    const { instances } = app.services;
    const added = await instances.add(input);
    await expect(instances.test({ ...input, password: undefined, id: added.id, url: 'https://evil.example.com' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(instances.test({ ...input, password: undefined, id: added.id, db: 'other' })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(tested).toEqual([]);
    // A typed password may be tested anywhere: it was not saved.
    await instances.test({ ...input, password: 'typed', id: added.id, url: 'https://elsewhere.example.com' });
    expect(tested).toEqual([expect.objectContaining({ url: 'https://elsewhere.example.com', secret: 'typed' })]);
  });

  it('removes with or without history', async () => {
    const { instances, sync } = app.services;
    app.startSync();
    const kept = await instances.add(input);
    await nextEvent(sync.onDidChangeStatus, (status) => status.instanceId === kept.id && status.state === 'up-to-date');
    await instances.remove(kept.id, { keepHistory: true });
    expect(await instances.list()).toEqual([]);
    expect(await instances.list({ includeRemoved: true })).toEqual([expect.objectContaining({ id: kept.id, removedAt: expect.any(String) })]);
    expect(stored<number>('SELECT COUNT(*) FROM changes WHERE instance_id = ?', kept.id)).toBe(12);

    const dropped = await instances.add({ ...input, name: 'Other' });
    await nextEvent(sync.onDidChangeStatus, (status) => status.instanceId === dropped.id && status.state === 'up-to-date');
    await instances.remove(dropped.id, { keepHistory: false });
    expect(stored<number>('SELECT COUNT(*) FROM changes WHERE instance_id = ?', dropped.id)).toBe(0);
    expect(stored<number>('SELECT COUNT(*) FROM changes WHERE instance_id = ?', kept.id)).toBe(12);
  });
});

describe('SyncService', () => {
  it('lists a status for every instance and the activity log', async () => {
    const { instances, sync } = app.services;
    app.startSync();
    const added = await instances.add(input);
    const status = await nextEvent(sync.onDidChangeStatus, (next) => next.state === 'up-to-date');
    expect(status).toMatchObject({ instanceId: added.id, changeCount: 12, removedCount: 0, errorLog: 'unreadable', serverVersion: '18.0-20250421' });
    expect((await sync.statuses()).map((entry) => entry.state)).toEqual(['up-to-date']);
    const activity = await sync.activity({ instanceId: added.id });
    expect(activity[0]).toMatchObject({ kind: 'snapshot', message: 'Snapshot complete: 12 rows.', added: 12 });
    await expect(sync.pause('nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('SettingsService', () => {
  it('returns defaults, applies patches and announces them', async () => {
    const { settings } = app.services;
    expect(await settings.get()).toEqual({ language: 'en', theme: 'system', savedFilters: [], deleteConfirmThreshold: 100 });
    const changed = nextEvent(settings.onDidChangeSettings);
    await settings.update({ language: 'ar', deleteConfirmThreshold: 10 });
    expect(await changed).toMatchObject({ language: 'ar', deleteConfirmThreshold: 10, theme: 'system' });
    await expect(settings.update({ theme: 'neon' as never })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('createServices without an engine', () => {
  it('runs no scheduler: statuses rest, sync-now says no engine runs', async () => {
    const quiet = await createServices({ dataDir: dir, engine: 'none', keychain: null });
    try {
      const added = await quiet.services.instances.add({ ...input, name: 'Quiet' });
      expect((await quiet.services.sync.statuses()).find((status) => status.instanceId === added.id)).toMatchObject({ state: 'idle', changeCount: 0 });
      await expect(quiet.services.sync.syncNow()).rejects.toMatchObject({ code: 'conflict', message: 'No sync engine runs in this process.' });
    } finally {
      await quiet.close();
    }
  });
});
