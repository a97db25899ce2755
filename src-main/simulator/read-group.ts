/**
 * Grouped reads. `read_group` as Odoo 17/18 answer it over RPC (deprecated in 19, still working): groups by
 * plain fields or by date/datetime granularities (`timestamp:hour`, `timestamp:day`, ...), aggregates
 * (`id:count`, `record_id:max`, `alias:sum(field)`), `lazy`, and rows shaped like
 * `{'timestamp:day': '26 Nov 2026', '__count': 4398, 'id': 4398, '__domain': [...], '__range': {...}}`.
 * `formatted_read_group` (19+) on the same grouping: explicit `field:agg` aggregates keyed by their spec,
 * date groups as `[start, label]`, and `__extra_domain` (the group's own domain), no `__range`; shapes per
 * the 19 recording and Odoo's own tests (test_read_group, test_orm).
 */
import { parseDatetime } from './clock';
import { pythonRepr, pythonStringRepr } from './codec/python';
import { PyFloat, type WireValue } from './codec/values';
import { andDomains } from './domain';
import { pythonError } from './errors';
import type { Orm } from './orm';
import type { FieldDef } from './schema';
import type { Row } from './table';

/** Arguments of `read_group`. */
export interface ReadGroupParams {
  domain: unknown;
  fields: unknown;
  groupby: unknown;
  offset?: number;
  limit?: number;
  orderby?: string;
  lazy?: boolean;
  activeTest?: boolean;
}

/** Arguments of `formatted_read_group`. */
export interface FormattedReadGroupParams {
  domain: unknown;
  groupby: unknown;
  aggregates: unknown;
  having?: unknown;
  offset?: number;
  limit?: number;
  order?: string;
  activeTest?: boolean;
}

const GRANULARITIES = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
type Granularity = (typeof GRANULARITIES)[number];
const AGGREGATES = new Set(['count', 'count_distinct', 'sum', 'avg', 'max', 'min', 'bool_and', 'bool_or', 'array_agg']);
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface GroupBy {
  spec: string;
  field: FieldDef;
  granularity?: Granularity;
}

interface Aggregate {
  key: string;
  field: FieldDef;
  fn: string;
}

interface Group {
  values: unknown[];
  count: number;
  accumulators: unknown[];
  /** Per aggregate: whether a non-empty value was seen (SQL aggregates of only NULLs are NULL). */
  seen: boolean[];
  distinct?: Array<Set<unknown>>;
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** Start of the bucket holding a date/datetime value (same text format as the value). */
function bucketStart(value: string, granularity: Granularity, isDatetime: boolean): string {
  const date = value.slice(0, 10);
  const time = isDatetime ? ' 00:00:00' : '';
  switch (granularity) {
    case 'hour':
      return isDatetime ? `${value.slice(0, 13)}:00:00` : date;
    case 'day':
      return date + time;
    case 'month':
      return `${value.slice(0, 7)}-01${time}`;
    case 'quarter': {
      const month = Number(value.slice(5, 7));
      return `${value.slice(0, 4)}-${pad(Math.floor((month - 1) / 3) * 3 + 1)}-01${time}`;
    }
    case 'year':
      return `${value.slice(0, 4)}-01-01${time}`;
    case 'week': {
      const day = parseDatetime(date);
      const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86400000);
      return monday.toISOString().slice(0, 10) + time;
    }
  }
}

function addInterval(start: string, granularity: Granularity, isDatetime: boolean): string {
  const date = parseDatetime(start);
  switch (granularity) {
    case 'hour':
      date.setUTCHours(date.getUTCHours() + 1);
      break;
    case 'day':
      date.setUTCDate(date.getUTCDate() + 1);
      break;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7);
      break;
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + 1);
      break;
    case 'quarter':
      date.setUTCMonth(date.getUTCMonth() + 3);
      break;
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + 1);
      break;
  }
  const text = date.toISOString().replace('T', ' ').slice(0, 19);
  return isDatetime ? text : text.slice(0, 10);
}

