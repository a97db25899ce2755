/** Brings a PostgreSQL database to the schema of store/postgres/schema.ts, once, whoever asks first. */
import { OcmError } from '../../common/errors';
import type { PgConnection } from './connection';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './schema';

/** What {@link migratePostgres} did: the version found and the version left. */
export interface PgMigrationResult {
  from: number;
  to: number;
}

/**
 * Runs the migrations newer than the database's version in one transaction, holding an advisory lock
 * so two collectors starting at once never both migrate. A database written by a newer app is refused
 * ('conflict'), untouched.
 */
export async function migratePostgres(sql: PgConnection): Promise<PgMigrationResult> {
  return sql.begin(async (tx) => {
    await tx.unsafe(`SELECT pg_advisory_xact_lock(hashtext('ocm-schema'))`);
    await tx.unsafe('CREATE TABLE IF NOT EXISTS ocm_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const [{ version }] = (await tx.unsafe('SELECT coalesce(max(version), 0)::integer AS version FROM ocm_schema')) as unknown as { version: number }[];
    if (version > PG_SCHEMA_VERSION) {
      throw new OcmError('conflict', `The PostgreSQL database was written by a newer version of the app (schema ${version}, this app knows ${PG_SCHEMA_VERSION}).`, {
        hint: 'Update Odoo Change Monitor on this machine.',
      });
    }
    for (const migration of PG_MIGRATIONS) {
      if (migration.version <= version) continue;
      await tx.unsafe(migration.sql).simple();
      await tx.unsafe('INSERT INTO ocm_schema (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
    }
    return { from: version, to: PG_SCHEMA_VERSION };
  }) as Promise<PgMigrationResult>;
}
