/**
 * Who is acting, for the duration of one service call: the policy runs every call of a signed-in person
 * inside {@link runAs}, so code deep in a shared service (the admin service writing its journal row, the
 * report service registering a download) can name the real user without every contract method carrying
 * it. Outside a team call (the CLI, the desktop) there is no acting user.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { userInfo } from 'node:os';
import type { InstanceConfig } from '../common/model';

/** The person a call is made for. */
export interface ActingUser {
  userId: string;
  login: string;
}

const storage = new AsyncLocalStorage<ActingUser>();

/** Runs `work` (and everything it awaits) as `user`. */
export function runAs<T>(user: ActingUser, work: () => T): T {
  return storage.run(user, work);
}

/** The user the current call is made for, if any. */
export function actingUser(): ActingUser | undefined {
  return storage.getStore();
}

/** The OS account running this process ('unknown' where it has no passwd entry). */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * The journal's actor for an action on `instance`: the signed-in team user ("alice (team) as admin"), or
 * the OS account for the CLI ("root (command line)") and a workstation.
 */
export function teamActor(instance?: Pick<InstanceConfig, 'login'>): string {
  const user = actingUser();
  const who = user ? `${user.login} (team)` : `${osUser()} (command line)`;
  return instance ? `${who} as ${instance.login}` : who;
}
