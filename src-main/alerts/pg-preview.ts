/**
 * The alert preview over the team mirror on PostgreSQL: the rows alerts/preview.ts replays, read with the
 * PostgreSQL store's own queries (the timeline's count and first page, the error log, the sync log), so a
 * condition previews the same on either store.
 */
import type { AlertCondition, AlertPreview } from '../common/alerts';
import { normalizeFilter } from '../store/queries/filter';
import { pgCountChanges } from '../store/postgres/aggregates';
import { pgAll, pgTimelinePage } from '../store/postgres/change-queries';
import type { PgConnection } from '../store/postgres/connection';
import { previewWith, type AlertPreviewer, type PreviewErrorRecord, type PreviewSource, type PreviewSyncLine } from './preview';

/** The PostgreSQL mirror's rows, as the preview reads them (text ordered bytewise, as SQLite orders it). */
export function pgPreviewSource(sql: PgConnection): PreviewSource {
  return {
    countChanges: (filter) => pgCountChanges(sql, normalizeFilter(filter)),
    newestChanges: async (filter, limit) => (await pgTimelinePage(sql, { filter, limit })).rows,
    firstErrors: (from, to) =>
      pgAll<PreviewErrorRecord>(sql, {
        sql: `SELECT e.id, e.instance_id, e.model, e.record_id, e.message, e.fingerprint, e.ts FROM errors e
              JOIN (SELECT min(id) AS id FROM errors GROUP BY instance_id, fingerprint) f ON f.id = e.id
              WHERE e.ts >= ? AND e.ts < ? ORDER BY e.ts DESC, e.id DESC`,
        params: [from, to],
      }),
    errorsBetween: (after, to) =>
      pgAll<PreviewErrorRecord>(sql, {
        sql: 'SELECT id, instance_id, model, record_id, message, fingerprint, ts FROM errors WHERE ts > ? AND ts < ? ORDER BY instance_id COLLATE "C", fingerprint COLLATE "C", ts, id',
        params: [after, to],
      }),
    syncLines: (from, to) =>
      pgAll<PreviewSyncLine>(sql, {
        sql: `SELECT instance_id, at, level, kind FROM sync_log WHERE at >= ? AND at < ? AND kind <> 'error-log' ORDER BY instance_id COLLATE "C", at, id`,
        params: [from, to],
      }),
  };
}

/** Runs `condition` over the last `days` of the PostgreSQL mirror, ending at `now` (Unix seconds). */
export function pgPreviewCondition(sql: PgConnection, condition: AlertCondition, days: number, now: number): Promise<AlertPreview> {
  return previewWith(pgPreviewSource(sql), condition, days, now);
}

/** The PostgreSQL store's previewer (the alert service's `preview`). */
export function pgPreviewer(sql: PgConnection): AlertPreviewer {
  return (condition, days, now) => pgPreviewCondition(sql, condition, days, now);
}
