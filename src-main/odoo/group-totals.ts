/**
 * Group queries across Odoo versions: `read_group` up to 18, `formatted_read_group` from 19 (where
 * `read_group` logs a DeprecationWarning), both turned into one shape, {@link GroupTotals}: the group's
 * values, its row count and the sums asked for.
 *
 * What Odoo answers (checked against Odoo's source and the 18/19 recordings):
 * - `read_group(domain, fields, groupby, lazy=False)` rows carry `__count`, each aggregate under its
 *   alias (`sum_id:sum(id)` → `sum_id`), a date/datetime group as a label (`'26 Nov 2026'`) with the
 *   range in `__range[spec].from/to`, and `__domain`.
 * - `formatted_read_group(domain, groupby, aggregates, having, offset, limit, order)` rows carry
 *   `__count` (when asked for), each aggregate under its spec (`id:sum`), a date/datetime group as
 *   `[range start, label]` (the start in UTC, 'YYYY-MM-DD HH:MM:SS' for datetimes), and `__extra_domain`.
 * In both, a many2one group is `[id, display name]` and an empty group value is `false`; without
 * groupby there is exactly one row.
 */
import { OcmError } from '../common/errors';
import type { CallOptions, Domain, DomainTerm, OdooClient, OdooValue, ReadGroupRow } from './types';

/** What to group and total. */
export interface GroupTotalsQuery {
  domain: Domain;
  /** Group by these specs (`'model'`, `'timestamp:hour'`, `'create_uid'`); none gives one total. */
  groupby?: string[];
  /** Numeric fields to sum in each group. */
  sums?: string[];
  /** Fields whose greatest value each group reports (e.g. `write_date`). */
  maxima?: string[];
  context?: Record<string, OdooValue>;
}

/** One group of a {@link GroupTotalsQuery}, the same whatever the server's version. */
export interface GroupTotals {
  /**
   * The group's value per groupby spec: for a date/datetime granularity the start of its range (UTC,
   * 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD'), for a many2one `[id, name]`, `false` for "no value".
   */
  group: Record<string, OdooValue>;
  count: number;
  /** Sum per field of {@link GroupTotalsQuery.sums} (0 when the group has no value to sum). */
  sums: Record<string, number>;
  /** Greatest value per field of {@link GroupTotalsQuery.maxima} (`false` when the group has none); only when asked for. */
  maxima?: Record<string, OdooValue>;
}

/** The first Odoo major version with `formatted_read_group`. */
export const formattedReadGroupSince = 19;

/** Named arguments of `formatted_read_group` for a query (JSON-2 body, or execute_kw keyword arguments). */
export function formattedReadGroupArguments(query: GroupTotalsQuery): Record<string, OdooValue> {
  const named: Record<string, OdooValue> = {
    domain: query.domain,
    groupby: query.groupby ?? [],
    aggregates: ['__count', ...(query.sums ?? []).map((field) => `${field}:sum`), ...(query.maxima ?? []).map((field) => `${field}:max`)],
  };
  if (query.context) named.context = query.context;
  return named;
}

/** `formatted_read_group` rows as {@link GroupTotals}. */
export function totalsFromFormattedReadGroup(rows: OdooValue, query: GroupTotalsQuery): GroupTotals[] {
  return rowsOf(rows, 'formatted_read_group').map((row) => ({
    group: groupValues(row, query.groupby ?? [], (spec, value) => (Array.isArray(value) ? value[0] : value)),
    count: numberOf(row.__count),
    sums: Object.fromEntries((query.sums ?? []).map((field) => [field, numberOf(row[`${field}:sum`])])),
    ...(query.maxima?.length ? { maxima: Object.fromEntries(query.maxima.map((field) => [field, row[`${field}:max`] ?? false])) } : {}),
  }));
}

/** Positional and keyword arguments of `read_group(lazy=False)` for a query (Odoo up to 18). */
export function readGroupArguments(query: GroupTotalsQuery): { args: OdooValue[]; kwargs: Record<string, OdooValue> } {
  const fields = [...(query.sums ?? []).map((field) => `${sumAlias(field)}:sum(${field})`), ...(query.maxima ?? []).map((field) => `${maxAlias(field)}:max(${field})`)];
  const kwargs: Record<string, OdooValue> = { lazy: false };
  if (query.context) kwargs.context = query.context;
  return { args: [query.domain, fields.length ? fields : ['__count'], query.groupby ?? []], kwargs };
}

/** `read_group(lazy=False)` rows as {@link GroupTotals}. */
export function totalsFromReadGroup(rows: OdooValue, query: GroupTotalsQuery): GroupTotals[] {
  return rowsOf(rows, 'read_group').map((row) => {
    const ranges = isRecord(row.__range) ? row.__range : {};
    return {
      group: groupValues(row, query.groupby ?? [], (spec, value) => {
        const range = ranges[spec];
        return value !== false && isRecord(range) && range.from !== undefined ? range.from : value;
      }),
      count: numberOf(row.__count),
      sums: Object.fromEntries((query.sums ?? []).map((field) => [field, numberOf(row[sumAlias(field)])])),
      ...(query.maxima?.length ? { maxima: Object.fromEntries(query.maxima.map((field) => [field, row[maxAlias(field)] ?? false])) } : {}),
    };
  });
}

