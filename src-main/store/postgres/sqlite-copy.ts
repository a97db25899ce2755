/**
 * Moving up: copies a workstation's SQLite mirror into a team database on PostgreSQL, in batches,
 * resumable and verified (`ocm store migrate --to postgres://…`).
 *
 * - Tables keyed by a local row id (changes, errors, journal) are copied in id order, one batch per
 *   transaction, with their ids kept (timeline cursors and journal references stay valid); a run that
 *   stopped continues after the highest id already in PostgreSQL, and ON CONFLICT DO NOTHING makes a
 *   re-sent batch harmless. The identity sequences are moved past the copied ids.
 * - The small tables (instances, sync state, settings with the saved filters, report definitions, the
 *   hourly aggregates) are upserted whole: the source is the truth, re-running rewrites the same rows.
 *   The five-minute aggregate, which only PostgreSQL has, is derived from the copied rows at the end.
 * - A team database holds one copied workstation per run of this tool: a database that already has rows
 *   from elsewhere is refused (ids would collide), never merged into.
 * - Verification counts the rows of every table on both sides and computes a checksum of their content
 *   (each row as canonical text, JSON with sorted keys so `jsonb`'s own ordering does not matter, hashed
 *   with SHA-256 and summed: independent of row order and collation, and a doubled row changes it).
 *
 * Instance secrets are copied as they are stored: sealed by the workstation's SecretVault. A collector
 * that cannot open them asks for them again (docs/team-mode.md).
 */
import { createHash } from 'node:crypto';
import { OcmError } from '../../common/errors';
import type { SqlDatabase } from '../database';
import type { PgConnection, PgValue } from './connection';

/** How a column's values are carried and compared. */
type ColumnKind = 'integer' | 'text' | 'boolean' | 'json';

/** A table copied from SQLite to PostgreSQL, with the same name and columns on both sides. */
export interface CopiedTable {
  name: string;
  /** The key columns (ON CONFLICT target). */
  key: readonly string[];
  /** Keyed by an integer `id`: copied in id batches, resumable; else upserted whole. */
  batched: boolean;
  columns: readonly (readonly [string, ColumnKind])[];
}

const int = (name: string) => [name, 'integer'] as const;
const text = (name: string) => [name, 'text'] as const;
const bool = (name: string) => [name, 'boolean'] as const;
const json = (name: string) => [name, 'json'] as const;

/** Every table the team schema has of a workstation's mirror, in copy order. */
export const COPIED_TABLES: readonly CopiedTable[] = [
  {
    name: 'instances',
    key: ['id'],
    batched: false,
    columns: [text('id'), text('name'), text('url'), text('db'), text('login'), text('secret'), text('transport'), bool('production'), bool('demo'),
      int('poll_interval_seconds'), text('trusted_cert_sha256'), int('position'), int('created_at'), int('removed_at'), json('transport_choice'),
      text('source'), json('watched_models'), bool('tracking_values')],
  },
  {
    name: 'changes',
    key: ['id'],
    batched: true,
    columns: [int('id'), text('instance_id'), int('epoch'), int('server_id'), int('revision'), text('model'), int('record_id'), text('event'), int('ts'),
      int('first_seen_at'), int('removed_at'), text('removed_by'), text('user_name'), text('changed_fields'), int('change_count'), json('extra'),
      text('origin'), json('field_values')],
  },
  {
    name: 'errors',
    key: ['id'],
    batched: true,
    columns: [int('id'), text('instance_id'), int('epoch'), int('server_id'), text('model'), int('record_id'), text('message'), text('fingerprint'), int('ts'),
      int('first_seen_at'), int('removed_at')],
  },
  {
    name: 'journal',
    key: ['id'],
    batched: true,
    columns: [int('id'), int('at'), text('actor'), text('instance_id'), text('instance_name'), text('action'), text('description'), int('requested'),
      int('succeeded'), text('result'), text('error'), json('detail')],
  },
  {
    name: 'change_hours',
    key: ['instance_id', 'model', 'event', 'hour'],
    batched: false,
    columns: [text('instance_id'), text('model'), text('event'), int('hour'), int('present'), int('removed')],
  },
  {
    name: 'sync_state',
    key: ['instance_id'],
    batched: false,
    columns: [text('instance_id'), int('epoch'), int('change_cursor'), int('error_cursor'), text('revision_cursor'), bool('snapshot_done'), int('last_sync_at'),
      int('last_deletion_check_at'), text('server_version'), json('capabilities'), bool('paused'), text('log_token'), int('tombstone_cursor')],
  },
  { name: 'settings', key: ['key'], batched: false, columns: [text('key'), json('value')] },
  { name: 'report_definitions', key: ['id'], batched: false, columns: [text('id'), text('name'), json('request')] },
];

