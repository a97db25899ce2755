/** {@link ReportDataSource} over the team mirror on PostgreSQL, answering as `storeReportData` (store-data-source.ts) does on SQLite. */
import type { PgConnection } from '../store/postgres/connection';
import { pgCountChanges, pgCountsByInstanceModelEvent } from '../store/postgres/aggregates';
import { pgErrorGroups } from '../store/postgres/error-queries';
import { pgIterateChanges } from '../store/postgres/row-queries';
import type { Repositories } from '../store/ports';
import { normalizeFilter } from '../store/queries/filter';
import type { ReportDataSource } from './report-service';
import { reportInstances, summaryRows } from './store-data-source';

/**
 * Streams rows oldest first through a server-side cursor (`batchSize` rows fetched at a time), counts
 * and summarises from the hourly aggregate where the filter allows, groups errors, and lists the
 * instances from the store's repositories.
 */
export function pgReportData(sql: PgConnection, repositories: Pick<Repositories, 'instances' | 'syncState'>, options: { batchSize?: number } = {}): ReportDataSource {
  return {
    rows: (filter) => pgIterateChanges(sql, filter, { batchSize: options.batchSize ?? 2000 }),
    count: (filter) => pgCountChanges(sql, normalizeFilter(filter)),
    summary: async (filter) => summaryRows(await pgCountsByInstanceModelEvent(sql, normalizeFilter(filter))),
    errorGroups: (filter) => pgErrorGroups(sql, filter),
    instanceNames: () => repositories.instances.names(),
    instances: () => reportInstances(repositories),
  };
}
