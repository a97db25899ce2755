/** {@link ReportDataSource} over the local mirror's query module. */
import type { ChangeEvent, InstanceId } from '../common/model';
import type { Repositories } from '../store/ports';
import { aggregate, countChanges } from '../store/queries/aggregates';
import { iterateChanges } from '../store/queries/change-queries';
import { errorGroups } from '../store/queries/error-queries';
import { normalizeFilter } from '../store/queries/filter';
import type { Store } from '../store/store';
import type { SummaryRow } from './report-data';
import type { ReportInstance } from './report-instances';
import type { ReportDataSource } from './report-service';

/** Reads rows (keyset batches, oldest first), counts and summaries (from change_hours), error groups, and the instances with their error logs' state. */
export function storeReportData(store: Pick<Store, 'db' | 'instances' | 'syncState'>, options: { batchSize?: number } = {}): ReportDataSource {
  const { db } = store;
  return {
    rows: (filter) => iterateChanges(db, filter, { batchSize: options.batchSize ?? 2000 }),
    count: (filter) => countChanges(db, normalizeFilter(filter)),
    summary: (filter) => summaryRows(aggregate(db, normalizeFilter(filter), { applyDimensions: true, group: ['instance_id', 'model', 'event'] })),
    errorGroups: (filter) => errorGroups(db, filter),
    instanceNames: () => store.instances.names(),
    instances: () => reportInstances(store),
  };
}

/** Counts per (instance, model, event) as the report's summary: cells with rows, by instance, model and event. */
export function summaryRows(cells: readonly { instance_id?: string; model?: string; event?: string; count: number }[]): SummaryRow[] {
  return cells
    .filter((cell) => cell.count > 0)
    .map((cell) => ({ instanceId: cell.instance_id as InstanceId, model: cell.model as string, event: cell.event as ChangeEvent, count: cell.count }))
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId) || a.model.localeCompare(b.model) || a.event.localeCompare(b.event));
}

/** Every instance, removed ones included, with whether its error log was read (either store's repositories). */
export async function reportInstances(store: Pick<Repositories, 'instances' | 'syncState'>): Promise<ReportInstance[]> {
  const records = await store.instances.list({ includeRemoved: true });
  return Promise.all(
    records.map(async ({ config }) => ({
      id: config.id,
      name: config.name,
      removed: config.removedAt !== undefined,
      errorLog: (await store.syncState.get(config.id)).capabilities?.errorLog ?? 'unknown',
    })),
  );
}
