/**
 * The configured Odoo instances ({@link IInstanceService}). Input is checked by the one set of rules in
 * common/instance-input.ts; secrets are sealed to the origin and database they were saved for
 * (secrets.ts), so an edit that points an instance elsewhere, or a test of another server, needs the
 * password again.
 *
 * Only contract methods are public here: the channel serves exactly the declared surface, and the
 * helpers below are private fields (`#`) that do not exist on the object at run time for anyone else.
 */
import { randomUUID } from 'node:crypto';
import { OcmError } from '../common/errors';
import { Emitter } from '../common/event';
import { needsNewSecret, requiredSecret, validateConnectionFields, validateInstanceInput, validateWatchFields, type ValidInstanceInput } from '../common/instance-input';
import { watchedModelsOf, type InstanceConfig, type InstanceId, type InstanceInput, type ServerModel } from '../common/model';
import type { ConnectionCheck, IInstanceService, InstanceTestInput } from '../common/services';
import { connectionInputOf } from '../odoo/connection';
import type { ConnectionInput } from '../odoo/types';
import type { InstanceFields } from '../store/repositories/instances';
import type { Store } from '../store/store';
import type { InstanceSecrets } from './secrets';

/**
 * Runs the connection checks (the real one is odoo/capabilities.runConnectionChecks); `watch` is given for
 * an instance watched without the module.
 */
export type ConnectionChecker = (input: ConnectionInput, watch?: { models: readonly string[] }) => Promise<ConnectionCheck[]>;

/** Lists a server's models (the real one is odoo/watch-capabilities.fetchServerModels). */
export type ModelLister = (input: ConnectionInput) => Promise<ServerModel[]>;

/** Configured instances, stored with their secrets sealed. */
export class InstanceService implements IInstanceService {
  readonly #changed = new Emitter<InstanceConfig[]>();
  readonly onDidChangeInstances = this.#changed.event;
  readonly #store: Pick<Store, 'instances'>;
  readonly #secrets: InstanceSecrets;
  readonly #checker: ConnectionChecker;
  readonly #lister: ModelLister;

  constructor(store: Pick<Store, 'instances'>, secrets: InstanceSecrets, checker: ConnectionChecker, lister: ModelLister) {
    this.#store = store;
    this.#secrets = secrets;
    this.#checker = checker;
    this.#lister = lister;
  }

  async list(options: { includeRemoved?: boolean } = {}): Promise<InstanceConfig[]> {
    return this.#store.instances.list(options).map((record) => record.config);
  }

  async add(input: InstanceInput): Promise<InstanceConfig> {
    const valid = validateInstanceInput(input);
    const fields = this.#fields(valid, this.#secrets.seal(requiredSecret(valid.password), valid), false);
    const id = randomUUID();
    this.#assertNameFree(fields.name);
    this.#store.instances.insert(id, fields, Math.floor(Date.now() / 1000));
    await this.#fire();
    return this.#get(id);
  }

  async update(id: InstanceId, input: Partial<InstanceInput>): Promise<InstanceConfig> {
    const existing = this.#store.instances.get(id);
    if (!existing || existing.removed) throw new OcmError('not-found', `No instance with id ${id}.`);
    const current = existing.config;
    const valid = validateInstanceInput({
      name: input.name ?? current.name,
      url: input.url ?? current.url,
      db: input.db ?? current.db,
      login: input.login ?? current.login,
      password: input.password,
      transport: input.transport ?? current.transport,
      production: input.production ?? current.production,
      pollIntervalSeconds: input.pollIntervalSeconds ?? current.pollIntervalSeconds,
      trustedCertificateSha256: 'trustedCertificateSha256' in input ? input.trustedCertificateSha256 : current.trustedCertificateSha256,
      source: input.source ?? current.source,
      watchedModels: 'watchedModels' in input ? input.watchedModels : current.watchedModels,
      trackingValues: input.trackingValues ?? current.trackingValues,
    });
    let secret = existing.secret;
    if (valid.password) secret = this.#secrets.seal(valid.password, valid);
    else if (needsNewSecret(current, valid)) throw newServerNeedsPassword(current, valid);
    const fields = this.#fields(valid, secret, current.demo);
    if (fields.name !== current.name) this.#assertNameFree(fields.name);
    this.#store.instances.update(id, fields);
    await this.#fire();
    return this.#get(id);
  }

  async remove(id: InstanceId, options: { keepHistory: boolean }): Promise<void> {
    const existing = this.#store.instances.get(id);
    if (!existing) throw new OcmError('not-found', `No instance with id ${id}.`);
    if (options.keepHistory) this.#store.instances.hide(id, Math.floor(Date.now() / 1000));
    else this.#store.instances.deleteWithHistory(id);
    await this.#fire();
  }

  async test(input: InstanceTestInput): Promise<ConnectionCheck[]> {
    const watch = validateWatchFields(input);
    const connection = this.#connectionInput(input);
    const checks = await this.#checker(connection, watch.source === 'polling' ? { models: watchedModelsOf(watch) } : undefined);
    return checks.map((check) => ({ ...check }));
  }

  async serverModels(input: InstanceTestInput): Promise<ServerModel[]> {
    return this.#lister(this.#connectionInput(input));
  }

  /** Where and as whom typed input connects: its password, or a saved one only where it was saved for. */
  #connectionInput(input: InstanceTestInput): ConnectionInput {
    const fields = validateConnectionFields(input);
    const timeoutMs = input.timeoutSeconds === undefined ? undefined : input.timeoutSeconds * 1000;
    let secret = input.password;
    if (!secret && input.id !== undefined) {
      const saved = this.#store.instances.get(input.id);
      if (!saved || saved.removed) throw new OcmError('not-found', `No instance with id ${input.id}.`);
      if (needsNewSecret(saved.config, fields)) throw newServerNeedsPassword(saved.config, fields);
      secret = this.#secrets.open(saved.secret, saved.config);
    }
    return connectionInputOf(fields, requiredSecret(secret), { timeoutMs });
  }

  async #get(id: InstanceId): Promise<InstanceConfig> {
    const record = this.#store.instances.get(id);
    if (!record) throw new OcmError('not-found', `No instance with id ${id}.`);
    return record.config;
  }

  #assertNameFree(name: string): void {
    if (this.#store.instances.findByName(name)) {
      throw new OcmError('conflict', `An instance named "${name}" already exists.`, { hint: 'Choose another name.' });
    }
  }

  #fields(valid: ValidInstanceInput, secret: string, demo: boolean): InstanceFields {
    const fields: InstanceFields = {
      name: valid.name,
      url: valid.url,
      db: valid.db,
      login: valid.login,
      secret,
      transport: valid.transport,
      production: valid.production,
      demo,
      pollIntervalSeconds: valid.pollIntervalSeconds,
      source: valid.source,
      trackingValues: valid.trackingValues,
    };
    if (valid.trustedCertificateSha256) fields.trustedCertificateSha256 = valid.trustedCertificateSha256;
    if (valid.watchedModels) fields.watchedModels = valid.watchedModels;
    return fields;
  }

  async #fire(): Promise<void> {
    this.#changed.fire(await this.list());
  }
}

/** The refusal to send a saved secret anywhere but where it was saved for. */
function newServerNeedsPassword(saved: { url: string; db: string }, next: { url: string; db: string }): OcmError {
  return new OcmError('invalid-input', `The saved password belongs to database ${saved.db} at ${saved.url}; it is not sent to database ${next.db} at ${next.url}.`, {
    hint: 'Enter the password again: a saved password is only used for the server address and database it was saved for.',
  });
}
