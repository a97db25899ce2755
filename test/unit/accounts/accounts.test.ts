/** Accounts on a real SQLite file: scrypt hashing, sign-in, session expiry, idle end, revocation, rotation. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OcmError } from '../../../src-main/common/errors';
import { hashPassword, MIN_PASSWORD_LENGTH, needsRehash, SCRYPT_PARAMETERS, verifyPassword } from '../../../src-main/accounts/password';
import { SessionManager, tokenHash } from '../../../src-main/accounts/sessions';
import { LoginThrottle } from '../../../src-main/accounts/login-throttle';
import { UserService } from '../../../src-main/accounts/user-service';
import { openStore, type Store } from '../../../src-main/store/store';

let dir: string;
let store: Store;
let clock: number;
const now = () => clock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-accounts-'));
  store = openStore(join(dir, 'mirror.sqlite'));
  clock = Date.UTC(2026, 10, 30, 9, 0, 0);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function users(sessions: SessionManager): UserService {
  return new UserService({ store: store.accounts, sessions, journal: store.journal, instanceNames: async () => new Map([['i-1', 'Riyadh ERP'], ['i-2', 'Jeddah ERP']]), now });
}

describe('password hashing', () => {
  it('stores scrypt with its parameters and a random salt, and verifies only the right password', async () => {
    const record = await hashPassword('correct horse battery');
    const [scheme, n, r, p, salt, key] = record.split('$');
    expect([scheme, Number(n), Number(r), Number(p)]).toEqual(['scrypt', SCRYPT_PARAMETERS.N, SCRYPT_PARAMETERS.r, SCRYPT_PARAMETERS.p]);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(key, 'base64')).toHaveLength(64);
    expect(record).not.toContain('correct horse');
    expect(await hashPassword('correct horse battery')).not.toBe(record); // salted
    expect(await verifyPassword('correct horse battery', record)).toBe(true);
    expect(await verifyPassword('correct horse batterz', record)).toBe(false);
    expect(await verifyPassword('correct horse battery', undefined)).toBe(false);
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(needsRehash(record)).toBe(false);
    expect(needsRehash('scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(64).toString('base64'))).toBe(true);
  });

  it('refuses a record that asks for absurd memory instead of running it', async () => {
    expect(await verifyPassword('x', `scrypt$${2 ** 30}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$${Buffer.alloc(64).toString('base64')}`)).toBe(false);
  });
});

describe('sessions', () => {
  it('signs in with a fresh token stored only as its hash, and refuses wrong passwords alike', async () => {
    const sessions = new SessionManager(store.accounts, {}, now);
    await users(sessions).add({ login: 'alice', password: 'alice-password-1', role: 'viewer', instanceIds: ['i-1'] });
    const { token, principal } = await sessions.signIn('ALICE', 'alice-password-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(principal).toMatchObject({ login: 'alice', role: 'viewer', instanceIds: ['i-1'] });
    const stored = store.db.prepare('SELECT token_hash FROM sessions').pluck().all();
    expect(stored).toEqual([tokenHash(token)]);
    await expect(sessions.signIn('alice', 'wrong-password')).rejects.toMatchObject({ code: 'auth-failed', message: 'Wrong login or password.' });
    await expect(sessions.signIn('nobody', 'alice-password-1')).rejects.toMatchObject({ code: 'auth-failed', message: 'Wrong login or password.' });
    expect((await sessions.validate(token))?.login).toBe('alice');
    expect(await sessions.validate('forged-token')).toBeUndefined();
  });

  it('rotates the token at sign-in: the one the browser came with stops working', async () => {
    const sessions = new SessionManager(store.accounts, {}, now);
    await users(sessions).add({ login: 'bob', password: 'bob-password-12', role: 'operator' });
    const first = await sessions.signIn('bob', 'bob-password-12');
    const second = await sessions.signIn('bob', 'bob-password-12', first.token);
    expect(second.token).not.toBe(first.token);
    expect(await sessions.validate(first.token)).toBeUndefined();
    expect(await sessions.validate(second.token)).toBeDefined();
  });

  it('ends a session at its lifetime and after being idle', async () => {
    const sessions = new SessionManager(store.accounts, { lifetimeSeconds: 3600, idleSeconds: 600 }, now);
    await users(sessions).add({ login: 'carol', password: 'carol-password-1', role: 'admin' });
    const idle = await sessions.signIn('carol', 'carol-password-1');
    clock += 599_000;
    expect(await sessions.validate(idle.token)).toBeDefined(); // used: the idle clock restarts
    clock += 599_000;
    expect(await sessions.validate(idle.token)).toBeDefined();
    clock += 601_000;
    expect(await sessions.validate(idle.token)).toBeUndefined(); // idle too long

    const busy = await sessions.signIn('carol', 'carol-password-1');
    for (let minute = 5; minute < 60; minute += 5) {
      clock += 5 * 60_000;
      expect(await sessions.validate(busy.token), `minute ${minute}`).toBeDefined();
    }
    clock += 5 * 60_000;
    expect(await sessions.validate(busy.token)).toBeUndefined(); // lifetime over, however busy
  });

  it('revokes server-side: a new password, ending sessions, or removing the user ends them at once', async () => {
    const sessions = new SessionManager(store.accounts, {}, now);
    const service = users(sessions);
    await service.add({ login: 'admin', password: 'admin-password-1', role: 'admin' });
    await service.add({ login: 'dave', password: 'dave-password-12', role: 'viewer' });
    const a = await sessions.signIn('dave', 'dave-password-12');
    await service.setPassword('dave', 'dave-password-new');
    expect(await sessions.validate(a.token)).toBeUndefined();
    await expect(sessions.signIn('dave', 'dave-password-12')).rejects.toMatchObject({ code: 'auth-failed' });
    const b = await sessions.signIn('dave', 'dave-password-new');
    expect(await service.revokeSessions('dave')).toBe(1);
    expect(await sessions.validate(b.token)).toBeUndefined();
    const c = await sessions.signIn('dave', 'dave-password-new');
    await service.remove('dave');
    expect(await sessions.validate(c.token)).toBeUndefined();
    expect(store.db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(0);
  });
});

describe('users', () => {
  it('checks logins, passwords, roles and instances, keeps the last admin, and journals every change with the actor', async () => {
    const service = users(new SessionManager(store.accounts, {}, now));
    await expect(service.add({ login: 'has space', password: 'long-enough-1', role: 'viewer' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(service.add({ login: 'short', password: 'x'.repeat(MIN_PASSWORD_LENGTH - 1), role: 'viewer' })).rejects.toThrow(/at least 10 characters/);
    await expect(service.add({ login: 'role', password: 'long-enough-1', role: 'root' as never })).rejects.toThrow(/Unknown role/);
    await expect(service.add({ login: 'ghost', password: 'long-enough-1', role: 'viewer', instanceIds: ['nope'] })).rejects.toMatchObject({ code: 'not-found' });
    await service.add({ login: 'root', password: 'root-password-1', role: 'admin' });
    await expect(service.add({ login: 'ROOT', password: 'root-password-1', role: 'admin' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(service.update('root', { role: 'viewer' })).rejects.toThrow(/last admin/);
    await expect(service.remove('root')).rejects.toThrow(/last admin/);
    const erin = await service.add({ login: 'erin', password: 'erin-password-1', role: 'viewer', instanceIds: ['i-1'] });
    expect(erin).toMatchObject({ login: 'erin', role: 'viewer', instanceIds: ['i-1'], sessions: 0 });
    expect(JSON.stringify(erin)).not.toMatch(/scrypt|password/);
    expect((await service.grant('erin', ['i-2'])).instanceIds).toEqual(['i-1', 'i-2']);
    expect((await service.grant('erin', ['i-1'], { revoke: true })).instanceIds).toEqual(['i-2']);
    expect((await service.grant('erin', ['i-1'], { replace: true })).instanceIds).toEqual(['i-1']);
    expect((await service.update('erin', { role: 'operator' })).role).toBe('operator');
    const journal = store.journal.list();
    expect(journal.map((entry) => entry.action)).toEqual(['user-edit', 'user-grant', 'user-grant', 'user-grant', 'user-add', 'user-add']);
    expect(journal.every((entry) => /\(command line\)$/.test(entry.actor) && entry.result === 'ok')).toBe(true);
    expect(journal[1].description).toBe('erin now sees: Riyadh ERP');
  });
});

describe('login throttle', () => {
  it('refuses a login after five failures from one address, until the window passes', () => {
    const throttle = new LoginThrottle({}, now);
    for (let i = 0; i < 5; i++) {
      throttle.check('alice', '10.0.0.1');
      throttle.failed('alice', '10.0.0.1');
    }
    expect(() => throttle.check('alice', '10.0.0.1')).toThrow(OcmError);
    expect(() => throttle.check('alice', '10.0.0.2')).not.toThrow();
    clock += 15 * 60_000;
    expect(() => throttle.check('alice', '10.0.0.1')).not.toThrow();
  });
});
