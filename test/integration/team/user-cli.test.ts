/** `ocm user add | list | grant | passwd | remove` on a real data folder, and the first admin from the configuration. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../../src-main/accounts/sessions';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { createUserCommands } from '../../../src-main/hosts/cli/commands/user';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { ensureFirstAdmin, teamAccounts } from '../../../src-main/hosts/serve/team-accounts';
import { createServices } from '../../../src-main/hosts/services';

let home: string;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ocm-users-'));
  const app = await createServices({ dataDir: home, engine: 'none', keychain: null });
  await app.services.instances.add({ name: 'Riyadh ERP', url: 'http://127.0.0.1:9/', db: 'riyadh', login: 'admin', password: 'x' });
  await app.services.instances.add({ name: 'Jeddah ERP', url: 'http://127.0.0.1:9/', db: 'jeddah', login: 'admin', password: 'y' });
  await app.close();
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const commands = createUserCommands((_io, _config) => createServices({ dataDir: home, engine: 'none', keychain: null, autoStart: false }));

function io(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text), env, interrupted: new AbortController().signal, isTty: false };
}

async function ocm(args: string[], env: Record<string, string> = {}) {
  const out = io(env);
  const code = await runCli(commands, args, out);
  return { code, out: out.stdout.join('\n'), err: out.stderr.join('\n') };
}

describe('ocm user', () => {
  it('adds users with a password from the environment, never from the command line', async () => {
    expect(await ocm(['user', 'add', '--login', 'root', '--role', 'admin', '--password-env', 'PW'], { PW: 'root-password-123' })).toMatchObject({ code: 0, out: 'Added root  admin  all instances  0 sessions' });
    expect(await ocm(['user', 'add', '--login', 'vera', '--role', 'viewer', '--password-env', 'PW', '--instances', 'Riyadh ERP'], { PW: 'vera-password-123' })).toMatchObject({ code: 0, out: 'Added vera  viewer  Riyadh ERP  0 sessions' });
    expect(await ocm(['user', 'add', '--login', 'x', '--role', 'viewer', '--password-env', 'NOPE'])).toMatchObject({ code: 64, err: expect.stringContaining('The environment variable NOPE named by --password-env is not set.') });
    expect(await ocm(['user', 'add', '--login', 'x', '--role', 'root', '--password-env', 'PW'], { PW: 'long-enough-12' })).toMatchObject({ code: 64, err: expect.stringContaining('Unknown value "root" for --role: use viewer, operator or admin.') });
    expect(await ocm(['user', 'add', '--login', 'x', '--role', 'viewer', '--password-env', 'PW', '--instances', 'Mecca ERP'], { PW: 'long-enough-12' })).toMatchObject({ code: 1, err: expect.stringContaining('No instance named "Mecca ERP".') });
  });

  it('grants instances and roles, lists them, sets passwords and removes users, journaling each change', async () => {
    expect((await ocm(['user', 'grant', '--login', 'vera', '--instances', 'Jeddah ERP'])).out).toBe('Saved vera  viewer  Riyadh ERP, Jeddah ERP  0 sessions');
    expect((await ocm(['user', 'grant', '--login', 'vera', '--instances', 'Riyadh ERP', '--revoke', '--role', 'operator'])).out).toBe('Saved vera  operator  Jeddah ERP  0 sessions');
    const listed = JSON.parse((await ocm(['user', 'list', '--json'])).out) as { login: string; role: string }[];
    expect(listed.map((user) => [user.login, user.role])).toEqual([['root', 'admin'], ['vera', 'operator']]);
    expect(await ocm(['user', 'passwd', '--login', 'vera', '--password-env', 'PW'], { PW: 'vera-new-password' })).toMatchObject({ code: 0 });
    const app = await createServices({ dataDir: home, engine: 'none', keychain: null });
    const sessions = new SessionManager(app.accounts);
    await expect(sessions.signIn('vera', 'vera-password-123')).rejects.toMatchObject({ code: 'auth-failed' });
    expect((await sessions.signIn('vera', 'vera-new-password')).principal.role).toBe('operator');
    const journal = await app.services.admin.journal({});
    await app.close();
    expect(journal.map((entry) => entry.action).slice(0, 4)).toEqual(['user-password', 'user-grant', 'user-edit', 'user-grant']);
    expect(journal[0].actor).toMatch(/ \(command line\)$/);
    expect(await ocm(['user', 'remove', '--login', 'root'])).toMatchObject({ code: 1, err: expect.stringContaining('root is the last admin') });
    expect(await ocm(['user', 'remove', '--login', 'vera'])).toMatchObject({ code: 0, out: 'Removed vera; their sessions ended.' });
  });
});

describe('the first admin from the configuration', () => {
  it('is created on a server without users, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocm-first-'));
    const app = await createServices({ dataDir: dir, engine: 'none', keychain: null });
    try {
      const { users } = teamAccounts(app);
      await expect(ensureFirstAdmin(app, users, { login: 'boss', passwordEnv: 'OCM_ADMIN_PASSWORD' })).rejects.toThrow(/names a first admin \(boss\) but OCM_ADMIN_PASSWORD is not set/);
      expect(await ensureFirstAdmin(app, users, undefined)).toBe('none');
      expect(await ensureFirstAdmin(app, users, { login: 'boss', passwordEnv: 'OCM_ADMIN_PASSWORD', password: 'boss-password-123' })).toBe('created');
      expect(await ensureFirstAdmin(app, users, { login: 'other', passwordEnv: 'X', password: 'other-password-1' })).toBe('has-users');
      expect((await users.list()).map((user) => [user.login, user.role])).toEqual([['boss', 'admin']]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
