/**
 * How an instance is watched, through the channel the workbench uses: the settings are validated and
 * kept, the connection test checks what the chosen source needs, the server's models are listed for the
 * picker (a saved password only where it was saved for), and the engine mirrors a module-less database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelClient, createInMemoryPorts, serveChannel } from '../../../src-main/common/channel';
import { nextEvent } from '../../../src-main/common/event';
import { SERVICE_SURFACES, type Services } from '../../../src-main/common/services';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';

let sim: RunningSimulator;
let dataDir: string;
let app: RunningServices;
let client: ChannelClient;
let remote: Services;
const plain = () => ({ name: 'Plain', url: sim.url, db: 'plain', login: 'admin' });

beforeAll(async () => {
  sim = await startSimulator({ trafficDatabases: [] });
  dataDir = mkdtempSync(join(tmpdir(), 'ocm-watch-'));
  app = await createServices({ dataDir, engine: 'in-thread', keychain: null, timing: { fastMs: 50, backoffBaseMs: 50 } });
  const [server, port] = createInMemoryPorts();
  serveChannel(server, app.services, SERVICE_SURFACES);
  client = new ChannelClient(port);
  remote = { instances: client.proxy('instances'), sync: client.proxy('sync'), changes: client.proxy('changes') } as Services;
});
afterAll(async () => {
  client?.dispose();
  await app?.close();
  await sim?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('watching without the module', () => {
  it('refuses settings that are not ones, naming what is wrong', async () => {
    await expect(remote.instances.add({ ...plain(), password: 'admin', source: 'webhooks' as 'polling' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(remote.instances.add({ ...plain(), password: 'admin', source: 'polling', watchedModels: ['Res Partner'] })).rejects.toMatchObject({ code: 'invalid-input', message: '"Res Partner" is not an Odoo model name.' });
    expect(await remote.instances.list()).toEqual([]);
  });

  it('tests what the source needs: the module log fails and offers polling; polling checks the watched models', async () => {
    const module = await remote.instances.test({ ...plain(), password: 'admin' });
    expect(module.find((check) => check.id === 'change-log')).toMatchObject({ status: 'failed', offer: 'polling' });
    const polling = await remote.instances.test({ ...plain(), password: 'admin', source: 'polling', watchedModels: ['res.partner', 'x_absent.model'] });
    expect(polling.map((check) => [check.id, check.status])).toEqual([
      ['reach', 'ok'],
      ['version', 'ok'],
      ['transport', 'ok'],
      ['database', 'ok'],
      ['login', 'ok'],
      ['change-log', 'skipped'],
      ['watch', 'warning'],
    ]);
    expect(polling.at(-1)).toMatchObject({ code: 'model-missing', params: { models: 'x_absent.model' } });
  });

  it('lists the server\'s models for the picker, with their tracked fields', async () => {
    const models = await remote.instances.serverModels({ ...plain(), password: 'admin' });
    expect(models.find((model) => model.model === 'res.partner')).toMatchObject({ name: 'Contact', trackedFields: 5 });
    expect(models.some((model) => model.model === 'update.webhook')).toBe(false);
  });

  it('keeps the settings, mirrors the database and lists models with the saved password, only where it was saved for', async () => {
    const upToDate = nextEvent(app.services.sync.onDidChangeStatus, (status) => status.state === 'up-to-date');
    app.startSync();
    const saved = await remote.instances.add({ ...plain(), password: 'admin', source: 'polling', watchedModels: ['res.partner', 'product.template'] });
    expect(saved).toMatchObject({ source: 'polling', watchedModels: ['res.partner', 'product.template'] });
    await upToDate;
    expect((await remote.instances.serverModels({ ...plain(), id: saved.id })).length).toBeGreaterThan(10);
    await expect(remote.instances.serverModels({ ...plain(), id: saved.id, db: 'seed' })).rejects.toMatchObject({ code: 'invalid-input' });

    const added = nextEvent(app.services.changes.onDidChangeData, (notice) => notice.added > 0);
    sim.database('plain').create('res.partner', { name: 'Channel Polly' });
    await remote.sync.syncNow(saved.id);
    await added;
    const { rows } = await remote.changes.timeline({ filter: { instanceIds: [saved.id] }, limit: 10 });
    expect(rows).toEqual([expect.objectContaining({ model: 'res.partner', event: 'create', origin: 'polling', userName: 'Mitchell Admin' })]);

    const edited = await remote.instances.update(saved.id, { trackingValues: true, watchedModels: ['res.partner'] });
    expect(edited).toMatchObject({ source: 'polling', watchedModels: ['res.partner'], trackingValues: true });
  });
});