/** US week number (weeks start on Sunday, week 1 holds January 1st), as babel's en_US gives. */
function usWeek(start: Date): { week: number; year: number } {
  const sunday = new Date(start.getTime() - start.getUTCDay() * 86400000);
  const year = new Date(sunday.getTime() + 6 * 86400000).getUTCFullYear();
  const january = new Date(Date.UTC(year, 0, 1));
  const firstSunday = new Date(january.getTime() - january.getUTCDay() * 86400000);
  return { week: Math.round((sunday.getTime() - firstSunday.getTime()) / (7 * 86400000)) + 1, year };
}

/** The group label Odoo writes (`READ_GROUP_DISPLAY_FORMAT`, en_US): `09:00 30 Nov`, `26 Nov 2026`, ... */
export function groupLabel(start: string, granularity: Granularity): string {
  const date = parseDatetime(start);
  const day = pad(date.getUTCDate());
  const month = MONTHS[date.getUTCMonth()];
  const year = String(date.getUTCFullYear());
  switch (granularity) {
    case 'hour': {
      const hour = date.getUTCHours() % 12 || 12; // babel 'hh' is the 12-hour clock
      return `${pad(hour)}:00 ${day} ${month.slice(0, 3)}`;
    }
    case 'day':
      return `${day} ${month.slice(0, 3)} ${year}`;
    case 'week': {
      const { week, year: weekYear } = usWeek(date);
      return `W${week} ${weekYear}`;
    }
    case 'month':
      return `${month} ${year}`;
    case 'quarter':
      return `Q${Math.floor(date.getUTCMonth() / 3) + 1} ${year}`;
    case 'year':
      return year;
  }
}

function invalidSpec(spec: unknown): never {
  throw pythonError(
    'ValueError',
    `Invalid aggregate/groupby specification ${pythonRepr(spec)}.\n- Valid aggregate specification looks like "<field_name>:<agg>" example: "quantity:sum".\n- Valid groupby specification looks like "<no_datish_field_name>" or "<datish_field_name>:<granularity>" example: "date:month" or "<properties_field_name>.<property>:<granularity>".`,
  );
}

function parseGroupBy(db: Orm, model: string, spec: unknown, requireGranularity = false): GroupBy {
  if (typeof spec !== 'string') invalidSpec(spec);
  const match = /^(\w+)(?::(\w+))?$/.exec(spec.trim());
  if (!match) invalidSpec(spec);
  const field = db.model(model).fields.get(match[1]);
  if (!field) throw pythonError('ValueError', `Invalid field ${pythonStringRepr(match[1])} on model ${pythonStringRepr(model)}`);
  const datish = field.type === 'date' || field.type === 'datetime';
  if (match[2] && !datish) {
    throw pythonError('ValueError', `Granularity set on a no-datetime field or property: ${pythonStringRepr(spec)}`);
  }
  if (!datish) return { spec, field };
  if (!match[2] && requireGranularity) throw pythonError('ValueError', `Granularity not set on a date(time) field: ${pythonStringRepr(spec)}`);
  const granularity = (match[2] ?? 'month') as Granularity;
  if (!GRANULARITIES.includes(granularity)) throw pythonError('ValueError', `Granularity ${pythonStringRepr(granularity)} is not supported`);
  return { spec, field, granularity };
}

