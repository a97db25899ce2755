/**
 * Team mode's accounts on PostgreSQL: users, the instances granted to them and their sessions, with the
 * meaning of the SQLite store (store/repositories/accounts.ts, whose row mapping is reused). Logins are
 * matched, kept unique and ordered ignoring ASCII case only, as SQLite's NOCASE does: `lower()` under the
 * "C" collation (schema.ts, migration 3), whatever the database's locale. Instance ids order by code
 * point, as SQLite's BINARY. Removing a user removes their grants and sessions by ON DELETE CASCADE,
 * which PostgreSQL always enforces.
 */
import type { InstanceId } from '../../../common/model';
import { sessionRecord, userPatchColumns, userRecord, type AccountStore, type SessionRecord, type SessionRow, type UserPatch, type UserRecord, type UserRow } from '../../repositories/accounts';
import type { PgConnection, PgValue } from '../connection';

/** A user's columns shaped as {@link UserRow} (preferences as JSON text), with their grants in code-point order. */
const USER_SELECT = `
SELECT id, login, display_name, role, password_hash, preferences::text AS preferences, created_at, password_changed_at, last_login_at,
  coalesce((SELECT array_agg(instance_id ORDER BY instance_id COLLATE "C") FROM user_instances WHERE user_id = users.id), '{}') AS instance_ids
FROM users`;

const LOGIN_KEY = 'lower(login COLLATE "C")';

type UserWithGrants = UserRow & { instance_ids: InstanceId[] };

/** {@link AccountStore} over the team mirror on PostgreSQL. */
export class PgAccountStore implements AccountStore {
  constructor(private readonly sql: PgConnection) {}

  async countUsers(): Promise<number> {
    const [row] = await this.#query<{ count: number }>('SELECT count(*) AS count FROM users');
    return row.count;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.#query<UserWithGrants>(`${USER_SELECT} ORDER BY ${LOGIN_KEY}`)).map(toUserRecord);
  }

  async userByLogin(login: string): Promise<UserRecord | undefined> {
    const [row] = await this.#query<UserWithGrants>(`${USER_SELECT} WHERE ${LOGIN_KEY} = lower($1::text COLLATE "C")`, [login]);
    return row && toUserRecord(row);
  }

  async userById(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.#query<UserWithGrants>(`${USER_SELECT} WHERE id = $1`, [id]);
    return row && toUserRecord(row);
  }

  async insertUser(user: Omit<UserRecord, 'lastLoginAt'>): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx.unsafe(
        'INSERT INTO users (id, login, display_name, role, password_hash, preferences, created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8)',
        [user.id, user.login, user.displayName ?? null, user.role, user.passwordHash, JSON.stringify(user.preferences), user.createdAt, user.passwordChangedAt],
        { prepare: true },
      );
      await writeGrants(tx as unknown as PgConnection, user.id, user.instanceIds);
    });
  }

  async updateUser(id: string, patch: UserPatch): Promise<void> {
    const columns = userPatchColumns(patch);
    if (columns.length === 0) return;
    // Each placeholder takes its column's type, but preferences travel as JSON text (the driver would encode a string again).
    const sets = columns.map(({ column }, index) => `${column} = $${index + 2}${column === 'preferences' ? '::text::jsonb' : ''}`);
    await this.#query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, [id, ...columns.map(({ value }) => value)]);
  }

  async deleteUser(id: string): Promise<void> {
    await this.#query('DELETE FROM users WHERE id = $1', [id]);
  }

  async setGrants(userId: string, instanceIds: readonly InstanceId[]): Promise<void> {
    await this.sql.begin((tx) => writeGrants(tx as unknown as PgConnection, userId, instanceIds));
  }

  async insertSession(session: SessionRecord): Promise<void> {
    await this.#query('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      session.tokenHash,
      session.userId,
      session.createdAt,
      session.lastSeenAt,
      session.expiresAt,
    ]);
  }

  async session(tokenHash: string): Promise<SessionRecord | undefined> {
    const [row] = await this.#query<SessionRow>('SELECT token_hash, user_id, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1', [tokenHash]);
    return row && sessionRecord(row);
  }

  async touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    await this.#query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1', [tokenHash, lastSeenAt]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteSessionsOf(userId: string): Promise<number> {
    return (await this.sql.unsafe('DELETE FROM sessions WHERE user_id = $1', [userId], { prepare: true })).count;
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return (await this.sql.unsafe('DELETE FROM sessions WHERE expires_at <= $1', [now], { prepare: true })).count;
  }

  async sessionCounts(now: number): Promise<Map<string, number>> {
    const rows = await this.#query<{ user_id: string; count: number }>('SELECT user_id, count(*) AS count FROM sessions WHERE expires_at > $1 GROUP BY user_id', [now]);
    return new Map(rows.map((row) => [row.user_id, row.count]));
  }

  async #query<T>(text: string, params: PgValue[] = []): Promise<T[]> {
    return (await this.sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
  }
}

/** Makes a user's grants exactly `instanceIds` (inside the caller's transaction). */
async function writeGrants(tx: PgConnection, userId: string, instanceIds: readonly InstanceId[]): Promise<void> {
  const ids = [...instanceIds];
  await tx.unsafe('DELETE FROM user_instances WHERE user_id = $1 AND instance_id <> ALL($2::text[])', [userId, ids] as never[], { prepare: true });
  await tx.unsafe('INSERT INTO user_instances (user_id, instance_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [userId, ids] as never[], { prepare: true });
}

function toUserRecord(row: UserWithGrants): UserRecord {
  return userRecord(row, row.instance_ids);
}
