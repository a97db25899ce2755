/**
 * A real team server for tests: the composition root over a fresh data folder, two instances with
 * saved passwords and mirrored rows, three users (admin, a viewer of Riyadh, an operator of Jeddah),
 * and the team server on loopback HTTP (or with TLS / behind a proxy when asked). Clients sign in over
 * HTTP and speak the channel over a WebSocket carrying the session cookie, as the workbench does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { actingUser, teamActor } from '../../../src-main/accounts/acting-user';
import { LoginThrottle } from '../../../src-main/accounts/login-throttle';
import { ChannelClient, type ChannelMessage } from '../../../src-main/common/channel';
import { OcmError } from '../../../src-main/common/errors';
import { SERVICE_NAMES, type Services } from '../../../src-main/common/services';
import { TEAM_SERVICE_NAMES, type TeamServices } from '../../../src-main/common/team';
import type { ServeConfig } from '../../../src-main/hosts/serve/config';
import { teamAccounts, type TeamAccounts } from '../../../src-main/hosts/serve/team-accounts';
import { startTeamServer, type TeamServer } from '../../../src-main/hosts/serve/team-server';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import { DownloadRegistry } from '../../../src-main/hosts/web/downloads';
import { openMirror, type MirrorLocation } from '../../../src-main/hosts/mirror-store';
import { databasePath } from '../../../src-main/store/data-directory';
import type { MirrorChange } from '../../../src-main/store/repositories/mirror';

/** The Odoo passwords saved with the instances: no reply may ever contain them. */
export const ODOO_SECRETS = ['riyadh-odoo-secret-7f3a', 'jeddah-odoo-secret-91bc'];
/** Team users and their passwords. */
export const USERS = {
  root: { password: 'root-password-123', role: 'admin' as const },
  vera: { password: 'vera-password-123', role: 'viewer' as const },
  otto: { password: 'otto-password-123', role: 'operator' as const },
};

/** A running team server with its parts. */
export interface TeamHarness {
  running: RunningServices;
  accounts: TeamAccounts;
  server: TeamServer;
  origin: string;
  dataDir: string;
  riyadh: string;
  jeddah: string;
  close(): Promise<void>;
}

/**
 * Starts it; `config` overrides the server's exposure (TLS, proxy, public URL); `staticDir` serves a
 * built workbench; `database` puts the mirror in PostgreSQL (default a SQLite file in the data folder).
 */
