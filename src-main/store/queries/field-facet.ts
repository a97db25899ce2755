/**
 * The "changed field" facet: which fields the newest matching rows of one model changed, with counts.
 * Field names belong to a model, so the facet is only offered when the filter names exactly one; it
 * reads at most {@link FIELD_FACET_ROWS} rows (newest first, through the model's timeline index), so it
 * costs the same on a mirror of a million rows as on a small one.
 */
import type { FacetValue, FieldChange } from '../../common/model';
import type { SqlDatabase } from '../database';
import { orderedRowsSql } from './change-queries';
import type { NormalizedFilter } from './filter';
import { cachedStatement } from './statements';

/** Most rows the field facet reads. */
export const FIELD_FACET_ROWS = 2000;

/** Counts per changed field over the newest matching rows, or undefined when the filter is not on one model. */
export function fieldFacet(db: SqlDatabase, filter: NormalizedFilter): { fields: FacetValue[]; fieldsFrom: number } | undefined {
  if (filter.dimensions.model?.length !== 1) return undefined;
  // The facet ignores its own filter (and the value condition, which is about a field).
  const own: NormalizedFilter = { ...filter, changedField: undefined, value: undefined };
  const query = orderedRowsSql(own, { order: 'desc', limit: FIELD_FACET_ROWS });
  const rows = cachedStatement(db, `SELECT changed_fields, field_values FROM (${query.sql})`).raw().all(...query.params) as [string | null, string | null][];
  return fieldFacetOf(rows);
}

/** The facet of the rows read: `[changed_fields, field_values]` of each, newest first (shared with the PostgreSQL store). */
export function fieldFacetOf(rows: readonly [string | null, string | null][]): { fields: FacetValue[]; fieldsFrom: number } {
  const counts = new Map<string, FacetValue>();
  const count = (field: string, label?: string) => {
    const facet = counts.get(field) ?? { value: field, count: 0 };
    facet.count++;
    if (label && !facet.label) facet.label = label;
    counts.set(field, facet);
  };
  for (const [changedFields, values] of rows) {
    const listed = changedFields?.split(',').map((field) => field.trim()).filter(Boolean);
    // Values are parsed only when they are the row's only list of fields, or hold a label not seen yet.
    const parse = values !== null && (!listed || listed.some((field) => !counts.get(field)?.label));
    const parsed = parse ? (JSON.parse(values) as FieldChange[]) : [];
    const labels = new Map(parsed.map((change) => [change.field, change.label]));
    for (const field of new Set(listed ?? parsed.map((change) => change.field))) count(field, labels.get(field));
  }
  const fields = [...counts.values()].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { fields, fieldsFrom: rows.length };
}
