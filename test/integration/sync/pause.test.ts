/** A paused instance stays paused across an app restart, and resumes where it stopped. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { createMirrorServices } from '../../../src-main/sync';

let simulator: RunningSimulator;
let dataDir: string;

beforeAll(async () => {
  simulator = await startSimulator();
  dataDir = mkdtempSync(join(tmpdir(), 'ocm-pause-'));
});
afterAll(async () => {
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps a paused instance paused after a restart', async () => {
  const first = await createMirrorServices({ dataDir, engine: 'in-thread', timing: { fastMs: 100 } });
  let id: string;
  try {
    const upToDate = nextEvent(first.sync.onDidChangeStatus, (status) => status.state === 'up-to-date');
    id = (await first.instances.add({ name: 'Seed', url: simulator.url, db: 'seed', login: 'admin', password: 'admin' })).id;
    await upToDate;
    const paused = nextEvent(first.sync.onDidChangeStatus, (status) => status.state === 'paused');
    await first.sync.pause(id);
    await paused;
  } finally {
    await first.close();
  }
  const mirroredBefore = simulator.database('seed').webhookRows().length;
  simulator.database('seed').create('res.partner', [{ name: 'Written while the app was closed' }]);

  const second = await createMirrorServices({ dataDir, engine: 'in-thread', timing: { fastMs: 100 }, autoStart: false });
  try {
    const pausedAgain = nextEvent(second.sync.onDidChangeStatus, (status) => status.instanceId === id && status.state === 'paused');
    second.startSync();
    await pausedAgain;
    expect((await second.sync.statuses()).find((status) => status.instanceId === id)?.state).toBe('paused');
    expect(second.store.mirror.counts(id).changeCount).toBe(mirroredBefore);

    const caughtUp = nextEvent(second.sync.onDidChangeStatus, (status) => status.instanceId === id && status.state === 'up-to-date');
    await second.sync.resume(id);
    await caughtUp;
    expect(second.store.mirror.counts(id).changeCount).toBe(mirroredBefore + 1);
  } finally {
    await second.close();
  }
});
