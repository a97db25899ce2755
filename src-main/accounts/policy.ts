/**
 * The one place team mode's rules are enforced: every method and every event of every service, wrapped
 * per session. {@link POLICY} has one rule per method and one per event of the {@link Services}
 * contract, typed against it, so a method added to a contract does not compile until it has a rule here.
 *
 * Each call re-checks the session (ended, expired or revoked sessions are refused at once), runs the
 * rule with the principal as the acting user (so the journal names them), and:
 * - limits what is read to the instances granted to the person (timeline, facets, histogram, counts,
 *   record history, errors, exports, statuses, activity, journal, instance list, and every event);
 * - refuses what their role may not do: viewers read; operators also delete rows and clean orphans,
 *   ask for a sync, save report definitions; admins also manage instances, users, pausing and the shared
 *   settings. Personal preferences (language, theme, saved filters) are each person's own;
 * - journals admin actions with the real user.
 *
 * Nothing is ever enforced in the renderer only: it hides what a role cannot do, and this file refuses it.
 */
import { OcmError } from '../common/errors';
import { Emitter, type Event } from '../common/event';
import type { ChangeFilter, ErrorFilter, InstanceConfig, InstanceId, JournalEntry, Settings, SyncLogEntry, TeamRole } from '../common/model';
import type { EventName, MethodName, Services } from '../common/services';
import { roleAllows, type IUserService } from '../common/team';
import { runAs, teamActor } from './acting-user';
import { journaled, type ActionJournal, type JournaledAction } from './journal';
import type { Principal } from './sessions';

/** An instance id no store ever makes: a filter on it matches nothing. */
const NO_INSTANCE = 'team:none';

/** The preferences each person keeps for themself; every other setting is shared and admin-only. */
export const PERSONAL_SETTINGS = ['language', 'theme', 'savedFilters'] as const satisfies readonly (keyof Settings)[];

/** What the policy needs besides the services. */
export interface PolicyDependencies extends SessionAccess {
  journal: ActionJournal;
  /** Saves the person's own preferences. */
  savePreferences(userId: string, preferences: Record<string, unknown>): Promise<void>;
}

/** The person behind one call, with the checks every rule uses. */
export class Caller {
  constructor(
    readonly principal: Principal,
    private readonly dependencies: PolicyDependencies,
    private readonly services: Services,
  ) {}

  get role(): TeamRole {
    return this.principal.role;
  }

  /** Refuses the call unless the role is at least `needed`. */
  require(needed: TeamRole, what: string): void {
    if (!roleAllows(this.role, needed)) {
      throw new OcmError('access-error', `Your role (${this.role}) may not ${what}; it needs the ${needed} role.`, { hint: 'Ask an admin of this team server for it.' });
    }
  }

  /** Every instance when admin, else the granted ones. */
  get visible(): 'all' | ReadonlySet<InstanceId> {
    return this.role === 'admin' ? 'all' : new Set(this.principal.instanceIds);
  }

  sees(instanceId: InstanceId): boolean {
    const visible = this.visible;
    return visible === 'all' || visible.has(instanceId);
  }

  /** An instance not granted is answered as unknown: its existence is not told. */
  assertSees(instanceId: InstanceId): void {
    if (!this.sees(instanceId)) throw new OcmError('not-found', `No instance with id ${instanceId}.`);
  }

  /** The filter limited to visible instances (one that matches nothing when none is visible). */
  scope<F extends ChangeFilter | ErrorFilter>(filter: F): F {
    const visible = this.visible;
    if (visible === 'all') return filter;
    const asked = filter.instanceIds?.length ? filter.instanceIds.filter((id) => visible.has(id)) : [...visible];
    return { ...filter, instanceIds: asked.length ? asked : [NO_INSTANCE] };
  }

  /** Runs `work` journaled with this person as the actor (and the Odoo login acted as, for an instance). */
  journaled<T>(what: Omit<JournaledAction, 'actor'> & { login?: string }, work: () => Promise<T>): Promise<T> {
    const { login, ...action } = what;
    return journaled(this.dependencies.journal, { ...action, actor: teamActor(login === undefined ? undefined : { login }) }, work);
  }

