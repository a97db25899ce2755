/**
 * Issue 14, item 13: the details drawer's facts about a record, read from the simulator over loopback
 * through the services the workbench gets: the record's name, that a deleted record no longer exists,
 * whether the server hosts several databases, answered once per record (cached), and no login tried
 * for an instance whose login the engine found refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordService } from '../../../src-main/config/record-service';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator/index';

let simulator: RunningSimulator;
let app: RunningServices;
let dataDir: string;
let instanceId: string;

beforeAll(async () => {
  simulator = await startSimulator({ databases: [{ name: 'seed', module: true, demo: false }, { name: 'plain', module: false, demo: false }] });
  dataDir = mkdtempSync(join(tmpdir(), 'ocm-record-facts-'));
  app = await createServices({ dataDir, engine: 'none', keychain: null });
  instanceId = (await app.services.instances.add({ name: 'Riyadh ERP', url: simulator.url, db: 'seed', login: 'admin', password: 'admin' })).id;
});

afterAll(async () => {
  await app?.close();
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('facts about a record, from its server (issue 14, item 13)', () => {
  it('name an existing record, and say the server hosts several databases', async () => {
    const [partner] = simulator.database('seed').create('res.partner', [{ name: 'Al Noor Trading' }]);
    expect(await app.services.records.describe(instanceId, 'res.partner', partner)).toEqual({ exists: true, displayName: 'Al Noor Trading', singleDatabase: false });
  });

  it('say that a deleted record no longer exists', async () => {
    const seed = simulator.database('seed');
    const [partner] = seed.create('res.partner', [{ name: 'Gone LLC' }]);
    seed.unlink('res.partner', [partner]);
    expect(await app.services.records.describe(instanceId, 'res.partner', partner)).toMatchObject({ exists: false });
  });

  it('ask each record once, and never log in while the login is known to be refused', async () => {
    let reads = 0;
    let logins = 0;
    const service = new RecordService({
      clientFor: async () => {
        logins++;
        return { read: async () => (reads++, [{ id: 5, display_name: 'Cached' }]) };
      },
      databaseCount: async () => 1,
      mayLogIn: (id) => id !== 'refused',
    });
    expect(await service.describe('a', 'res.partner', 5)).toEqual({ exists: true, displayName: 'Cached', singleDatabase: true });
    await service.describe('a', 'res.partner', 5);
    expect(reads).toBe(1);
    expect(await service.describe('refused', 'res.partner', 5)).toEqual({});
    expect(logins).toBe(1);
  });
});
