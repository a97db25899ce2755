/** Test rows and a migrated scratch database for the report tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import type { ChangeEvent, ChangeRow } from '../../../src-main/common/model';
import { TextSink } from '../../../src-main/reports/row-stream';
import { MIGRATIONS } from '../../../src-main/store/schema';

const MODELS = ['res.partner', 'sale.order', 'product.template'];
const EVENTS: ChangeEvent[] = ['create', 'write', 'unlink'];

/** `count` rows, one per minute from 2026-11-01T00:00:00Z, cycling models and events. */
export function makeRows(count: number, instanceId = 'i1'): ChangeRow[] {
  return Array.from({ length: count }, (_, index) => makeRow(index, instanceId));
}

/** Row number `index` of {@link makeRows}. */
export function makeRow(index: number, instanceId = 'i1'): ChangeRow {
  const timestamp = new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString().replace('.000Z', 'Z');
  return {
    key: `${instanceId}-${index + 1}`,
    instanceId,
    serverId: index + 1,
    model: MODELS[index % MODELS.length],
    recordId: 100 + (index % 7),
    event: EVENTS[index % EVENTS.length],
    timestamp,
    firstSeenAt: timestamp,
  };
}

/** A lazily generated sequence of rows (never an array), for streaming tests. */
export function* generateRows(count: number): Generator<ChangeRow> {
  for (let index = 0; index < count; index++) yield makeRow(index);
}

/** A fresh scratch folder; `cleanup` removes it. */
export function scratchDirectory(prefix = 'ocm-reports-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real SQLite file with the app's migrations applied. */
export function migratedDatabase(file: string): Database.Database {
  const db = new Database(file);
  for (const migration of MIGRATIONS) db.exec(migration.sql);
  return db;
}

/** Runs a text exporter into memory (a 1 KiB sink, so backpressure is exercised) and returns its text and row count. */
export async function renderText(write: (sink: TextSink) => Promise<number>): Promise<{ text: string; count: number }> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const sink = new TextSink(stream, 1024);
  const count = await write(sink);
  await sink.end();
  return { text: Buffer.concat(chunks).toString('utf8'), count };
}
