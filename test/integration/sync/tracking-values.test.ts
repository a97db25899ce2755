/**
 * The module log enriched with Odoo's tracking values (an instance's `trackingValues`): the original
 * module logs a write without values; the chatter's tracked values arrive beside it as a 'tracking' event,
 * and the module log stays the source of everything else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { iterateChanges } from '../../../src-main/store/queries/change-queries';
import { openStore } from '../../../src-main/store/store';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { syncTarget } from '../../unit/sync/targets';

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'original', seed: 5, trafficDatabases: [] });
  dir = mkdtempSync(join(tmpdir(), 'ocm-tracking-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('adds the tracked old → new values to the original module\'s log, as tracking events of the same record', async () => {
  const store = openStore(join(dir, 'mirror.sqlite'));
  const target = syncTarget({ id: 'seed', url: sim.url, db: 'seed', trackingValues: true, watchedModels: ['product.template', 'res.partner'] });
  const { client, capabilities, source } = await connectTarget(target, new AbortController().signal);
  try {
    expect(source?.kind).toBe('module-log');
    expect(capabilities.watch).toMatchObject({ readable: ['product.template', 'res.partner'], trackingValues: true });
    await runSyncPass({ store, client, capabilities, source, instanceId: 'seed' }); // the snapshot, and the chatter's baseline
    const before = new Set([...iterateChanges(store.db, {}, { batchSize: 1000 })].map((row) => row.key));
    const db = sim.database('seed');
    const [product] = db.recordIds('product.template');
    db.write('product.template', [product], { list_price: 42 });
    await runSyncPass({ store, client, capabilities, source, instanceId: 'seed' });
    const rows = [...iterateChanges(store.db, {}, { batchSize: 1000 })];
    const added = rows.filter((row) => !before.has(row.key));
    expect(added.map((row) => [row.model, row.recordId, row.event, row.origin])).toEqual(
      expect.arrayContaining([['product.template', product, 'write', 'tracking']]),
    );
    const tracked = added.find((row) => row.origin === 'tracking')!;
    expect(tracked.values).toEqual([expect.objectContaining({ field: 'list_price', new: '42.0' })]);
    expect(rows.filter((row) => row.origin === undefined).every((row) => row.serverId > 0)).toBe(true);
  } finally {
    client.close();
    store.close();
  }
});