function parseAggregates(db: Orm, model: string, fields: unknown, groupby: readonly GroupBy[]): Aggregate[] {
  const def = db.model(model);
  const list = Array.isArray(fields) ? fields : [];
  const aggregates: Aggregate[] = [];
  for (const spec of list) {
    if (typeof spec !== 'string') invalidSpec(spec);
    if (spec === '__count') continue;
    let key: string;
    let fieldName: string;
    let fn: string | undefined;
    let match = /^(\w+):(\w+)\((\w+)\)$/.exec(spec);
    if (match) {
      [, key, fn, fieldName] = match;
    } else if ((match = /^(\w+)(?::(\w+))?$/.exec(spec))) {
      key = fieldName = match[1];
      fn = match[2];
    } else {
      invalidSpec(spec);
    }
    const field = def.fields.get(fieldName);
    if (!field) throw pythonError('ValueError', `Invalid field ${pythonStringRepr(fieldName)} on model ${pythonStringRepr(model)}`);
    if (!fn) {
      // A plain field: its default aggregator (sum for numbers), nothing for others or groupby fields.
      if (groupby.some((group) => group.field.name === fieldName)) continue;
      if (!['integer', 'float', 'monetary'].includes(field.type) || fieldName === 'id') continue;
      fn = 'sum';
    }
    if (!AGGREGATES.has(fn)) throw pythonError('ValueError', `Invalid aggregation function ${pythonStringRepr(fn)}.`);
    aggregates.push({ key, field, fn });
  }
  return aggregates;
}

function accumulate(group: Group, index: number, fn: string, value: unknown): void {
  const current = group.accumulators[index];
  const empty = value === false || value === undefined || value === null;
  if (!empty) group.seen[index] = true;
  switch (fn) {
    case 'count':
      if (!empty || typeof value === 'boolean') group.accumulators[index] = (current as number) + 1;
      return;
    case 'count_distinct':
      if (!empty) (group.distinct as Array<Set<unknown>>)[index].add(value);
      return;
    case 'sum':
    case 'avg':
      group.accumulators[index] = (current as number) + (typeof value === 'number' ? value : 0);
      return;
    case 'max':
      if (!empty && (current === null || (value as number | string) > (current as number | string))) group.accumulators[index] = value;
      return;
    case 'min':
      if (!empty && (current === null || (value as number | string) < (current as number | string))) group.accumulators[index] = value;
      return;
    case 'bool_and':
      group.accumulators[index] = (current as boolean) && Boolean(value);
      return;
    case 'bool_or':
      group.accumulators[index] = (current as boolean) || Boolean(value);
      return;
    case 'array_agg':
      (current as unknown[]).push(empty ? null : value);
      return;
  }
}

function initial(fn: string): unknown {
  switch (fn) {
    case 'count':
    case 'sum':
    case 'avg':
      return 0;
    case 'bool_and':
      return true;
    case 'bool_or':
      return false;
    case 'array_agg':
      return [];
    default:
      return null;
  }
}

function finalValue(group: Group, index: number, aggregate: Aggregate): WireValue {
  const value = group.accumulators[index];
  const float = aggregate.field.type === 'float' || aggregate.field.type === 'monetary';
  switch (aggregate.fn) {
    case 'count':
      return value as number;
    case 'count_distinct':
      return (group.distinct as Array<Set<unknown>>)[index].size;
    case 'avg':
      return group.count ? new PyFloat((value as number) / group.count) : false;
    case 'sum':
      return float ? new PyFloat(value as number) : (value as number);
    case 'array_agg':
      return (value as unknown[]).map((item) => (item === null ? false : (item as WireValue)));
    default:
      if (value === null) return false;
      return float && typeof value === 'number' ? new PyFloat(value) : (value as WireValue);
  }
}

/** A value's group key for one groupby (date buckets start at the bucket's first instant). */
function groupKeyFunction(group: GroupBy): (row: Row) => unknown {
  const name = group.field.name;
  if (group.granularity) {
    const granularity = group.granularity;
    const isDatetime = group.field.type === 'datetime';
    if (granularity === 'hour' && isDatetime) {
      return (row) => (typeof row[name] === 'string' ? `${(row[name] as string).slice(0, 13)}:00:00` : false);
    }
    if (granularity === 'day' && isDatetime) {
      return (row) => (typeof row[name] === 'string' ? `${(row[name] as string).slice(0, 10)} 00:00:00` : false);
    }
    return (row) => (typeof row[name] === 'string' ? bucketStart(row[name] as string, granularity, isDatetime) : false);
  }
  if (group.field.type === 'boolean') return (row) => Boolean(row[name]);
  return (row) => (row[name] === undefined || row[name] === null || row[name] === '' ? false : row[name]);
}

