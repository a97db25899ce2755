/**
 * The contracts of team mode, beside the workstation's (services.ts): what a signed-in person may ask
 * about their own account (`account`), what an admin may do with the team's users (`users`), both served
 * by `ocm serve`; and the desktop app's list of team servers it reads from (`teams`). Same rules as the
 * other contracts: Promise-returning methods, `onDid…` events, plain JSON, and a declared surface that
 * checks every argument before a service sees it.
 */
import type { SerializedError } from './errors';
import type { Event } from './event';
import type { InstanceId, TeamRole } from './model';
import { declareSurface, type Surface } from './services';
import { array, boolean, object, oneOf, optional, string } from './validation';

/** Every role, weakest first. */
export const TEAM_ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly TeamRole[];

/** True when `role` may do what `needed` may (admin ⊇ operator ⊇ viewer). */
export function roleAllows(role: TeamRole, needed: TeamRole): boolean {
  return TEAM_ROLES.indexOf(role) >= TEAM_ROLES.indexOf(needed);
}

/** A member of the team, as admins see them (never the password or its hash). */
export interface TeamUser {
  id: string;
  login: string;
  displayName?: string;
  role: TeamRole;
  /** The instances granted to the user (admins see every instance whatever is granted). */
  instanceIds: InstanceId[];
  createdAt: string;
  lastLoginAt?: string;
  /** Sessions open now. */
  sessions: number;
}

/** A new member of the team. */
export interface TeamUserInput {
  login: string;
  password: string;
  role: TeamRole;
  displayName?: string;
  instanceIds?: InstanceId[];
}

/** The signed-in person, as their own workbench shows them. */
export interface AccountInfo {
  login: string;
  displayName?: string;
  role: TeamRole;
  /** When the session ends at the latest (it also ends after being idle). */
  expiresAt: string;
}

/** The signed-in person's own account (team mode). */
export interface IAccountService {
  /** Who is signed in, with which role. */
  me(): Promise<AccountInfo>;
  /** Changes the password (the current one is asked again); every other session of the account ends. */
  changePassword(current: string, next: string): Promise<void>;
  /** Ends this session (the cookie stops working everywhere at once). */
  logout(): Promise<void>;
}

/** The team's users (team mode, admins only); every change is journaled with who made it. */
export interface IUserService {
  list(): Promise<TeamUser[]>;
  /** Adds a user; rejects 'conflict' on a taken login, 'invalid-input' on a weak password. */
  add(input: TeamUserInput): Promise<TeamUser>;
  /** Changes the role or the display name. */
  update(login: string, patch: { role?: TeamRole; displayName?: string }): Promise<TeamUser>;
  /** Grants (or with `revoke`, withdraws) instances; with `replace`, the list becomes exactly `instanceIds`. */
  grant(login: string, instanceIds: InstanceId[], options?: { revoke?: boolean; replace?: boolean }): Promise<TeamUser>;
  /** Sets a new password; every session of the user ends. */
  setPassword(login: string, password: string): Promise<void>;
  /** Ends every session of the user now; returns how many ended. */
  revokeSessions(login: string): Promise<number>;
  /** Removes the user and their sessions (the last admin cannot be removed). */
  remove(login: string): Promise<void>;
  readonly onDidChangeUsers: Event<TeamUser[]>;
}

/** How the desktop app's link to a team server is doing. */
export type TeamServerState = 'connected' | 'connecting' | 'signed-out' | 'offline';

/** A team server the desktop app reads instances from. */
export interface TeamServerInfo {
  id: string;
  name: string;
  url: string;
  login: string;
  state: TeamServerState;
  /** The role of `login` there, once known. */
  role?: TeamRole;
  /** Why it is offline or signed out. */
  error?: SerializedError;
}

/** What "Add team server" asks for. The password is used once to sign in and never stored. */
export interface TeamServerInput {
  url: string;
  login: string;
  password: string;
  /** Shown in the instance tree; default the server's host name. */
  name?: string;
}

/** The team servers this workbench reads from, beside its own instances (desktop and `ocm ui`). */
export interface ITeamServerService {
  list(): Promise<TeamServerInfo[]>;
  /** Signs in to the server and keeps its session (sealed like an instance password); rejects when signing in fails. */
  add(input: TeamServerInput): Promise<TeamServerInfo>;
  /** Signs in again after the session ended. */
  signIn(id: string, password: string): Promise<TeamServerInfo>;
  /** Signs out and forgets the server; its instances leave the tree. */
  remove(id: string): Promise<void>;
  readonly onDidChangeServers: Event<TeamServerInfo[]>;
}

/** The services `ocm serve` adds for a signed-in person. */
export interface TeamServices {
  account: IAccountService;
  users: IUserService;
}

/** The service a workstation adds to reach team servers. */
export interface TeamClientServices {
  teams: ITeamServerService;
}

const login = string({ min: 1, max: 200 });
const password = string({ min: 1, max: 1024 });
const role = oneOf(...TEAM_ROLES);
const instanceIds = array(string({ min: 1, max: 200 }), { max: 10_000 });

/** The remote surfaces of the team services. */
export const TEAM_SURFACES: { readonly [K in keyof TeamServices]: Surface<TeamServices[K]> } = {
  account: declareSurface<IAccountService>()({ me: [], changePassword: [password, password], logout: [] }, []),
  users: declareSurface<IUserService>()(
    {
      list: [],
      add: [object<TeamUserInput>({ login, password, role, displayName: optional(string({ max: 200 })), instanceIds: optional(instanceIds) })],
      update: [login, object<{ role?: TeamRole; displayName?: string }>({ role: optional(role), displayName: optional(string({ max: 200 })) })],
      grant: [login, instanceIds, optional(object<{ revoke?: boolean; replace?: boolean }>({ revoke: optional(boolean), replace: optional(boolean) }))],
      setPassword: [login, password],
      revokeSessions: [login],
      remove: [login],
    },
    ['onDidChangeUsers'],
  ),
};

/** The remote surface of the team-server list. */
export const TEAM_CLIENT_SURFACES: { readonly [K in keyof TeamClientServices]: Surface<TeamClientServices[K]> } = {
  teams: declareSurface<ITeamServerService>()(
    {
      list: [],
      add: [object<TeamServerInput>({ url: string({ min: 1, max: 2048 }), login, password, name: optional(string({ max: 200 })) })],
      signIn: [string({ min: 1, max: 200 }), password],
      remove: [string({ min: 1, max: 200 })],
    },
    ['onDidChangeServers'],
  ),
};

/** Channel names of the team services, for the renderer's proxies. */
export const TEAM_SERVICE_NAMES = ['account', 'users'] as const satisfies readonly (keyof TeamServices)[];