  /** The person's own preferences merged over the shared settings. */
  personal(settings: Settings): Settings {
    const own = this.principal.preferences;
    const merged = { ...settings } as Record<string, unknown>;
    for (const key of PERSONAL_SETTINGS) if (own[key] !== undefined) merged[key] = own[key];
    return merged as unknown as Settings;
  }

  /** Saves the person's own preferences; the caller returned sees them. */
  async savePreferences(preferences: Record<string, unknown>): Promise<Caller> {
    await this.dependencies.savePreferences(this.principal.userId, preferences);
    return new Caller({ ...this.principal, preferences }, this.dependencies, this.services);
  }

  /** An instance as the journal names it: its id, name and Odoo login (the id alone when unknown). */
  async instance(id: InstanceId): Promise<{ instance: { id: InstanceId; name: string }; login?: string }> {
    const found = (await this.services.instances.list({ includeRemoved: true })).find((instance) => instance.id === id);
    return found ? { instance: { id, name: found.name }, login: found.login } : { instance: { id, name: id } };
  }

  /** The instance as this person sees it: with their role on it. */
  withAccess(instance: InstanceConfig): InstanceConfig {
    return { ...instance, access: { role: this.role } };
  }
}

type Rule<S, M extends keyof S> = S[M] extends (...args: infer A) => infer R ? (service: S, args: A, caller: Caller) => R : never;
type EventRule<S, E extends keyof S> = S[E] extends Event<infer V> ? (event: Event<V>, caller: () => Caller, own: PolicyEmitters) => Event<V> : never;

/** A service's rules: one per method, one per event. */
type ServiceRules<S> = {
  readonly methods: { readonly [M in MethodName<S>]: Rule<S, M> };
  readonly events: { readonly [E in EventName<S>]: EventRule<S, E> };
};

/** Emitters a policied session owns (settings changes that are its own). */
interface PolicyEmitters {
  settings: Emitter<Settings>;
}

/** Keeps the values of an event this person may see. */
function only<V>(event: Event<V>, keep: (value: V) => boolean): Event<V> {
  return (listener) => event((value) => {
    if (keep(value)) listener(value);
  });
}

/** Rewrites the values of an event for this person (undefined drops the value). */
function mapped<V>(event: Event<V>, map: (value: V) => V | undefined): Event<V> {
  return (listener) => event((value) => {
    const next = map(value);
    if (next !== undefined) listener(next);
  });
}

/** Entries of the visible instances, newest first: one query per instance when not everything is visible. */
async function perInstance<T extends { id: number }>(caller: Caller, instanceId: InstanceId | undefined, limit: number | undefined, read: (instanceId?: InstanceId) => Promise<T[]>): Promise<T[]> {
  if (instanceId !== undefined) {
    caller.assertSees(instanceId);
    return read(instanceId);
  }
  const visible = caller.visible;
  if (visible === 'all') return read(undefined);
  const lists = await Promise.all([...visible].map((id) => read(id)));
  return lists.flat().sort((a, b) => b.id - a.id).slice(0, limit ?? 1000);
}

function describeChanges(input: object): string {
  return Object.keys(input).map((key) => (key === 'password' ? 'password' : key)).join(', ');
}

