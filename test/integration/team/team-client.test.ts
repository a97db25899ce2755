/**
 * A workstation reading a team server beside its own instances: "Add team server" signs in over HTTP,
 * the granted instances join the instance list (prefixed, with the role and the server), every service
 * reads them through the same contracts, the role's limits hold, exports are saved on the workstation,
 * the session is kept encrypted (never the password), and a revoked session leaves the server signed out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../../../src-main/common/event';
import { SERVICE_SURFACES } from '../../../src-main/common/services';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import { databasePath } from '../../../src-main/store/data-directory';
import { openStore } from '../../../src-main/store/store';
import { startTeam, USERS, type TeamHarness } from './harness';

let team: TeamHarness;
let home: string;
let desk: RunningServices;
let localId: string;

beforeAll(async () => {
  team = await startTeam();
  home = mkdtempSync(join(tmpdir(), 'ocm-desk-'));
  desk = await createServices({ dataDir: home, engine: 'none', keychain: null, teamServers: true });
  localId = (await desk.services.instances.add({ name: 'My laptop ERP', url: 'http://127.0.0.1:9/', db: 'mine', login: 'me', password: 'local-secret-123' })).id;
});
afterAll(async () => {
  await desk?.close();
  await team?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('a team server beside local instances', () => {
  it('serves every declared method and event of every service, the workstation\'s own alerts included', async () => {
    for (const [name, surface] of Object.entries(SERVICE_SURFACES)) {
      const service = desk.services[name as keyof typeof SERVICE_SURFACES] as unknown as Record<string, unknown>;
      for (const member of [...Object.keys(surface.methods), ...surface.events]) expect(typeof service[member], `${name}.${member}`).toBe('function');
    }
    expect(await desk.services.alerts.list()).toEqual([]);
    expect((await desk.services.alerts.preview({ kind: 'change' })).events).toBe(0);
  });

  it('refuses a wrong password and an address that is not a team server, saving nothing', async () => {
    await expect(desk.teams!.add({ url: team.origin, login: 'vera', password: 'wrong-password' })).rejects.toMatchObject({ code: 'auth-failed' });
    await expect(desk.teams!.add({ url: 'ftp://example.com', login: 'vera', password: 'x' })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await desk.teams!.list()).toEqual([]);
  });

  it('lists the granted instances grouped under the server, with the role, and reads them through the same contracts', async () => {
    const changed = nextEvent(desk.services.instances.onDidChangeInstances, (list) => list.length === 2);
    const server = await desk.teams!.add({ url: team.origin, login: 'vera', password: USERS.vera.password, name: 'HQ' });
    expect(server).toMatchObject({ name: 'HQ', state: 'connected', role: 'viewer', login: 'vera' });
    await changed;
    const instances = await desk.services.instances.list();
    expect(instances.map((instance) => [instance.name, instance.access?.role, instance.access?.server?.name])).toEqual([
      ['My laptop ERP', undefined, undefined],
      ['Riyadh ERP', 'viewer', 'HQ'],
    ]);
    const remote = instances[1].id;
    expect(remote).toBe(`team:${server.id}:${team.riyadh}`);
    const page = await desk.services.changes.timeline({ filter: { instanceIds: [remote] }, limit: 100 });
    expect(page.rows).toHaveLength(40);
    expect(page.rows.every((row) => row.instanceId === remote)).toBe(true);
    const next = await desk.services.changes.timeline({ filter: { instanceIds: [remote] }, limit: 10, cursor: page.rows[9] && { timestamp: page.rows[9].timestamp, key: page.rows[9].key } });
    expect(next.rows[0].key).toBe(page.rows[10].key);
    expect((await desk.services.changes.facets({ instanceIds: [remote] })).instances).toEqual([{ value: remote, count: 40 }]);
    expect(await desk.services.changes.count({})).toBe(0); // local instances only: nothing mirrored here
    expect((await desk.services.sync.statuses()).map((status) => status.instanceId)).toEqual([localId, remote]);
    const history = await desk.services.changes.recordHistory(remote, 'res.partner', 100);
    expect(history[0].instanceId).toBe(remote);
    await expect(desk.services.changes.timeline({ filter: { instanceIds: [localId, remote] }, limit: 1 })).rejects.toThrow(/one place at a time/);
    // What is the workstation's own stays local.
    expect((await desk.services.settings.update({ language: 'ar' })).language).toBe('ar');
    expect((await desk.services.host.info()).dataDirectory).toBe(home);
  });

  it('keeps the role’s limits: a viewer cannot delete on the team server', async () => {
    const [, remote] = await desk.services.instances.list();
    await expect(desk.services.admin.previewDelete(remote.id, { keys: ['1'] })).rejects.toMatchObject({ code: 'access-error' });
    await expect(desk.services.instances.update(remote.id, { pollIntervalSeconds: 60 })).rejects.toMatchObject({ code: 'access-error' });
  });

  it('saves a team server’s export on this workstation', async () => {
    const [, remote] = await desk.services.instances.list();
    const result = await desk.services.reports.export({ format: 'csv', filter: { instanceIds: [remote.id] } });
    expect(result.rows).toBe(40);
    expect(result.path && existsSync(result.path)).toBe(true);
    expect(result.path!.startsWith(join(home, 'downloads'))).toBe(true);
    expect(readFileSync(result.path!, 'utf8')).toContain('res.partner');
  });

  it('keeps the session encrypted, never the password', () => {
    const store = openStore(databasePath(home), { readonly: true });
    const rows = store.db.prepare('SELECT * FROM team_servers').all() as { session: string }[];
    store.close();
    expect(rows).toHaveLength(1);
    expect(rows[0].session).toMatch(/^(v1|k1):/);
    expect(JSON.stringify(rows)).not.toContain(USERS.vera.password);
    expect(JSON.stringify(rows)).not.toContain('ocm-session=');
  });

  it('shows the server signed out once its session is revoked, and its instances leave the list', async () => {
    const [server] = await desk.teams!.list();
    const signedOut = nextEvent(desk.teams!.onDidChangeServers, (list) => list[0]?.state === 'signed-out');
    await team.accounts.users.revokeSessions('vera');
    // The server ends the connection at its next check; a call from here reaches it at once.
    await desk.services.changes.count({ instanceIds: [`team:${server.id}:${team.riyadh}`] }).catch(() => undefined);
    await signedOut;
    expect((await desk.services.instances.list()).map((instance) => instance.name)).toEqual(['My laptop ERP']);
    const back = await desk.teams!.signIn(server.id, USERS.vera.password);
    expect(back.state).toBe('connected');
    expect((await desk.services.instances.list()).map((instance) => instance.name)).toEqual(['My laptop ERP', 'Riyadh ERP']);
    await desk.teams!.remove(server.id);
    expect(await desk.teams!.list()).toEqual([]);
  });
});
