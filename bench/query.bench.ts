/**
 * (d) Queries on a mirror of 1,000,000 rows (quick: 200,000) in a real SQLite file: timeline pages,
 * facet counts and histograms, p50 and p95 over 50 runs each with varied parameters. Targets: p95 under
 * 30 ms for pages, under 150 ms for facets and histograms.
 */
import { join } from 'node:path';
import type { ChangeEvent, ChangeFilter } from '../src-main/common/model';
import { countChanges, facetCounts, histogram } from '../src-main/store/queries/aggregates';
import { fieldFacet } from '../src-main/store/queries/field-facet';
import { timelinePage } from '../src-main/store/queries/change-queries';
import { normalizeFilter } from '../src-main/store/queries/filter';
import { createMirrorDatabase, randomGenerator, REALISTIC, seedRealistic } from '../test/unit/queries/fixtures';
import { round } from './stats';
import type { BenchSuite, BenchTable } from './types';

const RUNS = 50;
const WARMUP = 3;
const PAGE_SIZE = 100;
const DAYS = 30;
/** 2026-11-30T00:00:00Z: the seeded month ends here. */
const END = Date.UTC(2026, 10, 30) / 1000;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';

interface Measured {
  name: string;
  kind: 'page' | 'aggregate' | 'info';
  p50: number;
  p95: number;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

function measure(name: string, kind: Measured['kind'], query: (run: number) => unknown): Measured {
  for (let run = 0; run < WARMUP; run++) query(run);
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    query(run);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { name, kind, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

export const run: BenchSuite = async (context) => {
  const rows = context.quick ? 200_000 : 1_000_000;
  const path = join(context.scratchDir, 'query-bench.sqlite');
  const seedStarted = performance.now();
  const seeding = createMirrorDatabase(path);
  seedRealistic(seeding, { rows, end: END, days: DAYS, removedFraction: 0.02, seed: 2026, values: true });
  seeding.close();
  context.log(`seeded ${rows.toLocaleString('en-US')} rows in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  // A fresh connection, as the app's read side would have.
  const db = createMirrorDatabase(path);
  const random = randomGenerator(99);
  const pickOne = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  const pickSome = <T>(values: readonly T[], count: number) => [...values].sort(() => random() - 0.5).slice(0, count);
  const instances = REALISTIC.instances.map(([id]) => id);
  const models = REALISTIC.models.map(([model]) => model);
  const events: ChangeEvent[] = ['create', 'write', 'unlink'];
  const start = END - DAYS * 86400;
  // A time that is not on an hour boundary, so aggregates need their partial-hour edges.
  const randomTime = (from: number, to: number) => from + Math.floor(random() * (to - from));
  const page = (filter: ChangeFilter, cursor?: { timestamp: string; key: string }) => timelinePage(db, { filter, limit: PAGE_SIZE, cursor });
  const middleKeys = db.prepare('SELECT id, ts FROM changes WHERE ts BETWEEN ? AND ? ORDER BY id LIMIT 200')
    .all(start + 14 * 86400, start + 16 * 86400) as { id: number; ts: number }[];

  const results: Measured[] = [
    measure('first page, no filter', 'page', () => page({})),
    measure('first page, 2 filters (instance, model)', 'page', () => page({ instanceIds: [pickOne(instances)], models: [pickOne(models)] })),
    measure('first page, 4 filters (2 instances, 2 models, 2 events, 7-day range)', 'page', () => {
      const from = randomTime(start, END - 7 * 86400);
      return page({ instanceIds: pickSome(instances, 2), models: pickSome(models, 2), events: pickSome(events, 2), from: iso(from), to: iso(from + 7 * 86400) });
    }),
    measure('page in the middle via cursor, no filter', 'page', () => {
      const key = pickOne(middleKeys);
      return page({}, { timestamp: iso(key.ts), key: String(key.id) });
    }),
    measure('page in the middle via cursor, 2 filters (model, event)', 'page', () => {
      const key = pickOne(middleKeys);
      return page({ models: [pickOne(models)], events: [pickOne(events)] }, { timestamp: iso(key.ts), key: String(key.id) });
    }),
    measure('facet counts, no filter', 'aggregate', () => facetCounts(db, normalizeFilter({}))),
    measure('facet counts, instance + 2 models + unaligned 3-day range', 'aggregate', () => {
      const from = randomTime(start, END - 3 * 86400);
      return facetCounts(db, normalizeFilter({ instanceIds: [pickOne(instances)], models: pickSome(models, 2), from: iso(from), to: iso(from + 3 * 86400 + 1234) }));
    }),
    measure('facet counts, removed only, unaligned 10-day range', 'aggregate', () => {
      const from = randomTime(start, END - 10 * 86400);
      return facetCounts(db, normalizeFilter({ presence: 'removed', from: iso(from), to: iso(from + 10 * 86400 - 77) }));
    }),
    measure('histogram, full range (6 h buckets)', 'aggregate', () => histogram(db, normalizeFilter(random() < 0.5 ? {} : { instanceIds: [pickOne(instances)] }))),
    measure('histogram, unaligned 24 h range (15 min buckets)', 'aggregate', () => {
      const from = randomTime(start, END - 86400);
      return histogram(db, normalizeFilter({ from: iso(from), to: iso(from + 86400) }));
    }),
    measure('first page, field changed (model + field)', 'page', () => page({ models: [pickOne(models)], changedField: pickOne(['state', 'partner_id', 'list_price', 'email']) })),
    measure('first page, value contains (model + field + value)', 'page', () =>
      page({ models: [pickOne(models)], ...pickOne([{ changedField: 'state', value: { text: pickOne(['Cancelled', 'Sales Order', 'Quotation']) } }, { changedField: 'partner_id', value: { text: pickOne(['Azure', 'Deco', 'شركة']) } }]) })),
    measure('first page, value contains, any field, 7-day range', 'page', () => {
      const from = randomTime(start, END - 7 * 86400);
      return page({ value: { text: pickOne(['Azure Interior', 'Cancelled', 'شركة']) }, from: iso(from), to: iso(from + 7 * 86400) });
    }),
    measure('field facet (one model, newest 2,000 rows)', 'aggregate', () => fieldFacet(db, normalizeFilter({ models: [pickOne(models)], events: ['write'] }))),
    measure('(info) count, model + field + value equals (base-table scan of the model)', 'info', () =>
      countChanges(db, normalizeFilter({ models: [pickOne(models)], changedField: 'state', value: { text: pickOne(['Cancelled', 'Locked']), match: 'equals', side: 'new' } }))),
    measure('(info) facet counts with free text (base-table scan)', 'info', () => facetCounts(db, normalizeFilter({ text: pickOne(['partner', 'state', 'سارة', 'Admin']) }))),
    measure('(info) first page, a value no row has (the model is scanned to its end)', 'info', () =>
      page({ models: [pickOne(models)], changedField: 'partner_id', value: { text: 'Cancelled' } })),
    measure('(info) count, value contains, any field, whole mirror', 'info', () => countChanges(db, normalizeFilter({ value: { text: pickOne(['Azure', 'Cancelled']) } }))),
  ];
  db.close();

  const target = (kind: Measured['kind']) => (kind === 'page' ? 30 : kind === 'aggregate' ? 150 : undefined);
  const table: BenchTable = {
    title: `(d) Queries on ${rows.toLocaleString('en-US')} mirrored rows`,
    columns: ['query', 'p50 ms', 'p95 ms', 'target', 'met'],
    rows: results.map((result) => {
      const limit = target(result.kind);
      return [result.name, round(result.p50, 2), round(result.p95, 2), limit === undefined ? '—' : `p95 < ${limit} ms`,
        limit === undefined ? '—' : result.p95 < limit ? 'yes' : 'NO'];
    }),
    targets: [
      { name: 'pages p95 < 30 ms (worst)', value: round(Math.max(...results.filter((r) => r.kind === 'page').map((r) => r.p95)), 2), met: results.every((r) => r.kind !== 'page' || r.p95 < 30) },
      { name: 'facets and histograms p95 < 150 ms (worst)', value: round(Math.max(...results.filter((r) => r.kind === 'aggregate').map((r) => r.p95)), 2), met: results.every((r) => r.kind !== 'aggregate' || r.p95 < 150) },
    ],
    notes: [
      `${RUNS} runs per query after ${WARMUP} warm-up runs, parameters varied per run; 3 instances, 10 models, 3 events over ${DAYS} days, 2% removed; pages of ${PAGE_SIZE} rows.`,
      'Facets and histograms with only instance/model/event/time/presence filters read change_hours (whole hours) plus the base table for partial edge hours; free-text filters scan the base table (informational row, no target).',
      'Writes carry old → new values (field_values JSON) of their changed fields; value filters test the raw JSON text first and parse it with json_each/json_tree only on rows that can match.',
    ],
  };
  return [table];
};

