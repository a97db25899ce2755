/**
 * A real PostgreSQL for tests and benches: a throwaway cluster in a temp folder (initdb, then pg_ctl
 * start on a Unix socket in that folder and a random loopback port), removed afterwards. initdb refuses
 * to run as root, so as root the cluster is made and run by the `postgres` user (Debian's package
 * creates it) through `runuser`, in a folder that user owns.
 *
 * - OCM_TEST_DATABASE_URL=postgres://… uses that server instead (each test gets its own database in it).
 * - Without PostgreSQL's binaries the tests are skipped with a message saying so, unless
 *   OCM_REQUIRE_POSTGRES=1 (CI), where that is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openPostgres, type PgConnection } from '../../src-main/store/postgres/connection';
import { migratePostgres } from '../../src-main/store/postgres/migrate';

/** The superuser and password of a throwaway cluster (password auth over TCP, as a real server has it). */
const USER = 'ocm';
const PASSWORD = 'ocm-test-password';

/** Where Debian (and the PGDG packages) put the binaries, newest version first; PG_BIN overrides. */
export function postgresBinaries(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. Throws under OCM_REQUIRE_POSTGRES=1. */
export function postgresSkipReason(): string | undefined {
  if (process.env.OCM_TEST_DATABASE_URL || postgresBinaries()) return undefined;
  const reason = 'PostgreSQL tests skipped: no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb) and no OCM_TEST_DATABASE_URL. Install Debian\'s postgresql package to run them.';
  if (process.env.OCM_REQUIRE_POSTGRES === '1') throw new Error(`${reason} (OCM_REQUIRE_POSTGRES=1 makes this a failure.)`);
  return reason;
}

/** A server the tests may create databases in. */
export interface TestPostgres {
  /** A URL to the maintenance database `postgres` (superuser). */
  readonly adminUrl: string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** The URL of `database` with another password (auth failure tests). */
  urlWithPassword(database: string, password: string): string;
  /** Stops the server and removes its folder (a shared server: drops the databases made). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a PostgreSQL binary as the cluster's owner (the `postgres` user when we are root). */
function runAs(owner: string | undefined, binary: string, args: string[]): void {
  const [command, words] = owner ? ['runuser', ['-u', owner, '--', binary, ...args]] : [binary, args];
  const result = spawnSync(command, words, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/** How to run a throwaway cluster. */
export interface TestPostgresOptions {
  /**
   * Keep fsync and full-page writes on (benchmarks: the durability of a real server, with
   * synchronous_commit off, the counterpart of SQLite's WAL with synchronous=NORMAL). Default off: a
   * test cluster is thrown away, and fsync would only slow the tests on a busy disk.
   */
  durable?: boolean;
  /** More server settings (`-c name=value`), e.g. shared_buffers for a large benchmark. */
  settings?: Readonly<Record<string, string>>;
}

/** A fresh database on `server` with this build's schema, and a pool on it (the caller closes the pool). */
export async function migratedDatabase(server: TestPostgres, name?: string): Promise<{ url: string; pg: PgConnection }> {
  const url = await server.createDatabase(name);
  const pg = await openPostgres(url);
  await migratePostgres(pg);
  return { url, pg };
}

/** Starts a throwaway cluster, or wraps OCM_TEST_DATABASE_URL. */
export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const shared = process.env.OCM_TEST_DATABASE_URL;
  if (shared) return sharedServer(shared);
  const bin = postgresBinaries();
  if (!bin) throw new Error('No PostgreSQL binaries found (see postgresSkipReason).');
  const owner = userInfo().uid === 0 ? 'postgres' : undefined;
  // The cluster's owner must reach the folder: as root, /tmp (a TMPDIR under /root would be closed to it).
  const dir = mkdtempSync(join(owner ? '/tmp' : tmpdir(), 'ocm-pg-'));
  const data = join(dir, 'data');
  if (owner) {
    chownSync(dir, Number(execFileSync('id', ['-u', owner], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', owner], { encoding: 'utf8' })));
  }
  chmodSync(dir, 0o700);
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, PASSWORD);
  if (owner) execFileSync('chown', [owner, passwordFile]);
  runAs(owner, join(bin, 'initdb'), ['-D', data, '-U', USER, '--pwfile', passwordFile, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const durability = options.durable ? { synchronous_commit: 'off' } : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
  const settings = Object.entries({ listen_addresses: '127.0.0.1', max_connections: '50', ...durability, ...options.settings })
    .reduce((words, [name, value]) => `${words} -c ${name}=${value}`, `-p ${port} -k ${dir}`);
  runAs(owner, join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const url = (database: string, password = PASSWORD) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let counter = 0;
  return {
    adminUrl: url('postgres'),
    async createDatabase(name = `test_${++counter}`) {
      await runStatement(url('postgres'), `CREATE DATABASE "${name}"`);
      return url(name);
    },
    urlWithPassword: (database, password) => url(database, password),
    async stop() {
      try {
        runAs(owner, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs one statement on its own connection (CREATE DATABASE cannot run in a transaction or a pool's session). */
async function runStatement(url: string, statement: string): Promise<void> {
  const connection = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await connection.unsafe(statement);
  } finally {
    await connection.end();
  }
}

/** An existing server: databases named per run (so runs never collide), dropped at the end. */
function sharedServer(adminUrl: string): TestPostgres {
  const made = new Map<string, string>();
  const prefix = `ocm_test_${process.pid}_${Date.now().toString(36)}`;
  const urlOf = (database: string, password?: string) => {
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${made.get(database) ?? database}`;
    if (password !== undefined) parsed.password = encodeURIComponent(password);
    return parsed.toString();
  };
  const admin = (statement: string) => runStatement(adminUrl, statement);
  return {
    adminUrl,
    async createDatabase(name = `test_${made.size + 1}`) {
      const actual = `${prefix}_${name}`;
      await admin(`CREATE DATABASE "${actual}"`);
      made.set(name, actual);
      return urlOf(name);
    },
    urlWithPassword: (database, password) => urlOf(database, password),
    async stop() {
      for (const actual of made.values()) await admin(`DROP DATABASE IF EXISTS "${actual}" WITH (FORCE)`);
    },
  };
}