/** The rules, service by service. */
export const POLICY: { readonly [K in keyof Services]: ServiceRules<Services[K]> } = {
  instances: {
    methods: {
      list: async (service, [options], caller) => (await service.list(options)).filter((instance) => caller.sees(instance.id)).map((instance) => caller.withAccess(instance)),
      add: (service, [input], caller) => {
        caller.require('admin', 'add instances');
        return caller.journaled(
          { action: 'instance-add', login: input.login, instance: (result) => ({ id: (result as InstanceConfig).id, name: (result as InstanceConfig).name }), description: `Added instance "${input.name}" (${input.url}, database ${input.db})` },
          async () => caller.withAccess(await service.add(input)),
        );
      },
      update: async (service, [id, patch], caller) => {
        caller.require('admin', 'change instances');
        return caller.journaled(
          { action: 'instance-edit', ...(await caller.instance(id)), description: `Changed ${describeChanges(patch) || 'nothing'}` },
          async () => caller.withAccess(await service.update(id, patch)),
        );
      },
      remove: async (service, [id, options], caller) => {
        caller.require('admin', 'remove instances');
        return caller.journaled(
          { action: 'instance-remove', ...(await caller.instance(id)), description: options.keepHistory ? 'Removed; its history is kept' : 'Removed with its history' },
          () => service.remove(id, options),
        );
      },
      test: (service, [input], caller) => {
        caller.require('admin', 'test instance connections');
        return service.test(input);
      },
      serverModels: (service, [input], caller) => {
        caller.require('admin', 'list a server\'s models');
        return service.serverModels(input);
      },
    },
    events: {
      onDidChangeInstances: (event, caller) => mapped(event, (list) => list.filter((instance) => caller().sees(instance.id)).map((instance) => caller().withAccess(instance))),
    },
  },
  changes: {
    methods: {
      timeline: (service, [query], caller) => service.timeline({ ...query, filter: caller.scope(query.filter) }),
      count: (service, [filter], caller) => service.count(caller.scope(filter)),
      facets: async (service, [filter], caller) => {
        const facets = await service.facets(caller.scope(filter));
        // The instance facet ignores the filter's own instances: it must not count instances not granted.
        return { ...facets, instances: facets.instances.filter((value) => caller.sees(value.value)) };
      },
      histogram: (service, [filter, options], caller) => service.histogram(caller.scope(filter), options),
      recordHistory: (service, [instanceId, model, recordId], caller) => {
        caller.assertSees(instanceId);
        return service.recordHistory(instanceId, model, recordId);
      },
      errors: (service, [filter, options], caller) => service.errors(caller.scope(filter), options),
      errorGroups: async (service, [filter], caller) =>
        (await service.errorGroups(caller.scope(filter))).map((group) => ({ ...group, instanceIds: group.instanceIds.filter((id) => caller.sees(id)) })),
    },
    events: {
      onDidChangeData: (event, caller) => only(event, (notice) => caller().sees(notice.instanceId)),
    },
  },
  sync: {
    methods: {
      statuses: async (service, [], caller) => (await service.statuses()).filter((status) => caller.sees(status.instanceId)),
      syncNow: async (service, [id], caller) => {
        caller.require('operator', 'start a sync');
        if (id !== undefined) {
          caller.assertSees(id);
          return service.syncNow(id);
        }
        const visible = caller.visible;
        if (visible === 'all') return service.syncNow();
        await Promise.all([...visible].map((instanceId) => service.syncNow(instanceId).catch(() => undefined)));
      },
      pause: async (service, [id], caller) => {
        caller.require('admin', 'pause syncing');
        caller.assertSees(id);
        return caller.journaled({ action: 'sync-pause', ...(await caller.instance(id)), description: 'Paused syncing' }, () => service.pause(id));
      },
      resume: async (service, [id], caller) => {
        caller.require('admin', 'resume syncing');
        caller.assertSees(id);
        return caller.journaled({ action: 'sync-resume', ...(await caller.instance(id)), description: 'Resumed syncing' }, () => service.resume(id));
      },
      activity: (service, [options], caller) =>
        perInstance<SyncLogEntry>(caller, options?.instanceId, options?.limit, (instanceId) => service.activity({ ...options, instanceId })),
    },
    events: {
      onDidChangeStatus: (event, caller) => only(event, (status) => caller().sees(status.instanceId)),
      onDidLog: (event, caller) => only(event, (entry) => caller().sees(entry.instanceId)),
      onDidProgress: (event, caller) => only(event, (progress) => caller().sees(progress.instanceId)),
    },
  },
  admin: {
    methods: {
      previewDelete: (service, [instanceId, selection], caller) => {
        caller.require('operator', 'delete rows');
        caller.assertSees(instanceId);
        return service.previewDelete(instanceId, selection);
      },
      deleteRows: (service, [instanceId, selection, confirmation], caller) => {
        caller.require('operator', 'delete rows');
        caller.assertSees(instanceId);
        return service.deleteRows(instanceId, selection, confirmation);
      },
      findOrphans: (service, [instanceId, options], caller) => {
        caller.require('operator', 'look for orphaned rows');
        caller.assertSees(instanceId);
        return service.findOrphans(instanceId, options);
      },
      cleanOrphans: (service, [instanceId, keys, confirmation], caller) => {
        caller.require('operator', 'clean orphaned rows');
        caller.assertSees(instanceId);
        return service.cleanOrphans(instanceId, keys, confirmation);
      },
      cancel: (service, [jobId], caller) => {
        caller.require('operator', 'cancel admin actions');
        return service.cancel(jobId);
      },
      journal: async (service, [options], caller) => {
        const entries = await perInstance<JournalEntry>(caller, options?.instanceId, options?.limit, (instanceId) => service.journal({ ...options, instanceId }));
        // User management ('' instance) is for admins' eyes.
        return entries.filter((entry) => entry.instanceId !== '' || caller.role === 'admin');
      },
    },
    events: {
      onDidProgress: (event, caller) => only(event, () => roleAllows(caller().role, 'operator')),
    },
  },
  reports: {
    methods: {
      export: async (service, [request], caller) => {
        // Where the server wrote the file is not the browser's business: it gets the download link.
        const { path: _path, ...result } = await service.export({ ...request, filter: caller.scope(request.filter) });
        return result;
      },
      cancel: (service, [jobId]) => service.cancel(jobId),
      listDefinitions: (service) => service.listDefinitions(),
      saveDefinition: (service, [definition], caller) => {
        caller.require('operator', 'save report definitions');
        return service.saveDefinition(definition);
      },
      deleteDefinition: (service, [id], caller) => {
        caller.require('operator', 'delete report definitions');
        return service.deleteDefinition(id);
      },
      pdfEngine: (service) => service.pdfEngine(),
    },
    events: {
      onDidProgress: (event) => event,
    },
  },
  settings: {
    methods: {
      get: async (service, [], caller) => caller.personal(await service.get()),
      update: async (service, [patch], caller) => {
        const personal: Record<string, unknown> = {};
        const shared: Partial<Settings> = {};
        for (const [key, value] of Object.entries(patch) as [keyof Settings, unknown][]) {
          if ((PERSONAL_SETTINGS as readonly string[]).includes(key)) personal[key] = value;
          else (shared as Record<string, unknown>)[key] = value;
        }
        if (Object.keys(shared).length > 0) {
          caller.require('admin', 'change the team’s shared settings');
          await caller.journaled(
            { action: 'settings-change', description: `Changed ${Object.entries(shared).map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join(', ')}` },
            () => service.update(shared),
          );
        }
        const updated = Object.keys(personal).length > 0 ? await caller.savePreferences({ ...caller.principal.preferences, ...personal }) : caller;
        return updated.personal(await service.get());
      },
    },
    events: {
      // Shared changes reach everyone (with their own preferences over them); personal ones only this session.
      onDidChangeSettings: (event, caller, own) => (listener) => {
        const shared = event((settings) => listener(caller().personal(settings)));
        const personal = own.settings.event(listener);
        return { dispose: () => (shared.dispose(), personal.dispose()) };
      },
    },
  },
  host: {
    methods: {
      info: async (service, [], caller) => {
        const info = await service.info();
        // Where the server keeps its data is an admin's business.
        return caller.role === 'admin' ? info : { ...info, dataDirectory: '' };
      },
      openExternal: (service, [url]) => service.openExternal(url),
    },
    events: {},
  },
  records: {
    methods: {
      describe: (service, [instanceId, model, recordId], caller) => {
        caller.assertSees(instanceId);
        return service.describe(instanceId, model, recordId);
      },
    },
    events: {},
  },
  // Alert rules reach over every instance and hold delivery secrets: the team's admins own them.
  alerts: {
    methods: {
      list: (service, [], caller) => (caller.require('admin', 'see alert rules'), service.list()),
      save: (service, [input], caller) => {
        caller.require('admin', 'change alert rules');
        return caller.journaled({ action: 'alert-save', description: `Saved alert rule "${input.name}"` }, () => service.save(input));
      },
      remove: (service, [id], caller) => {
        caller.require('admin', 'remove alert rules');
        return caller.journaled({ action: 'alert-remove', description: `Removed alert rule ${id}` }, () => service.remove(id));
      },
      preview: (service, [condition, options], caller) => (caller.require('admin', 'preview alert rules'), service.preview(condition, options)),
      test: (service, [id], caller) => (caller.require('admin', 'send test alerts'), service.test(id)),
      deliveries: (service, [options], caller) => (caller.require('admin', 'see alert deliveries'), service.deliveries(options)),
      smtp: (service, [], caller) => (caller.require('admin', 'see the e-mail server'), service.smtp()),
      setSmtp: (service, [input], caller) => {
        caller.require('admin', 'change the e-mail server');
        return caller.journaled({ action: 'alert-smtp', description: input ? `Set the e-mail server to ${input.host}` : 'Removed the e-mail server' }, () => service.setSmtp(input));
      },
    },
    events: {
      onDidNotify: (event, caller) => only(event, () => caller().role === 'admin'),
      onDidChangeRules: (event, caller) => only(event, () => caller().role === 'admin'),
      onDidDeliver: (event, caller) => only(event, () => caller().role === 'admin'),
    },
  },
};

