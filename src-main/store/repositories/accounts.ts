/**
 * Team mode's accounts: users, the instances granted to them, and their sessions (`users`,
 * `user_instances`, `sessions`). {@link AccountStore} is the whole of what the accounts feature asks of a
 * store, Promise-returning so the PostgreSQL store can implement it as is; {@link SqliteAccountStore} is
 * the SQLite implementation. Times are Unix seconds.
 */
import type { InstanceId, TeamRole } from '../../common/model';
import type { SqlDatabase } from '../database';

/** A stored user. `passwordHash` is the scrypt record (accounts/password.ts), never a password. */
export interface UserRecord {
  id: string;
  login: string;
  displayName?: string;
  role: TeamRole;
  passwordHash: string;
  /** This user's own preferences (language, theme, saved filters), as JSON-able values. */
  preferences: Record<string, unknown>;
  createdAt: number;
  passwordChangedAt: number;
  lastLoginAt?: number;
  instanceIds: InstanceId[];
}

/** A stored session; the cookie's token is known only by its SHA-256. */
export interface SessionRecord {
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** What may change on a user. */
export type UserPatch = Partial<Pick<UserRecord, 'role' | 'displayName' | 'passwordHash' | 'passwordChangedAt' | 'preferences' | 'lastLoginAt'>>;

/** Everything the accounts feature reads and writes (the store round ports this interface's implementations). */
export interface AccountStore {
  countUsers(): Promise<number>;
  /** Users by login (case-insensitive order). */
  listUsers(): Promise<UserRecord[]>;
  /** Logins are matched case-insensitively. */
  userByLogin(login: string): Promise<UserRecord | undefined>;
  userById(id: string): Promise<UserRecord | undefined>;
  /** Rejects with the driver's constraint error on a taken login (callers check first). */
  insertUser(user: Omit<UserRecord, 'lastLoginAt'>): Promise<void>;
  updateUser(id: string, patch: UserPatch): Promise<void>;
  /** Deletes the user with their grants and sessions. */
  deleteUser(id: string): Promise<void>;
  /** Makes the user's granted instances exactly `instanceIds`. */
  setGrants(userId: string, instanceIds: readonly InstanceId[]): Promise<void>;
  insertSession(session: SessionRecord): Promise<void>;
  session(tokenHash: string): Promise<SessionRecord | undefined>;
  touchSession(tokenHash: string, lastSeenAt: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user; returns how many there were. */
  deleteSessionsOf(userId: string): Promise<number>;
  /** Removes sessions past their end; returns how many. */
  deleteExpiredSessions(now: number): Promise<number>;
  /** Open sessions per user id. */
  sessionCounts(now: number): Promise<Map<string, number>>;
}

/** A `users` row as both stores read it (preferences as JSON text). */
export interface UserRow {
  id: string;
  login: string;
  display_name: string | null;
  role: TeamRole;
  password_hash: string;
  preferences: string | null;
  created_at: number;
  password_changed_at: number;
  last_login_at: number | null;
}

/** A `sessions` row. */
export interface SessionRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** The column each {@link UserPatch} key writes. */
const USER_COLUMNS: Record<keyof UserPatch, string> = {
  role: 'role',
  displayName: 'display_name',
  passwordHash: 'password_hash',
  passwordChangedAt: 'password_changed_at',
  preferences: 'preferences',
  lastLoginAt: 'last_login_at',
};

/** {@link AccountStore} over the SQLite mirror. */
export class SqliteAccountStore implements AccountStore {
  constructor(private readonly db: SqlDatabase) {}

  async countUsers(): Promise<number> {
    return Number(this.db.prepare('SELECT COUNT(*) FROM users').pluck().get());
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = this.db.prepare('SELECT * FROM users ORDER BY login COLLATE NOCASE').all() as UserRow[];
    return rows.map((row) => this.#record(row));
  }

  async userByLogin(login: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE login = ? COLLATE NOCASE').get(login) as UserRow | undefined;
    return row && this.#record(row);
  }

  async userById(id: string): Promise<UserRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && this.#record(row);
  }

  async insertUser(user: Omit<UserRecord, 'lastLoginAt'>): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO users (id, login, display_name, role, password_hash, preferences, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(user.id, user.login, user.displayName ?? null, user.role, user.passwordHash, JSON.stringify(user.preferences), user.createdAt, user.passwordChangedAt);
      this.#writeGrants(user.id, user.instanceIds);
    })();
  }

  async updateUser(id: string, patch: UserPatch): Promise<void> {
    const columns = userPatchColumns(patch);
    if (columns.length === 0) return;
    this.db.prepare(`UPDATE users SET ${columns.map(({ column }) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...columns.map(({ value }) => value), id);
  }

  async deleteUser(id: string): Promise<void> {
    this.db.transaction(() => {
      // Explicit, not only ON DELETE CASCADE: a connection may have foreign keys off.
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
      this.db.prepare('DELETE FROM user_instances WHERE user_id = ?').run(id);
      this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
    })();
  }

  async setGrants(userId: string, instanceIds: readonly InstanceId[]): Promise<void> {
    this.db.transaction(() => this.#writeGrants(userId, instanceIds))();
  }

  async insertSession(session: SessionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(session.tokenHash, session.userId, session.createdAt, session.lastSeenAt, session.expiresAt);
  }

  async session(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
    return row && sessionRecord(row);
  }

  async touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(lastSeenAt, tokenHash);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async deleteSessionsOf(userId: string): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }

  async sessionCounts(now: number): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT user_id, COUNT(*) AS count FROM sessions WHERE expires_at > ? GROUP BY user_id').all(now) as { user_id: string; count: number }[];
    return new Map(rows.map((row) => [row.user_id, row.count]));
  }

  #writeGrants(userId: string, instanceIds: readonly InstanceId[]): void {
    this.db.prepare('DELETE FROM user_instances WHERE user_id = ?').run(userId);
    const insert = this.db.prepare('INSERT OR IGNORE INTO user_instances (user_id, instance_id) VALUES (?, ?)');
    for (const instanceId of instanceIds) insert.run(userId, instanceId);
  }

  #record(row: UserRow): UserRecord {
    return userRecord(row, this.db.prepare('SELECT instance_id FROM user_instances WHERE user_id = ? ORDER BY instance_id').pluck().all(row.id) as string[]);
  }
}

/** The columns a patch writes and their values (preferences as JSON text; a key given as undefined clears its column). */
export function userPatchColumns(patch: UserPatch): { column: string; value: string | number | null }[] {
  return (Object.keys(patch) as (keyof UserPatch)[])
    .filter((key) => key in USER_COLUMNS)
    .map((key) => {
      const given = patch[key];
      return { column: USER_COLUMNS[key], value: given === undefined ? null : key === 'preferences' ? JSON.stringify(given) : (given as string | number) };
    });
}

/** A user row and its granted instances as a {@link UserRecord}. */
export function userRecord(row: UserRow, instanceIds: InstanceId[]): UserRecord {
  const record: UserRecord = {
    id: row.id,
    login: row.login,
    role: row.role,
    passwordHash: row.password_hash,
    preferences: parseObject(row.preferences),
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
    instanceIds,
  };
  if (row.display_name) record.displayName = row.display_name;
  if (row.last_login_at !== null) record.lastLoginAt = row.last_login_at;
  return record;
}

/** A session row as a {@link SessionRecord}. */
export function sessionRecord(row: SessionRow): SessionRecord {
  return { tokenHash: row.token_hash, userId: row.user_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at };
}

function parseObject(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {}; // damaged preferences fall back to the shared ones
  }
}
