/**
 * The team's users ({@link IUserService}): `ocm user …` on the server and an admin's workbench use it
 * alike. Every change is journaled with who made it (the signed-in admin, or the OS account running the
 * command). Passwords are hashed with scrypt and never leave this module; a new password or a removal
 * ends the user's sessions at once; the last admin can neither be removed nor demoted.
 */
import { OcmError } from '../common/errors';
import { Emitter } from '../common/event';
import type { InstanceId, TeamRole } from '../common/model';
import type { IUserService, TeamUser, TeamUserInput } from '../common/team';
import { TEAM_ROLES } from '../common/team';
import { isoFromSeconds } from '../common/time';
import type { AccountStore, UserRecord } from '../store/repositories/accounts';
import { teamActor } from './acting-user';
import { journaled, type ActionJournal } from './journal';
import { assertAcceptablePassword, hashPassword } from './password';
import { newUserId, type SessionManager } from './sessions';

/** What {@link UserService} is built from. */
export interface UserServiceOptions {
  store: AccountStore;
  sessions: SessionManager;
  journal: ActionJournal;
  /** The known instances by id (grants must name one). */
  instanceNames(): Promise<Map<InstanceId, string>>;
  /** Shared by every session's service, so each admin's workbench hears changes made by another. */
  changed?: Emitter<TeamUser[]>;
  now?: () => number;
}

/** A login: letters, digits and `. _ @ + -`, no spaces (it is typed on sign-in and in commands). */
const LOGIN = /^[\p{L}\p{N}._@+-]{1,200}$/u;

/** Checks a login's shape. */
export function assertValidLogin(login: string): void {
  if (!LOGIN.test(login)) {
    throw new OcmError('invalid-input', `"${login}" is not a valid login: use letters, digits and . _ @ + - only, without spaces (at most 200).`);
  }
}

function assertRole(role: string): asserts role is TeamRole {
  if (!(TEAM_ROLES as readonly string[]).includes(role)) throw new OcmError('invalid-input', `Unknown role "${role}".`, { hint: `Roles are ${TEAM_ROLES.join(', ')}.` });
}

/** IUserService over an {@link AccountStore}. */
export class UserService implements IUserService {
  readonly #options: UserServiceOptions;
  readonly #changed: Emitter<TeamUser[]>;
  readonly onDidChangeUsers;

  constructor(options: UserServiceOptions) {
    this.#options = options;
    this.#changed = options.changed ?? new Emitter<TeamUser[]>();
    this.onDidChangeUsers = this.#changed.event;
  }

  async list(): Promise<TeamUser[]> {
    const counts = await this.#options.store.sessionCounts(this.#seconds());
    return (await this.#options.store.listUsers()).map((user) => toTeamUser(user, counts.get(user.id) ?? 0));
  }

  async add(input: TeamUserInput): Promise<TeamUser> {
    const login = input.login.trim();
    assertValidLogin(login);
    assertRole(input.role);
    assertAcceptablePassword(input.password);
    const instanceIds = await this.#knownInstances(input.instanceIds ?? []);
    if (await this.#options.store.userByLogin(login)) throw new OcmError('conflict', `A user named "${login}" already exists.`, { hint: 'Choose another login, or change that user.' });
    return this.#journaled('user-add', `Added ${login} as ${input.role}`, async () => {
      const now = this.#seconds();
      const user = { id: newUserId(), login, role: input.role, passwordHash: await hashPassword(input.password), preferences: {}, createdAt: now, passwordChangedAt: now, instanceIds, ...(input.displayName ? { displayName: input.displayName } : {}) };
      await this.#options.store.insertUser(user);
      return this.#get(user.id);
    });
  }