/**
 * The version-aware group query for a client with `execute_kw` (XML-RPC, JSON-RPC): `formatted_read_group`
 * on Odoo 19 and later, `read_group` before. `major` is the server's major version (`version().major`).
 */
export async function groupTotals(client: Pick<OdooClient, 'executeKw'>, major: number, model: string, query: GroupTotalsQuery, call?: CallOptions): Promise<GroupTotals[]> {
  if (major >= formattedReadGroupSince) {
    return totalsFromFormattedReadGroup(await client.executeKw(model, 'formatted_read_group', [], formattedReadGroupArguments(query), call), query);
  }
  const { args, kwargs } = readGroupArguments(query);
  return totalsFromReadGroup(await client.executeKw(model, 'read_group', args, kwargs, call), query);
}

/** A `read_group` call expressed as `formatted_read_group`, when it can be. */
export interface ReadGroupPlan {
  arguments: Record<string, OdooValue>;
  /** read_group's key → formatted_read_group's aggregate spec. */
  aggregates: [string, string][];
  groupby: string[];
  domain: Domain;
}

/**
 * Plans `read_group(domain, fields, groupby, lazy=False)` as `formatted_read_group`, or undefined when
 * a field has no explicit aggregate (`'amount'` alone uses the field's own aggregator, unknown here) or
 * the grouping is lazy over several fields (its counts mean something else).
 */
export function planReadGroup(domain: Domain, fields: string[], groupby: string[], options: { lazy?: boolean; orderby?: string; context?: Record<string, OdooValue> }): ReadGroupPlan | undefined {
  if (options.lazy && groupby.length > 1) return undefined;
  const aggregates: [string, string][] = [];
  for (const spec of fields) {
    if (spec === '__count') continue;
    const match = /^(\w+):(\w+)(?:\((\w+)\))?$/.exec(spec.trim());
    if (!match) return undefined;
    const [, name, aggregate, field] = match;
    aggregates.push([name, `${field ?? name}:${aggregate}`]);
  }
  const named: Record<string, OdooValue> = { domain, groupby, aggregates: ['__count', ...aggregates.map(([, spec]) => spec)] };
  if (options.orderby) named.order = options.orderby;
  if (options.context) named.context = options.context;
  return { arguments: named, aggregates, groupby, domain };
}

/**
 * `formatted_read_group` rows in `read_group`'s shape for a {@link planReadGroup} plan: aggregates under
 * read_group's keys, date/datetime groups as their label with `__range`, `__domain` (the query's domain
 * and the group's), and the count as `__count` (or `<field>_count` for a lazy one-field grouping).
 */
export function readGroupRowsFromFormatted(rows: OdooValue, plan: ReadGroupPlan, lazy: boolean): ReadGroupRow[] {
  return rowsOf(rows, 'formatted_read_group').map((row) => {
    const out: ReadGroupRow = { __count: numberOf(row.__count) };
    const ranges: Record<string, OdooValue> = {};
    for (const spec of plan.groupby) {
      const value = row[spec];
      if (spec.includes(':') && Array.isArray(value)) {
        out[spec] = value[1];
        const field = spec.split(':')[0];
        const to = Array.isArray(row.__extra_domain) ? row.__extra_domain.find((term): term is [string, string, OdooValue] => Array.isArray(term) && term[0] === field && term[1] === '<') : undefined;
        ranges[spec] = { from: value[0], to: to ? to[2] : false };
      } else {
        out[spec] = value ?? false;
      }
    }
    for (const [key, spec] of plan.aggregates) out[key] = row[spec] ?? false;
    if (Object.keys(ranges).length) out.__range = ranges;
    out.__domain = [...(Array.isArray(row.__extra_domain) ? (row.__extra_domain as DomainTerm[]) : []), ...plan.domain] as OdooValue;
    if (lazy && plan.groupby.length === 1) {
      out[`${plan.groupby[0].split(':')[0]}_count`] = out.__count;
    }
    return out;
  });
}

/** The alias a sum is read under from read_group (`sum_<field>`), so it cannot clash with a groupby field. */
function sumAlias(field: string): string {
  return `sum_${field}`;
}

/** The alias a maximum is read under from read_group (`max_<field>`). */
function maxAlias(field: string): string {
  return `max_${field}`;
}

function groupValues(row: Record<string, OdooValue>, groupby: string[], pick: (spec: string, value: OdooValue) => OdooValue): Record<string, OdooValue> {
  const group: Record<string, OdooValue> = {};
  for (const spec of groupby) group[spec] = pick(spec, row[spec] ?? false);
  return group;
}

function rowsOf(rows: OdooValue, method: string): Record<string, OdooValue>[] {
  if (!Array.isArray(rows) || !rows.every(isRecord)) {
    throw new OcmError('protocol', `Odoo's ${method} did not answer a list of groups.`, { hint: 'Check that the URL leads to an Odoo server.', detail: JSON.stringify(rows)?.slice(0, 2000) });
  }
  return rows as Record<string, OdooValue>[];
}

function isRecord(value: OdooValue | undefined): value is Record<string, OdooValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOf(value: OdooValue | undefined): number {
  return typeof value === 'number' ? value : 0;
}