/** Services as one session may use them, and what to dispose when the session's connection closes. */
export interface PolicedServices {
  services: Services;
  dispose(): void;
}

/** Wraps every service with {@link POLICY} for the session `dependencies` describes. */
export function policedServices(services: Services, dependencies: PolicyDependencies): PolicedServices {
  const own: PolicyEmitters = { settings: new Emitter<Settings>() };
  const callerOf = (principal: Principal) => new Caller(principal, dependencies, services);
  const latest = () => callerOf(dependencies.latest());
  const wrapped = {} as Record<string, Record<string, unknown>>;
  for (const name of Object.keys(POLICY) as (keyof Services)[]) {
    const rules = POLICY[name] as unknown as ServiceRules<Record<string, unknown>>;
    const service = services[name] as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [method, rule] of Object.entries(rules.methods) as [string, (service: unknown, args: unknown[], caller: Caller) => unknown][]) {
      out[method] = async (...args: unknown[]) => {
        const caller = callerOf(await dependencies.current());
        const result = await runAs({ userId: caller.principal.userId, login: caller.principal.login }, () => rule(service, args, caller));
        if (name === 'settings' && method === 'update') own.settings.fire(result as Settings);
        return result;
      };
    }
    for (const [event, rule] of Object.entries(rules.events) as [string, (event: Event<unknown>, caller: () => Caller, own: PolicyEmitters) => Event<unknown>][]) {
      out[event] = rule(service[event] as Event<unknown>, latest, own);
    }
    wrapped[name] = out;
  }
  return {
    services: wrapped as unknown as Services,
    dispose: () => own.settings.dispose(),
  };
}

