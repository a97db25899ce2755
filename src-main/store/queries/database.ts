/**
 * The small part of a SQLite driver the query module needs, declared here (Kysely-style) so the queries
 * run on any better-sqlite3 `Database` and never depend on how the store opens or migrates its file.
 */

/** A value that can be bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null;

/**
 * A prepared statement: rows come back as plain objects keyed by column name. Parameters are typed
 * `unknown` only so better-sqlite3's own statement type is assignable; this module binds {@link SqlValue}s.
 */
export interface QueryStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

/** A read connection to the mirror (a better-sqlite3 `Database` satisfies it). */
export interface QueryDatabase {
  prepare(sql: string): QueryStatement;
}

/** Prepared statements per connection, keyed by SQL text; filter shapes are few, so the map stays small. */
const statementCache = new WeakMap<QueryDatabase, Map<string, QueryStatement>>();
const MAX_CACHED_STATEMENTS = 256;

/** Prepares `sql` once per connection and reuses it (preparing costs more than running a keyset page). */
export function cachedStatement(db: QueryDatabase, sql: string): QueryStatement {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/** `?, ?, ?` for `count` values: IN lists are always bound, never interpolated. */
export function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(', ');
}
