/** The read side of the mirror as the {@link IChangeService} contract the UI, CLI and exports use. */
import type { Event } from '../../common/event';
import type { ChangeFilter, ChangeRow, ChangesNotice, ErrorFilter, ErrorGroup, ErrorRow, Facets, Histogram, InstanceId, TimelinePage, TimelineQuery } from '../../common/model';
import type { IChangeService } from '../../common/services';
import { countChanges, facetCounts, histogram } from './aggregates';
import { recordHistory, timelinePage } from './change-queries';
import type { SqlDatabase } from '../database';
import { errorGroups, errorRows } from './error-queries';
import { fieldFacet } from './field-facet';
import { normalizeFilter } from './filter';

/**
 * Answers every query synchronously on the given connection (better-sqlite3 is synchronous and each
 * query is bounded), wrapped in Promises for the contract. Invalid input rejects with 'invalid-input'.
 */
export class ChangeService implements IChangeService {
  /** @param onDidChangeData notices from the sync side, passed through to subscribers. */
  constructor(
    private readonly db: SqlDatabase,
    readonly onDidChangeData: Event<ChangesNotice>,
  ) {}

  async timeline(query: TimelineQuery): Promise<TimelinePage> {
    return timelinePage(this.db, query);
  }

  async count(filter: ChangeFilter): Promise<number> {
    return countChanges(this.db, normalizeFilter(filter));
  }

  async facets(filter: ChangeFilter): Promise<Facets> {
    const normalized = normalizeFilter(filter);
    return { ...facetCounts(this.db, normalized), ...fieldFacet(this.db, normalized) };
  }

  async histogram(filter: ChangeFilter, options?: { maxBuckets?: number }): Promise<Histogram> {
    return histogram(this.db, normalizeFilter(filter), options?.maxBuckets);
  }

  async recordHistory(instanceId: InstanceId, model: string, recordId: number): Promise<ChangeRow[]> {
    return recordHistory(this.db, instanceId, model, recordId);
  }

  async errors(filter: ErrorFilter, options?: { limit?: number; offset?: number }): Promise<ErrorRow[]> {
    return errorRows(this.db, filter, options);
  }

  async errorGroups(filter: ErrorFilter): Promise<ErrorGroup[]> {
    return errorGroups(this.db, filter);
  }
}
