/** Configured instances. The secret column holds the vault's cipher text, never the password. */
import type { InstanceConfig, InstanceId, SourceSetting, TransportChoice, TransportKind } from '../../common/model';
import type { SqlDatabase } from '../database';
import { isoFromSeconds } from '../../common/time';

/** An instance as stored: its config plus the encrypted secret. */
export interface InstanceRecord {
  config: InstanceConfig;
  /** Cipher text from the SecretVault. */
  secret: string;
}

/** Fields an insert or update writes. */
export interface InstanceFields {
  name: string;
  url: string;
  db: string;
  login: string;
  secret: string;
  transport: TransportKind;
  /** How the transport was chosen; absent keeps none (an instance that keeps the transport it had). */
  transportChoice?: TransportChoice;
  production: boolean;
  demo: boolean;
  pollIntervalSeconds: number;
  trustedCertificateSha256?: string;
  /** Default 'module'. */
  source?: SourceSetting;
  /** Absent = the default models. */
  watchedModels?: string[];
  trackingValues?: boolean;
}

interface InstanceRow {
  id: string;
  name: string;
  url: string;
  db: string;
  login: string;
  secret: string;
  transport: TransportKind;
  production: number;
  demo: number;
  poll_interval_seconds: number;
  trusted_cert_sha256: string | null;
  position: number;
  created_at: number;
  removed_at: number | null;
  transport_choice: string | null;
  source: SourceSetting;
  watched_models: string | null;
  tracking_values: number;
}

/** An instance row with its flags as booleans and its JSON decoded (each store decodes its own columns). */
export type DecodedInstanceRow = Omit<InstanceRow, 'production' | 'demo' | 'transport_choice' | 'watched_models' | 'tracking_values'> & {
  production: boolean;
  demo: boolean;
  /** Undefined when absent or unreadable. */
  transport_choice: unknown;
  watched_models: string[] | null;
  tracking_values: boolean;
};

/** The stored choice, or undefined when there is none or it cannot be read (the transport stands on its own). */
function choiceOf(value: unknown): TransportChoice | undefined {
  const choice = value as TransportChoice | null | undefined;
  return typeof choice?.reason === 'string' ? choice : undefined;
}

