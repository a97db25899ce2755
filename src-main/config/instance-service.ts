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
import { watchedModelsOf, type InstanceConfig, type InstanceId, type InstanceInput, type ServerModel, type TransportChoice, type TransportKind, type TransportSetting } from '../common/model';
import type { ConnectionCheck, IInstanceService, InstanceTestInput } from '../common/services';
import { connectionInputOf } from '../odoo/connection';
import { chooseTransport, type TransportChoiceInput } from '../odoo/transport-choice';
import type { ConnectionInput, ConnectionTestInput } from '../odoo/types';
import type { InstanceFields } from '../store/repositories/instances';
import type { Repositories } from '../store/ports';
import type { InstanceSecrets } from './secrets';

/**
 * Runs the connection checks (the real one is odoo/capabilities.runConnectionChecks); `watch` is given for
 * an instance watched without the module.
 */
export type ConnectionChecker = (input: ConnectionTestInput, watch?: { models: readonly string[] }) => Promise<ConnectionCheck[]>;

/** Lists a server's models (the real one is odoo/watch-capabilities.fetchServerModels). */
export type ModelLister = (input: ConnectionInput) => Promise<ServerModel[]>;

/** Chooses the transport of an instance set to `'auto'` (the real one is odoo/transport-choice.chooseTransport). */
export type TransportChooser = (input: TransportChoiceInput) => Promise<TransportChoice & { transport: TransportKind }>;

/** How long the transport's choice waits for the server's version before falling back (ms). */
const CHOICE_TIMEOUT_MS = 10_000;

/** A transport with how it was chosen (no choice: an instance that keeps the transport it had). */
interface ResolvedTransport {
  transport: TransportKind;
  transportChoice?: TransportChoice;
}

/** Configured instances, stored with their secrets sealed. */
export class InstanceService implements IInstanceService {
  readonly #changed = new Emitter<InstanceConfig[]>();
  readonly onDidChangeInstances = this.#changed.event;
  readonly #store: Pick<Repositories, 'instances'>;
  readonly #secrets: InstanceSecrets;
  readonly #checker: ConnectionChecker;
  readonly #lister: ModelLister;
  readonly #chooser: TransportChooser;

  constructor(store: Pick<Repositories, 'instances'>, secrets: InstanceSecrets, checker: ConnectionChecker, lister: ModelLister, chooser: TransportChooser = chooseTransport) {
    this.#store = store;
    this.#secrets = secrets;
    this.#checker = checker;
    this.#lister = lister;
    this.#chooser = chooser;
  }

  async list(options: { includeRemoved?: boolean } = {}): Promise<InstanceConfig[]> {
    return (await this.#store.instances.list(options)).map((record) => record.config);
  }

  async add(input: InstanceInput): Promise<InstanceConfig> {
    const valid = validateInstanceInput(input);
    const password = requiredSecret(valid.password);
    await this.#assertNameFree(valid.name);
    const transport = await this.#resolveTransport(valid.transport, valid, password);
    const fields = this.#fields(valid, transport, this.#secrets.seal(password, valid), false);
    const id = randomUUID();
    await this.#assertNameFree(fields.name); // again: another add may have taken the name while the server was asked
    await this.#store.instances.insert(id, fields, Math.floor(Date.now() / 1000));
    await this.#fire();
    return this.#get(id);
  }

  async update(id: InstanceId, input: Partial<InstanceInput>): Promise<InstanceConfig> {
    const existing = await this.#store.instances.get(id);
    if (!existing || existing.removed) throw new OcmError('not-found', `No instance with id ${id}.`);
    const current = existing.config;
    const valid = validateInstanceInput({
      name: input.name ?? current.name,
      url: input.url ?? current.url,
      db: input.db ?? current.db,
      login: input.login ?? current.login,
      password: input.password,
      // Not given: an instance whose transport was chosen automatically stays automatic.
      transport: input.transport ?? (isAutomatic(current.transportChoice) ? 'auto' : current.transport),
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
    const transport = await this.#updatedTransport(input.transport, valid, existing);
    const fields = this.#fields(valid, transport, secret, current.demo);
    if (fields.name !== current.name) await this.#assertNameFree(fields.name);
    await this.#store.instances.update(id, fields);
    await this.#fire();
    return this.#get(id);
  }

  async remove(id: InstanceId, options: { keepHistory: boolean }): Promise<void> {
    const existing = await this.#store.instances.get(id);
    if (!existing) throw new OcmError('not-found', `No instance with id ${id}.`);
    if (options.keepHistory) await this.#store.instances.hide(id, Math.floor(Date.now() / 1000));
    else await this.#store.instances.deleteWithHistory(id);
    await this.#fire();
  }

  async test(input: InstanceTestInput): Promise<ConnectionCheck[]> {
    const watch = validateWatchFields(input);
    const connection = await this.#connectionInput(input);
    const checks = await this.#checker(connection, watch.source === 'polling' ? { models: watchedModelsOf(watch) } : undefined);
    return checks.map((check) => ({ ...check }));
  }

  async serverModels(input: InstanceTestInput): Promise<ServerModel[]> {
    const connection = await this.#connectionInput(input);
    if (connection.transport !== 'auto') return this.#lister({ ...connection, transport: connection.transport });
    const { transport } = await this.#resolveTransport('auto', connection, connection.secret);
    return this.#lister({ ...connection, transport });
  }

  /** Where and as whom typed input connects: its password, or a saved one only where it was saved for. */
  async #connectionInput(input: InstanceTestInput): Promise<ConnectionTestInput> {
    const fields = validateConnectionFields(input);
    const timeoutMs = input.timeoutSeconds === undefined ? undefined : input.timeoutSeconds * 1000;
    let secret = input.password;
    if (!secret && input.id !== undefined) {
      const saved = await this.#store.instances.get(input.id);
      if (!saved || saved.removed) throw new OcmError('not-found', `No instance with id ${input.id}.`);
      if (needsNewSecret(saved.config, fields)) throw newServerNeedsPassword(saved.config, fields);
      secret = this.#secrets.open(saved.secret, saved.config);
    }
    const connection: ConnectionTestInput = connectionInputOf(fields, requiredSecret(secret), { timeoutMs });
    // A saved instance tested on its own transport says how that transport was chosen.
    const saved = input.id === undefined ? undefined : (await this.#store.instances.get(input.id))?.config;
    if (saved?.transportChoice && saved.transport === fields.transport) connection.transportChoice = saved.transportChoice;
    return connection;
  }

  async #get(id: InstanceId): Promise<InstanceConfig> {
    const record = await this.#store.instances.get(id);
    if (!record) throw new OcmError('not-found', `No instance with id ${id}.`);
    return record.config;
  }

  async #assertNameFree(name: string): Promise<void> {
    if (await this.#store.instances.findByName(name)) {
      throw new OcmError('conflict', `An instance named "${name}" already exists.`, { hint: 'Choose another name.' });
    }
  }

  /** The transport of a setting: as set, or for `'auto'` chosen from the server's version (XML-RPC when it cannot be asked). */
  async #resolveTransport(setting: TransportSetting, where: Pick<ValidInstanceInput, 'url' | 'trustedCertificateSha256'>, secret: string): Promise<ResolvedTransport> {
    if (setting !== 'auto') return { transport: setting, transportChoice: { reason: 'forced' } };
    try {
      const chosen = await this.#chooser({ url: where.url, secret, trustedCertificateSha256: where.trustedCertificateSha256, timeoutMs: CHOICE_TIMEOUT_MS });
      const transportChoice: TransportChoice = { reason: chosen.reason };
      if (chosen.serverSerie !== undefined) transportChoice.serverSerie = chosen.serverSerie;
      if (chosen.major !== undefined) transportChoice.major = chosen.major;
      return { transport: chosen.transport, transportChoice };
    } catch {
      return { transport: 'xmlrpc', transportChoice: { reason: 'unreachable' } };
    }
  }

