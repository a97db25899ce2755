/**
 * Sign-in and sessions. A session is a random 256-bit token carried by an HttpOnly cookie; the store
 * keeps only its SHA-256, so a copy of the database opens no session. A session ends at the latest
 * `lifetimeSeconds` after sign-in, after `idleSeconds` without use, at logout, when the user's password
 * changes or the user is removed, or when an admin ends it (server-side revocation: the row is gone, and
 * the next check of the token fails everywhere at once). Signing in always makes a new token (the one the
 * browser came with, if any, is ended), so a token planted before sign-in is worthless after it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { OcmError } from '../common/errors';
import type { InstanceId, TeamRole } from '../common/model';
import type { AccountStore, UserRecord } from '../store/repositories/accounts';
import { hashPassword, needsRehash, verifyPassword } from './password';

/** How long sessions last. */
export interface SessionPolicy {
  /** The longest a session lasts after sign-in (default 12 h). */
  lifetimeSeconds: number;
  /** A session unused this long ends (default 2 h). */
  idleSeconds: number;
}

/** The default session policy. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { lifetimeSeconds: 12 * 3600, idleSeconds: 2 * 3600 };

/** Last-seen times are written at most this often (a busy workbench does not write on every call). */
const TOUCH_EVERY_SECONDS = 60;

/** The signed-in person behind a session, as the policy needs them. */
export interface Principal {
  userId: string;
  login: string;
  displayName?: string;
  role: TeamRole;
  /** Granted instances (admins see all whatever is granted). */
  instanceIds: readonly InstanceId[];
  preferences: Record<string, unknown>;
  /** The session's token hash (what logout and revocation address). */
  sessionId: string;
  /** Unix seconds: the end of the session's lifetime. */
  expiresAt: number;
}

/** The SHA-256 (hex) a token is stored and looked up by. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The one failure a sign-in reports, whether the login or the password was wrong. */
export function signInRefused(): OcmError {
  return new OcmError('auth-failed', 'Wrong login or password.', { hint: 'Check both; an admin can set a new password with `ocm user passwd`.' });
}

/** Signs people in and answers who is behind a session. */
export class SessionManager {
  readonly #store: AccountStore;
  readonly #policy: SessionPolicy;
  readonly #now: () => number;

  constructor(store: AccountStore, policy: Partial<SessionPolicy> = {}, now: () => number = Date.now) {
    this.#store = store;
    this.#policy = { ...DEFAULT_SESSION_POLICY, ...policy };
    this.#now = now;
  }

  /** The policy in force. */
  get policy(): SessionPolicy {
    return this.#policy;
  }

  /**
   * Checks the password and opens a new session; the session the browser came with (`previousToken`)
   * is ended. Rejects 'auth-failed' for a wrong login or password alike.
   */
  async signIn(login: string, password: string, previousToken?: string): Promise<{ token: string; principal: Principal }> {
    const user = await this.#store.userByLogin(login.trim());
    const valid = await verifyPassword(password, user?.passwordHash);
    if (!user || !valid) throw signInRefused();
    if (previousToken) await this.#store.deleteSession(tokenHash(previousToken));
    const now = this.#seconds();
    const token = randomBytes(32).toString('base64url');
    const session = { tokenHash: tokenHash(token), userId: user.id, createdAt: now, lastSeenAt: now, expiresAt: now + this.#policy.lifetimeSeconds };
    await this.#store.insertSession(session);
    const patch: { lastLoginAt: number; passwordHash?: string } = { lastLoginAt: now };
    // Records made with weaker parameters are upgraded while the password is at hand.
    if (needsRehash(user.passwordHash)) patch.passwordHash = await hashPassword(password);
    await this.#store.updateUser(user.id, patch);
    // Old expired rows are swept now and then, at a moment that already writes.
    await this.#store.deleteExpiredSessions(now);
    return { token, principal: principalOf(user, session.tokenHash, session.expiresAt) };
  }

  /** Who is behind a token, or undefined when the session ended (expired, idle, revoked, user gone). */
  async validate(token: string): Promise<Principal | undefined> {
    return this.principal(tokenHash(token));
  }

  /** Who is behind a session id (token hash), checked now; marks the session as used. */
  async principal(sessionId: string): Promise<Principal | undefined> {
    const session = await this.#store.session(sessionId);
    if (!session) return undefined;
    const now = this.#seconds();
    if (session.expiresAt <= now || session.lastSeenAt + this.#policy.idleSeconds <= now) {
      await this.#store.deleteSession(sessionId);
      return undefined;
    }
    const user = await this.#store.userById(session.userId);
    if (!user) return undefined;
    if (now - session.lastSeenAt >= TOUCH_EVERY_SECONDS) await this.#store.touchSession(sessionId, now);
    return principalOf(user, sessionId, session.expiresAt);
  }

  /** Ends one session (logout). */
  async end(sessionId: string): Promise<void> {
    await this.#store.deleteSession(sessionId);
  }

  /** Ends every session of a user; returns how many ended. */
  async endAllOf(userId: string): Promise<number> {
    return this.#store.deleteSessionsOf(userId);
  }

  #seconds(): number {
    return Math.floor(this.#now() / 1000);
  }
}

function principalOf(user: UserRecord, sessionId: string, expiresAt: number): Principal {
  const principal: Principal = { userId: user.id, login: user.login, role: user.role, instanceIds: user.instanceIds, preferences: user.preferences, sessionId, expiresAt };
  if (user.displayName) principal.displayName = user.displayName;
  return principal;
}

/** A fresh user id. */
export function newUserId(): string {
  return randomUUID();
}
