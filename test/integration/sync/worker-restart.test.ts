/**
 * A sync worker that dies is restarted: the instance shows an error status saying so, then syncs again
 * with its targets and pauses restored, and nothing committed before the crash is lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { databasePath } from '../../../src-main/store/data-directory';
import { openStore } from '../../../src-main/store/store';
import { InstanceSecrets, unlockInstances } from '../../../src-main/config/secrets';
import { createServices } from '../../../src-main/hosts/services';
import { createKeyFileVault } from '../../../src-main/store/secret-vault';
import { startSyncWorker } from '../../../src-main/sync/worker-host';

let simulator: RunningSimulator;
let dataDir: string;

beforeAll(async () => {
  simulator = await startSimulator();
  dataDir = mkdtempSync(join(tmpdir(), 'ocm-restart-'));
});
afterAll(async () => {
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('restarts a crashed sync worker and resumes syncing', async () => {
  const app = await createServices({ dataDir, engine: 'none', keychain: null });
  const instance = await app.services.instances.add({ name: 'Seed', url: simulator.url, db: 'seed', login: 'admin', password: 'admin', transport: 'jsonrpc' });
  await app.close();
  const saved = openStore(databasePath(dataDir));
  const targets = await unlockInstances(saved, new InstanceSecrets(createKeyFileVault(dataDir)));
  saved.close();

  const workers: Worker[] = [];
  const backend = await startSyncWorker({ databasePath: databasePath(dataDir), timing: { fastMs: 200 }, onWorker: (worker) => workers.push(worker) });
  try {
    const upToDate = nextEvent(backend.onDidChangeStatus, (status) => status.state === 'up-to-date');
    backend.setTargets(targets);
    await upToDate;

    const crashed = nextEvent(backend.onDidChangeStatus, (status) => status.state === 'error');
    const recovered = nextEvent(backend.onDidChangeData, (notice) => notice.added > 0);
    await workers[0].terminate(); // as if the worker thread died
    const failure = await crashed;
    expect(failure.instanceId).toBe(instance.id);
    expect(failure.lastError?.message).toMatch(/sync engine stopped unexpectedly/);

    // New rows on the server arrive through the restarted worker.
    simulator.database('seed').create('res.partner', [{ name: 'After the crash' }]);
    await recovered;
    expect(workers).toHaveLength(2);
  } finally {
    await backend.close();
  }
  const store = openStore(databasePath(dataDir));
  try {
    const mirrored = store.mirror.presentServerIds(instance.id, store.syncState.get(instance.id).epoch, 1, Number.MAX_SAFE_INTEGER);
    expect(mirrored).toEqual(simulator.database('seed').webhookRows().map((row) => row.id));
  } finally {
    store.close();
  }
});
