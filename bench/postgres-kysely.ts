/**
 * The measurement behind the store's "thin dialect, not Kysely" decision: the same two queries (a
 * filtered keyset page, and the facet counts with FILTER and GROUPING SETS) built by our own builder
 * (store/postgres/filter.ts) and by Kysely 0.29 (compile only: DummyDriver, Postgres compiler), then
 * both run on the same PostgreSQL.
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { ChangeFilter } from '../src-main/common/model';
import { normalizeFilter } from '../src-main/store/queries/filter';
import { pgOrderedRowsSql, PG_CHANGE_RECORD_COLUMNS } from '../src-main/store/postgres/change-queries';
import type { PgConnection } from '../src-main/store/postgres/connection';
import { numbered, pgFilterConditions, pgWhere } from '../src-main/store/postgres/filter';
import { round } from './stats';
import type { BenchTable } from './types';

interface ChangesTable {
  id: number;
  instance_id: string;
  model: string;
  event: string;
  record_id: number;
  ts: number;
  removed_at: number | null;
  user_name: string | null;
  changed_fields: string | null;
  field_values: unknown;
}
interface Database {
  changes: ChangesTable;
}

const kysely = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The page's filter: 2 instances, 2 models, 2 events, 2 users, a range, after a cursor. */
const PAGE_FILTER: ChangeFilter = { instanceIds: ['inst-prod', 'inst-demo'], models: ['res.partner', 'sale.order'], events: ['write', 'create'], users: ['Marc Demo', 'OdooBot'] };

function kyselyPage(filter: ChangeFilter, from: number, to: number, after: { ts: number; id: number }) {
  return kysely
    .selectFrom('changes')
    .select(PG_CHANGE_RECORD_COLUMNS.split(', ').map((column) => { const [expression, alias] = column.split(' AS '); return sql.raw(expression).as((alias ?? expression).trim()); }) as never)
    .where('instance_id', '=', (eb) => eb.fn<string>('any', [sql.val(filter.instanceIds)]))
    .where('model', '=', (eb) => eb.fn<string>('any', [sql.val(filter.models)]))
    .where('event', '=', (eb) => eb.fn<string>('any', [sql.val(filter.events)]))
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .where('user_name', '=', (eb) => eb.fn<string>('any', [sql.val(filter.users)]))
    .where((eb) => eb(eb.refTuple('ts', 'id'), '<', eb.tuple(after.ts, after.id)))
    .orderBy('ts', 'desc')
    .orderBy('id', 'desc')
    .limit(101)
    .compile();
}

function kyselyFacets(filter: ChangeFilter, from: number, to: number) {
  const inList = (eb: ExpressionBuilder<Database, 'changes'>, column: 'instance_id' | 'model' | 'event', values: readonly string[] | undefined): Expression<SqlBool> =>
    values ? eb(column, '=', eb.fn<string>('any', [sql.val(values)])) : sql<SqlBool>`true`;
  return kysely
    .selectFrom('changes')
    .select((eb) => [
      sql<number>`grouping(instance_id, model, event)`.as('g'),
      'instance_id',
      'model',
      'event',
      eb.fn.countAll().filterWhere(eb.and([inList(eb, 'model', filter.models), inList(eb, 'event', filter.events)])).as('c0'),
      eb.fn.countAll().filterWhere(eb.and([inList(eb, 'instance_id', filter.instanceIds), inList(eb, 'event', filter.events)])).as('c1'),
      eb.fn.countAll().filterWhere(eb.and([inList(eb, 'instance_id', filter.instanceIds), inList(eb, 'model', filter.models)])).as('c2'),
    ])
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .where('user_name', '=', 'Marc Demo')
    .groupBy(sql`GROUPING SETS ((instance_id), (model), (event), ())` as never)
    .compile();
}

