/**
 * The Node-side implementations of IInstanceService, ISyncService and ISettingsService. Each takes its
 * dependencies in the constructor; `createMirrorServices` (index.ts) wires them.
 *
 * Only contract methods are public on these classes: the channel serves every public method, so
 * anything that handles decrypted passwords lives in free functions (see {@link syncTargets}).
 */
import { randomUUID } from 'node:crypto';
import { OcmError } from '../common/errors';
import { Emitter } from '../common/event';
import type { InstanceConfig, InstanceId, InstanceInput, InstanceStatus, Settings, SyncLogEntry } from '../common/model';
import type { ConnectionCheck, IInstanceService, ISettingsService, ISyncService } from '../common/services';
import type { ConnectionInput } from '../odoo/types';
import type { SecretVault } from '../store/secret-vault';
import type { Store } from '../store/store';
import type { InstanceFields } from '../store/repositories/instances';
import type { SyncBackend, SyncTarget } from './backend';
import { isoFromSeconds } from '../common/time';

/** Runs the connection checks (the real one is odoo/capabilities.runConnectionChecks, which adds catalogue keys). */
export type ConnectionChecker = (input: ConnectionInput) => Promise<ConnectionCheck[]>;

const DEFAULT_POLL_SECONDS = 30;

function required(value: string | undefined, what: string): string {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) throw new OcmError('invalid-input', `The ${what} is missing.`, { hint: `Enter the ${what}.` });
  return trimmed;
}

function validUrl(value: string | undefined): string {
  const url = required(value, 'URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OcmError('invalid-input', `"${url}" is not a URL.`, { hint: 'Enter the server address, e.g. https://erp.example.com.' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OcmError('invalid-input', `"${url}" is not an http or https URL.`, { hint: 'Enter the server address, e.g. https://erp.example.com.' });
  }
  return url.replace(/\/+$/, '');
}

/** Configured instances, stored with their secrets encrypted by the vault. */
export class InstanceService implements IInstanceService {
  private readonly changed = new Emitter<InstanceConfig[]>();
  readonly onDidChangeInstances = this.changed.event;

  constructor(
    private readonly store: Store,
    private readonly vault: SecretVault,
    private readonly checker: ConnectionChecker,
  ) {}

  async list(): Promise<InstanceConfig[]> {
    return this.store.instances.list().map((record) => record.config);
  }

  async add(input: InstanceInput): Promise<InstanceConfig> {
    const fields = this.fields(input, undefined);
    const id = randomUUID();
    this.assertNameFree(fields.name);
    this.store.instances.insert(id, fields, Math.floor(Date.now() / 1000));
    await this.fire();
    return this.get(id);
  }

  async update(id: InstanceId, input: Partial<InstanceInput>): Promise<InstanceConfig> {
    const existing = this.store.instances.get(id);
    if (!existing || existing.removed) throw new OcmError('not-found', `No instance with id ${id}.`);
    const current = existing.config;
    const merged: InstanceInput = {
      name: input.name ?? current.name,
      url: input.url ?? current.url,
      db: input.db ?? current.db,
      login: input.login ?? current.login,
      password: input.password,
      transport: input.transport ?? current.transport,
      production: input.production ?? current.production,
      pollIntervalSeconds: input.pollIntervalSeconds ?? current.pollIntervalSeconds,
      trustedCertificateSha256: 'trustedCertificateSha256' in input ? input.trustedCertificateSha256 : current.trustedCertificateSha256,
    };
    const fields = this.fields(merged, existing.secret, current.demo);
    if (fields.name !== current.name) this.assertNameFree(fields.name);
    this.store.instances.update(id, fields);
    await this.fire();
    return this.get(id);
  }

  async remove(id: InstanceId, options: { keepHistory: boolean }): Promise<void> {
    const existing = this.store.instances.get(id);
    if (!existing) throw new OcmError('not-found', `No instance with id ${id}.`);
    if (options.keepHistory) this.store.instances.hide(id, Math.floor(Date.now() / 1000));
    else this.store.instances.deleteWithHistory(id);
    await this.fire();
  }

  async test(input: InstanceInput & { id?: InstanceId }): Promise<ConnectionCheck[]> {
    let password = input.password;
    if (!password && input.id) {
      const existing = this.store.instances.get(input.id!);
      if (!existing) throw new OcmError('not-found', `No instance with id ${input.id}.`);
      password = this.vault.decrypt(existing.secret);
    }
    const checks = await this.checker({
      url: validUrl(input.url),
      db: required(input.db, 'database'),
      login: required(input.login, 'login'),
      password: required(password, 'password'),
      transport: input.transport ?? 'xmlrpc',
      trustedCertificateSha256: input.trustedCertificateSha256,
    });
    return checks.map((check) => ({ ...check }));
  }

  private async get(id: InstanceId): Promise<InstanceConfig> {
    const record = this.store.instances.get(id);
    if (!record) throw new OcmError('not-found', `No instance with id ${id}.`);
    return record.config;
  }

  private assertNameFree(name: string): void {
    if (this.store.instances.findByName(name)) {
      throw new OcmError('conflict', `An instance named "${name}" already exists.`, { hint: 'Choose another name.' });
    }
  }

