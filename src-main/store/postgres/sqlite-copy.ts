/**
 * Moving up: copies a workstation's (or a SQLite team server's) mirror into a team database on
 * PostgreSQL, in batches, resumable and verified (`ocm store migrate --to postgres://…`).
 *
 * - Tables keyed by a local row id (changes, errors, journal, the sync log, alert channels, events,
 *   messages and deliveries) are copied in id order, one batch per transaction, with their ids kept
 *   (timeline cursors, journal references and the alert tables' references to each other stay valid); a
 *   run that stopped continues after the highest id already in PostgreSQL, and ON CONFLICT DO NOTHING
 *   makes a re-sent batch harmless. Each identity sequence is then set past the highest copied id.
 * - The other tables (instances, sync state, settings with the saved filters, report definitions, the
 *   hourly aggregates, users and their granted instances, alert rules, the polling source's cursors and
 *   record sets) are upserted whole: the source is the truth, re-running rewrites the same rows.
 *   The five-minute aggregate, which only PostgreSQL has, is derived from the copied rows at the end.
 * - Rows keep their state: a delivery still pending stays pending (the team's collectors send it), an
 *   event waiting for its message still waits, a polling instance keeps its cursors and event numbers.
 * - Not copied ({@link UNCOPIED_TABLES}): sessions (people sign in again), collector leases (collectors
 *   take them anew), and a workstation's links to team servers.
 * - A team database holds one copied mirror per run of this tool: a database that already has rows
 *   from elsewhere is refused (ids would collide), never merged into.
 * - Verification counts the rows of every copied table on both sides and computes a checksum of their
 *   content (each row as canonical text, JSON with sorted keys so `jsonb`'s own ordering does not matter,
 *   hashed with SHA-256 and summed: independent of row order and collation, and a doubled row changes it).
 *
 * Instance secrets and webhook signing secrets are copied as they are stored: sealed by the
 * workstation's SecretVault. A collector that cannot open them asks for them again (docs/team-mode.md).
 * Password hashes are copied as they are: everyone signs in with the password they had.
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

/** Every table the team schema has of a workstation's mirror, in copy order (a referenced table before the tables referencing it). */
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
  {
    name: 'sync_log',
    key: ['id'],
    batched: true,
    columns: [int('id'), text('instance_id'), int('at'), text('level'), text('kind'), text('message'), text('message_key'), json('params'), int('added'),
      int('removed'), int('duration_ms')],
  },
  { name: 'settings', key: ['key'], batched: false, columns: [text('key'), json('value')] },
  { name: 'report_definitions', key: ['id'], batched: false, columns: [text('id'), text('name'), json('request')] },
  // Team accounts: password hashes move as they are (scrypt records), so everyone keeps their password.
  {
    name: 'users',
    key: ['id'],
    batched: false,
    columns: [text('id'), text('login'), text('display_name'), text('role'), text('password_hash'), json('preferences'), int('created_at'),
      int('password_changed_at'), int('last_login_at')],
  },
  { name: 'user_instances', key: ['user_id', 'instance_id'], batched: false, columns: [text('user_id'), text('instance_id')] },
  // Alerts with their history, ids kept: channels, events, messages and deliveries refer to each other by id.
  {
    name: 'alert_rules',
    key: ['id'],
    batched: false,
    columns: [text('id'), text('name'), bool('enabled'), json('condition'), json('timing'), int('created_at'), int('updated_at')],
  },
  {
    name: 'alert_channels',
    key: ['id'],
    batched: true,
    columns: [int('id'), text('rule_id'), int('position'), text('kind'), text('target'), text('secret')],
  },
  {
    name: 'alert_events',
    key: ['id'],
    batched: true,
    columns: [int('id'), text('rule_id'), text('event_key'), text('instance_id'), int('at'), int('queued_at'), json('detail'), int('message_id')],
  },
  {
    name: 'alert_messages',
    key: ['id'],
    batched: true,
    columns: [int('id'), text('rule_id'), text('idempotency_key'), int('created_at'), int('events')],
  },
  {
    name: 'alert_deliveries',
    key: ['id'],
    batched: true,
    columns: [int('id'), int('message_id'), text('rule_id'), int('channel_id'), text('kind'), text('target'), text('state'), int('attempts'),
      int('next_attempt_at'), int('lease_until'), text('last_error'), int('created_at'), int('updated_at'), int('sent_at')],
  },
  // The polling source's cursors, event numbers and record sets: a polling instance goes on where it was, without a new baseline.
  {
    name: 'polling_state',
    key: ['instance_id'],
    batched: false,
    columns: [text('instance_id'), text('server'), int('message_cursor'), text('message_date'), int('changed_at'), int('window_read_at'), int('next_event')],
  },
  {
    name: 'polling_models',
    key: ['instance_id', 'model'],
    batched: false,
    columns: [text('instance_id'), text('model'), text('write_cursor'), int('baseline_after'), bool('baseline_done'), int('checked_at'), int('changed_at'),
      int('window_read_at')],
  },
  {
    name: 'polling_records',
    key: ['instance_id', 'model', 'record_id'],
    batched: false,
    columns: [text('instance_id'), text('model'), int('record_id')],
  },
];

