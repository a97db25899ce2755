/**
 * Secrets (passwords, API keys) are stored encrypted through a SecretVault. The Electron host brings one
 * backed by safeStorage; everywhere else {@link openSecretVault} picks the OS keychain when a keychain
 * service answers, and a key file in the data directory only where none does (CI, headless Linux).
 *
 * Both vaults made here are AES-256-GCM with a random 32-byte key; they differ in where the key lives:
 * in the OS keychain (`k1:` cipher texts) or in `<dataDir>/secret.key` (`v1:` cipher texts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OcmError } from '../common/errors';
import type { HostInfo } from '../common/services';
import type { Keychain } from './keychain';

/** How secrets are protected at rest, said plainly in Settings and `ocm status` (the contract's words). */
export type SecretStorageKind = HostInfo['secretStorage'];

/** Encrypts and decrypts secrets at rest. */
export interface SecretVault {
  readonly kind: SecretStorageKind;
  encrypt(plain: string): string;
  /** Throws 'invalid-input' (enter the password again) when the text cannot be decrypted. */
  decrypt(cipher: string): string;
}

/** The key file's name inside the data directory. */
export const KEY_FILE = 'secret.key';

/** The keychain service the vault key is filed under (one entry per data directory). */
export const KEYCHAIN_SERVICE = 'odoo-change-monitor';

/** A vault and, when it replaced the key file, the key-file vault that can still open older secrets. */
export interface OpenedVault {
  vault: SecretVault;
  /** The key-file vault of a data directory whose secrets move to the keychain (see config/secrets.ts). */
  legacy?: SecretVault & { discard(): void };
  /** Why the key file is used, when a keychain was looked for and did not answer. */
  fallbackReason?: string;
}

/**
 * The vault for `dataDir`: the OS keychain when `keychain` answers, else the key file. Nothing is
 * created until a secret is first encrypted or decrypted, so read-only commands write nothing.
 */
export function openSecretVault(dataDir: string, keychain: Keychain | undefined): OpenedVault {
  const keyFile = createKeyFileVault(dataDir);
  if (!keychain) return { vault: keyFile, fallbackReason: 'no OS keychain is available to this process' };
  const account = keychainAccount(dataDir);
  try {
    keychain.get(account); // does a keychain service answer at all?
  } catch (error) {
    return { vault: keyFile, fallbackReason: `no OS keychain service answered (${error instanceof Error ? error.message : String(error)})` };
  }
  const vault = aesVault('os-keychain', 'k1:', () => keychainKey(keychain, account));
  const legacy = legacyKeyFile(dataDir);
  return legacy ? { vault, legacy } : { vault };
}

/**
 * The key-file vault of `dataDir` when its key file exists, for a vault that replaces it (the OS
 * keychain, or the host's own): it still opens older secrets, and `discard` removes it once they moved.
 */
export function legacyKeyFile(dataDir: string): (SecretVault & { discard(): void }) | undefined {
  if (!existsSync(join(dataDir, KEY_FILE))) return undefined;
  return { ...createKeyFileVault(dataDir), discard: () => discardKeyFile(dataDir) };
}

/** A vault opened on first use: read-only commands that never touch a secret never ask the keychain. */
export function lazyVault(open: () => SecretVault): SecretVault {
  let vault: SecretVault | undefined;
  const opened = () => (vault ??= open());
  return {
    get kind() {
      return opened().kind;
    },
    encrypt: (plain) => opened().encrypt(plain),
    decrypt: (cipher) => opened().decrypt(cipher),
  };
}

/**
 * A vault whose key is kept in `<dataDir>/secret.key` (created with mode 0600). WEAKER THAN THE OS
 * KEYCHAIN: anyone who can read both the key file and the database can decrypt the passwords; it only
 * keeps them out of plain sight (backups of the database alone, screen shares, casual reads).
 */
export function createKeyFileVault(dataDir: string): SecretVault {
  return aesVault('local-key-file', 'v1:', () => loadOrCreateKeyFile(dataDir));
}

/**
 * The team database's vault: the same key file, shared by every collector of one PostgreSQL mirror (a
 * copy on each machine), since no one machine's keychain can open what another sealed. Its texts are
 * the key file's, so secrets a SQLite team server sealed with its key file open here unchanged.
 */
export function createTeamKeyFileVault(dataDir: string): SecretVault {
  return aesVault('team-key-file', 'v1:', () => loadOrCreateKeyFile(dataDir));
}

/** The keychain account of a data directory: a stable digest of its absolute path. */
export function keychainAccount(dataDir: string): string {
  return `vault-key ${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 24)}`;
}

function aesVault(kind: SecretStorageKind, prefix: string, loadKey: () => Buffer): SecretVault {
  let key: Buffer | undefined;
  const keyOf = () => (key ??= loadKey());
  return {
    kind,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyOf(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${prefix}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    decrypt(text) {
      if (!text.startsWith(prefix)) throw undecryptable();
      const raw = Buffer.from(text.slice(prefix.length), 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyOf(), raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (error) {
        if (error instanceof OcmError) throw error;
        throw undecryptable(error);
      }
    },
  };
}

function keychainKey(keychain: Keychain, account: string): Buffer {
  let stored: string | null;
  try {
    stored = keychain.get(account);
    if (stored === null) {
      keychain.set(account, randomBytes(32).toString('base64'));
      // Read it back: the key must be the one the keychain will give next time, or nothing is stored.
      stored = keychain.get(account);
    }
  } catch (error) {
    throw new OcmError('store-locked', 'The OS keychain did not give out the key that protects the saved passwords.', {
      hint: 'Unlock the keychain (or allow Odoo Change Monitor to use it) and try again.',
      cause: error,
    });
  }
  const key = stored === null ? Buffer.alloc(0) : Buffer.from(stored, 'base64');
  if (key.length !== 32) {
    throw new OcmError('store-corrupt', `The keychain entry "${account}" of ${KEYCHAIN_SERVICE} is not a key this app wrote.`, {
      hint: 'Remove that keychain entry, then edit each instance and enter its password again.',
    });
  }
  return key;
}

function loadOrCreateKeyFile(dataDir: string): Buffer {
  const path = join(dataDir, KEY_FILE);
  if (existsSync(path)) {
    const key = readFileSync(path);
    if (key.length !== 32) throw new OcmError('store-corrupt', `The key file ${path} is damaged.`, { hint: 'Restore it from a backup, or remove it and enter the instance passwords again.' });
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx' never overwrites a key another process just created.
  writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}

/** Overwrites, then removes, a key file whose secrets now live under the keychain's key. */
function discardKeyFile(dataDir: string): void {
  const path = join(dataDir, KEY_FILE);
  if (!existsSync(path)) return;
  writeFileSync(path, randomBytes(32));
  rmSync(path);
}

function undecryptable(cause?: unknown): OcmError {
  return new OcmError('invalid-input', 'A stored password could not be decrypted.', {
    hint: 'The key it was encrypted with is gone (another machine, a new key file or keychain entry): edit the instance and enter the password again.',
    cause,
  });
}
