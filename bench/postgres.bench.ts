/**
 * The team mirror on PostgreSQL against the workstation's SQLite, on one machine in one run:
 * (p1) ingest of 1,000,000 change rows (quick: 100,000) through each store's real writer, pages of
 *      5,000 rows as the sync engine commits them, and the PostgreSQL ways of sending a batch
 *      (unnest arrays, multi-row VALUES, COPY into a staging table) on a smaller count;
 * (p2) the workbench's queries (timeline pages, facets, histograms) at OCM_BENCH_POSTGRES_ROWS rows on
 *      PostgreSQL (default 1,000,000, quick 200,000; the 10,000,000-row measure of docs/benchmarks.md
 *      is `OCM_BENCH_POSTGRES_ROWS=10000000`, generated server-side with generate_series) and
 *      OCM_BENCH_SQLITE_ROWS rows on SQLite (default the same as PostgreSQL up to 1,000,000);
 * (p3) query building, our thin dialect against Kysely (bench/postgres-kysely.ts).
 *
 * The server is a throwaway cluster (test/support/postgres.ts) with fsync on and synchronous_commit off
 * (SQLite's WAL with synchronous=NORMAL is the same promise: consistent after a crash, the last commits
 * may be lost), shared_buffers 1 GB; or OCM_TEST_DATABASE_URL.
 */
import { join } from 'node:path';
import type { ChangeEvent, ChangeFilter } from '../src-main/common/model';
import type { IChangeService } from '../src-main/common/services';
import { openDatabase } from '../src-main/store/open';
import { ChangeService } from '../src-main/store/queries/change-service';
import { MirrorRepository, type MirrorChange } from '../src-main/store/repositories/mirror';
import { PgChangeService } from '../src-main/store/postgres/change-service';
import { closePostgres, openPostgres, type PgConnection } from '../src-main/store/postgres/connection';
import { migratePostgres } from '../src-main/store/postgres/migrate';
import { PgMirrorRepository } from '../src-main/store/postgres/mirror-repository';
import { PG_MIGRATIONS } from '../src-main/store/postgres/schema';
import { createMirrorDatabase, pick, randomGenerator, REALISTIC, seedRealistic } from '../test/unit/queries/fixtures';
import { startTestPostgres, type TestPostgres } from '../test/support/postgres';
import { compareBuilders } from './postgres-kysely';
import { round } from './stats';
import type { BenchContext, BenchSuite, BenchTable } from './types';

const DAYS = 30;
const END = Date.UTC(2026, 10, 30) / 1000;
const START = END - DAYS * 86400;
const INSTANCES = ['inst-prod', 'inst-staging', 'inst-demo'];
const PAGE = 5000;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';
const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));

/** The same pages of realistic rows for every store: one instance per page, server ids rising, time rising. */
function* pagesOfRows(total: number, pageSize: number, seed = 2026): Generator<{ instanceId: string; rows: MirrorChange[]; cursor: number }> {
  const random = randomGenerator(seed);
  const serverIds = new Map<string, number>();
  for (let done = 0, page = 0; done < total; page++) {
    const instanceId = INSTANCES[page % INSTANCES.length];
    const rows: MirrorChange[] = [];
    let serverId = serverIds.get(instanceId) ?? 0;
    for (let index = 0; index < Math.min(pageSize, total - done); index++) {
      const event = pick(random, REALISTIC.events);
      const fields = event === 'write' ? [...new Set([0, 1].map(() => REALISTIC.fields[Math.floor(random() * REALISTIC.fields.length)]))] : [];
      rows.push({
        serverId: ++serverId,
        model: pick(random, REALISTIC.models),
        recordId: 1 + Math.floor(random() * 20000),
        event,
        ts: START + Math.floor(((done + index) / total) * DAYS * 86400),
        userName: REALISTIC.users[Math.floor(random() * REALISTIC.users.length)],
        changedFields: fields.length ? fields.join(',') : null,
        changeCount: event === 'write' ? 1 + Math.floor(random() * 3) : null,
        values: fields.map((field) => ({ field, label: field, type: 'char', old: `old ${field} ${Math.floor(random() * 1000)}`, new: `new ${field} ${Math.floor(random() * 1000)}` })),
      });
    }
    serverIds.set(instanceId, serverId);
    done += rows.length;
    yield { instanceId, rows, cursor: serverId };
  }
}