  async update(login: string, patch: { role?: TeamRole; displayName?: string }): Promise<TeamUser> {
    const user = await this.#user(login);
    if (patch.role !== undefined) {
      assertRole(patch.role);
      if (user.role === 'admin' && patch.role !== 'admin') await this.#assertNotLastAdmin(user);
    }
    const changes = [patch.role !== undefined ? `role ${user.role} → ${patch.role}` : '', patch.displayName !== undefined ? 'display name' : ''].filter(Boolean).join(', ');
    return this.#journaled('user-edit', `Changed ${user.login}: ${changes || 'nothing'}`, async () => {
      await this.#options.store.updateUser(user.id, { ...(patch.role !== undefined ? { role: patch.role } : {}), ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}) });
      return this.#get(user.id);
    });
  }

  async grant(login: string, instanceIds: InstanceId[], options: { revoke?: boolean; replace?: boolean } = {}): Promise<TeamUser> {
    const user = await this.#user(login);
    const names = await this.#options.instanceNames();
    const given = options.revoke ? [...new Set(instanceIds)] : await this.#knownInstances(instanceIds, names);
    const next = options.replace ? given : options.revoke ? user.instanceIds.filter((id) => !given.includes(id)) : [...new Set([...user.instanceIds, ...given])];
    const listed = given.map((id) => names.get(id) ?? id).join(', ') || 'none';
    const verb = options.replace ? 'now sees' : options.revoke ? 'no longer sees' : 'now also sees';
    return this.#journaled('user-grant', `${user.login} ${verb}: ${listed}`, async () => {
      await this.#options.store.setGrants(user.id, next);
      return this.#get(user.id);
    });
  }

  async setPassword(login: string, password: string): Promise<void> {
    const user = await this.#user(login);
    assertAcceptablePassword(password);
    await this.#journaled('user-password', `Set a new password for ${user.login}; their sessions ended`, async () => {
      await this.#options.store.updateUser(user.id, { passwordHash: await hashPassword(password), passwordChangedAt: this.#seconds() });
      await this.#options.sessions.endAllOf(user.id);
    });
  }

  async revokeSessions(login: string): Promise<number> {
    const user = await this.#user(login);
    return this.#journaled('user-sessions', `Ended every session of ${user.login}`, () => this.#options.sessions.endAllOf(user.id));
  }

  async remove(login: string): Promise<void> {
    const user = await this.#user(login);
    if (user.role === 'admin') await this.#assertNotLastAdmin(user);
    await this.#journaled('user-remove', `Removed ${user.login} (${user.role})`, () => this.#options.store.deleteUser(user.id));
  }

  async #journaled<T>(action: 'user-add' | 'user-edit' | 'user-grant' | 'user-password' | 'user-sessions' | 'user-remove', description: string, work: () => Promise<T>): Promise<T> {
    const result = await journaled(this.#options.journal, { action, actor: teamActor(), description }, work);
    this.#changed.fire(await this.list());
    return result;
  }

  async #user(login: string): Promise<UserRecord> {
    const user = await this.#options.store.userByLogin(login.trim());
    if (!user) throw new OcmError('not-found', `No user named "${login}".`, { hint: 'See `ocm user list`.' });
    return user;
  }

  async #get(id: string): Promise<TeamUser> {
    const user = await this.#options.store.userById(id);
    if (!user) throw new OcmError('not-found', `No user with id ${id}.`);
    return toTeamUser(user, (await this.#options.store.sessionCounts(this.#seconds())).get(id) ?? 0);
  }

  async #assertNotLastAdmin(user: UserRecord): Promise<void> {
    const admins = (await this.#options.store.listUsers()).filter((other) => other.role === 'admin');
    if (admins.length <= 1 && admins[0]?.id === user.id) {
      throw new OcmError('conflict', `${user.login} is the last admin: the team would have nobody to manage it.`, { hint: 'Make another user admin first.' });
    }
  }

  async #knownInstances(instanceIds: readonly InstanceId[], known?: Map<InstanceId, string>): Promise<InstanceId[]> {
    const names = known ?? (await this.#options.instanceNames());
    const unknown = instanceIds.filter((id) => !names.has(id));
    if (unknown.length) throw new OcmError('not-found', `No instance with id ${unknown.join(', ')}.`, { hint: 'See `ocm instance list`.' });
    return [...new Set(instanceIds)];
  }

  #seconds(): number {
    return Math.floor((this.#options.now ?? Date.now)() / 1000);
  }
}

function toTeamUser(user: UserRecord, sessions: number): TeamUser {
  const out: TeamUser = { id: user.id, login: user.login, role: user.role, instanceIds: [...user.instanceIds], createdAt: isoFromSeconds(user.createdAt), sessions };
  if (user.displayName) out.displayName = user.displayName;
  if (user.lastLoginAt !== undefined) out.lastLoginAt = isoFromSeconds(user.lastLoginAt);
  return out;
}
