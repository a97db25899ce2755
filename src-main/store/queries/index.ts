/** Public surface of the mirror's read side. */
export type { QueryDatabase, QueryStatement, SqlValue } from './database';
export { ChangeService } from './change-service';
export { iterateChanges, timelinePage, recordHistory, type IterateOptions } from './change-queries';
export { countChanges, facetCounts, histogram, bucketGrid, BUCKET_LADDER } from './aggregates';
export { errorRows, errorGroups, ftsQuery } from './error-queries';
export { normalizeFilter, type NormalizedFilter } from './filter';
export { isoFromSeconds, secondsFromIso } from './time';
export { openDefaultReadStore, readStoreFor, type ReadStore, type OpenReadStore } from './read-store';
