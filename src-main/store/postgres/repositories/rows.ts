/** What the PostgreSQL repositories share: running a statement and reading its rows. */
import type postgres from 'postgres';
import { OcmError } from '../../../common/errors';
import type { PgConnection, PgValue } from '../connection';

/** The pool, or one transaction taken from it. */
export type PgQueryable = PgConnection | postgres.TransactionSql<Record<string, never>>;

/**
 * Runs `text` (numbered `$n` parameters, always bound) and returns its rows. Text PostgreSQL cannot
 * store (a NUL character, which SQLite keeps) is refused as 'invalid-input' saying so.
 */
export async function pgRows<T>(sql: PgQueryable, text: string, params: readonly (PgValue | undefined)[] = []): Promise<T[]> {
  return (await run(sql, text, params)) as unknown as T[];
}

/** Runs `text` and returns how many rows it changed (NUL characters refused as {@link pgRows} does). */
export async function pgRun(sql: PgQueryable, text: string, params: readonly (PgValue | undefined)[] = []): Promise<number> {
  return (await run(sql, text, params)).count;
}

async function run(sql: PgQueryable, text: string, params: readonly (PgValue | undefined)[]) {
  try {
    return await sql.unsafe(text, params as never[], { prepare: true });
  } catch (error) {
    throw nulRefused(error);
  }
}

/** 22021: a NUL byte in a text value; 22P05: a \u0000 escape in JSON bound for jsonb. */
function nulRefused(error: unknown): unknown {
  const failure = error as { code?: unknown; message?: unknown } | null;
  const nul = failure?.code === '22P05' || (failure?.code === '22021' && String(failure.message).includes('0x00'));
  if (!nul) return error;
  return new OcmError('invalid-input', 'The text contains a NUL character (\\u0000), which the team database (PostgreSQL) cannot store.', {
    hint: 'Remove the character (it is invisible: retype the text rather than pasting it) and try again.',
    cause: error,
  });
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