/** Rows per second of `write` over every page (time in the writer only, not in making the rows). */
async function ingestRate(total: number, pageSize: number, write: (instanceId: string, rows: MirrorChange[], cursor: number) => unknown): Promise<number> {
  let spent = 0;
  for (const page of pagesOfRows(total, pageSize)) {
    const started = performance.now();
    await write(page.instanceId, page.rows, page.cursor);
    spent += performance.now() - started;
  }
  return rate(total, spent);
}

/** Sends a batch as multi-row VALUES (one parameter per value) through the writer's CTE. */
async function insertWithValues(sql: PgConnection, instanceId: string, rows: MirrorChange[]): Promise<void> {
  const params: unknown[] = [instanceId];
  const tuples = rows.map((row) => {
    const values = [row.serverId, row.model, row.recordId, row.event, row.ts, row.userName ?? null, row.changedFields ?? null, row.changeCount ?? null,
      row.values?.length ? JSON.stringify(row.values) : null];
    const marks = values.map((value) => {
      params.push(value);
      return `$${params.length}`;
    });
    return `(${marks[0]}::bigint, ${marks[1]}::text, ${marks[2]}::bigint, ${marks[3]}::text, ${marks[4]}::bigint, ${marks[5]}::text, ${marks[6]}::text, ${marks[7]}::integer, ${marks[8]}::text)`;
  });
  await sql.begin((tx) => tx.unsafe(`WITH input (server_id, model, record_id, event, ts, user_name, changed_fields, change_count, field_values) AS (VALUES ${tuples.join(', ')}),
    inserted AS (INSERT INTO changes (instance_id, server_id, model, record_id, event, ts, first_seen_at, user_name, changed_fields, change_count, field_values)
      SELECT $1, server_id, model, record_id, event, ts, ts, user_name, changed_fields, change_count, field_values::jsonb FROM input
      ON CONFLICT (instance_id, epoch, server_id, revision) DO NOTHING RETURNING model, event, ts)
    , hours AS (INSERT INTO change_hours (instance_id, model, event, hour, present) SELECT $1, model, event, ts / 3600, count(*) FROM inserted GROUP BY 2, 3, 4
    ON CONFLICT (instance_id, model, event, hour) DO UPDATE SET present = change_hours.present + excluded.present RETURNING 1)
    INSERT INTO change_five_minutes (instance_id, model, event, slot, present) SELECT $1, model, event, ts / 300, count(*) FROM inserted GROUP BY 2, 3, 4
    ON CONFLICT (instance_id, model, event, slot) DO UPDATE SET present = change_five_minutes.present + excluded.present`, params as never[]));
}

/** COPY text format: tabs between columns, `\N` for null, backslash escapes. */
function copyText(rows: MirrorChange[]): string {
  const cell = (value: string | number | null | undefined) =>
    value === null || value === undefined ? '\\N' : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return rows.map((row) => [row.serverId, row.model, row.recordId, row.event, row.ts, row.userName, row.changedFields, row.changeCount,
    row.values?.length ? JSON.stringify(row.values) : null].map(cell).join('\t')).join('\n') + '\n';
}

/** Sends a batch with COPY into a staging table, then the same idempotent INSERT … SELECT. */
async function insertWithCopy(sql: PgConnection, instanceId: string, rows: MirrorChange[]): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe('CREATE TEMP TABLE IF NOT EXISTS staging (server_id bigint, model text, record_id bigint, event text, ts bigint, user_name text, changed_fields text, change_count integer, field_values text) ON COMMIT DELETE ROWS');
    const stream = await tx.unsafe('COPY staging FROM STDIN').writable();
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.end(copyText(rows), () => resolve());
    });
    await tx.unsafe(`WITH inserted AS (INSERT INTO changes (instance_id, server_id, model, record_id, event, ts, first_seen_at, user_name, changed_fields, change_count, field_values)
      SELECT $1, server_id, model, record_id, event, ts, ts, user_name, changed_fields, change_count, field_values::jsonb FROM staging
      ON CONFLICT (instance_id, epoch, server_id, revision) DO NOTHING RETURNING model, event, ts)
      , hours AS (INSERT INTO change_hours (instance_id, model, event, hour, present) SELECT $1, model, event, ts / 3600, count(*) FROM inserted GROUP BY 2, 3, 4
      ON CONFLICT (instance_id, model, event, hour) DO UPDATE SET present = change_hours.present + excluded.present RETURNING 1)
      INSERT INTO change_five_minutes (instance_id, model, event, slot, present) SELECT $1, model, event, ts / 300, count(*) FROM inserted GROUP BY 2, 3, 4
      ON CONFLICT (instance_id, model, event, slot) DO UPDATE SET present = change_five_minutes.present + excluded.present`, [instanceId]);
  });
}

