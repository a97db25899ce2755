/** A paused instance stays paused across an app restart, and resumes where it stopped. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { createServices } from '../../../src-main/hosts/services';

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
  const first = await createServices({ dataDir, engine: 'in-thread', keychain: null, timing: { fastMs: 100 } });
  let id: string;
  try {
    const { sync, instances } = first.services;
    const upToDate = nextEvent(sync.onDidChangeStatus, (status) => status.state === 'up-to-date');
    id = (await instances.add({ name: 'Seed', url: simulator.url, db: 'seed', login: 'admin', password: 'admin' })).id;
    await upToDate;
    const paused = nextEvent(sync.onDidChangeStatus, (status) => status.state === 'paused');
    await sync.pause(id);
    await paused;
  } finally {
    await first.close();
  }
  const mirroredBefore = simulator.database('seed').webhookRows().length;
  simulator.database('seed').create('res.partner', [{ name: 'Written while the app was closed' }]);

  const second = await createServices({ dataDir, engine: 'in-thread', keychain: null, timing: { fastMs: 100 }, autoStart: false });
  try {
    const { sync } = second.services;
    const statusOf = async () => (await sync.statuses()).find((status) => status.instanceId === id);
    const pausedAgain = nextEvent(sync.onDidChangeStatus, (status) => status.instanceId === id && status.state === 'paused');
    second.startSync();
    await pausedAgain;
    expect((await statusOf())?.state).toBe('paused');
    expect((await statusOf())?.changeCount).toBe(mirroredBefore);

    const caughtUp = nextEvent(sync.onDidChangeStatus, (status) => status.instanceId === id && status.state === 'up-to-date');
    await sync.resume(id);
    await caughtUp;
    expect((await statusOf())?.changeCount).toBe(mirroredBefore + 1);
  } finally {
    await second.close();
  }
});