export async function startTeam(
  config: Partial<Pick<ServeConfig, 'tls' | 'behindProxy' | 'publicOrigin'>> = {},
  options: { throttle?: LoginThrottle; revalidateMs?: number; staticDir?: string; database?: MirrorLocation } = {},
): Promise<TeamHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ocm-team-'));
  writeFileSync(join(dataDir, 'index.html'), '<!doctype html><title>team</title>');
  const downloads = new DownloadRegistry();
  const database = options.database ?? { kind: 'sqlite', file: databasePath(dataDir) };
  const running = await createServices({
    dataDir,
    database,
    engine: 'none',
    keychain: null,
    actor: (instance) => teamActor(instance),
    downloadUrlFor: (filePath) => downloads.register(filePath, undefined, actingUser()?.userId ?? ''),
  });
  const riyadh = (await running.services.instances.add({ name: 'Riyadh ERP', url: 'http://127.0.0.1:9/', db: 'riyadh', login: 'admin', password: ODOO_SECRETS[0] })).id;
  const jeddah = (await running.services.instances.add({ name: 'Jeddah ERP', url: 'http://127.0.0.1:9/', db: 'jeddah', login: 'ops', password: ODOO_SECRETS[1] })).id;
  const seeding = await openMirror(database);
  const start = Date.UTC(2026, 10, 1) / 1000;
  for (const [index, id] of [riyadh, jeddah].entries()) {
    const rows: MirrorChange[] = Array.from({ length: 40 }, (_, row) => ({ serverId: row + 1, model: index === 0 ? 'res.partner' : 'sale.order', recordId: 100 + row, event: 'write', ts: start + row * 60 + index }));
    await seeding.repositories.mirror.insertChanges(id, 0, rows, { changeCursor: 40 }, start + 3600);
    await seeding.repositories.syncLog.append({ instanceId: id, level: 'info', kind: 'poll', message: `polled ${index}` });
  }
  await seeding.close();
  const accounts = teamAccounts(running, { lifetimeSeconds: 3600, idleSeconds: 600 });
  await accounts.users.add({ login: 'root', password: USERS.root.password, role: 'admin' });
  await accounts.users.add({ login: 'vera', password: USERS.vera.password, role: 'viewer', instanceIds: [riyadh] });
  await accounts.users.add({ login: 'otto', password: USERS.otto.password, role: 'operator', instanceIds: [jeddah] });
  const server = await startTeamServer({
    services: running.services,
    accounts: running.accounts,
    journal: running.journal,
    sessions: accounts.sessions,
    users: accounts.users,
    throttle: options.throttle ?? new LoginThrottle(),
    downloads,
    staticDir: options.staticDir ?? dataDir,
    config: { host: '127.0.0.1', port: 0, ...config },
    health: () => ({ collector: null }),
    revalidateMs: options.revalidateMs,
  });
  return {
    running,
    accounts,
    server,
    origin: new URL(server.url).origin,
    dataDir,
    riyadh,
    jeddah,
    async close() {
      await server.close();
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in over HTTP; resolves with the response and the session cookie (name=value). */
export async function signIn(origin: string, login: string, password: string, headers: Record<string, string> = {}): Promise<{ status: number; cookie?: string; setCookie?: string; body: unknown }> {
  const response = await fetch(`${origin}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin, ...headers }, body: JSON.stringify({ login, password }) });
  const setCookie = response.headers.get('set-cookie') ?? undefined;
  return { status: response.status, setCookie, cookie: setCookie?.split(';')[0], body: await response.json() };
}

/** A signed-in workbench's channel: typed proxies and every message it received. */
export interface TeamClient {
  services: Services & TeamServices;
  received: ChannelMessage[];
  socket: WebSocket;
  closed: Promise<number>;
  close(): void;
}

/** Opens the channel with a session cookie (and an Origin, the server's own by default). */
export function connectChannel(origin: string, cookie: string | undefined, options: { origin?: string } = {}): Promise<TeamClient> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (cookie) headers.Cookie = cookie;
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/channel`, { origin: options.origin ?? origin, headers });
    const received: ChannelMessage[] = [];
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    socket.once('unexpected-response', (_request, response) => reject(new Error(String(response.statusCode))));
    socket.once('error', reject);
    socket.once('open', () => {
      const listeners = new Set<(message: ChannelMessage) => void>();
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as ChannelMessage;
        received.push(message);
        for (const listener of listeners) listener(message);
      });
      const client = new ChannelClient({
        send: (message) => socket.send(JSON.stringify(message)),
        onMessage: (listener) => {
          listeners.add(listener);
          return { dispose: () => listeners.delete(listener) };
        },
      });
      socket.once('close', () => client.failPending(new OcmError('network-reset', 'The team server closed the connection.')));
      const services = {} as Record<string, unknown>;
      for (const name of [...SERVICE_NAMES, ...TEAM_SERVICE_NAMES]) services[name] = client.proxy(name);
      resolve({ services: services as unknown as Services & TeamServices, received, socket, closed, close: () => socket.close() });
    });
  });
}

/** Signs in and connects. */
export async function session(team: Pick<TeamHarness, 'origin'>, login: keyof typeof USERS): Promise<TeamClient & { cookie: string }> {
  const { cookie } = await signIn(team.origin, login, USERS[login].password);
  if (!cookie) throw new Error(`${login} could not sign in`);
  return { ...(await connectChannel(team.origin, cookie)), cookie };
}
