/**
 * The indexes of `changes` that only serve reads: the timeline filtered by instance, model or event, and
 * a record's history (store/queries). Keeping four such indexes up to date costs the initial mirror about
 * as much as the rows themselves, while building them once after a bulk load costs less than half of
 * that (bench/sync.bench.ts). So a large snapshot drops them and builds them again when it ends.
 *
 * Nothing depends on them for correctness: without them the same queries give the same answers, only
 * slower, so a mirror whose app stopped mid-snapshot stays queryable. The indexes that writing and
 * deletion detection need (`changes_server_row`, `changes_present`) and the unfiltered timeline
 * (`changes_timeline`, what the workbench shows while a first snapshot runs) are never dropped.
 *
 * The statements are those of migration 1 (schema.ts), with IF NOT EXISTS; a test checks they agree.
 */
import type { SqlDatabase } from './database';

/** Name and definition of each index a bulk load may defer. */
export const DEFERRABLE_INDEXES: readonly { name: string; sql: string }[] = [
  { name: 'changes_instance_timeline', sql: 'CREATE INDEX IF NOT EXISTS changes_instance_timeline ON changes(instance_id, ts DESC, id DESC)' },
  { name: 'changes_model_timeline', sql: 'CREATE INDEX IF NOT EXISTS changes_model_timeline ON changes(model, ts DESC, id DESC)' },
  { name: 'changes_event_timeline', sql: 'CREATE INDEX IF NOT EXISTS changes_event_timeline ON changes(event, ts DESC, id DESC)' },
  { name: 'changes_record', sql: 'CREATE INDEX IF NOT EXISTS changes_record ON changes(model, record_id, ts DESC)' },
];

/** The deferrable indexes that do not exist right now. */
export function missingReadIndexes(db: SqlDatabase): string[] {
  const present = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'changes'").pluck().all() as string[]);
  return DEFERRABLE_INDEXES.filter((index) => !present.has(index.name)).map((index) => index.name);
}

/** Drops the deferrable indexes (those that exist). */
export function dropReadIndexes(db: SqlDatabase): void {
  db.transaction(() => {
    for (const index of DEFERRABLE_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index.name}`);
  })();
}

/** Creates the deferrable indexes that are missing; returns their names. */
export function createReadIndexes(db: SqlDatabase): string[] {
  const missing = missingReadIndexes(db);
  if (missing.length === 0) return missing;
  db.transaction(() => {
    for (const index of DEFERRABLE_INDEXES) if (missing.includes(index.name)) db.exec(index.sql);
  })();
  return missing;
}
