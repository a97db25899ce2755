/** What the PostgreSQL repositories share: running a statement and reading its rows. */
import type postgres from 'postgres';
import type { PgConnection, PgValue } from '../connection';

/** The pool, or one transaction taken from it. */
export type PgQueryable = PgConnection | postgres.TransactionSql<Record<string, never>>;

/** Runs `text` (numbered `$n` parameters, always bound) and returns its rows. */
export async function pgRows<T>(sql: PgQueryable, text: string, params: readonly (PgValue | undefined)[] = []): Promise<T[]> {
  return (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
}

/** Runs `text` and returns how many rows it changed. */
export async function pgRun(sql: PgQueryable, text: string, params: readonly (PgValue | undefined)[] = []): Promise<number> {
  return (await sql.unsafe(text, params as never[], { prepare: true })).count;
}

/** Runs `work` in one transaction and returns what it returns. */
export async function pgTransaction<T>(sql: PgConnection, work: (tx: postgres.TransactionSql<Record<string, never>>) => Promise<T>): Promise<T> {
  return (await sql.begin(work)) as T;
}

/** JSON written to a `jsonb` column: sent as text and cast, so the driver never encodes it a second time. */
export function jsonText(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** The SQLSTATE of a unique violation and the constraint it names, when `error` is one. */
export function uniqueViolation(error: unknown): string | undefined {
  const failure = error as { code?: unknown; constraint_name?: unknown } | null;
  if (failure?.code !== '23505') return undefined;
  return typeof failure.constraint_name === 'string' ? failure.constraint_name : '';
}