  /**
   * An edit's transport: a transport not asked for keeps the current one (and how it was chosen); an
   * automatic one is chosen again when `auto` is asked for, the server or the secret changed, or the
   * server could not be asked before. When it cannot be asked now, an earlier automatic choice for the
   * same server stays.
   */
  async #updatedTransport(asked: TransportSetting | undefined, valid: ValidInstanceInput, existing: { config: InstanceConfig; secret: string }): Promise<ResolvedTransport> {
    const current = existing.config;
    const kept: ResolvedTransport = { transport: current.transport, ...(current.transportChoice ? { transportChoice: current.transportChoice } : {}) };
    const automatic = isAutomatic(current.transportChoice);
    if (valid.transport !== 'auto') return asked === undefined ? kept : this.#resolveTransport(valid.transport, valid, '');
    const moved = needsNewSecret(current, valid);
    if (asked === undefined && automatic && !moved && !valid.password && current.transportChoice?.reason !== 'unreachable') return kept;
    const secret = valid.password ?? this.#secrets.open(existing.secret, current);
    const chosen = await this.#resolveTransport('auto', valid, secret);
    return chosen.transportChoice?.reason === 'unreachable' && automatic && !moved ? kept : chosen;
  }

  #fields(valid: ValidInstanceInput, resolved: ResolvedTransport, secret: string, demo: boolean): InstanceFields {
    const fields: InstanceFields = {
      name: valid.name,
      url: valid.url,
      db: valid.db,
      login: valid.login,
      secret,
      transport: resolved.transport,
      production: valid.production,
      demo,
      pollIntervalSeconds: valid.pollIntervalSeconds,
      source: valid.source,
      trackingValues: valid.trackingValues,
    };
    if (resolved.transportChoice) fields.transportChoice = resolved.transportChoice;
    if (valid.trustedCertificateSha256) fields.trustedCertificateSha256 = valid.trustedCertificateSha256;
    if (valid.watchedModels) fields.watchedModels = valid.watchedModels;
    return fields;
  }

  async #fire(): Promise<void> {
    this.#changed.fire(await this.list());
  }
}

/** True when the transport was chosen by the app (not set by the user, nor kept from before choices existed). */
function isAutomatic(choice: TransportChoice | undefined): boolean {
  return choice !== undefined && choice.reason !== 'forced';
}

/** The refusal to send a saved secret anywhere but where it was saved for. */
function newServerNeedsPassword(saved: { url: string; db: string }, next: { url: string; db: string }): OcmError {
  return new OcmError('invalid-input', `The saved password belongs to database ${saved.db} at ${saved.url}; it is not sent to database ${next.db} at ${next.url}.`, {
    hint: 'Enter the password again: a saved password is only used for the server address and database it was saved for.',
  });
}