/** The rows of a domain bucketed by the groupbys, with the aggregates accumulated (one group when none). */
function collectGroups(db: Orm, model: string, domain: unknown[], groups: readonly GroupBy[], aggregates: readonly Aggregate[], activeTest?: boolean): Group[] {
  const rows = db.select(model, domain, { order: 'id asc', activeTest });
  const keyOf = groups.map(groupKeyFunction);
  const newGroup = (values: unknown[]): Group => {
    const group: Group = { values, count: 0, accumulators: aggregates.map((aggregate) => initial(aggregate.fn)), seen: aggregates.map(() => false) };
    if (aggregates.some((aggregate) => aggregate.fn === 'count_distinct')) group.distinct = aggregates.map(() => new Set());
    return group;
  };
  const table = new Map<string, Group>();
  const single = groups.length === 1 ? keyOf[0] : undefined;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    let values: unknown[];
    let key: string;
    if (single) {
      const value = single(row);
      key = typeof value === 'string' ? value : `\u0000${String(value)}`;
      values = [value];
    } else {
      values = keyOf.map((fn) => fn(row));
      key = JSON.stringify(values);
    }
    let group = table.get(key);
    if (!group) {
      group = newGroup(values);
      table.set(key, group);
    }
    group.count++;
    for (let a = 0; a < aggregates.length; a++) {
      const aggregate = aggregates[a];
      accumulate(group, a, aggregate.fn, aggregate.field.name === 'id' ? row.id : row[aggregate.field.name]);
    }
  }
  if (!groups.length && !table.size) table.set('', newGroup([]));
  return [...table.values()];
}

function page<T>(list: T[], offset: number | undefined, limit: number | undefined): T[] {
  const start = offset && offset > 0 ? offset : 0;
  const end = limit && limit > 0 ? start + limit : Infinity;
  return start || end !== Infinity ? list.slice(start, end) : list;
}

/** A date group's end (exclusive) and the domain of its bucket. */
function bucketDomain(spec: GroupBy, start: string): { end: string; domain: unknown[] } {
  const end = addInterval(start, spec.granularity as Granularity, spec.field.type === 'datetime');
  return { end, domain: ['&', [spec.field.name, '>=', start], [spec.field.name, '<', end]] };
}

/** Runs `read_group` for a user (read access checked). */
export function readGroup(db: Orm, uid: number, model: string, params: ReadGroupParams): WireValue[] {
  db.checkAccess(uid, model, 'read');
  const rawGroupby = typeof params.groupby === 'string' ? [params.groupby] : Array.isArray(params.groupby) ? params.groupby : [];
  const lazy = params.lazy !== false;
  const allGroups = rawGroupby.map((spec) => parseGroupBy(db, model, spec));
  const groups = lazy ? allGroups.slice(0, 1) : allGroups;
  const aggregates = parseAggregates(db, model, params.fields, groups);
  const domain = Array.isArray(params.domain) ? params.domain : [];
  const list = collectGroups(db, model, domain, groups, aggregates, params.activeTest);
  sortGroups(db, list, groups, aggregates, params.orderby);

  const countKey = lazy && groups.length ? `${groups[0].field.name}_count` : '__count';
  return page(list, params.offset, params.limit).map((group) => {
    const out: { [key: string]: WireValue } = {};
    const extra: unknown[][] = [];
    let range: { [key: string]: WireValue } | undefined;
    groups.forEach((spec, index) => {
      const value = group.values[index];
      const field = spec.field;
      if (spec.granularity) {
        range ??= {};
        if (typeof value === 'string') {
          const { end, domain: bucket } = bucketDomain(spec, value);
          out[spec.spec] = groupLabel(value, spec.granularity);
          range[spec.spec] = { from: value, to: end };
          extra.push(bucket);
        } else {
          out[spec.spec] = false;
          range[spec.spec] = false;
          extra.push([[field.name, '=', false]]);
        }
        return;
      }
      out[spec.spec] = relationalValue(db, field, value);
      extra.push([[field.name, '=', value]]);
    });
    out[countKey] = group.count;
    aggregates.forEach((aggregate, index) => {
      out[aggregate.key] = finalValue(group, index, aggregate);
    });
    out.__domain = andDomains([domain, ...extra]) as WireValue;
    if (range) out.__range = range;
    if (lazy && allGroups.length > 1) out.__context = { group_by: allGroups.slice(1).map((group) => group.spec) };
    return out;
  });
}

