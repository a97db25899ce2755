/** The signed-in person's own account ({@link IAccountService}), one per session. */
import { OcmError } from '../common/errors';
import type { AccountInfo, IAccountService } from '../common/team';
import { isoFromSeconds } from '../common/time';
import type { AccountStore } from '../store/repositories/accounts';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './password';
import type { Principal, SessionManager } from './sessions';

/** What one session's account service needs. */
export interface AccountServiceOptions {
  store: AccountStore;
  sessions: SessionManager;
  /** The session's principal checked now (rejects when it ended). */
  current(): Promise<Principal>;
  /** Called after logout: the host closes the session's connections. */
  onLogout(sessionId: string): void;
}

/** What a person's own workbench shows of their session. */
export function accountInfo(principal: Principal): AccountInfo {
  const info: AccountInfo = { login: principal.login, role: principal.role, expiresAt: isoFromSeconds(principal.expiresAt) };
  if (principal.displayName) info.displayName = principal.displayName;
  return info;
}

/** One session's own account. */
export class AccountService implements IAccountService {
  readonly #options: AccountServiceOptions;

  constructor(options: AccountServiceOptions) {
    this.#options = options;
  }

  async me(): Promise<AccountInfo> {
    return accountInfo(await this.#options.current());
  }

  async changePassword(current: string, next: string): Promise<void> {
    const principal = await this.#options.current();
    const user = await this.#options.store.userById(principal.userId);
    if (!user || !(await verifyPassword(current, user.passwordHash))) {
      throw new OcmError('auth-failed', 'The current password is wrong; the password was not changed.');
    }
    assertAcceptablePassword(next);
    await this.#options.store.updateUser(user.id, { passwordHash: await hashPassword(next), passwordChangedAt: Math.floor(Date.now() / 1000) });
    // Every other session of the account ends; this one stays signed in (ended with the rest, then kept).
    const own = await this.#options.store.session(principal.sessionId);
    await this.#options.sessions.endAllOf(principal.userId);
    if (own) await this.#options.store.insertSession(own);
  }

  async logout(): Promise<void> {
    const principal = await this.#options.current();
    await this.#options.sessions.end(principal.sessionId);
    this.#options.onLogout(principal.sessionId);
  }
}