async function freshDatabase(server: TestPostgres, name: string): Promise<PgConnection> {
  const sql = await openPostgres(await server.createDatabase(name), { max: 2 });
  await migratePostgres(sql);
  return sql;
}

async function ingest(context: BenchContext, server: TestPostgres): Promise<BenchTable> {
  const total = context.quick ? 100_000 : 1_000_000;
  const variantRows = context.quick ? 30_000 : 200_000;
  const sqliteDb = openDatabase(join(context.scratchDir, 'ingest.sqlite'));
  const mirror = new MirrorRepository(sqliteDb);
  const sqlite = await ingestRate(total, PAGE, (instanceId, rows, cursor) => mirror.insertChanges(instanceId, 0, rows, { changeCursor: cursor }, END));
  sqliteDb.close();
  context.log(`SQLite: ${sqlite} rows/s`);
  const rows: (string | number)[][] = [[`SQLite, MirrorRepository (${PAGE.toLocaleString('en-US')}-row transactions)`, total, sqlite]];
  const headline = await freshDatabase(server, 'ingest_headline');
  const writer = new PgMirrorRepository(headline);
  const postgres = await ingestRate(total, PAGE, (instanceId, batch, cursor) => writer.insertChanges(instanceId, 0, batch, { changeCursor: cursor }, END));
  const [{ n }] = (await headline.unsafe('SELECT count(*) AS n FROM changes')) as unknown as { n: number }[];
  await closePostgres(headline);
  context.log(`PostgreSQL: ${postgres} rows/s (${n} rows)`);
  rows.push([`PostgreSQL, PgMirrorRepository (${PAGE.toLocaleString('en-US')}-row transactions of 1,000-row unnest statements)`, total, postgres]);
  const variants: [string, number, (sql: PgConnection) => (instanceId: string, rows: MirrorChange[]) => Promise<unknown>][] = [
    ['PostgreSQL, unnest arrays, 5,000-row statements', 5000, (sql) => { const w = new PgMirrorRepository(sql, { statementRows: 5000 }); return (id, batch) => w.insertChanges(id, 0, batch, {}, END); }],
    ['PostgreSQL, unnest arrays, 1,000-row statements', 1000, (sql) => { const w = new PgMirrorRepository(sql, { statementRows: 1000 }); return (id, batch) => w.insertChanges(id, 0, batch, {}, END); }],
    ['PostgreSQL, multi-row VALUES, 1,000-row statements', 1000, (sql) => (id, batch) => insertWithValues(sql, id, batch)],
    ['PostgreSQL, COPY to staging + INSERT … SELECT, 5,000 rows', 5000, (sql) => (id, batch) => insertWithCopy(sql, id, batch)],
  ];
  for (const [index, [name, pageSize, make]] of variants.entries()) {
    const sql = await freshDatabase(server, `ingest_variant_${index}`);
    rows.push([name, variantRows, await ingestRate(variantRows, pageSize, make(sql))]);
    await closePostgres(sql);
    context.log(`${name}: done`);
  }
  return {
    title: `(p1) Ingest: ${total.toLocaleString('en-US')} change rows into SQLite and PostgreSQL`,
    columns: ['writer', 'rows', 'rows/s'],
    rows,
    targets: [{ name: 'PostgreSQL / SQLite rows/s', value: round(postgres / sqlite, 2), met: true }],
    notes: [
      'Realistic rows (3 instances, 10 models, 70% writes with old → new values as JSON), each batch one transaction that also keeps the hourly aggregates and the sync cursor, as the sync engine commits a page.',
      'Every PostgreSQL way is idempotent (ON CONFLICT DO NOTHING on the server-row key) and counts only rows really inserted into change_hours. Time is spent in the writer only, rows are made outside the clock.',
      'Server: a throwaway PostgreSQL cluster on the same machine over loopback TCP, fsync on, synchronous_commit off, shared_buffers 1 GB. SQLite: WAL, synchronous=NORMAL, on the same disk.',
    ],
  };
}