/** Tables of a SQLite mirror that are not copied, what their rows are (one, many) and why they stay (the command says so). */
export const UNCOPIED_TABLES: readonly { name: string; one: string; many: string; reason: string }[] = [
  { name: 'sessions', one: 'sign-in session', many: 'sign-in sessions', reason: 'people sign in again on the team server' },
  { name: 'leases', one: 'collector lease', many: 'collector leases', reason: 'collectors take leases anew' },
  { name: 'team_servers', one: 'link to a team server', many: 'links to team servers', reason: "this workstation's own" },
];

/** Tables whose rows, already in a target no earlier run of this copy filled, mean it is someone else's database. */
const OWNED_TABLES = ['instances', 'changes', 'errors', 'journal', 'sync_log', 'users', 'alert_rules', 'alert_messages', 'polling_state'];

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
      for (const table of OWNED_TABLES) {
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
 * Upserts a small table whole, in one transaction (the source is the truth: a re-run rewrites the same
 * rows), read in chunks of `batchSize` so a large one (polling record sets) is never all in memory.
 */
async function copyWhole(db: SqlDatabase, sql: PgConnection, table: CopiedTable, batchSize: number, onProgress: CopyOptions['onProgress']): Promise<void> {
  const total = sqliteCount(db, table.name);
  const insert = insertSql(table);
  const rows = db.prepare(`SELECT ${quoteList(table.columns.map(([name]) => name))} FROM ${table.name}`).raw().iterate() as IterableIterator<unknown[]>;
  let copied = 0;
  await sql.begin(async (tx) => {
    let chunk: unknown[][] = [];
    const send = async () => {
      await tx.unsafe(insert, columnArrays(table, chunk) as never[]);
      copied += chunk.length;
      chunk = [];
    };
    // Only PostgreSQL is awaited while the SQLite statement iterates (the connection runs nothing else meanwhile).
    for (const row of rows) {
      chunk.push(row);
      if (chunk.length === batchSize) await send();
    }
    if (chunk.length > 0) await send();
  });
  onProgress?.({ table: table.name, copied, total });
}

/**
 * Copies a table keyed by an integer id in id order, one batch per transaction, continuing after the
 * highest id already copied; then moves its identity sequence past the copied ids, so rows PostgreSQL
 * writes later never take an id the copy brought.
 */
async function copyBatched(
  db: SqlDatabase,
  sql: PgConnection,
  table: CopiedTable,
  batchSize: number,
  stopIfAsked: () => void,
  onProgress: CopyOptions['onProgress'],
): Promise<void> {
  const total = sqliteCount(db, table.name);
  const insert = insertSql(table);
  const [{ last }] = (await sql.unsafe(`SELECT coalesce(max(id), 0) AS last FROM ${table.name}`)) as unknown as { last: number }[];
  let after = last;
  let copied = await postgresCount(sql, table.name);
  onProgress?.({ table: table.name, copied, total });
  const read = db.prepare(`SELECT ${quoteList(table.columns.map(([name]) => name))} FROM ${table.name} WHERE id > ? ORDER BY id LIMIT ?`).raw();
  for (;;) {
    stopIfAsked();
    const rows = read.all(after, batchSize) as unknown[][];
    if (rows.length === 0) break;
    await sql.begin(async (tx) => {
      const result = await tx.unsafe(insert, columnArrays(table, rows) as never[]);
      copied += result.count;
    });
    after = Number(rows[rows.length - 1][0]);
    onProgress?.({ table: table.name, copied, total });
  }
  await sql.unsafe(`SELECT setval(pg_get_serial_sequence('${table.name}', 'id'), coalesce((SELECT max(id) FROM ${table.name}), 0) + 1, false)`);
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
    if (table.batched) await copyBatched(db, sql, table, batchSize, stopIfAsked, options.onProgress);
    else await copyWhole(db, sql, table, batchSize, options.onProgress);
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
