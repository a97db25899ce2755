/**
 * Test and benchmark fixtures for the query module: a real SQLite file with the shipped migrations, and
 * seeding helpers that keep `change_hours` consistent the way the writer does.
 *
 * The change_hours rule (must match the store's writer): every `changes` row counts exactly once, in the
 * cell (instance_id, model, event, hour = floor(ts / 3600)), under `present` when removed_at IS NULL and
 * under `removed` otherwise. Marking a row removed moves its count from `present` to `removed`.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../../src-main/store/schema';
import { errorFingerprint } from '../../../src-main/store/fingerprint';
import type { ChangeEvent, FieldChange } from '../../../src-main/common/model';

/** Opens (creating) a SQLite file and applies every migration, as the store would. */
export function createMirrorDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (const migration of MIGRATIONS) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db;
}

/** One change row to seed; unset fields get plausible defaults. */
export interface SeedChange {
  instanceId: string;
  model: string;
  recordId: number;
  event: ChangeEvent;
  /** Unix seconds. */
  ts: number;
  serverId?: number;
  firstSeenAt?: number;
  removedAt?: number;
  removedBy?: 'server' | 'user' | 'reset';
  userName?: string;
  changedFields?: string;
  changeCount?: number;
  epoch?: number;
  revision?: number;
  /** Old → new values, stored as the mirror stores them (JSON). */
  values?: FieldChange[];
}