/** A groupby value as RPC shows it: many2one as `[id, display name]`, others as stored. */
function relationalValue(db: Orm, field: FieldDef, value: unknown): WireValue {
  if (field.type === 'many2one' && typeof value === 'number' && field.relation) {
    const target = db.env.row(field.relation, value);
    return target ? [value, db.displayName(field.relation, target)] : false;
  }
  return value as WireValue;
}

/** `formatted_read_group` aggregates: `__count` or `field:agg` (the function is mandatory), keyed by the spec. */
function parseFormattedAggregates(db: Orm, model: string, specs: unknown): { aggregates: Aggregate[]; keys: string[] } {
  const def = db.model(model);
  const list = typeof specs === 'string' ? [specs] : Array.isArray(specs) ? specs : [];
  const aggregates: Aggregate[] = [];
  const keys: string[] = [];
  for (const spec of list) {
    if (typeof spec !== 'string') invalidSpec(spec);
    keys.push(spec);
    if (spec === '__count') continue;
    const match = /^(\w+)(?::(\w+))?$/.exec(spec);
    if (!match) invalidSpec(spec);
    const field = def.fields.get(match[1]);
    if (!field) throw pythonError('ValueError', `Invalid field ${pythonStringRepr(match[1])} on model ${pythonStringRepr(model)}`);
    if (!match[2]) throw pythonError('ValueError', `Aggregate method is mandatory for ${pythonStringRepr(match[1])}`);
    if (!AGGREGATES.has(match[2])) throw pythonError('ValueError', `Invalid aggregation function ${pythonStringRepr(match[2])}.`);
    aggregates.push({ key: spec, field, fn: match[2] });
  }
  return { aggregates, keys };
}

const HAVING_OPERATORS: Record<string, (left: number, right: number) => boolean> = {
  '=': (left, right) => left === right,
  '!=': (left, right) => left !== right,
  '<': (left, right) => left < right,
  '<=': (left, right) => left <= right,
  '>': (left, right) => left > right,
  '>=': (left, right) => left >= right,
};

/** `having`: a conjunction of `[aggregate, operator, number]` leaves over the requested aggregates. */
function havingFilter(having: unknown, valueOf: (group: Group, key: string) => unknown): (group: Group) => boolean {
  if (!Array.isArray(having) || !having.length) return () => true;
  const leaves = having.filter((term) => term !== '&').map((term) => {
    if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string' || !(term[1] in HAVING_OPERATORS)) {
      throw pythonError('ValueError', `Invalid having clause ${pythonRepr(term, true)}`);
    }
    return term as [string, string, unknown];
  });
  return (group) => leaves.every(([key, operator, right]) => HAVING_OPERATORS[operator](Number(valueOf(group, key)), Number(right)));
}

