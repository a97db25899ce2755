/**
 * Export speed and memory: 1,000,000 mirrored rows (quick: 100,000) from a real SQLite file to CSV and
 * NDJSON through the ReportService (keyset batches from the store → streamed file with backpressure),
 * and 100,000 rows (quick: 20,000) to XLSX. Reports rows/s, peak RSS and peak heap during each export.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { ReportService } from '../src-main/reports/report-service';
import { storeReportData } from '../src-main/reports/store-data-source';
import { openStore, type Store } from '../src-main/store/store';
import type { ExportFormat } from '../src-main/common/model';
import type { BenchContext, BenchSuite, BenchTable } from './types';

const MODELS = ['sale.order', 'product.template', 'product.category', 'res.partner', 'account.move', 'account.journal', 'hr.expense', 'stock.picking', 'purchase.order', 'hr.employee'];
const MB = 1024 * 1024;

/** Inserts `count` rows straight into `changes` (one SQL statement) and rebuilds `change_hours` from them. */
function seed(store: Store, count: number): void {
  const start = Date.UTC(2026, 0, 1) / 1000;
  const models = MODELS.map((model) => `'${model}'`).join(', ');
  store.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count}),
    models(k, name) AS (SELECT key, value FROM json_each(json_array(${models})))
    INSERT INTO changes (instance_id, epoch, server_id, revision, model, record_id, event, ts, first_seen_at, removed_at, removed_by)
    SELECT CASE WHEN i % 3 = 0 THEN 'branch' ELSE 'main' END, 0, i, 0,
           (SELECT name FROM models WHERE k = i % 10), 1000 + i / 7,
           CASE i % 4 WHEN 0 THEN 'create' WHEN 3 THEN 'unlink' ELSE 'write' END,
           ${start} + i * 30, ${start} + i * 30 + 5,
           CASE WHEN i % 50 = 0 THEN ${start} + i * 30 + 600 END,
           CASE WHEN i % 50 = 0 THEN 'server' END
    FROM n;
    INSERT INTO change_hours (instance_id, model, event, hour, present, removed)
    SELECT instance_id, model, event, ts / 3600, SUM(removed_at IS NULL), SUM(removed_at IS NOT NULL) FROM changes GROUP BY 1, 2, 3, 4;
    INSERT INTO instances (id, name, url, db, login, secret, created_at) VALUES
      ('main', 'Main ERP', 'http://127.0.0.1:1', 'seed', 'admin', 'x', ${start}),
      ('branch', 'فرع الرياض', 'http://127.0.0.1:1', 'seed', 'admin', 'x', ${start});
  `);
}

interface Measured {
  rows: number;
  seconds: number;
  bytes: number;
  rssBeforeMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  heapBeforeMb: number;
}

/** Runs one export while sampling memory at every progress event and every 20 ms. */
async function measure(service: ReportService, format: ExportFormat, outPath: string, filter = {}): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = (): void => {
    const now = process.memoryUsage();
    if (now.rss > peakRss) peakRss = now.rss;
    if (now.heapUsed > peakHeap) peakHeap = now.heapUsed;
  };
  const timer = setInterval(sample, 20);
  const subscription = service.onDidProgress(sample);
  const started = performance.now();
  try {
    const result = await service.export({ format, filter, outPath });
    sample();
    return {
      rows: result.rows,
      seconds: (performance.now() - started) / 1000,
      bytes: statSync(outPath).size,
      rssBeforeMb: before.rss / MB,
      peakRssMb: peakRss / MB,
      heapBeforeMb: before.heapUsed / MB,
      peakHeapMb: peakHeap / MB,
    };
  } finally {
    clearInterval(timer);
    subscription.dispose();
  }
}

function row(label: string, measured: Measured): (string | number)[] {
  return [
    label,
    measured.rows,
    Number(measured.seconds.toFixed(2)),
    Math.round(measured.rows / measured.seconds),
    Number((measured.bytes / MB).toFixed(1)),
    Math.round(measured.rssBeforeMb),
    Math.round(measured.peakRssMb),
    Math.round(measured.peakHeapMb - measured.heapBeforeMb),
  ];
}

export const run: BenchSuite = async (context: BenchContext): Promise<BenchTable[]> => {
  const rows = context.quick ? 100_000 : 1_000_000;
  const xlsxRows = context.quick ? 20_000 : 100_000;
  const store = openStore(path.join(context.scratchDir, 'mirror.sqlite'));
  try {
    const seeding = performance.now();
    seed(store, rows);
    context.log(`seeded ${rows.toLocaleString('en-US')} rows in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const service = new ReportService({ data: storeReportData(store), definitions: store.reportDefinitions, downloadsDirectory: context.scratchDir });

    const results: (string | number)[][] = [];
    const csv = await measure(service, 'csv', path.join(context.scratchDir, 'all.csv'));
    context.log(`csv: ${csv.rows} rows in ${csv.seconds.toFixed(2)} s`);
    results.push(row(`CSV, ${rows.toLocaleString('en-US')} rows`, csv));
    const ndjson = await measure(service, 'ndjson', path.join(context.scratchDir, 'all.ndjson'));
    context.log(`ndjson: ${ndjson.rows} rows in ${ndjson.seconds.toFixed(2)} s`);
    results.push(row(`NDJSON, ${rows.toLocaleString('en-US')} rows`, ndjson));
    const json = await measure(service, 'json', path.join(context.scratchDir, 'all.json'));
    results.push(row(`JSON array, ${rows.toLocaleString('en-US')} rows`, json));

    // The first xlsxRows rows in time order: ts < start + (xlsxRows + 1) * 30.
    const to = new Date((Date.UTC(2026, 0, 1) / 1000 + (xlsxRows + 1) * 30) * 1000).toISOString();
    const xlsx = await measure(service, 'xlsx', path.join(context.scratchDir, 'part.xlsx'), { to });
    context.log(`xlsx: ${xlsx.rows} rows in ${xlsx.seconds.toFixed(2)} s`);
    results.push(row(`XLSX, ${xlsxRows.toLocaleString('en-US')} rows`, xlsx));

    const heapGrowth = csv.peakHeapMb - csv.heapBeforeMb;
    return [
      {
        title: `Export of ${rows.toLocaleString('en-US')} mirrored rows from SQLite`,
        columns: ['export', 'rows', 'seconds', 'rows/s', 'file MB', 'RSS before MB', 'peak RSS MB', 'peak heap growth MB'],
        rows: results,
        targets: [
          { name: `CSV heap growth stays bounded (< 64 MB for ${rows.toLocaleString('en-US')} rows)`, met: heapGrowth < 64, value: Number(heapGrowth.toFixed(1)) },
          { name: 'CSV rows/s >= 100,000', met: csv.rows / csv.seconds >= 100_000, value: Math.round(csv.rows / csv.seconds) },
        ],
        notes: [
          'Rows stream from the store in keyset batches of 2,000 (iterateChanges) through a 64 KiB text buffer to a file stream that is awaited on backpressure; nothing holds all rows.',
          'Peak RSS includes the SQLite page cache and whatever earlier suites of the same run left allocated; the heap growth column is the export itself.',
        ],
      },
    ];
  } finally {
    store.close();
  }
};
