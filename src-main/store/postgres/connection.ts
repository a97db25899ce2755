/**
 * A connection pool to the team mirror on PostgreSQL, with the driver's failures turned into the app's
 * errors (what happened, what to do): a malformed URL, nothing listening, a wrong password, a database
 * that does not exist.
 *
 * The driver is postgres.js (npm `postgres`, pinned): no dependencies of its own, TypeScript types in the
 * package, statements prepared and pipelined by default, and COPY built in (the ingest bench measures
 * COPY against multi-row INSERT without a second package, which `pg` would need: pg-copy-streams).
 */
import postgres from 'postgres';
import { OcmError } from '../../common/errors';

/** An open pool; queries are sent with `unsafe(text, params)` (text built by this folder, values always bound). */
export type PgConnection = postgres.Sql<Record<string, never>>;
/** A value bound to a statement. */
export type PgValue = string | number | boolean | null | readonly (string | number | boolean | null)[];

/** How to open the pool. */
export interface PgOpenOptions {
  /** Connections in the pool (default 4). */
  max?: number;
  /** Seconds to wait for a connection before 'timeout' (default 10). */
  connectTimeoutSeconds?: number;
  /** `application_name` shown in pg_stat_activity (default "ocm"). */
  applicationName?: string;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

/** Checks the shape of a `postgres://` URL; throws 'invalid-input' naming what is wrong. */
export function assertPostgresUrl(url: string): URL {
  const hint = 'Give a URL like postgres://USER:PASSWORD@HOST:5432/DATABASE (or postgresql://…).';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OcmError('invalid-input', `"${redactUrl(url)}" is not a URL.`, { hint });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new OcmError('invalid-input', `"${redactUrl(url)}" is not a PostgreSQL URL (it starts with ${parsed.protocol}//).`, { hint });
  }
  if (!parsed.hostname) {
    throw new OcmError('invalid-input', `"${redactUrl(url)}" names no server.`, { hint });
  }
  if (parsed.pathname.replace(/^\//, '') === '') {
    throw new OcmError('invalid-input', `"${redactUrl(url)}" names no database.`, { hint });
  }
  return parsed;
}

/** int8 (counts, ids, Unix seconds) as JavaScript numbers: every value the mirror holds is below 2^53. */
const BIGINT_AS_NUMBER = {
  to: 20,
  from: [20],
  serialize: (value: number) => String(value),
  parse: (raw: string) => Number(raw),
};

/**
 * Opens a pool and checks that it can log in (so a bad address or password fails here, clearly, and not
 * at the first query). Throws OcmError: 'invalid-input', 'network-refused', 'network-dns', 'timeout',
 * 'auth-failed', 'database-missing' or 'server-error'.
 */
export async function openPostgres(url: string, options: PgOpenOptions = {}): Promise<PgConnection> {
  assertPostgresUrl(url);
  const sql = postgres(url, {
    max: options.max ?? 4,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => undefined,
    connection: {
      application_name: options.applicationName ?? 'ocm',
      // Statements are prepared once per connection, but a plan must still fit its values: an hour's
      // edge of a range and thirty days of rows want different plans, which a generic plan cannot tell.
      plan_cache_mode: 'force_custom_plan',
      // The workbench's queries are many and small, and a team server answers many people at once:
      // starting parallel workers costs more than they save (facets at 10,000,000 rows: 84 → 17 ms p50).
      max_parallel_workers_per_gather: '0',
    },
    types: { bigint: BIGINT_AS_NUMBER },
  }) as unknown as PgConnection;
  try {
    await sql.unsafe('SELECT 1');
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    throw translatePostgresError(error, url);
  }
  return sql;
}

/** Closes the pool, letting running queries finish for up to `timeoutSeconds`. */
export async function closePostgres(sql: PgConnection, timeoutSeconds = 5): Promise<void> {
  await sql.end({ timeout: timeoutSeconds });
}

/** The SQLSTATE or system error code of a driver failure. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns a driver failure into an OcmError that says what happened at `url` and what to do. */
export function translatePostgresError(error: unknown, url: string): OcmError {
  if (error instanceof OcmError) return error;
  const where = redactUrl(url);
  const detail = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  switch (code) {
    case 'ECONNREFUSED':
      return new OcmError('network-refused', `Nothing accepts connections at ${where}.`, {
        hint: 'Check the host and port, and that PostgreSQL is running and listening there (listen_addresses).',
        detail,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OcmError('network-dns', `The host name in ${where} does not resolve.`, { hint: 'Check the spelling of the host.', detail });
    case 'ENOENT':
      return new OcmError('network-refused', `No PostgreSQL socket at ${where}.`, { hint: 'Check the socket folder (?host=…) and the port.', detail });
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new OcmError('timeout', `PostgreSQL at ${where} did not answer in time.`, { hint: 'Check the address and any firewall between here and the server.', detail });
    case '28P01':
    case '28000':
      return new OcmError('auth-failed', `PostgreSQL at ${where} refused the login: ${detail}.`, {
        hint: 'Check the user name and password in the URL, and pg_hba.conf on the server.',
        detail,
      });
    case '3D000':
      return new OcmError('database-missing', `PostgreSQL at ${where} has no such database: ${detail}.`, {
        hint: 'Create it first (createdb, or CREATE DATABASE …), or fix its name in the URL.',
        detail,
      });
    case '42501':
      return new OcmError('access-error', `The PostgreSQL user lacks a permission: ${detail}.`, {
        hint: 'Grant the user CREATE on the database (the mirror creates its own tables), or use the database owner.',
        detail,
      });
    default:
      return new OcmError('server-error', `PostgreSQL at ${where} failed: ${detail}.`, { detail });
  }
}