/** Progress of a copy, reported after every batch. */
export interface CopyProgress {
  table: string;
  /** Rows of this table now in PostgreSQL (copied by this run or an earlier one). */
  copied: number;
  /** Rows of this table in the SQLite mirror. */
  total: number;
}

/** Options of {@link copySqliteToPostgres}. */
export interface CopyOptions {
  /** Identifies the source mirror (e.g. its real path): a run continues only its own earlier copy. */
  source: string;
  /** Rows per batch (one transaction each); default 5,000. */
  batchSize?: number;
  onProgress?(progress: CopyProgress): void;
  /** Checked between batches: when aborted the copy stops (rejects 'cancelled'); run it again to continue. */
  signal?: AbortSignal;
  /** Clock for the migration record (Unix seconds). */
  now?: () => number;
}

/** One table's comparison after a copy. */
export interface TableVerification {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  ok: boolean;
}

const quoteList = (names: readonly string[]) => names.join(', ');

/** The unnest INSERT of a table: one array parameter per column, JSON carried as text and cast. */
function insertSql(table: CopiedTable): string {
  const arrays = table.columns.map(([, kind], index) => `$${index + 1}::${kind === 'integer' ? 'bigint' : 'text'}[]`);
  const names = table.columns.map(([name]) => name);
  // JSON and flags travel as text (postgres.js would send a JSON string re-encoded, and a boolean array
  // typed as one boolean) and are cast here.
  const select = table.columns.map(([name, kind]) => (kind === 'json' ? `${name}::jsonb` : kind === 'boolean' ? `${name}::boolean` : name));
  const others = names.filter((name) => !table.key.includes(name));
  const conflict = table.batched || others.length === 0
    ? 'DO NOTHING'
    : `DO UPDATE SET ${others.map((name) => `${name} = excluded.${name}`).join(', ')}`;
  return `INSERT INTO ${table.name} (${quoteList(names)}) SELECT ${select.join(', ')} FROM unnest(${arrays.join(', ')}) AS source (${quoteList(names)})`
    + ` ON CONFLICT (${quoteList(table.key)}) ${conflict}`;
}

/** A SQLite value as the PostgreSQL array element of its kind. */
function toPostgres(value: unknown, kind: ColumnKind): string | number | null {
  if (value === null || value === undefined) return null;
  if (kind === 'boolean') return value ? 'true' : 'false';
  if (kind === 'integer') return Number(value);
  return String(value);
}

/** Column-wise arrays of SQLite rows (arrays of values in column order). */
function columnArrays(table: CopiedTable, rows: readonly unknown[][]): PgValue[] {
  return table.columns.map(([, kind], column) => rows.map((row) => toPostgres(row[column], kind)));
}

function sqliteCount(db: SqlDatabase, table: string): number {
  return (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) ?? 0;
}

async function postgresCount(sql: PgConnection, table: string): Promise<number> {
  const [row] = (await sql.unsafe(`SELECT count(*) AS n FROM ${table}`)) as unknown as { n: number }[];
  return row.n;
}

/**
 * Refuses a target that holds rows not copied from `source` by this tool, and records the copy as
 * started. Returns true when an earlier run of the same source had started (this run continues it).
 */
async function claimTarget(sql: PgConnection, source: string, now: number): Promise<boolean> {
  return (await sql.begin(async (tx) => {
    await tx.unsafe(`SELECT pg_advisory_xact_lock(hashtext('ocm-store-migrate'))`);
    const runs = (await tx.unsafe('SELECT source FROM store_migrations')) as unknown as { source: string }[];
    const earlier = runs.some((run) => run.source === source);
    const others = runs.filter((run) => run.source !== source);
    if (others.length > 0) {
      throw new OcmError('conflict', `This PostgreSQL database already holds a mirror copied from ${others[0].source}.`, {
        hint: 'Copy each workstation into its own (empty) database, or drop and re-create this one first.',
      });
    }
    if (!earlier) {
      for (const table of ['changes', 'errors', 'journal', 'instances']) {
        const [row] = (await tx.unsafe(`SELECT EXISTS (SELECT 1 FROM ${table}) AS used`)) as unknown as { used: boolean }[];
        if (row.used) {
          throw new OcmError('conflict', `This PostgreSQL database already has ${table} of its own; copying a workstation's mirror into it would mix the two.`, {
            hint: 'Give an empty database (createdb …); a copy that stopped half-way is continued by running the same command again.',
          });
        }
      }
      await tx.unsafe('INSERT INTO store_migrations (source, started_at) VALUES ($1, $2)', [source, now]);
    }
    return earlier;
  })) as boolean;
}

/**
 * Copies every table of {@link COPIED_TABLES}; resumable (see the module comment). Rejects 'conflict'
 * for a target with rows from elsewhere, 'cancelled' when `signal` aborts between batches.
 */
