/**
 * A saved password never goes to a server it was not saved for, whoever drives the workbench: over the
 * channel, a test of a saved instance against another server, and an edit that points it elsewhere
 * without the password, are refused, and the other server hears nothing, not even from the sync engine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
let collector: Server;
let collectorUrl: string;
const collected: string[] = [];
let dataDir: string;
let app: RunningServices;
let client: ChannelClient;
let remote: Services;

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'original' });
  // Someone else's server, collecting whatever reaches it.
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      collected.push(`${request.method} ${request.url} ${body}`);
      response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'ocm-binding-'));
  app = await createServices({ dataDir, engine: 'in-thread', keychain: null, timing: { fastMs: 50, backoffBaseMs: 50 } });
  const [server, port] = createInMemoryPorts();
  serveChannel(server, app.services, SERVICE_SURFACES);
  client = new ChannelClient(port);
  remote = { instances: client.proxy('instances'), sync: client.proxy('sync') } as Services;
});
afterAll(async () => {
  client?.dispose();
  await app?.close();
  await sim?.close();
  await new Promise((resolve) => collector?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a saved password', () => {
  let id: string;
  const saved = () => ({ name: 'Seed', url: sim.url, db: 'seed', login: 'admin' });

  beforeAll(async () => {
    const upToDate = nextEvent(app.services.sync.onDidChangeStatus, (status) => status.state === 'up-to-date');
    app.startSync();
    id = (await remote.instances.add({ ...saved(), password: 'admin' })).id;
    await upToDate;
  });

  it('is tested against the server and database it was saved for', async () => {
    const checks = await remote.instances.test({ ...saved(), id });
    expect(checks.find((check) => check.id === 'login')).toMatchObject({ status: 'ok' });
  });

  it('is not tested against another server or database', async () => {
    await expect(remote.instances.test({ ...saved(), id, url: collectorUrl })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('is not sent to') });
    await expect(remote.instances.test({ ...saved(), id, db: 'other' })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(collected).toEqual([]);
  });

  it('does not follow an edit to another server, so the next sync cannot send it there', async () => {
    await expect(remote.instances.update(id, { url: collectorUrl })).rejects.toMatchObject({ code: 'invalid-input', hint: expect.stringContaining('Enter the password again') });
    await expect(remote.instances.update(id, { db: 'other' })).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await remote.instances.list())[0]).toMatchObject({ url: sim.url, db: 'seed' });
    // The engine keeps syncing the saved server only.
    const synced = nextEvent(app.services.sync.onDidChangeStatus, (status) => status.instanceId === id && status.state === 'up-to-date');
    sim.traffic.step(3);
    await remote.sync.syncNow(id);
    await synced;
    expect(collected).toEqual([]);
  });

  it('may be replaced: with the password typed again, the instance moves (and the new one is sealed there)', async () => {
    const moved = await remote.instances.update(id, { url: `${sim.url}/`, name: 'Seed again' });
    expect(moved.name).toBe('Seed again'); // same origin: no password needed
    await expect(remote.instances.update(id, { url: collectorUrl, password: 'typed-again' })).resolves.toMatchObject({ url: collectorUrl });
  });
});
