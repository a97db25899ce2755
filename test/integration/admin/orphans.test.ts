import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORPHAN_REASONS, scanOrphans } from '../../../src-main/admin/orphan-scan';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { adminFixture, hoursMatchRows, login, type AdminFixture } from './harness';

let sim: RunningSimulator;
const fixtures: AdminFixture[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    flavour: 'original',
    databases: [
      { name: 'seed', module: true },
      { name: 'plain', module: false },
      { name: 'count', module: true, demo: false },
      { name: 'mixed', module: true, demo: false },
    ],
  });
});
afterAll(async () => {
  for (const fixture of fixtures) fixture.close();
  await sim.close();
});

describe('orphan scan on the simulator', () => {
  it('finds deleted records, not archived ones, and keeps deletion rows out unless asked', async () => {
    const seed = sim.database('seed');
    const [kept, archived, deleted] = seed.create('res.partner', { name: 'Kept' }).concat(seed.create('res.partner', { name: 'Archived' }), seed.create('res.partner', { name: 'Deleted' }));
    seed.write('res.partner', [archived], { active: false });
    seed.unlink('res.partner', [deleted]);
    expect(seed.recordExists('res.partner', archived)).toBe(true);

    const f = await adminFixture(sim, { user: 'admin' });
    fixtures.push(f);
    f.mirror();
    const preview = await f.service.findOrphans('sim', { includeUnlink: false });
    const forPartner = (id: number) => preview.orphans.filter((orphan) => orphan.model === 'res.partner' && orphan.recordId === id);
    expect(forPartner(kept)).toEqual([]);
    expect(forPartner(archived)).toEqual([]);
    expect(forPartner(deleted)).toEqual([expect.objectContaining({ event: 'create', reason: ORPHAN_REASONS.missingRecord })]);
    expect(preview.orphans.some((orphan) => orphan.event === 'unlink')).toBe(false);
    // Every orphan's record is really gone.
    for (const orphan of preview.orphans) expect(seed.recordExists(orphan.model, orphan.recordId)).toBe(false);
    expect(preview.missingModels).toEqual([]);

    const withDeletions = await f.service.findOrphans('sim', { includeUnlink: true });
    expect(withDeletions.orphans.filter((orphan) => orphan.recordId === deleted && orphan.model === 'res.partner').map((orphan) => [orphan.event, orphan.reason])).toEqual([
      ['create', ORPHAN_REASONS.missingRecord],
      ['unlink', ORPHAN_REASONS.deletionRecord],
    ]);

    // Clean them: gone from the server, kept locally as removed by the user.
    const keys = withDeletions.orphans.map((orphan) => orphan.key);
    const result = await f.service.cleanOrphans('sim', keys, { typedName: keys.length > 100 ? 'Simulator' : undefined });
    expect(result).toMatchObject({ requested: keys.length, deleted: keys.length, result: 'ok' });
    const remaining = new Set(seed.webhookRows().map((row) => row.id));
    for (const orphan of withDeletions.orphans) expect(remaining.has(orphan.serverId)).toBe(false);
    const marked = f.store.db.prepare("SELECT COUNT(*) FROM changes WHERE removed_by = 'user'").pluck().get();
    expect(marked).toBe(keys.length);
    expect(hoursMatchRows(f.store)).toBe(true);
    expect((await f.service.findOrphans('sim', { includeUnlink: true })).orphans).toEqual([]);
    expect((await f.service.journal())[0]).toMatchObject({ action: 'clean-orphans', succeeded: keys.length, result: 'ok' });
  });

  it('reports a model that is not installed instead of guessing', async () => {
    const mixed = sim.database('mixed');
    mixed.seedWebhookRows(20, { unlinkShare: 0 });
    // A log row for a model this server does not have (as after uninstalling a module).
    (mixed as unknown as { table(name: string): { insert(values: Record<string, unknown>): unknown } }).table('update.webhook').insert({
      model: 'x_fleet.vehicle',
      record_id: 7,
      event: 'create',
      timestamp: '2026-11-01 00:00:00',
      create_uid: 1,
      create_date: '2026-11-01 00:00:00',
      write_uid: 1,
      write_date: '2026-11-01 00:00:00',
    });
    const { client } = await login(sim, 'mixed', 'admin');
    try {
      const result = await scanOrphans(client, 'mixed', { includeUnlink: false });
      expect(result.missingModels).toEqual(['x_fleet.vehicle']);
      expect(result.orphans.some((orphan) => orphan.model === 'x_fleet.vehicle')).toBe(false);
      expect(result.orphans).toHaveLength(20);
    } finally {
      client.close();
    }
  });

  it('says the change log itself is missing on a database without the module', async () => {
    const { client } = await login(sim, 'plain', 'admin');
    try {
      await expect(scanOrphans(client, 'plain', { includeUnlink: false })).rejects.toMatchObject({ code: 'model-missing' });
    } finally {
      client.close();
    }
  });

  it('uses ⌊N/5000⌋+1 log reads plus one request per model and 1,000 ids for 10,000 rows', async () => {
    const count = sim.database('count');
    count.seedWebhookRows(10_000, { unlinkShare: 0 });
    const rows = count.webhookRows();
    expect(rows).toHaveLength(10_000);
    const distinct = new Map<string, Set<number>>();
    for (const row of rows) {
      if (!distinct.has(row.model)) distinct.set(row.model, new Set());
      distinct.get(row.model)!.add(row.record_id);
    }
    expect(distinct.size).toBe(10);
    const expected = Math.floor(rows.length / 5000) + 1 + [...distinct.values()].reduce((sum, ids) => sum + Math.ceil(ids.size / 1000), 0);

    const { client, transport } = await login(sim, 'count', 'admin');
    try {
      transport.count = 0;
      const result = await scanOrphans(client, 'count', { includeUnlink: false });
      expect(result.checkedRows).toBe(10_000);
      expect(result.requests).toBe(expected);
      expect(transport.count).toBe(expected); // what went over the wire, not just what we counted
      expect(expected).toBe(13);
      console.log(`orphan scan of 10,000 log rows across 10 models: ${transport.count} requests (3 log reads of 5,000 + 10 existence checks of 1,000 ids)`);

      // With a third of the rows being deletion records, they are not even transferred.
      count.resetWebhookLog();
      count.seedWebhookRows(10_000);
      const kept = count.webhookRows().filter((row) => row.event !== 'unlink');
      const perModel = new Map<string, number>();
      for (const row of kept) perModel.set(row.model, (perModel.get(row.model) ?? 0) + 1);
      const expectedMixed = Math.floor(kept.length / 5000) + 1 + [...perModel.values()].reduce((sum, n) => sum + Math.ceil(n / 1000), 0);
      transport.count = 0;
      const mixed = await scanOrphans(client, 'count', { includeUnlink: false });
      expect(mixed.checkedRows).toBe(kept.length);
      expect(transport.count).toBe(expectedMixed);
      console.log(`orphan scan of 10,000 log rows (1/3 unlink, excluded): ${transport.count} requests for ${kept.length} judged rows`);
    } finally {
      client.close();
    }
  });
});