export async function copySqliteToPostgres(db: SqlDatabase, sql: PgConnection, options: CopyOptions): Promise<{ resumed: boolean }> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const batchSize = Math.max(1, options.batchSize ?? 5000);
  const resumed = await claimTarget(sql, options.source, now());
  const stopIfAsked = () => {
    if (options.signal?.aborted) throw new OcmError('cancelled', 'The copy was interrupted; run the same command again to continue where it stopped.');
  };
  for (const table of COPIED_TABLES) {
    stopIfAsked();
    const total = sqliteCount(db, table.name);
    const names = quoteList(table.columns.map(([name]) => name));
    const insert = insertSql(table);
    if (!table.batched) {
      const rows = db.prepare(`SELECT ${names} FROM ${table.name}`).raw().all() as unknown[][];
      await sql.begin(async (tx) => {
        for (let start = 0; start < rows.length; start += batchSize) {
          await tx.unsafe(insert, columnArrays(table, rows.slice(start, start + batchSize)) as never[]);
        }
      });
      options.onProgress?.({ table: table.name, copied: rows.length, total });
      continue;
    }
    const [{ last }] = (await sql.unsafe(`SELECT coalesce(max(id), 0) AS last FROM ${table.name}`)) as unknown as { last: number }[];
    let after = last;
    let copied = await postgresCount(sql, table.name);
    options.onProgress?.({ table: table.name, copied, total });
    const read = db.prepare(`SELECT ${names} FROM ${table.name} WHERE id > ? ORDER BY id LIMIT ?`).raw();
    for (;;) {
      stopIfAsked();
      const rows = read.all(after, batchSize) as unknown[][];
      if (rows.length === 0) break;
      await sql.begin(async (tx) => {
        const result = await tx.unsafe(insert, columnArrays(table, rows) as never[]);
        copied += result.count;
      });
      after = Number(rows[rows.length - 1][0]);
      options.onProgress?.({ table: table.name, copied, total });
    }
    // New rows written in PostgreSQL later take ids after the copied ones.
    await sql.unsafe(`SELECT setval(pg_get_serial_sequence('${table.name}', 'id'), greatest((SELECT max(id) FROM ${table.name}), 1))`);
  }
  // The five-minute aggregate exists only here: derived from the copied rows, anew at every run.
  await sql.begin(async (tx) => {
    await tx.unsafe('DELETE FROM change_five_minutes');
    await tx.unsafe(`INSERT INTO change_five_minutes (instance_id, model, event, slot, present, removed)
      SELECT instance_id, model, event, ts / 300, count(*) FILTER (WHERE removed_at IS NULL), count(*) FILTER (WHERE removed_at IS NOT NULL)
      FROM changes GROUP BY 1, 2, 3, 4`);
  });
  await sql.unsafe('UPDATE store_migrations SET finished_at = $2 WHERE source = $1', [options.source, now()]);
  return { resumed };
}

/** A value as canonical text: numbers as digits, text quoted, JSON re-serialized with sorted keys. */
function canonical(value: unknown, kind: ColumnKind): string {
  if (value === null || value === undefined) return 'null';
  if (kind === 'integer') return String(Number(value));
  if (kind === 'boolean') return Boolean(value) ? 'true' : 'false';
  if (kind === 'text') return JSON.stringify(String(value));
  return sortedJson(JSON.parse(String(value)));
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${sortedJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Sums 64-bit prefixes of each row's SHA-256: independent of row order, changed by any altered, missing or doubled row. */
class TableChecksum {
  private sum = 0n;
  rows = 0;

  add(table: CopiedTable, row: readonly unknown[]): void {
    const text = table.columns.map(([, kind], column) => canonical(row[column], kind)).join('\u001f');
    this.sum = (this.sum + createHash('sha256').update(text).digest().readBigUInt64BE(0)) & 0xffffffffffffffffn;
    this.rows++;
  }

  get hex(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}

/** Compares every copied table on both sides: row counts and content checksums. */
export async function verifyCopy(db: SqlDatabase, sql: PgConnection, batchSize = 5000): Promise<TableVerification[]> {
  const results: TableVerification[] = [];
  for (const table of COPIED_TABLES) {
    const names = table.columns.map(([name]) => name);
    const source = new TableChecksum();
    for (const row of db.prepare(`SELECT ${quoteList(names)} FROM ${table.name}`).raw().iterate() as IterableIterator<unknown[]>) source.add(table, row);
    const target = new TableChecksum();
    const select = table.columns.map(([name, kind]) => (kind === 'json' ? `${name}::text` : name));
    await sql
      .unsafe(`SELECT ${select.join(', ')} FROM ${table.name}`)
      .values()
      .cursor(batchSize, (rows) => {
        for (const row of rows as unknown as unknown[][]) target.add(table, row);
      });
    results.push({
      table: table.name,
      sourceRows: source.rows,
      targetRows: target.rows,
      sourceChecksum: source.hex,
      targetChecksum: target.hex,
      ok: source.rows === target.rows && source.hex === target.hex,
    });
  }
  return results;
}
