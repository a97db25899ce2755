/** A small seeded mirror shared by the query tests, and a plain-JavaScript oracle to compare against. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ChangeFilter } from '../../../src-main/common/model';
import { MODEL_LABELS } from '../../../src-main/common/model-labels';
import { normalizeFilter } from '../../../src-main/store/queries/filter';
import { createMirrorDatabase, insertChanges, markRemoved, seedRealistic } from './fixtures';

/** 2026-11-30T00:00:00Z: the seeded period ends here. */
export const END = Date.UTC(2026, 10, 30) / 1000;

/** A row of `changes` as the oracle sees it. */
export interface PlainRow {
  id: number;
  instance_id: string;
  model: string;
  record_id: number;
  event: string;
  ts: number;
  removed_at: number | null;
  user_name: string | null;
  changed_fields: string | null;
}

/** Opens a fresh mirror in a temp dir: 3,000 realistic rows over 3 days plus hand-made awkward rows. */
export function openTestMirror(): { db: Database.Database; dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ocm-queries-'));
  const db = createMirrorDatabase(join(dir, 'mirror.sqlite'));
  seedRealistic(db, { rows: 3000, end: END, days: 3, removedFraction: 0.05, seed: 7 });
  // Several rows in the same second (keyset ties), awkward text for LIKE escaping, Arabic user names.
  const tie = END - 7200 + 17;
  const ids = insertChanges(db, [
    { instanceId: 'inst-prod', model: 'res.partner', recordId: 4242, event: 'write', ts: tie, userName: '100% sure_user', changedFields: 'name,display_name' },
    { instanceId: 'inst-prod', model: 'res.partner', recordId: 4242, event: 'write', ts: tie, userName: 'back\\slash', changedFields: 'display_name' },
    { instanceId: 'inst-demo', model: 'sale.order', recordId: 4242, event: 'create', ts: tie, userName: 'سارة أحمد' },
    { instanceId: 'inst-staging', model: 'x.custom_model', recordId: 7, event: 'unlink', ts: tie, userName: '=cmd|calc' },
    { instanceId: 'inst-prod', model: 'res.partner', recordId: 4242, event: 'unlink', ts: tie + 1, userName: 'Mitchell Admin' },
  ]);
  markRemoved(db, [ids[1]], END, 'user');
  return {
    db,
    dir,
    dispose() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every row, newest first, read with a plain ORDER BY. */
export function allRows(db: Database.Database): PlainRow[] {
  return db.prepare('SELECT id, instance_id, model, record_id, event, ts, removed_at, user_name, changed_fields FROM changes ORDER BY ts DESC, id DESC')
    .all() as PlainRow[];
}

/** The filter's meaning written plainly, independent of the SQL under test. */
export function matches(row: PlainRow, filter: ChangeFilter): boolean {
  const f = normalizeFilter(filter);
  const inList = (values: string[] | undefined, value: string) => !values || values.includes(value);
  if (!inList(f.dimensions.instance_id, row.instance_id) || !inList(f.dimensions.model, row.model) || !inList(f.dimensions.event, row.event)) return false;
  if (f.recordId !== undefined && row.record_id !== f.recordId) return false;
  if (f.from !== undefined && row.ts < f.from) return false;
  if (f.to !== undefined && row.ts >= f.to) return false;
  if (f.presence === 'present' && row.removed_at !== null) return false;
  if (f.presence === 'removed' && row.removed_at === null) return false;
  for (const word of f.words) {
    // The labels shown for a model, in both languages, are searched too (issue 14, item 12).
    const haystacks = [row.model, MODEL_LABELS.en[row.model] ?? '', MODEL_LABELS.ar[row.model] ?? '', String(row.record_id), row.user_name ?? '', row.changed_fields ?? ''];
    if (!haystacks.some((text) => text.toLowerCase().includes(word.toLowerCase()))) return false;
  }
  if (f.users && !f.users.includes(row.user_name ?? '\u0000')) return false;
  if (f.changedField !== undefined && !(row.changed_fields ?? '').split(',').includes(f.changedField)) return false;
  return true;
}

/** ISO UTC of Unix seconds (test readability). */
export function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';
}
