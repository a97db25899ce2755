/**
 * The team server over real HTTP and WebSockets: sign-in and cookies, the channel's session and Origin
 * checks, per-instance visibility in every service, the role of every method, revocation, the journal's
 * real user, per-user downloads, and that no reply ever carries an Odoo password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_SURFACES } from '../../../src-main/common/services';
import { TEAM_SURFACES } from '../../../src-main/common/team';
import { SESSION_ENDED_CLOSE_CODE } from '../../../src-main/hosts/serve/team-server';
import { MIRROR_KINDS } from '../../support/mirror-kinds';
import { connectChannel, ODOO_SECRETS, session, signIn, startTeam, USERS, type TeamClient, type TeamHarness } from './harness';

describe.each(MIRROR_KINDS)('on a $name mirror', (kind) => {
  let team: TeamHarness;
  let stopStore: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const store = await kind.start();
    stopStore = store.stop;
    team = await startTeam({}, { database: store.database });
  });
  afterAll(async () => {
    await team?.close();
    await stopStore?.();
  });

  describe('sign-in', () => {
    it('sets an HttpOnly, SameSite=Strict session cookie and answers wrong logins and passwords alike', async () => {
      const ok = await signIn(team.origin, 'vera', USERS.vera.password);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ account: { login: 'vera', role: 'viewer' } });
      expect(ok.setCookie).toMatch(/^ocm-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/); // no Secure on loopback HTTP
      const wrong = await signIn(team.origin, 'vera', 'not-her-password');
      const unknown = await signIn(team.origin, 'nobody', 'not-her-password');
      expect([wrong.status, unknown.status]).toEqual([401, 401]);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.setCookie).toBeUndefined();
    });

    it('refuses a sign-in from another origin or not in JSON (no login CSRF)', async () => {
      expect((await signIn(team.origin, 'vera', USERS.vera.password, { Origin: 'http://evil.example' })).status).toBe(403);
      const form = await fetch(`${team.origin}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: team.origin }, body: 'login=vera&password=x' });
      expect(form.status).toBe(415);
      const broken = await fetch(`${team.origin}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: team.origin }, body: '{"login": ' });
      expect([broken.status, ((await broken.json()) as { error: { message: string } }).error.message]).toEqual([400, 'The sign-in request is not valid JSON.']);
    });

    it('rotates the session at sign-in and ends it at logout', async () => {
      const first = await signIn(team.origin, 'otto', USERS.otto.password);
      const second = await signIn(team.origin, 'otto', USERS.otto.password, { Cookie: first.cookie! });
      expect(second.cookie).not.toBe(first.cookie);
      const sessionOf = (cookie: string) => fetch(`${team.origin}/api/session`, { headers: { Cookie: cookie } }).then((response) => response.status);
      expect(await sessionOf(first.cookie!)).toBe(401);
      expect(await sessionOf(second.cookie!)).toBe(200);
      const out = await fetch(`${team.origin}/api/logout`, { method: 'POST', headers: { Cookie: second.cookie!, Origin: team.origin } });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
      expect(await sessionOf(second.cookie!)).toBe(401);
    });
  });

  describe('the channel', () => {
    it('needs the session cookie and the server’s own Origin', async () => {
      const { cookie } = await signIn(team.origin, 'vera', USERS.vera.password);
      await expect(connectChannel(team.origin, undefined)).rejects.toThrow('401');
      await expect(connectChannel(team.origin, 'ocm-session=forged')).rejects.toThrow('401');
      await expect(connectChannel(team.origin, cookie, { origin: 'http://evil.example' })).rejects.toThrow('403');
      const client = await connectChannel(team.origin, cookie);
      expect((await client.services.account.me()).login).toBe('vera');
      client.close();
    });
  });

  describe('per-instance visibility', () => {
    let vera: TeamClient;
    beforeAll(async () => {
      vera = await session(team, 'vera');
    });
    afterAll(() => vera?.close());

    it('shows a viewer only the instances granted to them, in every service', async () => {
      const { services } = vera;
      expect((await services.instances.list()).map((instance) => [instance.name, instance.access?.role])).toEqual([['Riyadh ERP', 'viewer']]);
      const page = await services.changes.timeline({ filter: {}, limit: 1000 });
      expect(new Set(page.rows.map((row) => row.instanceId))).toEqual(new Set([team.riyadh]));
      expect(page.rows).toHaveLength(40);
      expect((await services.changes.timeline({ filter: { instanceIds: [team.jeddah] }, limit: 1000 })).rows).toEqual([]);
      expect(await services.changes.count({})).toBe(40);
      expect(await services.changes.count({ instanceIds: [team.jeddah] })).toBe(0);
      const facets = await services.changes.facets({ instanceIds: [team.riyadh] });
      expect(facets.instances.map((value) => value.value)).toEqual([team.riyadh]); // the facet ignores its own filter: still only granted ones
      expect(facets.models.map((value) => value.value)).toEqual(['res.partner']);
      expect((await services.changes.histogram({})).buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(40);
      await expect(services.changes.recordHistory(team.jeddah, 'sale.order', 100)).rejects.toMatchObject({ code: 'not-found' });
      expect((await services.sync.statuses()).map((status) => status.instanceId)).toEqual([team.riyadh]);
      expect((await services.sync.activity({})).map((entry) => entry.instanceId)).toEqual([team.riyadh]);
      await expect(services.sync.activity({ instanceId: team.jeddah })).rejects.toMatchObject({ code: 'not-found' });
      const exported = await services.reports.export({ format: 'csv', filter: {} });
      expect(exported.rows).toBe(40);
      expect(exported.path).toBeUndefined();
    });

    it('serves a download once, to the user who exported only', async () => {
      const exported = await vera.services.reports.export({ format: 'csv', filter: {} });
      const otto = await signIn(team.origin, 'otto', USERS.otto.password);
      expect((await fetch(`${team.origin}${exported.downloadUrl}`, { headers: { Cookie: otto.cookie! } })).status).toBe(404);
      expect((await fetch(`${team.origin}${exported.downloadUrl}`)).status).toBe(401);
      const response = await fetch(`${team.origin}${exported.downloadUrl}`, { headers: { Cookie: (vera as TeamClient & { cookie: string }).cookie } });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('res.partner');
      expect(text).not.toContain('sale.order');
      expect((await fetch(`${team.origin}${exported.downloadUrl}`, { headers: { Cookie: (vera as TeamClient & { cookie: string }).cookie } })).status).toBe(404);
    });

    it('keeps personal preferences personal and the shared settings for admins', async () => {
      await vera.services.settings.update({ language: 'ar' });
      expect((await vera.services.settings.get()).language).toBe('ar');
      const root = await session(team, 'root');
      expect((await root.services.settings.get()).language).toBe('en');
      await expect(vera.services.settings.update({ deleteConfirmThreshold: 1 })).rejects.toMatchObject({ code: 'access-error' });
      await root.services.settings.update({ deleteConfirmThreshold: 7 });
      expect((await vera.services.settings.get())).toMatchObject({ language: 'ar', deleteConfirmThreshold: 7 });
      expect((await root.services.host.info()).dataDirectory).toBe(team.dataDir);
      expect((await vera.services.host.info()).dataDirectory).toBe('');
      root.close();
    });
  });

  /** The least role each method needs; every method of every surface is listed (the test fails on a new one). */
  const MINIMUM_ROLE: Record<string, 'viewer' | 'operator' | 'admin'> = {
    'instances.list': 'viewer', 'instances.add': 'admin', 'instances.update': 'admin', 'instances.remove': 'admin', 'instances.test': 'admin', 'instances.serverModels': 'admin',
    'changes.timeline': 'viewer', 'changes.count': 'viewer', 'changes.facets': 'viewer', 'changes.histogram': 'viewer', 'changes.recordHistory': 'viewer', 'changes.errors': 'viewer', 'changes.errorGroups': 'viewer',
    'sync.statuses': 'viewer', 'sync.syncNow': 'operator', 'sync.pause': 'admin', 'sync.resume': 'admin', 'sync.activity': 'viewer',
    'admin.previewDelete': 'operator', 'admin.deleteRows': 'operator', 'admin.findOrphans': 'operator', 'admin.cleanOrphans': 'operator', 'admin.cancel': 'operator', 'admin.journal': 'viewer',
    'reports.export': 'viewer', 'reports.cancel': 'viewer', 'reports.listDefinitions': 'viewer', 'reports.saveDefinition': 'operator', 'reports.deleteDefinition': 'operator', 'reports.pdfEngine': 'viewer',
    'settings.get': 'viewer', 'settings.update': 'admin',
    'host.info': 'viewer', 'host.openExternal': 'viewer',
    'records.describe': 'viewer',
    'alerts.list': 'admin', 'alerts.save': 'admin', 'alerts.remove': 'admin', 'alerts.preview': 'admin', 'alerts.test': 'admin', 'alerts.deliveries': 'admin', 'alerts.smtp': 'admin', 'alerts.setSmtp': 'admin',
    'account.me': 'viewer', 'account.changePassword': 'viewer', 'account.logout': 'viewer',
    'users.list': 'admin', 'users.add': 'admin', 'users.update': 'admin', 'users.grant': 'admin', 'users.setPassword': 'admin', 'users.revokeSessions': 'admin', 'users.remove': 'admin',
  };

  /** Arguments that pass the surface's checks and then do no harm (unknown ids, wrong passwords). */
  const ARGUMENTS: Record<string, unknown[]> = {
    'instances.add': [{ name: 'Other', url: 'http://127.0.0.1:9/', db: 'x', login: 'x' }],
    'instances.update': ['unknown', {}],
    'instances.remove': ['unknown', { keepHistory: true }],
    'instances.test': [{ name: 'x', url: 'not a url', db: 'x', login: 'x', password: 'x' }],
    'instances.serverModels': [{ name: 'x', url: 'not a url', db: 'x', login: 'x', password: 'x' }],
    'changes.timeline': [{ filter: {}, limit: 1 }],
    'changes.count': [{}], 'changes.facets': [{}], 'changes.histogram': [{}], 'changes.recordHistory': ['unknown', 'res.partner', 1], 'changes.errors': [{}], 'changes.errorGroups': [{}],
    'sync.syncNow': ['unknown'], 'sync.pause': ['unknown'], 'sync.resume': ['unknown'],
    'admin.previewDelete': ['unknown', { keys: ['1'] }], 'admin.deleteRows': ['unknown', { keys: ['1'] }, {}], 'admin.findOrphans': ['unknown', { includeUnlink: false }], 'admin.cleanOrphans': ['unknown', ['x'], {}], 'admin.cancel': ['job'],
    'reports.export': [{ format: 'json', filter: { instanceIds: ['unknown'] } }], 'reports.cancel': ['job'], 'reports.saveDefinition': [{ name: '', request: { format: 'csv', filter: {} } }], 'reports.deleteDefinition': ['unknown'],
    'settings.update': [{ deleteConfirmThreshold: 100 }],
    'host.openExternal': ['file:///etc/passwd'],
    'records.describe': ['unknown', 'res.partner', 1],
    'alerts.save': [{ name: '', condition: { kind: 'change' }, channels: [] }], 'alerts.remove': ['unknown'], 'alerts.preview': [{ kind: 'change' }], 'alerts.test': ['unknown'], 'alerts.deliveries': [{}], 'alerts.setSmtp': [null],
    'account.changePassword': ['wrong-current', 'new-password-123'], 'account.logout': [],
    'users.add': [{ login: 'bad login', password: 'x', role: 'viewer' }], 'users.update': ['nobody', {}], 'users.grant': ['nobody', []], 'users.setPassword': ['nobody', 'x'], 'users.revokeSessions': ['nobody'], 'users.remove': ['nobody'],
  };

  describe('roles', () => {
    it('refuses each method to the roles below its minimum, and only to them', async () => {
      const surfaces = { ...SERVICE_SURFACES, ...TEAM_SURFACES } as Record<string, { methods: Record<string, unknown> }>;
      const methods = Object.entries(surfaces).flatMap(([service, surface]) => Object.keys(surface.methods).map((method) => `${service}.${method}`));
      expect(methods.sort()).toEqual(Object.keys(MINIMUM_ROLE).sort());
      for (const login of ['vera', 'otto', 'root'] as const) {
        const client = await session(team, login);
        const rank = ['viewer', 'operator', 'admin'].indexOf(USERS[login].role);
        for (const name of methods) {
          if (name === 'account.logout') continue; // ends the session under test; covered below
          const [service, method] = name.split('.');
          const call = (client.services as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[service][method](...(ARGUMENTS[name] ?? []));
          const outcome = await call.then(() => 'ok', (error: { code: string }) => error.code);
          const refused = outcome === 'access-error';
          expect(refused, `${login} ${name} → ${outcome}`).toBe(rank < ['viewer', 'operator', 'admin'].indexOf(MINIMUM_ROLE[name]));
        }
        client.close();
      }
    });

    it('lets an operator act on granted instances only, and journals admin actions with the real user', async () => {
      const otto = await session(team, 'otto');
      await expect(otto.services.admin.previewDelete(team.riyadh, { keys: ['1'] })).rejects.toMatchObject({ code: 'not-found' });
      const preview = await otto.services.admin.previewDelete(team.jeddah, { serverIds: [1, 2] });
      expect(preview).toMatchObject({ instanceName: 'Jeddah ERP', count: 2, canDelete: false }); // the server is unreachable, so it cannot check the right
      otto.close();
      const root = await session(team, 'root');
      await root.services.instances.update(team.riyadh, { pollIntervalSeconds: 45 });
      await root.services.sync.pause(team.jeddah);
      await root.services.sync.resume(team.jeddah);
      const journal = await root.services.admin.journal({ limit: 3 });
      expect(journal.map((entry) => [entry.action, entry.actor, entry.instanceName, entry.result])).toEqual([
        ['sync-resume', 'root (team) as ops', 'Jeddah ERP', 'ok'],
        ['sync-pause', 'root (team) as ops', 'Jeddah ERP', 'ok'],
        ['instance-edit', 'root (team) as admin', 'Riyadh ERP', 'ok'],
      ]);
      expect(journal[2].description).toBe('Changed pollIntervalSeconds');
      const vera = await session(team, 'vera');
      expect((await vera.services.admin.journal({})).every((entry) => entry.instanceId === team.riyadh)).toBe(true);
      vera.close();
      root.close();
    });
  });

  describe('revocation', () => {
    it('closes a session’s connections when an admin ends it, and refuses its next call', async () => {
      const vera = await session(team, 'vera');
      const root = await session(team, 'root');
      await root.services.users.revokeSessions('vera');
      // The revocation reaches the open connection at its next call (or the periodic re-check).
      await expect(vera.services.changes.count({})).rejects.toMatchObject({ code: 'access-denied' });
      expect(await vera.closed).toBe(SESSION_ENDED_CLOSE_CODE);
      expect((await fetch(`${team.origin}/api/session`, { headers: { Cookie: vera.cookie } })).status).toBe(401);
      root.close();
    });

    it('ends the connection at logout', async () => {
      const otto = await session(team, 'otto');
      await otto.services.account.logout();
      expect(await otto.closed).toBe(SESSION_ENDED_CLOSE_CODE);
    });
  });

  describe('secrets', () => {
    it('never sends an Odoo password to a browser: no reply or event of any method carries one', async () => {
      const root = await session(team, 'root');
      const events: unknown[] = [];
      const subscriptions = [root.services.instances.onDidChangeInstances((value) => events.push(value)), root.services.sync.onDidChangeStatus((value) => events.push(value))];
      for (const [name, args] of Object.entries({ ...ARGUMENTS, 'instances.list': [{ includeRemoved: true }], 'sync.statuses': [], 'admin.journal': [{}], 'settings.get': [], 'host.info': [], 'users.list': [], 'account.me': [] })) {
        if (name === 'account.logout') continue;
        const [service, method] = name.split('.');
        await (root.services as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[service][method](...args).catch(() => undefined);
      }
      await root.services.instances.update(team.jeddah, { name: 'Jeddah ERP 2' });
      await root.services.instances.update(team.jeddah, { name: 'Jeddah ERP' });
      for (const subscription of subscriptions) subscription.dispose();
      const wire = JSON.stringify(root.received);
      expect(root.received.length).toBeGreaterThan(40);
      for (const secret of ODOO_SECRETS) expect(wire).not.toContain(secret);
      expect(wire).not.toMatch(/scrypt\$/);
      expect(wire).not.toContain(USERS.root.password);
      root.close();
    });
  });
});
