/**
 * Secrets (passwords, API keys) are stored encrypted through a SecretVault. The Electron host provides
 * one backed by the OS keychain (safeStorage); plain Node uses {@link createKeyFileVault}.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OcmError } from '../common/errors';

/** Encrypts and decrypts secrets at rest. */
export interface SecretVault {
  /** How secrets are protected, said plainly in Settings. */
  readonly kind: 'os-keychain' | 'local-key-file';
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

/** The key file's name inside the data directory. */
export const KEY_FILE = 'secret.key';

/**
 * A vault for hosts without an OS keychain (CLI, browser mode): AES-256-GCM with a random 32-byte key kept
 * in `<dataDir>/secret.key` (created with mode 0600). WEAKER THAN THE OS KEYCHAIN: anyone who can read
 * both the key file and the database can decrypt the passwords; it only keeps them out of plain sight
 * (backups of the database alone, screen shares, casual reads). Its `kind` is 'local-key-file' so the UI
 * can say so.
 */
export function createKeyFileVault(dataDir: string): SecretVault {
  const key = loadOrCreateKey(dataDir);
  return {
    kind: 'local-key-file',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    decrypt(text) {
      if (!text.startsWith('v1:')) throw undecryptable();
      const raw = Buffer.from(text.slice(3), 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (error) {
        throw undecryptable(error);
      }
    },
  };
}

function loadOrCreateKey(dataDir: string): Buffer {
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

function undecryptable(cause?: unknown): OcmError {
  return new OcmError('invalid-input', 'A stored password could not be decrypted.', {
    hint: 'The key it was encrypted with is gone (another machine or a new key file): edit the instance and enter the password again.',
    cause,
  });
}
