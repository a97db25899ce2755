/** Old → new values from our addon's `changed_values` reach the mirror and the contract's rows. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { changeRowsByKeys } from '../../../src-main/store/queries/change-queries';
import { openStore } from '../../../src-main/store/store';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { syncTarget } from '../../unit/sync/targets';

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'fixed', seed: 3, databases: [{ name: 'seed_xmlrpc' }, { name: 'seed_jsonrpc' }] });
  dir = mkdtempSync(join(tmpdir(), 'ocm-values-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['xmlrpc', 'jsonrpc'] as const)('field values over %s', (transport) => {
  it('mirrors the old and new price of a product write, and keeps each refresh as its own revision', async () => {
    const store = openStore(join(dir, `${transport}.sqlite`));
    const instanceId = `values-${transport}`;
    const { client, capabilities } = await connectTarget(syncTarget({ id: instanceId, url: sim.url, db: `seed_${transport}`, transport }), new AbortController().signal);
    try {
      expect(capabilities.richFields).toContain('changed_values');
      const db = sim.database(`seed_${transport}`);
      const [product] = db.recordIds('product.template');
      await runSyncPass({ store, client, capabilities, instanceId });
      db.write('product.template', [product], { list_price: 12.5 });
      await runSyncPass({ store, client, capabilities, instanceId });
      db.write('product.template', [product], { list_price: 14 });
      await runSyncPass({ store, client, capabilities, instanceId });

      const ids = store.db.prepare("SELECT id FROM changes WHERE instance_id = ? AND model = 'product.template' AND record_id = ? AND event = 'write' ORDER BY revision").pluck().all(instanceId, product) as number[];
      const rows = changeRowsByKeys(store.db, ids.map(String));
      const prices = rows.map((row) => row.values?.find((change) => change.field === 'list_price'));
      expect(prices).toHaveLength(2);
      expect(prices[0]).toMatchObject({ label: expect.any(String), type: 'float' });
      expect(String(prices[0]?.new)).toContain('12.5');
      expect(String(prices[1]?.old)).toContain('12.5');
      expect(String(prices[1]?.new)).toContain('14');
      expect(rows.every((row) => row.origin === undefined)).toBe(true);
    } finally {
      client.close();
      store.close();
    }
  });
});
