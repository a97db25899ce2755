/**
 * `ocm store migrate --to postgres://… [--from FILE] [--batch-size N]`: copies this workstation's SQLite
 * mirror into a team database on PostgreSQL (store/postgres/sqlite-copy.ts), then verifies every table
 * (row counts and checksums on both sides, printed as a table). Resumable: interrupted, the same command
 * continues where it stopped. A verification mismatch exits 1, naming the tables.
 */
import { existsSync, realpathSync } from 'node:fs';
import { OcmError } from '../../../common/errors';
import { databasePath, dataDirectory } from '../../../store/data-directory';
import { openDatabase, SCHEMA_VERSION } from '../../../store/open';
import { assertPostgresUrl, closePostgres, openPostgres, redactUrl, translatePostgresError } from '../../../store/postgres/connection';
import { migratePostgres } from '../../../store/postgres/migrate';
import { copySqliteToPostgres, UNCOPIED_TABLES, verifyCopy, type TableVerification } from '../../../store/postgres/sqlite-copy';
import { option, VALUE, type CliCommand } from '../command';
import { usageError } from '../run-cli';
import { textTable } from '../text-table';

const usage = `Usage: ocm store migrate --to postgres://USER:PASSWORD@HOST:5432/DATABASE [--from FILE] [--batch-size N]

Copies this mirror (history, errors, journal, sync log, instances, saved filters, report
definitions, settings, sync cursors; team users with their passwords and granted instances; alert
rules with their history, pending deliveries still pending; the polling source's cursors) into a
team database on PostgreSQL, creating its tables, then checks every copied table on both sides: row
counts and a checksum of the content.

Not copied: sign-in sessions (people sign in again on the team server), collector leases
(collectors take them anew), and this workstation's links to team servers.

  --to URL          the PostgreSQL database (empty, or holding an earlier run of this same copy);
                    default $OCM_DATABASE_URL
  --from FILE       the SQLite mirror to copy (default: the one in $OCM_HOME)
  --batch-size N    rows per transaction (default 5000)

Interrupted (Ctrl+C, a lost connection), the same command continues where it stopped; nothing is
copied twice. Instance passwords, API keys and webhook secrets are copied sealed, as stored: a
collector that cannot open them asks for them again.`;

/** The verification as printed: one line per table. */
export function verificationTable(results: readonly TableVerification[]): string {
  return textTable(
    ['table', 'sqlite rows', 'postgres rows', 'sqlite checksum', 'postgres checksum', 'result'],
    results.map((result) => [result.table, String(result.sourceRows), String(result.targetRows), result.sourceChecksum, result.targetChecksum, result.ok ? 'ok' : 'MISMATCH']),
    [1, 2],
  );
}

/** What the copy leaves behind, with the mirror's row counts: "Not copied: 2 sign-in sessions (people sign in again …), …". */
export function uncopiedSummary(counts: ReadonlyMap<string, number>): string {
  const parts = UNCOPIED_TABLES.map(({ name, one, many, reason }) => {
    const count = counts.get(name) ?? 0;
    return `${count} ${count === 1 ? one : many} (${reason})`;
  });
  return `Not copied: ${parts.join(', ')}.`;
}

/** Creates `ocm store migrate`. */
export function createStoreMigrateCommand(): CliCommand {
  return {
    path: ['store', 'migrate'],
    summary: 'Copy this mirror into a team database on PostgreSQL (resumable, verified)',
    usage,
    options: { to: VALUE, from: VALUE, 'batch-size': VALUE },
    async run(args, io) {
      const url = option(args, 'to') ?? io.env.OCM_DATABASE_URL;
      if (!url) usageError('Say where to copy to: --to postgres://USER:PASSWORD@HOST:5432/DATABASE.', usage);
      assertPostgresUrl(url);
      const batchText = option(args, 'batch-size');
      const batchSize = batchText === undefined ? 5000 : Number(batchText);
      if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000) usageError('--batch-size needs a whole number from 1 to 100000.', usage);
      const file = option(args, 'from') ?? databasePath(dataDirectory(io.env));
      if (!existsSync(file)) {
        throw new OcmError('not-found', `There is no mirror at ${file}.`, { hint: 'Give the SQLite file with --from, or set OCM_HOME to the data folder that holds it.' });
      }
      const db = openDatabase(file, { readonly: true });
      try {
        const version = Number(db.pragma('user_version', { simple: true }));
        if (version < SCHEMA_VERSION) {
          throw new OcmError('conflict', `The mirror at ${file} has an older schema (${version}; this app writes ${SCHEMA_VERSION}).`, {
            hint: 'Run any ocm command that writes it once (e.g. `ocm status`), or open it in the app, to upgrade it; then copy it.',
          });
        }
        const pg = await openPostgres(url, { applicationName: 'ocm store migrate' });
        try {
          const schema = await migratePostgres(pg);
          if (schema.from < schema.to) io.out(`Created the team tables in ${redactUrl(url)} (schema ${schema.to}).`);
          const { resumed } = await copySqliteToPostgres(db, pg, {
            source: realpathSync(file),
            batchSize,
            signal: io.interrupted,
            onProgress: (progress) => {
              if (progress.copied === progress.total) io.out(`${progress.table}: ${progress.total} rows copied`);
            },
          }).catch((error: unknown) => {
            if (error instanceof OcmError) throw error;
            throw translatePostgresError(error, url);
          });
          if (resumed) io.out('Continued an earlier copy of this mirror.');
          io.out(uncopiedSummary(new Map(UNCOPIED_TABLES.map(({ name }) => [name, Number(db.prepare(`SELECT count(*) FROM ${name}`).pluck().get())]))));
          const results = await verifyCopy(db, pg, batchSize);
          io.out(verificationTable(results));
          const bad = results.filter((result) => !result.ok);
          if (bad.length > 0) {
            io.err(`error: the copy does not match the mirror in ${bad.map((result) => result.table).join(', ')}.`);
            io.err('  Rows were changed or added in PostgreSQL after the copy (or the copy was interrupted while the mirror kept syncing). Copy into a new, empty database, with the app closed.');
            return 1;
          }
          io.out(`Verified: every table matches. The team database at ${redactUrl(url)} holds this mirror.`);
          return 0;
        } finally {
          await closePostgres(pg);
        }
      } finally {
        db.close();
      }
    },
  };
}