/** Runs `formatted_read_group` for a user (read access checked). */
export function formattedReadGroup(db: Orm, uid: number, model: string, params: FormattedReadGroupParams): WireValue[] {
  db.checkAccess(uid, model, 'read');
  const rawGroupby = typeof params.groupby === 'string' ? [params.groupby] : Array.isArray(params.groupby) ? params.groupby : [];
  const groups = rawGroupby.map((spec) => parseGroupBy(db, model, spec, true));
  const { aggregates, keys } = parseFormattedAggregates(db, model, params.aggregates);
  const domain = Array.isArray(params.domain) ? params.domain : [];
  const valueOf = (group: Group, key: string): WireValue => {
    if (key === '__count') return group.count;
    const index = aggregates.findIndex((aggregate) => aggregate.key === key);
    if (index < 0) throw pythonError('ValueError', `Invalid having clause: ${pythonStringRepr(key)} is not an aggregate of the query`);
    return group.seen[index] || aggregates[index].fn === 'count' || aggregates[index].fn === 'count_distinct' ? finalValue(group, index, aggregates[index]) : false;
  };
  const keep = havingFilter(params.having, valueOf);
  const list = collectGroups(db, model, domain, groups, aggregates, params.activeTest).filter((group) => group.count > 0 || !groups.length).filter(keep);
  sortGroups(db, list, groups, aggregates, params.order);
  return page(list, params.offset, params.limit).map((group) => {
    const out: { [key: string]: WireValue } = {};
    const extra: unknown[][] = [];
    groups.forEach((spec, index) => {
      const value = group.values[index];
      if (spec.granularity && typeof value === 'string') {
        out[spec.spec] = [value.length > 10 && spec.field.type === 'date' ? value.slice(0, 10) : value, groupLabel(value, spec.granularity)];
        extra.push(bucketDomain(spec, value).domain);
        return;
      }
      out[spec.spec] = spec.granularity ? false : relationalValue(db, spec.field, value);
      extra.push([[spec.field.name, '=', value]]);
    });
    out.__extra_domain = (extra.length ? andDomains(extra) : [[1, '=', 1]]) as WireValue;
    for (const key of keys) out[key] = valueOf(group, key);
    return out;
  });
}

function sortGroups(db: Orm, list: Group[], groups: readonly GroupBy[], aggregates: readonly Aggregate[], orderby: string | undefined): void {
  const terms: Array<{ get: (group: Group) => unknown; descending: boolean }> = [];
  const specs = orderby ? orderby.split(',').map((part) => part.trim()).filter(Boolean) : groups.map((group) => group.spec);
  for (const text of specs) {
    const [spec, direction = 'asc'] = text.split(/\s+/);
    const descending = direction.toLowerCase() === 'desc';
    const groupIndex = groups.findIndex((group) => group.spec === spec || group.field.name === spec);
    if (groupIndex >= 0) {
      const field = groups[groupIndex].field;
      terms.push({
        descending,
        get: (group) => {
          const value = group.values[groupIndex];
          if (field.type === 'many2one' && typeof value === 'number' && field.relation) {
            const target = db.env.row(field.relation, value);
            return target ? db.displayName(field.relation, target) : null;
          }
          return value === false && field.type !== 'boolean' ? null : value;
        },
      });
      continue;
    }
    if (spec === '__count' || spec === 'count') {
      terms.push({ descending, get: (group) => group.count });
      continue;
    }
    const aggregateIndex = aggregates.findIndex((aggregate) => aggregate.key === spec || `${aggregate.key}:${aggregate.fn}` === spec);
    if (aggregateIndex >= 0) {
      terms.push({ descending, get: (group) => group.accumulators[aggregateIndex] });
      continue;
    }
    throw pythonError('ValueError', `Order by ${pythonStringRepr(spec)} is not supported in read_group`);
  }
  list.sort((a, b) => {
    for (const term of terms) {
      const left = term.get(a);
      const right = term.get(b);
      if (left === right) continue;
      const leftNull = left === null || left === undefined;
      const rightNull = right === null || right === undefined;
      let result: number;
      if (leftNull || rightNull) result = leftNull ? 1 : -1;
      else result = (left as number | string) < (right as number | string) ? -1 : 1;
      return term.descending ? -result : result;
    }
    return 0;
  });
}