  private fields(input: InstanceInput, existingSecret: string | undefined, demo = false): InstanceFields {
    const password = input.password;
    if (!password && existingSecret === undefined) throw new OcmError('invalid-input', 'The password is missing.', { hint: 'Enter the password or an API key.' });
    const poll = input.pollIntervalSeconds ?? DEFAULT_POLL_SECONDS;
    if (!Number.isInteger(poll) || poll < 2 || poll > 86_400) {
      throw new OcmError('invalid-input', `The poll interval must be a whole number of seconds between 2 and 86400 (got ${poll}).`);
    }
    const transport = input.transport ?? 'xmlrpc';
    if (transport !== 'xmlrpc' && transport !== 'jsonrpc') throw new OcmError('invalid-input', `Unknown transport "${String(transport)}".`, { hint: 'Use xmlrpc or jsonrpc.' });
    const fields: InstanceFields = {
      name: required(input.name, 'name'),
      url: validUrl(input.url),
      db: required(input.db, 'database'),
      login: required(input.login, 'login'),
      secret: password ? this.vault.encrypt(password) : existingSecret!,
      transport,
      production: input.production ?? false,
      demo,
      pollIntervalSeconds: poll,
    };
    if (input.trustedCertificateSha256) fields.trustedCertificateSha256 = input.trustedCertificateSha256;
    return fields;
  }

  private async fire(): Promise<void> {
    this.changed.fire(await this.list());
  }
}

/**
 * The visible instances with their passwords decrypted, for the sync backend (kept in memory only).
 * An instance whose secret cannot be decrypted is reported through `onUndecryptable` and skipped.
 */
export function syncTargets(store: Store, vault: SecretVault, onUndecryptable?: (config: InstanceConfig, error: OcmError) => void): SyncTarget[] {
  const targets: SyncTarget[] = [];
  for (const record of store.instances.list()) {
    try {
      const paused = store.syncState.get(record.config.id).paused;
      targets.push({ config: record.config, password: vault.decrypt(record.secret), ...(paused ? { paused } : {}) });
    } catch (error) {
      onUndecryptable?.(record.config, error instanceof OcmError ? error : new OcmError('invalid-input', 'A stored password could not be decrypted.'));
    }
  }
  return targets;
}

/** The status of an instance the backend is not running (not started yet, or undecryptable). */
export function restingStatus(store: Store, id: InstanceId): InstanceStatus {
  const counts = store.mirror.counts(id);
  const state = store.syncState.get(id);
  const status: InstanceStatus = { instanceId: id, state: 'idle', ...counts, errorLog: state.capabilities?.errorLog ?? 'unknown', richFields: state.capabilities?.richFields ?? [], canDeleteChanges: state.capabilities?.canDeleteChanges ?? false };
  if (state.lastSyncAt !== undefined) status.lastSyncAt = isoFromSeconds(state.lastSyncAt);
  if (state.serverVersion) status.serverVersion = state.serverVersion;
  return status;
}

/** The sync control surface over a backend (worker or in-thread). */
export class SyncService implements ISyncService {
  readonly onDidChangeStatus;
  readonly onDidLog;
  readonly onDidProgress;

  constructor(
    private readonly backend: SyncBackend,
    private readonly store: Store,
  ) {
    this.onDidChangeStatus = backend.onDidChangeStatus;
    this.onDidLog = backend.onDidLog;
    this.onDidProgress = backend.onDidProgress;
  }

  async statuses(): Promise<InstanceStatus[]> {
    const live = new Map(this.backend.statuses().map((status) => [status.instanceId, status]));
    return this.store.instances.list().map((record) => live.get(record.config.id) ?? restingStatus(this.store, record.config.id));
  }

  async syncNow(id?: InstanceId): Promise<void> {
    if (id !== undefined) this.assertKnown(id);
    this.backend.syncNow(id);
  }

  async pause(id: InstanceId): Promise<void> {
    this.assertKnown(id);
    this.store.syncState.update(id, { paused: true });
    this.backend.pause(id);
  }

  async resume(id: InstanceId): Promise<void> {
    this.assertKnown(id);
    this.store.syncState.update(id, { paused: false });
    this.backend.resume(id);
  }

  async activity(options: { instanceId?: InstanceId; limit?: number } = {}): Promise<SyncLogEntry[]> {
    return this.store.syncLog.list(options);
  }

  private assertKnown(id: InstanceId): void {
    const record = this.store.instances.get(id);
    if (!record || record.removed) throw new OcmError('not-found', `No instance with id ${id}.`);
  }
}

/** User preferences in the store. */
export class SettingsService implements ISettingsService {
  private readonly changed = new Emitter<Settings>();
  readonly onDidChangeSettings = this.changed.event;

  constructor(private readonly store: Store) {}

  async get(): Promise<Settings> {
    return this.store.settings.get();
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    if (patch.language !== undefined && !['en', 'ar'].includes(patch.language)) throw new OcmError('invalid-input', `Unknown language "${patch.language}".`, { hint: 'Use en or ar.' });
    if (patch.theme !== undefined && !['system', 'dark', 'light', 'high-contrast'].includes(patch.theme)) throw new OcmError('invalid-input', `Unknown theme "${patch.theme}".`);
    if (patch.deleteConfirmThreshold !== undefined && (!Number.isInteger(patch.deleteConfirmThreshold) || patch.deleteConfirmThreshold < 0)) {
      throw new OcmError('invalid-input', 'The delete confirmation threshold must be a whole number of rows, 0 or more.');
    }
    if (patch.savedFilters !== undefined && !Array.isArray(patch.savedFilters)) throw new OcmError('invalid-input', 'Saved filters must be a list.');
    const settings = this.store.settings.update(patch);
    this.changed.fire(settings);
    return settings;
  }
}