/** SQL CASE picking a value by cumulative weight from `random`'s column. */
function weightedCase(column: string, weighted: readonly [string, number][]): string {
  let cumulative = 0;
  const arms = weighted.slice(0, -1).map(([value, weight]) => `WHEN ${column} < ${(cumulative += weight).toFixed(4)} THEN '${value}'`);
  return `CASE ${arms.join(' ')} ELSE '${weighted[weighted.length - 1][0]}' END`;
}

/** Fills the database with `rows` realistic rows server-side (generate_series), then builds indexes and aggregates. */
export async function generateRows(sql: PgConnection, rows: number, log: (message: string) => void): Promise<void> {
  const indexes = PG_MIGRATIONS[0].sql.split(';').map((statement) => statement.trim()).filter((statement) => /^CREATE (UNIQUE )?INDEX changes_/.test(statement));
  for (const statement of indexes) await sql.unsafe(`DROP INDEX ${/INDEX (\w+)/.exec(statement)![1]}`);
  const users = `(ARRAY[${REALISTIC.users.map((user) => `'${user}'`).join(', ')}])[1 + floor(r4 * ${REALISTIC.users.length})::int]`;
  const fields = `(ARRAY[${REALISTIC.fields.map((field) => `'${field}'`).join(', ')}])`;
  const chunk = 1_000_000;
  await sql.unsafe('SELECT setseed(0.2026)');
  for (let first = 1; first <= rows; first += chunk) {
    const last = Math.min(rows, first + chunk - 1);
    const started = performance.now();
    await sql.unsafe(`INSERT INTO changes (id, instance_id, server_id, model, record_id, event, ts, first_seen_at, removed_at, removed_by, user_name, changed_fields, change_count, field_values)
      SELECT g, instance_id, g, model, record_id, event, ts, ts + 5, CASE WHEN removed THEN least(ts + 3600, ${END}) END, CASE WHEN removed THEN 'server' END, ${users},
        CASE WHEN event = 'write' THEN f1 || CASE WHEN f2 <> f1 THEN ',' || f2 ELSE '' END END,
        CASE WHEN event = 'write' THEN 1 + floor(r5 * 3)::int END,
        CASE WHEN event = 'write' THEN jsonb_build_array(jsonb_build_object('field', f1, 'label', initcap(f1), 'type', 'char', 'old', 'old ' || f1 || ' ' || floor(r5 * 1000), 'new', 'new ' || f1 || ' ' || floor(r4 * 1000))) END
      FROM (
        SELECT g, ${START}::bigint + (g::bigint * ${DAYS * 86400} / ${rows}) AS ts, ${weightedCase('r1', REALISTIC.instances)} AS instance_id,
          ${weightedCase('r2', REALISTIC.models)} AS model, ${weightedCase('r3', REALISTIC.events)} AS event, 1 + floor(r5 * 20000)::bigint AS record_id,
          r6 < 0.02 AS removed, r4, r5, ${fields}[1 + floor(r5 * ${REALISTIC.fields.length})::int] AS f1, ${fields}[1 + floor(r6 * ${REALISTIC.fields.length})::int] AS f2
        FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6 FROM generate_series(${first}, ${last}) AS g) AS r
      ) AS s`);
    log(`generated rows ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  let started = performance.now();
  for (const statement of indexes) await sql.unsafe(statement);
  log(`built ${indexes.length} indexes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  await sql.unsafe(`INSERT INTO change_hours (instance_id, model, event, hour, present, removed)
    SELECT instance_id, model, event, ts / 3600, count(*) FILTER (WHERE removed_at IS NULL), count(*) FILTER (WHERE removed_at IS NOT NULL) FROM changes GROUP BY 1, 2, 3, 4`);
  await sql.unsafe(`INSERT INTO change_five_minutes (instance_id, model, event, slot, present, removed)
    SELECT instance_id, model, event, ts / 300, count(*) FILTER (WHERE removed_at IS NULL), count(*) FILTER (WHERE removed_at IS NOT NULL) FROM changes GROUP BY 1, 2, 3, 4`);
  await sql.unsafe(`SELECT setval(pg_get_serial_sequence('changes', 'id'), ${rows})`);
  await sql.unsafe('VACUUM ANALYZE changes');
  await sql.unsafe('VACUUM ANALYZE change_hours');
  await sql.unsafe('VACUUM ANALYZE change_five_minutes');
  log(`aggregates, VACUUM ANALYZE in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

interface Measured {
  name: string;
  /** 'info': a base-table scan that no aggregate can answer (as bench/query.bench.ts's info rows): no target. */
  kind: 'page' | 'aggregate' | 'info';
  p50: number;
  p95: number;
}

const RUNS = 50;
const WARMUP = 3;

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

async function measure(name: string, kind: Measured['kind'], query: () => Promise<unknown>): Promise<Measured> {
  for (let run = 0; run < WARMUP; run++) await query();
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await query();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { name, kind, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

/** The workbench's queries (as bench/query.bench.ts) on one service; `middle` gives keys to page from. */
async function workbenchQueries(service: IChangeService, middle: { id: number; ts: number }[]): Promise<Measured[]> {
  const random = randomGenerator(99);
  const pickOne = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  const pickSome = <T>(values: readonly T[], count: number) => [...values].sort(() => random() - 0.5).slice(0, count);
  const models = REALISTIC.models.map(([model]) => model);
  const events: ChangeEvent[] = ['create', 'write', 'unlink'];
  const randomTime = (from: number, to: number) => from + Math.floor(random() * (to - from));
  const page = (filter: ChangeFilter, cursor?: { timestamp: string; key: string }) => service.timeline({ filter, limit: 100, cursor });
  const cursorOf = () => {
    const key = pickOne(middle);
    return { timestamp: iso(key.ts), key: String(key.id) };
  };
  return [
    await measure('first page, no filter', 'page', () => page({})),
    await measure('first page, instance + model', 'page', () => page({ instanceIds: [pickOne(INSTANCES)], models: [pickOne(models)] })),
    await measure('first page, 2 instances, 2 models, 2 events, 7-day range', 'page', () => {
      const from = randomTime(START, END - 7 * 86400);
      return page({ instanceIds: pickSome(INSTANCES, 2), models: pickSome(models, 2), events: pickSome(events, 2), from: iso(from), to: iso(from + 7 * 86400) });
    }),
    await measure('page in the middle via cursor, no filter', 'page', () => page({}, cursorOf())),
    await measure('page in the middle via cursor, model + event', 'page', () => page({ models: [pickOne(models)], events: [pickOne(events)] }, cursorOf())),
    await measure('first page, present rows only', 'page', () => page({ presence: 'present' })),
    await measure('first page, changed field (model + field)', 'page', () => page({ models: [pickOne(models)], changedField: pickOne(['state', 'partner_id', 'email']) })),
    await measure('facets, no filter', 'aggregate', () => service.facets({})),
    await measure('facets, instance + 2 models + unaligned 3-day range', 'aggregate', () => {
      const from = randomTime(START, END - 3 * 86400);
      return service.facets({ instanceIds: [pickOne(INSTANCES)], models: pickSome(models, 2), from: iso(from), to: iso(from + 3 * 86400 + 1234) });
    }),
    await measure('facets, removed only, unaligned 10-day range', 'aggregate', () => {
      const from = randomTime(START, END - 10 * 86400);
      return service.facets({ presence: 'removed', from: iso(from), to: iso(from + 10 * 86400 - 77) });
    }),
    await measure('histogram, full range', 'aggregate', () => service.histogram(random() < 0.5 ? {} : { instanceIds: [pickOne(INSTANCES)] })),
    await measure('histogram, unaligned 24 h range (15 min buckets)', 'aggregate', () => {
      const from = randomTime(START, END - 86400);
      return service.histogram({ from: iso(from), to: iso(from + 86400) });
    }),
    await measure('(info) histogram, a user over an unaligned 24 h range (base-table scan)', 'info', () => {
      const from = randomTime(START, END - 86400);
      return service.histogram({ users: [pickOne(REALISTIC.users)], from: iso(from), to: iso(from + 86400 + 61) });
    }),
  ];
}

function environmentNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1000) throw new Error(`${name} must be a whole number of at least 1000.`);
  return value;
}

async function queries(context: BenchContext, server: TestPostgres): Promise<BenchTable[]> {
  const pgRows = environmentNumber('OCM_BENCH_POSTGRES_ROWS', context.quick ? 200_000 : 1_000_000);
  const sqliteRows = environmentNumber('OCM_BENCH_SQLITE_ROWS', Math.min(pgRows, 1_000_000));
  const sql = await freshDatabase(server, 'queries');
  const started = performance.now();
  await generateRows(sql, pgRows, context.log);
  const generated = (performance.now() - started) / 1000;
  const [{ size }] = (await sql.unsafe(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)) as unknown as { size: string }[];
  const pgMiddle = (await sql.unsafe('SELECT id, ts FROM changes WHERE ts BETWEEN $1 AND $2 ORDER BY id LIMIT 200', [START + 14 * 86400, START + 16 * 86400])) as unknown as { id: number; ts: number }[];
  const noEvents = () => ({ dispose() {} });
  const postgres = await workbenchQueries(new PgChangeService(sql, noEvents), pgMiddle);
  const builders = await compareBuilders(sql, START, END, context.quick);
  await closePostgres(sql);

  const path = join(context.scratchDir, 'queries.sqlite');
  const seeding = createMirrorDatabase(path);
  seedRealistic(seeding, { rows: sqliteRows, end: END, days: DAYS, removedFraction: 0.02, seed: 2026, values: true });
  seeding.close();
  const db = createMirrorDatabase(path);
  const sqliteMiddle = db.prepare('SELECT id, ts FROM changes WHERE ts BETWEEN ? AND ? ORDER BY id LIMIT 200').all(START + 14 * 86400, START + 16 * 86400) as { id: number; ts: number }[];
  const sqlite = await workbenchQueries(new ChangeService(db as never, noEvents), sqliteMiddle);
  db.close();

  const limit = (kind: Measured['kind']) => (kind === 'page' ? 30 : kind === 'aggregate' ? 150 : undefined);
  const worst = (results: Measured[], kind: Measured['kind']) => round(Math.max(...results.filter((result) => result.kind === kind).map((result) => result.p95)), 2);
  const table: BenchTable = {
    title: `(p2) Workbench queries: PostgreSQL at ${pgRows.toLocaleString('en-US')} rows, SQLite at ${sqliteRows.toLocaleString('en-US')} rows`,
    columns: ['query', 'PostgreSQL p50 ms', 'PostgreSQL p95 ms', 'SQLite p50 ms', 'SQLite p95 ms', 'target (p95)'],
    rows: postgres.map((result, index) => {
      const target = limit(result.kind);
      return [result.name, round(result.p50, 2), round(result.p95, 2), round(sqlite[index].p50, 2), round(sqlite[index].p95, 2), target === undefined ? '—' : `< ${target} ms`];
    }),
    targets: [
      { name: `PostgreSQL pages p95 < 30 ms at ${pgRows.toLocaleString('en-US')} rows (worst)`, value: worst(postgres, 'page'), met: worst(postgres, 'page') < 30 },
      { name: `PostgreSQL facets and histograms p95 < 150 ms at ${pgRows.toLocaleString('en-US')} rows (worst)`, value: worst(postgres, 'aggregate'), met: worst(postgres, 'aggregate') < 150 },
    ],
    notes: [
      `${RUNS} runs per query after ${WARMUP} warm-up runs, parameters varied per run, through each store's IChangeService (PostgreSQL over loopback TCP). Pages of 100 rows.`,
      `PostgreSQL's rows were generated server-side with generate_series in ${generated.toFixed(0)} s (load without indexes, then indexes, hourly aggregates, VACUUM ANALYZE); database size ${size}. SQLite's were seeded by test/unit/queries/fixtures.ts (same distributions).`,
    ],
  };
  return [table, builders];
}

export const run: BenchSuite = async (context) => {
  const server = await startTestPostgres({ durable: true, settings: { shared_buffers: '1GB', work_mem: '64MB', maintenance_work_mem: '512MB', effective_cache_size: '8GB', max_wal_size: '8GB' } });
  try {
    const tables = [await ingest(context, server)];
    tables.push(...(await queries(context, server)));
    return tables;
  } finally {
    await server.stop();
  }
};