/** Inserts rows in one transaction, maintaining change_hours per the rule above. Returns the local ids. */
export function insertChanges(db: Database.Database, rows: readonly SeedChange[]): number[] {
  const nextServerId = db.prepare('SELECT coalesce(max(server_id), 0) + 1 AS next FROM changes WHERE instance_id = ?');
  const insert = db.prepare(`INSERT INTO changes (instance_id, epoch, server_id, revision, model, record_id, event, ts,
      first_seen_at, removed_at, removed_by, user_name, changed_fields, change_count, field_values)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const bump = db.prepare(`INSERT INTO change_hours (instance_id, model, event, hour, present, removed) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (instance_id, model, event, hour) DO UPDATE SET present = present + excluded.present, removed = removed + excluded.removed`);
  return db.transaction(() => {
    const ids: number[] = [];
    for (const row of rows) {
      const serverId = row.serverId ?? (nextServerId.get(row.instanceId) as { next: number }).next;
      const removed = row.removedAt !== undefined;
      const result = insert.run(row.instanceId, row.epoch ?? 0, serverId, row.revision ?? 0, row.model, row.recordId, row.event,
        row.ts, row.firstSeenAt ?? row.ts, row.removedAt ?? null, removed ? (row.removedBy ?? 'server') : null,
        row.userName ?? null, row.changedFields ?? null, row.changeCount ?? null, row.values?.length ? JSON.stringify(row.values) : null);
      bump.run(row.instanceId, row.model, row.event, Math.floor(row.ts / 3600), removed ? 0 : 1, removed ? 1 : 0);
      ids.push(Number(result.lastInsertRowid));
    }
    return ids;
  })();
}

/** Marks rows removed (as sync does when they vanish from the server), moving their change_hours count. */
export function markRemoved(db: Database.Database, ids: readonly number[], at: number, by: 'server' | 'user' = 'server'): void {
  const select = db.prepare('SELECT instance_id, model, event, ts FROM changes WHERE id = ? AND removed_at IS NULL');
  const mark = db.prepare('UPDATE changes SET removed_at = ?, removed_by = ? WHERE id = ?');
  const move = db.prepare(`UPDATE change_hours SET present = present - 1, removed = removed + 1
    WHERE instance_id = ? AND model = ? AND event = ? AND hour = ?`);
  db.transaction(() => {
    for (const id of ids) {
      const row = select.get(id) as { instance_id: string; model: string; event: string; ts: number } | undefined;
      if (!row) continue;
      mark.run(at, by, id);
      move.run(row.instance_id, row.model, row.event, Math.floor(row.ts / 3600));
    }
  })();
}

/** Recomputes change_hours from the base table with the same rule (bulk seeding). */
export function rebuildChangeHours(db: Database.Database): void {
  db.exec(`DELETE FROM change_hours;
    INSERT INTO change_hours (instance_id, model, event, hour, present, removed)
    SELECT instance_id, model, event, ts / 3600, sum(removed_at IS NULL), sum(removed_at IS NOT NULL)
    FROM changes GROUP BY instance_id, model, event, ts / 3600;`);
}

/** One error row to seed. */
export interface SeedError {
  instanceId: string;
  model: string;
  recordId: number;
  message: string;
  ts: number;
  serverId?: number;
  removedAt?: number;
}

/** Inserts error rows (the FTS index is kept by the schema's triggers). */
export function insertErrors(db: Database.Database, rows: readonly SeedError[]): number[] {
  const insert = db.prepare(`INSERT INTO errors (instance_id, epoch, server_id, model, record_id, message, fingerprint, ts, first_seen_at, removed_at)
    VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return db.transaction(() => rows.map((row, index) => {
    const serverId = row.serverId ?? index + 1 + (db.prepare('SELECT count(*) AS n FROM errors').get() as { n: number }).n;
    return Number(insert.run(row.instanceId, serverId, row.model, row.recordId, row.message, errorFingerprint(row.message), row.ts, row.ts,
      row.removedAt ?? null).lastInsertRowid);
  }))();
}

/** A small deterministic PRNG (mulberry32) so seeded data is the same on every run. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The shape of a realistic mirror: instances, models and events with skewed weights. */
export const REALISTIC = {
  instances: [['inst-prod', 0.55], ['inst-staging', 0.3], ['inst-demo', 0.15]] as [string, number][],
  models: [
    ['res.partner', 0.22], ['sale.order', 0.18], ['account.move', 0.16], ['product.template', 0.12], ['stock.picking', 0.1],
    ['purchase.order', 0.08], ['hr.expense', 0.06], ['hr.employee', 0.04], ['product.category', 0.025], ['account.journal', 0.015],
  ] as [string, number][],
  events: [['write', 0.7], ['create', 0.22], ['unlink', 0.08]] as [ChangeEvent, number][],
  users: ['Administrator', 'Mitchell Admin', 'Marc Demo', 'سارة أحمد', 'محمد علي', 'OdooBot'],
  fields: ['name', 'state', 'amount_total', 'partner_id', 'email', 'phone', 'list_price', 'date_order', 'x_note'],
};

/** A value drawn by weight (weights sum to 1). */
export function pick<T>(random: () => number, weighted: readonly [T, number][]): T {
  let r = random();
  for (const [value, weight] of weighted) {
    if (r < weight) return value;
    r -= weight;
  }
  return weighted[weighted.length - 1][0];
}

const PARTNERS = ['Azure Interior', 'Deco Addict', 'Gemini Furniture', 'Ready Mat', 'شركة الرياض', 'Lumber Inc'];
const STATES = ['Quotation', 'Quotation Sent', 'Sales Order', 'Locked', 'Cancelled'];

/** A plausible old → new value of `field` in the value format (docs/addon-protocol.md). */
function realisticValue(field: string, random: () => number): FieldChange {
  const partner = (): [number, string] => {
    const index = Math.floor(random() * PARTNERS.length);
    return [index + 7, PARTNERS[index]];
  };
  const amount = () => `${(random() * 5000).toFixed(2)} USD`;
  switch (field) {
    case 'partner_id':
      return { field, label: 'Customer', type: 'many2one', old: partner(), new: partner() };
    case 'state':
      return { field, label: 'Status', type: 'selection', old: STATES[Math.floor(random() * STATES.length)], new: STATES[Math.floor(random() * STATES.length)] };
    case 'amount_total':
    case 'list_price':
      return { field, label: field === 'list_price' ? 'Sales Price' : 'Total', type: 'monetary', old: amount(), new: amount() };
    case 'date_order':
      return { field, label: 'Order Date', type: 'datetime', old: '2026-11-01 09:00:00', new: '2026-11-02 10:30:00' };
    case 'x_note':
      return { field, label: 'Notes', type: 'text', old: 'first draft of the note', new: 'x'.repeat(500), newLength: 1834, truncated: true };
    default:
      return { field, label: field[0].toUpperCase() + field.slice(1), type: 'char', old: `old ${field} ${Math.floor(random() * 1000)}`, new: `new ${field} ${Math.floor(random() * 1000)}` };
  }
}

/** Options of {@link seedRealistic}. */
export interface RealisticSeed {
  rows: number;
  /** Exclusive end of the seeded period, Unix seconds. */
  end: number;
  days: number;
  /** Fraction of rows marked removed from the server. */
  removedFraction?: number;
  seed?: number;
  /** Give writes old → new values of their changed fields, as our addon records them (default false). */
  values?: boolean;
}

/**
 * Bulk-seeds a realistic mirror fast (one transaction, one prepared insert, rows in time order with
 * per-instance increasing server ids, busier during working hours), then fills change_hours.
 */
export function seedRealistic(db: Database.Database, options: RealisticSeed): void {
  const random = randomGenerator(options.seed ?? 42);
  const start = options.end - options.days * 86400;
  const timestamps = new Float64Array(options.rows);
  for (let i = 0; i < options.rows; i++) {
    // Rejection-sample a diurnal pattern: working hours (UTC 06–18) are three times busier.
    let ts: number;
    do ts = start + Math.floor(random() * (options.end - start));
    while (((ts % 86400) / 3600 < 6 || (ts % 86400) / 3600 >= 18) && random() < 0.66);
    timestamps[i] = ts;
  }
  timestamps.sort();
  const insert = db.prepare(`INSERT INTO changes (instance_id, server_id, model, record_id, event, ts, first_seen_at, removed_at,
      removed_by, user_name, changed_fields, change_count, field_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const serverIds = new Map<string, number>();
  const removedFraction = options.removedFraction ?? 0.02;
  db.transaction(() => {
    for (let i = 0; i < options.rows; i++) {
      const ts = timestamps[i];
      const instanceId = pick(random, REALISTIC.instances);
      const serverId = (serverIds.get(instanceId) ?? 0) + 1;
      serverIds.set(instanceId, serverId);
      const event = pick(random, REALISTIC.events);
      const removed = random() < removedFraction;
      const fields = event === 'write'
        ? [...new Set([0, 1].map(() => REALISTIC.fields[Math.floor(random() * REALISTIC.fields.length)]))].join(',')
        : null;
      const values = options.values && fields ? JSON.stringify(fields.split(',').map((field) => realisticValue(field, random))) : null;
      insert.run(instanceId, serverId, pick(random, REALISTIC.models), 1 + Math.floor(random() * 20000), event, ts, ts + 5,
        removed ? Math.min(ts + 3600, options.end) : null, removed ? 'server' : null,
        REALISTIC.users[Math.floor(random() * REALISTIC.users.length)], fields, event === 'write' ? 1 + Math.floor(random() * 3) : null, values);
    }
  })();
  rebuildChangeHours(db);
}
