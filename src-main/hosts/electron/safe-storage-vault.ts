import { safeStorage } from 'electron';
import type { SecretVault } from '../../store/secret-vault';

/**
 * Secrets encrypted with the OS keychain through Electron's safeStorage (Keychain on macOS, DPAPI on
 * Windows, libsecret/kwallet on Linux). Returns undefined when the OS offers no keychain (for example
 * Linux without a secret service), so the caller falls back to the key-file vault and says so.
 */
export function createSafeStorageVault(): SecretVault | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  // 'basic_text' means Chromium would use a hard-coded key on Linux: not worth calling keychain storage.
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return undefined;
  return {
    kind: 'os-keychain',
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipher) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
  };
}
