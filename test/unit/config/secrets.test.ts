/**
 * Where secrets live: the OS keychain when one answers (a stand-in keychain here, and the real one on
 * machines that have it), the key file where none does; and the first-use migration of older secrets.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionTestInput } from '../../../src-main/odoo/types';
import { createServices } from '../../../src-main/hosts/services';
import { systemKeychain, type Keychain } from '../../../src-main/store/keychain';
import { createKeyFileVault, KEY_FILE, keychainAccount, openSecretVault } from '../../../src-main/store/secret-vault';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A keychain that keeps entries in memory and counts calls. */
function memoryKeychain(): Keychain & { entries: Map<string, string>; calls: number } {
  const entries = new Map<string, string>();
  const keychain = {
    entries,
    calls: 0,
    get: (account: string) => (keychain.calls++, entries.get(account) ?? null),
    set: (account: string, value: string) => void (keychain.calls++, entries.set(account, value)),
    delete: (account: string) => (keychain.calls++, entries.delete(account)),
  };
  return keychain;
}

/** A keychain whose service never answers (a headless machine). */
const silentKeychain: Keychain = {
  get: () => {
    throw new Error('Platform failure: no secret service');
  },
  set: () => {
    throw new Error('unreachable');
  },
  delete: () => {
    throw new Error('unreachable');
  },
};

describe('openSecretVault', () => {
  it('keeps the key in the OS keychain when it answers, created on first use only', () => {
    const keychain = memoryKeychain();
    const { vault, fallbackReason } = openSecretVault(dir, keychain);
    expect(vault.kind).toBe('os-keychain');
    expect(fallbackReason).toBeUndefined();
    expect(keychain.entries.size).toBe(0); // nothing written by opening
    const cipher = vault.encrypt('s3cret-ÄÖ');
    expect(cipher.startsWith('k1:')).toBe(true);
    expect([...keychain.entries.keys()]).toEqual([keychainAccount(dir)]);
    expect(openSecretVault(dir, keychain).vault.decrypt(cipher)).toBe('s3cret-ÄÖ');
    expect(existsSync(join(dir, KEY_FILE))).toBe(false);
  });

  it('falls back to the key file, saying why, when no keychain service answers', () => {
    const { vault, fallbackReason } = openSecretVault(dir, silentKeychain);
    expect(vault.kind).toBe('local-key-file');
    expect(fallbackReason).toMatch(/no OS keychain service answered \(Platform failure/);
    expect(vault.decrypt(vault.encrypt('x'))).toBe('x');
  });

  it('uses the real keychain binding: here, without a secret service, it falls back to the key file', (context) => {
    const keychain = systemKeychain('odoo-change-monitor-test');
    const { vault, fallbackReason } = openSecretVault(dir, keychain);
    if (process.platform !== 'linux' || process.env.DBUS_SESSION_BUS_ADDRESS) {
      // A desktop with a keychain: the round trip goes through it.
      if (vault.kind === 'os-keychain') {
        expect(vault.decrypt(vault.encrypt('x'))).toBe('x');
        keychain?.delete(keychainAccount(dir));
      }
      context.skip();
    }
    expect(vault.kind).toBe('local-key-file');
    expect(fallbackReason).toBeDefined();
  });
});

describe('first use after an upgrade', () => {
  const instance = { name: 'Prod', url: 'https://erp.example.com', db: 'prod', login: 'admin' };

  /** An instance as an older version saved it: the key file, and a secret without a binding. */
  async function savedByAnOlderVersion() {
    const before = await createServices({ dataDir: dir, engine: 'none', keychain: null });
    const added = await before.services.instances.add({ ...instance, password: 'old-pw' });
    await before.close();
    const db = new Database(join(dir, 'mirror.sqlite'));
    db.prepare('UPDATE instances SET secret = ?').run(createKeyFileVault(dir).encrypt('old-pw'));
    db.prepare("DELETE FROM settings WHERE key = 'secrets.sealed'").run(); // an older version knew no such flag
    db.close();
    return added;
  }

  it('moves key-file secrets into the keychain, seals them to their server, and removes the key file', async () => {
    const added = await savedByAnOlderVersion();

    const tested: ConnectionTestInput[] = [];
    const keychain = memoryKeychain();
    const after = await createServices({ dataDir: dir, engine: 'none', keychain, checker: async (input) => (tested.push(input), []) });
    try {
      expect((await after.services.host.info()).secretStorage).toBe('os-keychain');
      expect(existsSync(join(dir, KEY_FILE))).toBe(false);
      const check = new Database(join(dir, 'mirror.sqlite'), { readonly: true });
      const secret = check.prepare('SELECT secret FROM instances').pluck().get() as string;
      check.close();
      expect(secret.startsWith('k1:')).toBe(true);
      await after.services.instances.test({ ...instance, id: added.id });
      expect(tested).toEqual([expect.objectContaining({ url: instance.url, secret: 'old-pw' })]);
      // Sealed to the server it pointed at: another one needs the password again.
      await expect(after.services.instances.update(added.id, { url: 'https://other.example.com' })).rejects.toMatchObject({ code: 'invalid-input' });
    } finally {
      await after.close();
    }
  });

  it('asks the keychain nothing in a read-only command, and only once the migration is done', async () => {
    const keychain = memoryKeychain();
    const first = await createServices({ dataDir: dir, engine: 'none', keychain });
    await first.services.instances.add({ ...instance, password: 'pw' });
    await first.close();
    const calls = keychain.calls;
    const reader = await createServices({ dataDir: dir, engine: 'none', readonly: true, keychain });
    await reader.services.changes.count({});
    await reader.services.instances.list();
    await reader.close();
    const writer = await createServices({ dataDir: dir, engine: 'none', keychain });
    await writer.services.admin.journal();
    await writer.close();
    expect(keychain.calls).toBe(calls);
  });

  it('keeps the key file where no keychain answers, and seals old secrets there', async () => {
    const added = await savedByAnOlderVersion();

    const after = await createServices({ dataDir: dir, engine: 'none', keychain: silentKeychain });
    try {
      expect((await after.services.host.info()).secretStorage).toBe('local-key-file');
      expect(existsSync(join(dir, KEY_FILE))).toBe(true);
      const check = new Database(join(dir, 'mirror.sqlite'), { readonly: true });
      const secret = check.prepare('SELECT secret FROM instances').pluck().get() as string;
      check.close();
      expect(createKeyFileVault(dir).decrypt(secret)).toContain('"origin":"https://erp.example.com","db":"prod"');
      await expect(after.services.instances.update(added.id, { db: 'other' })).rejects.toMatchObject({ code: 'invalid-input' });
    } finally {
      await after.close();
    }
  });
});
