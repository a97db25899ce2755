/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux) through
 * `@napi-rs/keyring`, reduced to the three calls the secret vault makes, so tests can pass their own.
 * On Linux the Secret Service is required: the library's fallback, the kernel keyring, forgets its
 * entries at reboot, which would lose every saved password.
 */
import { createRequire } from 'node:module';
import { KEYCHAIN_SERVICE } from './secret-vault';

/** Entries of one keychain service, by account. Every call throws when no keychain service answers. */
export interface Keychain {
  get(account: string): string | null;
  set(account: string, value: string): void;
  delete(account: string): boolean;
}

interface NativeEntry {
  getPassword(): string | null;
  setPassword(password: string): void;
  deletePassword(): boolean;
}
type EntryConstructor = new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => NativeEntry;

/**
 * The system keychain, or undefined when its native binding cannot be loaded on this platform (the
 * vault then uses the key file and says so).
 */
export function systemKeychain(service: string = KEYCHAIN_SERVICE): Keychain | undefined {
  let Entry: EntryConstructor;
  try {
    ({ Entry } = createRequire(import.meta.url)('@napi-rs/keyring') as { Entry: EntryConstructor });
  } catch {
    return undefined;
  }
  const entry = (account: string) => new Entry(service, account, { linux: { store: 'secret-service' } });
  return {
    get: (account) => entry(account).getPassword(),
    set: (account, value) => entry(account).setPassword(value),
    delete: (account) => entry(account).deletePassword(),
  };
}
