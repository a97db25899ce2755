import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesNotice } from '../../../src-main/common/model';
import { createServices } from '../../../src-main/hosts/services';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { adminFixture, hoursMatchRows, type AdminFixture } from './harness';

let sim: RunningSimulator;
const fixtures: AdminFixture[] = [];

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'original' });
});
afterAll(async () => {
  for (const fixture of fixtures) fixture.close();
  await sim.close();
});

async function fixture(options: Parameters<typeof adminFixture>[1] = {}): Promise<AdminFixture> {
  const created = await adminFixture(sim, options);
  fixtures.push(created);
  return created;
}

describe('deleting change-log rows on the simulator', () => {
  it('deletes the rows on the server and keeps them locally, marked as removed by the user', async () => {
    const seed = sim.database('seed');
    seed.seedWebhookRows(40);
    const f = await fixture({ user: 'demo' });
    f.mirror();
    const before = seed.webhookRows();
    const partnerIds = before.filter((row) => row.model === 'res.partner').map((row) => row.id);
    expect(partnerIds.length).toBeGreaterThan(2);

    const preview = await f.service.previewDelete('sim', { filter: { models: ['res.partner'] } });
    expect(preview).toMatchObject({ instanceName: 'Simulator', count: partnerIds.length, canDelete: true, requiresTypedName: false });

    const result = await f.service.deleteRows('sim', { filter: { models: ['res.partner'] } }, {});
    expect(result).toMatchObject({ requested: partnerIds.length, deleted: partnerIds.length, result: 'ok' });

    const after = seed.webhookRows();
    expect(after.some((row) => row.model === 'res.partner')).toBe(false);
    expect(after).toHaveLength(before.length - partnerIds.length);

    const local = f.store.db.prepare("SELECT server_id, removed_by FROM changes WHERE model = 'res.partner' ORDER BY server_id").all() as { server_id: number; removed_by: string }[];
    expect(local.map((row) => row.server_id)).toEqual(partnerIds);
    expect(new Set(local.map((row) => row.removed_by))).toEqual(new Set(['user']));
    expect(f.store.db.prepare("SELECT COUNT(*) FROM changes WHERE model <> 'res.partner' AND removed_at IS NOT NULL").pluck().get()).toBe(0);
    expect(hoursMatchRows(f.store)).toBe(true);

    const [entry] = await f.service.journal();
    expect(entry).toMatchObject({ action: 'delete-rows', instanceName: 'Simulator', requested: partnerIds.length, succeeded: partnerIds.length, result: 'ok' });
    expect(entry.actor).toMatch(/ as demo$/);
  });

  it('deletes a selection by key', async () => {
    const f = await fixture();
    f.mirror();
    const keys = f.store.db.prepare('SELECT id, server_id FROM changes WHERE removed_at IS NULL ORDER BY id LIMIT 3').all() as { id: number; server_id: number }[];
    const result = await f.service.deleteRows('sim', { keys: keys.map((row) => String(row.id)) }, {});
    expect(result.deleted).toBe(3);
    const remaining = new Set(sim.database('seed').webhookRows().map((row) => row.id));
    for (const row of keys) expect(remaining.has(row.server_id)).toBe(false);
  });

  it('refuses the portal user with a plain AccessError and deletes nothing', async () => {
    const f = await fixture({ user: 'portal' });
    f.mirror();
    const count = sim.database('seed').webhookRows().length;
    const preview = await f.service.previewDelete('sim', { filter: {} });
    expect(preview.canDelete).toBe(false);
    expect(preview.reason).toBe('User portal may not delete change-log rows on Simulator.');
    await expect(f.service.deleteRows('sim', { filter: { models: ['sale.order'] } }, {})).rejects.toMatchObject({
      code: 'access-error',
      message: 'User portal may not delete change-log rows on Simulator.',
    });
    expect(sim.database('seed').webhookRows()).toHaveLength(count);
    expect((await f.service.journal())[0]).toMatchObject({ result: 'failed', succeeded: 0 });
  });

  it('asks for the instance name on a production instance', async () => {
    const f = await fixture({ production: true, name: 'Prod' });
    f.mirror();
    await expect(f.service.deleteRows('sim', { filter: { models: ['hr.employee'] } }, {})).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('Type the instance name "Prod"'),
    });
    const result = await f.service.deleteRows('sim', { filter: { models: ['hr.employee'] } }, { typedName: 'Prod' });
    expect(result.result).toBe('ok');
  });

  it('announces the rows it marked removed to whoever watches the mirror, as a sync does (issue 14, item 2)', async () => {
    const seed = sim.database('seed');
    seed.seedWebhookRows(10);
    const f = await fixture();
    f.mirror();
    // The services as the workbench gets them: the change service's notices are what open timelines hear.
    const app = await createServices({ dataDir: f.dir, engine: 'none', keychain: null });
    try {
      const notices: ChangesNotice[] = [];
      app.services.changes.onDidChangeData((notice) => notices.push(notice));
      const [row] = (await app.services.changes.timeline({ filter: { presence: 'present' }, limit: 1 })).rows;
      const result = await app.services.admin.deleteRows('sim', { keys: [row.key] }, {});
      expect(result.deleted).toBe(1);
      expect(notices).toEqual([{ instanceId: 'sim', added: 0, removed: 1 }]);
      const [after] = (await app.services.changes.timeline({ filter: { instanceIds: ['sim'] }, limit: 1000 })).rows.filter((candidate) => candidate.key === row.key);
      expect(after).toMatchObject({ removedBy: 'user' });
    } finally {
      await app.close();
    }
  });
});
