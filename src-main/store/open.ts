/**
 * Opens the mirror database: WAL, foreign keys, a busy timeout, synchronous=NORMAL, and the schema's
 * migrations run in order, each in its own transaction with `PRAGMA user_version`. A database written by
 * a newer app is refused, a locked one is reported as 'store-locked', and a file that is not a SQLite
 * database (or is malformed) is reported as 'store-corrupt' and never overwritten or recreated. The
 * connection returned translates every later driver failure the same way (translated-database.ts).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { OcmError } from '../common/errors';
import type { SqlDatabase } from './database';
import { MIGRATIONS } from './schema';
import { corrupt, translateSqliteError } from './sqlite-errors';
import { translatingErrors } from './translated-database';

/** How to open the store. */
export interface OpenStoreOptions {
  /** Open read-only (no migrations; the file must exist and be current). */
  readonly?: boolean;
  /** How long a statement waits for another connection's lock before 'store-locked' (default 5,000 ms). */
  busyTimeoutMs?: number;
  /** Page cache of this connection in MiB (default 32): the indexes of a large mirror stay in memory while writing. */
  cacheSizeMiB?: number;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** The schema version this build of the app writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Opens (creating when missing) and migrates the database at `path`. Throws OcmError 'store-locked',
 * 'store-corrupt' or 'conflict' (written by a newer app).
 */
export function openDatabase(path: string, options: OpenStoreOptions = {}): SqlDatabase {
  assertLooksLikeSqlite(path);
  let db: SqlDatabase | undefined;
  try {
    const native = new BetterSqlite3(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      timeout: options.busyTimeoutMs ?? 5000,
      // The desktop shell runs on Electron's ABI: it points this at a binding built for Electron
      // (scripts/build-electron-sqlite.mjs), leaving node_modules' Node build to the CLI and the tests.
      ...(process.env.OCM_SQLITE_BINDING ? { nativeBinding: process.env.OCM_SQLITE_BINDING } : {}),
    });
    db = native as unknown as SqlDatabase;
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // Reading the schema first surfaces "not a database" before anything could write.
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new OcmError('conflict', `The local database ${path} was written by a newer version of the app (schema ${version}, this app knows ${SCHEMA_VERSION}).`, {
        hint: 'Update Odoo Change Monitor, or point OCM_HOME at another folder.',
      });
    }
    if (!options.readonly) {
      const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
      if (mode.toLowerCase() !== 'wal') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db, version);
    }
    db.pragma(`cache_size = -${Math.max(2, Math.floor(options.cacheSizeMiB ?? 32)) * 1024}`);
    db.pragma('foreign_keys = ON');
    return translatingErrors(db, path);
  } catch (error) {
    try {
      db?.close();
    } catch {
      // already failing; the original error matters
    }
    throw translateSqliteError(error, path);
  }
}

/** Runs the migrations newer than `current`, each atomically with its user_version bump. */
function migrate(db: SqlDatabase, current: number): void {
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/** Refuses a non-empty file that does not start with SQLite's header, before the driver touches it. */
function assertLooksLikeSqlite(path: string): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  if (size === 0) return;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (size < SQLITE_HEADER.length || !header.equals(SQLITE_HEADER)) throw corrupt(path);
}