/** The same facet query from our builder (base-table shape, as a user filter forces). */
function thinFacets(filter: ChangeFilter, from: number, to: number) {
  const normalized = normalizeFilter({ ...filter, users: ['Marc Demo'] });  // one user, as Kysely's version
  const where = pgWhere(pgFilterConditions({ ...normalized, from, to }, { omit: ['instance_id', 'model', 'event'] }));
  const test = (column: string, values: readonly string[] | undefined) => (values ? { sql: `${column} = ANY(?::text[])`, params: [[...values]] } : { sql: 'true', params: [] });
  const pairs = [[test('model', filter.models), test('event', filter.events)], [test('instance_id', filter.instanceIds), test('event', filter.events)], [test('instance_id', filter.instanceIds), test('model', filter.models)]];
  const select = pairs.map(([a, b], index) => ({ sql: `count(*) FILTER (WHERE ${a.sql} AND ${b.sql}) AS c${index}`, params: [...a.params, ...b.params] }));
  return numbered({
    sql: `SELECT grouping(instance_id, model, event) AS g, instance_id, model, event, ${select.map((part) => part.sql).join(', ')} FROM changes${where.sql} GROUP BY GROUPING SETS ((instance_id), (model), (event), ())`,
    params: [...select.flatMap((part) => part.params), ...where.params],
  });
}

function thinPage(filter: ChangeFilter, from: number, to: number, after: { ts: number; id: number }) {
  return numbered(pgOrderedRowsSql({ ...normalizeFilter(filter), from, to }, { order: 'desc', after, limit: 101 }));
}

function buildMicroseconds(build: () => unknown, runs: number): number {
  for (let run = 0; run < 200; run++) build();
  const started = performance.now();
  for (let run = 0; run < runs; run++) build();
  return ((performance.now() - started) * 1000) / runs;
}

async function runMilliseconds(pg: PgConnection, query: () => { text: string; params: unknown[] }, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < runs + 3; run++) {
    const started = performance.now();
    const { text, params } = query();
    await pg.unsafe(text, params as never[], { prepare: true });
    if (run >= 3) samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** Build cost per query and end-to-end p50 of both builders on `pg` (rows over [start, end)). */
export async function compareBuilders(pg: PgConnection, start: number, end: number, quick: boolean): Promise<BenchTable> {
  const builds = quick ? 5_000 : 20_000;
  const runs = quick ? 20 : 50;
  const from = start + Math.floor((end - start) / 3);
  const to = from + 7 * 86400;
  const after = { ts: to - 3600, id: Number.MAX_SAFE_INTEGER };
  const kyselyPageQuery = () => {
    const compiled = kyselyPage(PAGE_FILTER, from, to, after);
    return { text: compiled.sql, params: [...compiled.parameters] };
  };
  const kyselyFacetQuery = () => {
    const compiled = kyselyFacets(PAGE_FILTER, from, to);
    return { text: compiled.sql, params: [...compiled.parameters] };
  };
  // Both builders must ask the same question.
  const [thinRows, kyselyRows] = [await pg.unsafe(thinPage(PAGE_FILTER, from, to, after).text, thinPage(PAGE_FILTER, from, to, after).params as never[]), await pg.unsafe(kyselyPageQuery().text, kyselyPageQuery().params as never[])];
  const sameRows = JSON.stringify(thinRows.map((row) => row.id)) === JSON.stringify(kyselyRows.map((row) => row.id));
  const rows: (string | number)[][] = [
    ['keyset page (4 lists, range, cursor)', round(buildMicroseconds(() => thinPage(PAGE_FILTER, from, to, after), builds), 1), round(buildMicroseconds(kyselyPageQuery, builds), 1),
      round(await runMilliseconds(pg, () => thinPage(PAGE_FILTER, from, to, after), runs), 2), round(await runMilliseconds(pg, kyselyPageQuery, runs), 2)],
    ['facets (FILTER, GROUPING SETS, user + range)', round(buildMicroseconds(() => thinFacets(PAGE_FILTER, from, to), builds), 1), round(buildMicroseconds(kyselyFacetQuery, builds), 1),
      round(await runMilliseconds(pg, () => thinFacets(PAGE_FILTER, from, to), runs), 2), round(await runMilliseconds(pg, kyselyFacetQuery, runs), 2)],
  ];
  return {
    title: '(p3) Building queries: our thin dialect vs Kysely 0.29',
    columns: ['query', 'thin: build µs', 'Kysely: build µs', 'thin: build + run p50 ms', 'Kysely: build + run p50 ms'],
    rows,
    notes: [
      `Build: mean over ${builds.toLocaleString('en-US')} builds after 200 warm-up builds; run: p50 of ${runs} runs on the table of (p2), prepared statements. Same rows returned by both pages: ${sameRows ? 'yes' : 'NO'}.`,
      "Kysely expresses none of the parts that are PostgreSQL's own without raw `sql` fragments: GROUPING SETS, grouping(), `= ANY(array)` here, and jsonb_path_query, @>, date_bin in the store's other queries.",
    ],
  };
}
