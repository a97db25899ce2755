/**
 * The mirror the polling tests give PgPollingRepository: inserts change rows inside the caller's
 * transaction. INTERIM, until branch pg-mirror's PgMirrorRepository.insertChangesIn is merged: the
 * insert of PgMirrorWriter (unnest, ON CONFLICT DO NOTHING on the server row), without the aggregates.
 */
import type { PgConnection } from '../../../src-main/store/postgres/connection';
import type { PgPollingMirror } from '../../../src-main/store/postgres/repositories/polling';

const INSERT_CHANGES = `
INSERT INTO changes (instance_id, epoch, server_id, revision, model, record_id, event, ts, first_seen_at, user_name, changed_fields, change_count, extra, origin, field_values)
SELECT $1, $2, server_id, revision, model, record_id, event, ts, $15, user_name, changed_fields, change_count, extra::jsonb, origin, field_values::jsonb
FROM unnest($3::bigint[], $4::integer[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::integer[], $12::text[], $13::text[], $14::text[])
  AS row (server_id, revision, model, record_id, event, ts, user_name, changed_fields, change_count, extra, origin, field_values)
ON CONFLICT (instance_id, epoch, server_id, revision) DO NOTHING`;

/** The mirror of `sql` as PgPollingRepository uses it. */
export function pgMirrorForPolling(_sql: PgConnection): PgPollingMirror {
  return {
    async insertChangesIn(tx, instanceId, epoch, rows, _advance, seenAt) {
      const columns = [
        rows.map((row) => row.serverId),
        rows.map((row) => row.revision ?? 0),
        rows.map((row) => row.model),
        rows.map((row) => row.recordId),
        rows.map((row) => row.event),
        rows.map((row) => row.ts),
        rows.map((row) => row.userName ?? null),
        rows.map((row) => row.changedFields ?? null),
        rows.map((row) => row.changeCount ?? null),
        rows.map((row) => row.extra ?? null),
        rows.map((row) => row.origin ?? 'module'),
        rows.map((row) => (row.values && row.values.length > 0 ? JSON.stringify(row.values) : null)),
      ];
      const result = await tx.unsafe(INSERT_CHANGES, [instanceId, epoch, ...columns, seenAt] as never[], { prepare: true });
      return result.count;
    },
  };
}
