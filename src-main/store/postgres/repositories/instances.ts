/**
 * Configured instances on PostgreSQL, with the meaning of the SQLite InstanceRepository
 * (store/repositories/instances.ts): the same records, the same order, the same history deleted.
 *
 * What differs is what several servers sharing one database need: a new instance's position is taken
 * under a lock (two admins adding at once get distinct positions), and a name taken by another server
 * between the service's check and the write is refused as the service refuses it ('conflict').
 */
import { OcmError } from '../../../common/errors';
import type { InstanceId } from '../../../common/model';
import { INSTANCE_HISTORY_TABLES, instanceRecordOf, type DecodedInstanceRow, type InstanceFields, type InstanceRecord } from '../../repositories/instances';
import type { InstancesPort } from '../../ports';
import type { PgConnection, PgValue } from '../connection';
import { jsonText, pgRows, pgRun, pgTransaction, uniqueViolation } from './rows';

/** A row as PostgreSQL returns it: booleans and JSON decoded by the driver; the secret may be missing. */
type PgInstanceRow = Omit<DecodedInstanceRow, 'secret'> & {
  /** NULL when the secret must be entered on this collector (e.g. copied from a workstation without it). */
  secret: string | null;
};

/**
 * Everything mirrored for an instance, deleted with it: SQLite's list plus the five-minute aggregate.
 * The polling tables join when the schema has them (a later migration of this release adds them).
 */
const HISTORY_TABLES = [...INSTANCE_HISTORY_TABLES, 'change_five_minutes'];

/** Serializes position numbering across connections (hashtext of this name). */
const POSITION_LOCK = `SELECT pg_advisory_xact_lock(hashtext('ocm-instance-position'))`;

const COLUMNS = 'name, url, db, login, secret, transport, transport_choice, production, demo, poll_interval_seconds, trusted_cert_sha256, source, watched_models, tracking_values';

function toRecord(row: PgInstanceRow): InstanceRecord {
  // No secret stored reads as an empty one: the vault cannot open it, so the instance asks for it again.
  return instanceRecordOf({ ...row, secret: row.secret ?? '' });
}

/** The values of {@link COLUMNS}, in order ($1 to $14 of an insert, $2 to $15 of an update). */
function values(fields: InstanceFields): PgValue[] {
  return [
    fields.name,
    fields.url,
    fields.db,
    fields.login,
    fields.secret,
    fields.transport,
    fields.transportChoice ? jsonText(fields.transportChoice) : null,
    fields.production,
    fields.demo,
    fields.pollIntervalSeconds,
    fields.trustedCertificateSha256 ?? null,
    fields.source ?? 'module',
    fields.watchedModels ? jsonText(fields.watchedModels) : null,
    fields.trackingValues ?? false,
  ];
}

/** A visible instance already has this name: the service's own refusal, for a name taken meanwhile. */
function nameTaken(error: unknown, name: string): unknown {
  if (uniqueViolation(error) !== 'instances_name') return error;
  return new OcmError('conflict', `An instance named "${name}" already exists.`, { hint: 'Choose another name.', cause: error });
}

/** Reads and writes the `instances` table of the team database. */
export class PgInstanceRepository implements InstancesPort {
  constructor(private readonly sql: PgConnection) {}

  /** Visible instances (not removed), in the user's order; with `includeRemoved`, the hidden ones follow. */
  async list(options: { includeRemoved?: boolean } = {}): Promise<InstanceRecord[]> {
    // COLLATE "C" compares bytes, as SQLite's BINARY does, whatever the database's collation.
    const rows = options.includeRemoved
      ? await pgRows<PgInstanceRow>(this.sql, 'SELECT * FROM instances ORDER BY removed_at IS NOT NULL, position, created_at, name COLLATE "C"')
      : await pgRows<PgInstanceRow>(this.sql, 'SELECT * FROM instances WHERE removed_at IS NULL ORDER BY position, created_at, name COLLATE "C"');
    return rows.map(toRecord);
  }

  /** The name of every instance by id, removed ones included (their history stays and is reported). */
  async names(): Promise<Map<InstanceId, string>> {
    const rows = await pgRows<{ id: string; name: string }>(this.sql, 'SELECT id, name FROM instances');
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** One instance by id, including hidden ones. */
  async get(id: InstanceId): Promise<(InstanceRecord & { removed: boolean }) | undefined> {
    const [row] = await pgRows<PgInstanceRow>(this.sql, 'SELECT * FROM instances WHERE id = $1', [id]);
    return row ? { ...toRecord(row), removed: row.removed_at !== null } : undefined;
  }

  /** A visible instance by its name. */
  async findByName(name: string): Promise<InstanceRecord | undefined> {
    const [row] = await pgRows<PgInstanceRow>(this.sql, 'SELECT * FROM instances WHERE name = $1 AND removed_at IS NULL', [name]);
    return row ? toRecord(row) : undefined;
  }

  /** Adds an instance after the last one; rejects 'conflict' when a visible instance has its name. */
  async insert(id: InstanceId, fields: InstanceFields, createdAt: number): Promise<void> {
    try {
      await pgTransaction(this.sql, async (tx) => {
        await tx.unsafe(POSITION_LOCK);
        await pgRun(
          tx,
          `INSERT INTO instances (id, ${COLUMNS}, position, created_at)
           VALUES ($15, $1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11, $12, $13::text::jsonb, $14,
             (SELECT coalesce(max(position), -1) + 1 FROM instances), $16)`,
          [...values(fields), id, createdAt],
        );
      });
    } catch (error) {
      throw nameTaken(error, fields.name);
    }
  }

  /** Rewrites an instance's fields (position, creation and removal stay); rejects 'conflict' for a taken name. */
  async update(id: InstanceId, fields: InstanceFields): Promise<void> {
    try {
      await pgRun(
        this.sql,
        `UPDATE instances SET name = $2, url = $3, db = $4, login = $5, secret = $6, transport = $7, transport_choice = $8::text::jsonb, production = $9, demo = $10,
         poll_interval_seconds = $11, trusted_cert_sha256 = $12, source = $13, watched_models = $14::text::jsonb, tracking_values = $15 WHERE id = $1`,
        [id, ...values(fields)],
      );
    } catch (error) {
      throw nameTaken(error, fields.name);
    }
  }

  /** Replaces the stored secret (re-sealed or re-encrypted under another key). */
  async replaceSecret(id: InstanceId, secret: string): Promise<void> {
    await pgRun(this.sql, 'UPDATE instances SET secret = $2 WHERE id = $1', [id, secret]);
  }

  /** Hides the instance; its mirrored rows stay (remove with keepHistory). */
  async hide(id: InstanceId, at: number): Promise<void> {
    await pgRun(this.sql, 'UPDATE instances SET removed_at = $2 WHERE id = $1', [id, at]);
  }

  /** Deletes the instance and everything mirrored for it, in one transaction. */
  async deleteWithHistory(id: InstanceId): Promise<void> {
    await pgTransaction(this.sql, async (tx) => {
      const present = await pgRows<{ name: string }>(tx, 'SELECT name FROM unnest($1::text[]) AS t (name) WHERE to_regclass(name) IS NOT NULL', [HISTORY_TABLES]);
      for (const { name } of present) await pgRun(tx, `DELETE FROM ${name} WHERE instance_id = $1`, [id]);
      await pgRun(tx, 'DELETE FROM instances WHERE id = $1', [id]);
    });
  }
}
