/**
 * An instance's saved secret is bound to the origin (scheme, host, port) and database it was saved for:
 * the binding is sealed inside the encrypted text, and the secret is only ever handed out for that
 * origin and database. Pointing an instance elsewhere needs the password again, so nobody who can drive
 * the UI (or hold the browser-mode token) can make the app send a saved password to another server.
 */
import { OcmError } from '../common/errors';
import { needsNewSecret, originOf } from '../common/instance-input';
import type { InstanceConfig } from '../common/model';
import { connectionInputOf } from '../odoo/connection';
import type { ConnectionInput } from '../odoo/types';
import type { SecretVault } from '../store/secret-vault';
import type { Repositories } from '../store/ports';

/** Where a secret may be sent. */
export interface SecretTarget {
  url: string;
  db: string;
}

/** Marks a sealed secret inside the vault's plain text (secrets saved before bindings have none). */
const SEALED = 'ocm-secret/1\n';

/** A logged-in-able instance: its config and how to connect (secret decrypted, in memory only). */
export interface UnlockedInstance {
  config: InstanceConfig;
  connection: ConnectionInput;
}

/** Seals and opens instance secrets with one vault. */
export class InstanceSecrets {
  constructor(private readonly vault: SecretVault) {}

  /** How the vault protects secrets at rest. */
  get kind(): SecretVault['kind'] {
    return this.vault.kind;
  }

  /** The stored form of `secret`, bound to `target`'s origin and database. */
  seal(secret: string, target: SecretTarget): string {
    return this.vault.encrypt(SEALED + JSON.stringify({ origin: originOf(target.url), db: target.db, secret }));
  }

  /**
   * The secret, if it was saved for `target`'s origin and database. Throws 'invalid-input' when it
   * cannot be decrypted, or was saved for another server (enter the password again).
   */
  open(cipher: string, target: SecretTarget): string {
    const opened = unseal(this.vault.decrypt(cipher));
    if (opened.binding && needsNewSecret({ url: opened.binding.origin, db: opened.binding.db }, target)) {
      throw new OcmError('invalid-input', `The saved password was saved for database ${opened.binding.db} at ${opened.binding.origin}, not for ${target.db} at ${originOf(target.url)}.`, {
        hint: 'Enter the password again for the new address or database.',
      });
    }
    return opened.secret;
  }

  /** How to connect to a stored instance, its secret opened for where it points now. */
  connectionOf(record: { config: InstanceConfig; secret: string }, options: { timeoutMs?: number } = {}): ConnectionInput {
    return connectionInputOf(record.config, this.open(record.secret, record.config), options);
  }
}

/**
 * The visible instances ready to connect. An instance whose secret cannot be opened is reported through
 * `onLocked` and left out (it shows the reason instead of syncing).
 */
export async function unlockInstances(store: Pick<Repositories, 'instances'>, secrets: InstanceSecrets, onLocked?: (config: InstanceConfig, error: OcmError) => void): Promise<UnlockedInstance[]> {
  const unlocked: UnlockedInstance[] = [];
  for (const record of await store.instances.list()) {
    try {
      unlocked.push({ config: record.config, connection: secrets.connectionOf(record) });
    } catch (error) {
      onLocked?.(record.config, error instanceof OcmError ? error : new OcmError('invalid-input', 'A stored password could not be decrypted.'));
    }
  }
  return unlocked;
}

/**
 * First use after an upgrade: secrets saved before bindings are sealed to where their instance points
 * now, and secrets of the key file move under the current vault (the OS keychain), after which the key
 * file is removed. Secrets that cannot be opened are left as they are (their instance asks for the
 * password). Returns how many were rewritten.
 */
export async function migrateSecrets(store: Pick<Repositories, 'instances'>, secrets: InstanceSecrets, vault: SecretVault, legacy?: SecretVault & { discard(): void }): Promise<number> {
  let rewritten = 0;
  for (const record of await store.instances.list({ includeRemoved: true })) {
    let plain: string | undefined;
    let moved = false;
    try {
      plain = vault.decrypt(record.secret);
    } catch {
      try {
        plain = legacy?.decrypt(record.secret);
        moved = plain !== undefined;
      } catch {
        // neither key opens it: the instance will ask for its password
      }
    }
    if (plain === undefined) continue;
    const opened = unseal(plain);
    if (opened.binding && !moved) continue;
    const target = opened.binding ? { url: opened.binding.origin, db: opened.binding.db } : record.config;
    await store.instances.replaceSecret(record.config.id, secrets.seal(opened.secret, target));
    rewritten++;
  }
  legacy?.discard();
  return rewritten;
}

function unseal(plain: string): { secret: string; binding?: { origin: string; db: string } } {
  if (!plain.startsWith(SEALED)) return { secret: plain };
  const value = JSON.parse(plain.slice(SEALED.length)) as { origin: string; db: string; secret: string };
  return { secret: value.secret, binding: { origin: value.origin, db: value.db } };
}
