/**
 * `web_search_read` and `web_read` (Odoo 17+, the web client's reads with a nested field specification),
 * as Odoo 18's `addons/web/models/models.py` answers them: a specification maps field names to `{}` or
 * `{fields: {...}}`; a many2one with `fields` comes back as a dict (`display_name` read as superuser), an
 * x2many with `fields` as a list of dicts, anything else as `read(load=None)` returns it (ids for
 * many2one). `web_search_read` answers `{length, records}`. Fields restricted to groups the user lacks
 * are refused as `read` refuses them (field-access.ts).
 */
import type { WireValue } from './codec/values';
import { pythonError } from './errors';
import { checkFieldAccess } from './field-access';
import type { Orm, SearchOptions } from './orm';
import type { Row } from './table';

type Specification = Record<string, { fields?: Specification; context?: unknown; limit?: number; order?: string }>;

function specificationOf(value: unknown): Specification {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw pythonError('AttributeError', `'${Array.isArray(value) ? 'list' : typeof value}' object has no attribute 'keys'`);
  }
  return value as Specification;
}

/** `web_read(specification)` of rows of `model`. */
export function webRead(db: Orm, uid: number, model: string, rows: readonly Row[], specificationValue: unknown): WireValue[] {
  const specification = specificationOf(specificationValue);
  const names = Object.keys(specification);
  if (names.length === 0 || (names.length === 1 && names[0] === 'id')) return rows.map((row) => ({ id: row.id }));
  db.checkAccess(uid, model, 'read');
  const def = db.model(model);
  checkFieldAccess(db, uid, def, names);
  const values = db.readRows(model, rows, names, false) as Array<{ [key: string]: WireValue }>;
  for (const name of names) {
    const field = def.fields.get(name);
    const spec = specification[name] ?? {};
    if (!field || !field.relation || !spec.fields) continue;
    const relation = field.relation;
    const target = (id: WireValue) => (typeof id === 'number' ? db.browseSome(relation, [id])[0] : undefined);
    if (field.type === 'many2one') {
      const { display_name: wantsName, ...rest } = spec.fields;
      const ids = [...new Set(values.map((value) => value[name]).filter((id): id is number => typeof id === 'number'))];
      const read = new Map((webRead(db, uid, relation, db.browseSome(relation, ids), rest) as Array<{ [key: string]: WireValue }>).map((value) => [value.id as number, value]));
      for (const value of values) {
        const id = value[name];
        if (typeof id !== 'number') continue;
        const co = { ...(read.get(id) ?? { id }) };
        const row = target(id);
        if (wantsName && row) co.display_name = db.displayName(relation, row);
        value[name] = co;
      }
    } else if (field.type === 'one2many') {
      for (const value of values) {
        const ids = Array.isArray(value[name]) ? (value[name] as number[]) : [];
        value[name] = webRead(db, uid, relation, db.browseSome(relation, ids), spec.fields);
      }
    }
  }
  return values;
}

/** `web_search_read(domain, specification, offset, limit, order, count_limit)`. */
export function webSearchRead(db: Orm, uid: number, model: string, args: { domain: unknown; specification: unknown; count_limit?: unknown } & SearchOptions): WireValue {
  db.checkAccess(uid, model, 'read');
  checkFieldAccess(db, uid, db.model(model), Object.keys(specificationOf(args.specification)));
  const rows = db.select(model, args.domain ?? [], args);
  const records = webRead(db, uid, model, rows, args.specification);
  if (records.length === 0) return { length: 0, records: [] };
  const offset = args.offset ?? 0;
  const countLimit = typeof args.count_limit === 'number' ? args.count_limit : undefined;
  const limitReached = args.limit !== undefined && records.length === args.limit;
  const length = limitReached && !(countLimit !== undefined && countLimit <= records.length + offset) ? db.count(model, args.domain ?? [], args.activeTest, countLimit) : records.length + offset;
  return { length, records };
}
