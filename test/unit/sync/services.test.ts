import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import { createMirrorServices, type MirrorServices } from '../../../src-main/sync';
import { FakeOdoo, fakeCapabilities } from './fake-odoo';

let dir: string;
let services: MirrorServices;
let server: FakeOdoo;
const input = { name: 'Prod', url: 'https://erp.example.com/', db: 'prod', login: 'admin', password: 'pw-123456' };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-services-'));
  server = new FakeOdoo();
  server.add(12);
  services = await createMirrorServices({
    dataDir: dir,
    engine: 'in-thread',
    timing: { fastMs: 10 },
    connect: async () => ({ client: server.client(), capabilities: fakeCapabilities() }),
    checker: async (connection) => [{ id: 'login', status: connection.password === 'pw-123456' ? 'ok' : 'failed', message: 'login' }],
  });
});
afterEach(async () => {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('InstanceService', () => {
  it('adds an instance with its password encrypted, and refuses a duplicate name', async () => {
    const changed = nextEvent(services.instances.onDidChangeInstances);
    const added = await services.instances.add(input);
    expect(added).toMatchObject({ name: 'Prod', url: 'https://erp.example.com', transport: 'xmlrpc', production: false, pollIntervalSeconds: 30 });
    expect(added).not.toHaveProperty('password');
    expect((await changed).map((instance) => instance.id)).toEqual([added.id]);
    const secret = services.store.db.prepare('SELECT secret FROM instances').pluck().get() as string;
    expect(secret).not.toContain('pw-123456');
    expect(services.vault.decrypt(secret)).toBe('pw-123456');
    await expect(services.instances.add(input)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('validates input', async () => {
    await expect(services.instances.add({ ...input, url: 'ftp://x' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(services.instances.add({ ...input, password: '' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(services.instances.add({ ...input, pollIntervalSeconds: 0 })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('keeps the stored password when an edit omits it, and tests a saved instance with it', async () => {
    const added = await services.instances.add(input);
    const updated = await services.instances.update(added.id, { name: 'Production', production: true });
    expect(updated).toMatchObject({ name: 'Production', production: true });
    const checks = await services.instances.test({ ...input, password: undefined, id: added.id });
    expect(checks[0].status).toBe('ok');
    await expect(services.instances.update('nope', { name: 'x' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('removes with or without history', async () => {
    const kept = await services.instances.add(input);
    await nextEvent(services.sync.onDidChangeStatus, (status) => status.instanceId === kept.id && status.state === 'up-to-date');
    await services.instances.remove(kept.id, { keepHistory: true });
    expect(await services.instances.list()).toEqual([]);
    expect(services.store.db.prepare('SELECT COUNT(*) FROM changes WHERE instance_id = ?').pluck().get(kept.id)).toBe(12);

    const dropped = await services.instances.add({ ...input, name: 'Other' });
    await nextEvent(services.sync.onDidChangeStatus, (status) => status.instanceId === dropped.id && status.state === 'up-to-date');
    await services.instances.remove(dropped.id, { keepHistory: false });
    expect(services.store.db.prepare('SELECT COUNT(*) FROM changes WHERE instance_id = ?').pluck().get(dropped.id)).toBe(0);
    expect(services.store.db.prepare('SELECT COUNT(*) FROM changes WHERE instance_id = ?').pluck().get(kept.id)).toBe(12);
  });
});

describe('SyncService', () => {
  it('lists a status for every instance and the activity log', async () => {
    const added = await services.instances.add(input);
    const status = await nextEvent(services.sync.onDidChangeStatus, (next) => next.state === 'up-to-date');
    expect(status).toMatchObject({ instanceId: added.id, changeCount: 12, removedCount: 0, errorLog: 'unreadable', serverVersion: '18.0-20250421' });
    expect((await services.sync.statuses()).map((entry) => entry.state)).toEqual(['up-to-date']);
    const activity = await services.sync.activity({ instanceId: added.id });
    expect(activity[0]).toMatchObject({ kind: 'snapshot', message: 'Snapshot complete: 12 rows.', added: 12 });
    await expect(services.sync.pause('nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('SettingsService', () => {
  it('returns defaults, applies patches and announces them', async () => {
    expect(await services.settings.get()).toEqual({ language: 'en', theme: 'system', savedFilters: [], deleteConfirmThreshold: 100 });
    const changed = nextEvent(services.settings.onDidChangeSettings);
    await services.settings.update({ language: 'ar', deleteConfirmThreshold: 10 });
    expect(await changed).toMatchObject({ language: 'ar', deleteConfirmThreshold: 10, theme: 'system' });
    await expect(services.settings.update({ theme: 'neon' as never })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
