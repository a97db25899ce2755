/** Team mode's accounts over the composition root's store: sessions and the users service, for `ocm serve` and `ocm user`. */
import { SessionManager, type SessionPolicy } from '../../accounts/sessions';
import { UserService } from '../../accounts/user-service';
import { OcmError } from '../../common/errors';
import type { RunningServices } from '../services';

/** The sessions and the (shared) users service of a team server. */
export interface TeamAccounts {
  sessions: SessionManager;
  users: UserService;
}

/** Builds them over `running`'s store. */
export function teamAccounts(running: Pick<RunningServices, 'services' | 'accounts' | 'journal'>, policy: Partial<SessionPolicy> = {}): TeamAccounts {
  const sessions = new SessionManager(running.accounts, policy);
  const users = new UserService({
    store: running.accounts,
    sessions,
    journal: running.journal,
    instanceNames: async () => new Map((await running.services.instances.list({ includeRemoved: true })).map((instance) => [instance.id, instance.name])),
  });
  return { sessions, users };
}

/**
 * On a server without users, creates the first admin from the configuration. Resolves with what
 * happened; rejects when the configuration names a password variable that is not set.
 */
export async function ensureFirstAdmin(running: Pick<RunningServices, 'accounts'>, users: UserService, first: { login: string; passwordEnv: string; password?: string } | undefined): Promise<'created' | 'has-users' | 'none'> {
  if ((await running.accounts.countUsers()) > 0) return 'has-users';
  if (!first) return 'none';
  if (!first.password) {
    throw new OcmError('invalid-input', `The configuration names a first admin (${first.login}) but ${first.passwordEnv} is not set.`, {
      hint: `Set ${first.passwordEnv} to the first admin's password for the first start, or create one with \`ocm user add --login ${first.login} --role admin --password-env VAR\`.`,
    });
  }
  await users.add({ login: first.login, password: first.password, role: 'admin' });
  return 'created';
}