/** What the team services' rules need of a session. */
export interface SessionAccess {
  /** The principal checked now; rejects 'access-denied' when the session ended. */
  current(): Promise<Principal>;
  /** The principal as last checked (events are filtered with it). */
  latest(): Principal;
}

/** The users service as one session may use it: admins only, journaled as that admin. */
export function policedUsers(users: IUserService, session: SessionAccess): IUserService {
  const asAdmin = <T>(what: string, work: () => Promise<T>): Promise<T> =>
    session.current().then((principal) => {
      if (principal.role !== 'admin') throw new OcmError('access-error', `Your role (${principal.role}) may not ${what}; it needs the admin role.`, { hint: 'Ask an admin of this team server.' });
      return runAs({ userId: principal.userId, login: principal.login }, work);
    });
  return {
    list: () => asAdmin('list the team’s users', () => users.list()),
    add: (input) => asAdmin('add users', () => users.add(input)),
    update: (login, patch) => asAdmin('change users', () => users.update(login, patch)),
    grant: (login, instanceIds, options) => asAdmin('grant instances', () => users.grant(login, instanceIds, options)),
    setPassword: (login, password) => asAdmin('set passwords', () => users.setPassword(login, password)),
    revokeSessions: (login) => asAdmin('end sessions', () => users.revokeSessions(login)),
    remove: (login) => asAdmin('remove users', () => users.remove(login)),
    onDidChangeUsers: only(users.onDidChangeUsers, () => session.latest().role === 'admin'),
  };
}