function decodeChoice(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The record an instance row stands for (both stores). */
export function instanceRecordOf(row: DecodedInstanceRow): InstanceRecord {
  const config: InstanceConfig = {
    id: row.id,
    name: row.name,
    url: row.url,
    db: row.db,
    login: row.login,
    transport: row.transport,
    production: row.production,
    demo: row.demo,
    pollIntervalSeconds: row.poll_interval_seconds,
    createdAt: isoFromSeconds(row.created_at),
  };
  const choice = choiceOf(row.transport_choice);
  if (choice) config.transportChoice = choice;
  if (row.trusted_cert_sha256) config.trustedCertificateSha256 = row.trusted_cert_sha256;
  if (row.removed_at !== null) config.removedAt = isoFromSeconds(row.removed_at);
  // Only what differs from the defaults, so configs of module-log instances stay as they were.
  if (row.source !== 'module') config.source = row.source;
  if (row.watched_models !== null) config.watchedModels = row.watched_models;
  if (row.tracking_values) config.trackingValues = true;
  return { config, secret: row.secret };
}

function toRecord(row: InstanceRow): InstanceRecord {
  return instanceRecordOf({
    ...row,
    production: row.production === 1,
    demo: row.demo === 1,
    transport_choice: decodeChoice(row.transport_choice),
    watched_models: row.watched_models === null ? null : (JSON.parse(row.watched_models) as string[]),
    tracking_values: row.tracking_values === 1,
  });
}

function choiceText(fields: InstanceFields): string | null {
  return fields.transportChoice ? JSON.stringify(fields.transportChoice) : null;
}

/** The `source`, `watched_models` and `tracking_values` columns of an insert or update. */
function watchColumns(fields: InstanceFields): [SourceSetting, string | null, number] {
  return [fields.source ?? 'module', fields.watchedModels ? JSON.stringify(fields.watchedModels) : null, fields.trackingValues ? 1 : 0];
}

/** The tables holding what is mirrored for an instance (column `instance_id`), deleted with it. */
export const INSTANCE_HISTORY_TABLES: readonly string[] = ['changes', 'change_hours', 'errors', 'sync_state', 'sync_log', 'polling_state', 'polling_models', 'polling_records'];

/** Reads and writes the `instances` table. */
export class InstanceRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Visible instances (not removed), in the user's order; with `includeRemoved`, the hidden ones follow. */
  list(options: { includeRemoved?: boolean } = {}): InstanceRecord[] {
    const rows = options.includeRemoved
      ? (this.db.prepare('SELECT * FROM instances ORDER BY removed_at IS NOT NULL, position, created_at, name').all() as InstanceRow[])
      : (this.db.prepare('SELECT * FROM instances WHERE removed_at IS NULL ORDER BY position, created_at, name').all() as InstanceRow[]);
    return rows.map(toRecord);
  }

  /** The name of every instance by id, removed ones included (their history stays and is reported). */
  names(): Map<InstanceId, string> {
    const rows = this.db.prepare('SELECT id, name FROM instances').all() as { id: string; name: string }[];
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** One instance by id, including hidden ones. */
  get(id: InstanceId): (InstanceRecord & { removed: boolean }) | undefined {
    const row = this.db.prepare('SELECT * FROM instances WHERE id = ?').get(id) as InstanceRow | undefined;
    return row ? { ...toRecord(row), removed: row.removed_at !== null } : undefined;
  }

  /** A visible instance by its name. */
  findByName(name: string): InstanceRecord | undefined {
    const row = this.db.prepare('SELECT * FROM instances WHERE name = ? AND removed_at IS NULL').get(name) as InstanceRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  insert(id: InstanceId, fields: InstanceFields, createdAt: number): void {
    const position = Number(this.db.prepare('SELECT COALESCE(MAX(position), -1) + 1 FROM instances').pluck().get());
    this.db
      .prepare(
        `INSERT INTO instances (id, name, url, db, login, secret, transport, transport_choice, production, demo, poll_interval_seconds, trusted_cert_sha256, position, created_at, source, watched_models, tracking_values)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, fields.name, fields.url, fields.db, fields.login, fields.secret, fields.transport, choiceText(fields), fields.production ? 1 : 0, fields.demo ? 1 : 0, fields.pollIntervalSeconds, fields.trustedCertificateSha256 ?? null, position, createdAt, ...watchColumns(fields));
  }

  update(id: InstanceId, fields: InstanceFields): void {
    this.db
      .prepare(
        `UPDATE instances SET name = ?, url = ?, db = ?, login = ?, secret = ?, transport = ?, transport_choice = ?, production = ?, demo = ?,
         poll_interval_seconds = ?, trusted_cert_sha256 = ?, source = ?, watched_models = ?, tracking_values = ? WHERE id = ?`,
      )
      .run(fields.name, fields.url, fields.db, fields.login, fields.secret, fields.transport, choiceText(fields), fields.production ? 1 : 0, fields.demo ? 1 : 0, fields.pollIntervalSeconds, fields.trustedCertificateSha256 ?? null, ...watchColumns(fields), id);
  }

  /** Replaces the stored secret (re-sealed or re-encrypted under another key). */
  replaceSecret(id: InstanceId, secret: string): void {
    this.db.prepare('UPDATE instances SET secret = ? WHERE id = ?').run(secret, id);
  }

  /** Hides the instance; its mirrored rows stay (remove with keepHistory). */
  hide(id: InstanceId, at: number): void {
    this.db.prepare('UPDATE instances SET removed_at = ? WHERE id = ?').run(at, id);
  }

  /** Deletes the instance and everything mirrored for it, in one transaction. */
  deleteWithHistory(id: InstanceId): void {
    this.db.transaction(() => {
      for (const table of INSTANCE_HISTORY_TABLES) {
        this.db.prepare(`DELETE FROM ${table} WHERE instance_id = ?`).run(id);
      }
      this.db.prepare('DELETE FROM instances WHERE id = ?').run(id);
    })();
  }
}
