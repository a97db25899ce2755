/** Prepared-statement reuse and bound `IN` lists for the read queries. */
import type { SqlDatabase, SqlStatement } from '../database';

/** Prepared statements per connection, keyed by SQL text; filter shapes are few, so the map stays small. */
const statementCache = new WeakMap<SqlDatabase, Map<string, SqlStatement>>();
const MAX_CACHED_STATEMENTS = 256;

/** Prepares `sql` once per connection and reuses it (preparing costs more than running a keyset page). */
export function cachedStatement(db: SqlDatabase, sql: string): SqlStatement {
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
