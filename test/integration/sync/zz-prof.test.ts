import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { DEFAULT_WATCHED_MODELS } from '../../../src-main/common/model';
import { startSimulator } from '../../../src-main/simulator';
import { openStore } from '../../../src-main/store/store';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { pollingSource } from '../../../src-main/sync/polling/source';
import { syncTarget } from '../../../test/unit/sync/targets';

it('profile', { timeout: 600_000 }, async () => {
  let serverMs = Date.UTC(2026, 11, 1, 8, 0, 0);
  const sim = await startSimulator({ seed: 4, now: () => new Date(serverMs), databases: [{ name: 'plain', module: false }], trafficDatabases: ['plain'] });
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'p-')), 'm.sqlite'));
  const target = syncTarget({ id: 'x', url: sim.url, db: 'plain', transport: 'jsonrpc', source: 'polling' });
  const { client, capabilities } = await connectTarget(target, new AbortController().signal);
  const source = pollingSource({ server: `${sim.url}|plain`, models: DEFAULT_WATCHED_MODELS });
  const now = () => Math.floor(serverMs / 1000);
  await runSyncPass({ store, client, capabilities, instanceId: 'x', now, source });
  let trafficMs = 0, passMs = 0, requests = 0;
  for (let second = 1; second <= 240; second++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) { serverMs += 50; sim.traffic.step(1); }
    trafficMs += performance.now() - t0;
    if (second % 2 === 0) {
      const t1 = performance.now();
      const r = await runSyncPass({ store, client, capabilities, instanceId: 'x', now, source });
      passMs += performance.now() - t1; requests += r.requests;
      if (second % 20 === 0) console.log(second, 'traffic', trafficMs.toFixed(0), 'pass', passMs.toFixed(0), 'requests', requests);
    }
  }
  client.close(); store.close(); await sim.close();
});
