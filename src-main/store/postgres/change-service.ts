/** The read side of the team mirror as the {@link IChangeService} contract, over PostgreSQL. */
import type { Event } from '../../common/event';
import type { ChangeFilter, ChangeRow, ChangesNotice, ErrorFilter, ErrorGroup, ErrorRow, Facets, Histogram, InstanceId, TimelinePage, TimelineQuery } from '../../common/model';
import type { IChangeService } from '../../common/services';
import { normalizeFilter } from '../queries/filter';
import { pgCountChanges, pgFacetCounts, pgFieldFacet, pgHistogram } from './aggregates';
import { pgRecordHistory, pgTimelinePage } from './change-queries';
import type { PgConnection } from './connection';
import { pgErrorGroups, pgErrorRows } from './error-queries';

/**
 * Answers every query of the workbench on a PostgreSQL pool, with the results the SQLite
 * `ChangeService` gives on the same rows (test/integration/postgres/parity.test.ts). Invalid input
 * rejects with 'invalid-input', as there.
 */
export class PgChangeService implements IChangeService {
  /** @param onDidChangeData notices from the collector, passed through to subscribers. */
  constructor(
    private readonly sql: PgConnection,
    readonly onDidChangeData: Event<ChangesNotice>,
  ) {}

  timeline(query: TimelineQuery): Promise<TimelinePage> {
    return pgTimelinePage(this.sql, query);
  }

  async count(filter: ChangeFilter): Promise<number> {
    return pgCountChanges(this.sql, normalizeFilter(filter));
  }

  async facets(filter: ChangeFilter): Promise<Facets> {
    const normalized = normalizeFilter(filter);
    const [counts, fields] = await Promise.all([pgFacetCounts(this.sql, normalized), pgFieldFacet(this.sql, normalized)]);
    return { ...counts, ...fields };
  }

  async histogram(filter: ChangeFilter, options?: { maxBuckets?: number }): Promise<Histogram> {
    return pgHistogram(this.sql, normalizeFilter(filter), options?.maxBuckets);
  }

  recordHistory(instanceId: InstanceId, model: string, recordId: number): Promise<ChangeRow[]> {
    return pgRecordHistory(this.sql, instanceId, model, recordId);
  }

  errors(filter: ErrorFilter, options?: { limit?: number; offset?: number }): Promise<ErrorRow[]> {
    return pgErrorRows(this.sql, filter, options);
  }

  errorGroups(filter: ErrorFilter): Promise<ErrorGroup[]> {
    return pgErrorGroups(this.sql, filter);
  }
}
