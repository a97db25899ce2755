/**
 * The small subset of a SQLite driver the store uses, declared here (Kysely-style) so the store and the
 * sync engine depend on this interface, not on better-sqlite3's types. better-sqlite3 satisfies it as is.
 */

/** Parameters bound to a statement: positional values or one object of named values. */
export type SqlValue = string | number | bigint | null | Uint8Array;

/** The outcome of a write statement. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** A prepared statement. */
export interface SqlStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Returns the first column only (better-sqlite3 `pluck`). */
  pluck(toggle?: boolean): SqlStatement;
  /** Returns rows as arrays (better-sqlite3 `raw`). */
  raw(toggle?: boolean): SqlStatement;
}

/** An open connection. */
export interface SqlDatabase {
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps `fn` so each call runs in a write transaction, begun IMMEDIATE (nested calls become savepoints). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): unknown;
  readonly open: boolean;
  readonly inTransaction: boolean;
}
