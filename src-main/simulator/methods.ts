/**
 * The model methods callable over RPC, with two argument bindings: Odoo's `call_kw` behind `execute_kw`
 * (positional arguments, then keyword arguments, `context` taken apart, Python's TypeErrors for wrong
 * arguments) and JSON-2's named arguments (`ids`, `context` and the method's keyword arguments).
 */
import { pythonStringRepr } from './codec/python';
import type { WireValue } from './codec/values';
import { accessError, pythonError } from './errors';
import type { AccessMode, Orm } from './orm';
import { readableFields } from './field-access';
import { formattedReadGroup, readGroup } from './read-group';
import { webRead, webSearchRead } from './web-read';
import type { ModelDef } from './schema';
import type { OdooVersion } from './types';

/** The context of a call (`kwargs.context`). */
interface CallContext {
  activeTest: boolean;
}

type Args = Record<string, unknown>;

interface MethodSpec {
  /** Whether the first positional argument is the record ids (`@api.multi` style); false = `@api.model`. */
  ids: boolean;
  /** Parameter names with defaults (`undefined` = required). */
  params: Array<[string, unknown]>;
  /** Which models have the method (default: all). */
  applies?: (def: ModelDef) => boolean;
  /** The first version that has the method. */
  since?: OdooVersion;
  /** The first version that logs a DeprecationWarning when it is called. */
  deprecatedSince?: OdooVersion;
  /** The Python class whose method it is, for TypeError messages (default `BaseModel`). */
  owner?: string;
  /** Keyword arguments passed on to another function (`search_read` → `_read_format`), and the ones it takes. */
  passesOn?: { to: string; accepts: readonly string[] };
  /** Returns records: call_kw answers one id for one dict, JSON-2 always the ids. */
  createsRecords?: boolean;
  run(db: Orm, uid: number, model: string, ids: number[], args: Args, context: CallContext): WireValue | null;
}

const isList = (value: unknown): value is unknown[] => Array.isArray(value);
const numberOrUndefined = (value: unknown): number | undefined => (typeof value === 'number' && value > 0 ? value : undefined);
const orderOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);

function readFieldsDescription(def: ModelDef, allfields: unknown, attributes: unknown): { [key: string]: WireValue } {
  const wantedFields = isList(allfields) && allfields.length ? new Set(allfields) : undefined;
  const wantedAttributes = isList(attributes) && attributes.length ? new Set(attributes) : undefined;
  const out: { [key: string]: WireValue } = {};
  for (const field of def.fields.values()) {
    if (wantedFields && !wantedFields.has(field.name)) continue;
    const stored = field.store !== false && field.type !== 'one2many';
    const description: { [key: string]: WireValue } = {
      change_default: false,
      company_dependent: false,
      depends: field.name === 'display_name' ? [def.recName ?? 'id'] : [],
      exportable: true,
      groupable: stored,
      manual: false,
      name: field.name,
      readonly: Boolean(field.readonly),
      required: Boolean(field.required),
      searchable: true,
      sortable: stored,
      store: stored,
      string: field.string,
      type: field.type,
    };
    if (field.relation) {
      description.relation = field.relation;
      description.context = {};
      description.domain = [];
    }
    if (field.type === 'one2many' && field.inverse) description.relation_field = field.inverse;
    if (field.selection) description.selection = field.selection.map(([key, label]) => [key, label]);
    if (field.help) description.help = field.help;
    const filtered: { [key: string]: WireValue } = {};
    for (const key of Object.keys(description).sort()) {
      if (!wantedAttributes || wantedAttributes.has(key)) filtered[key] = description[key];
    }
    out[field.name] = filtered;
  }
  return out;
}

const hasActive = (def: ModelDef): boolean => def.fields.has('active');

const METHODS: Record<string, MethodSpec> = {
  search: {
    ids: false,
    params: [
      ['domain', undefined],
      ['offset', 0],
      ['limit', null],
      ['order', null],
    ],
    run: (db, uid, model, _ids, args, context) => {
      db.checkAccess(uid, model, 'read');
      return db
        .select(model, args.domain, {
          offset: numberOrUndefined(args.offset),
          limit: numberOrUndefined(args.limit),
          order: orderOrUndefined(args.order),
          activeTest: context.activeTest,
        })
        .map((row) => row.id);
    },
  },
  search_read: {
    ids: false,
    params: [
      ['domain', null],
      ['fields', null],
      ['offset', 0],
      ['limit', null],
      ['order', null],
    ],
    passesOn: { to: '_read_format', accepts: ['load'] },
    run: (db, uid, model, _ids, args, context) => {
      db.checkAccess(uid, model, 'read');
      const def = db.model(model);
      db.fieldList(def, args.fields); // invalid fields fail before searching, like search_fetch
      const fields = readableFields(db, uid, def, args.fields);
      const rows = db.select(model, args.domain ?? [], {
        offset: numberOrUndefined(args.offset),
        limit: numberOrUndefined(args.limit),
        order: orderOrUndefined(args.order),
        activeTest: context.activeTest,
      });
      return db.readRows(model, rows, fields);
    },
  },
  search_count: {
    ids: false,
    params: [
      ['domain', undefined],
      ['limit', null],
    ],
    run: (db, uid, model, _ids, args, context) => {
      db.checkAccess(uid, model, 'read');
      return db.count(model, args.domain, context.activeTest, numberOrUndefined(args.limit));
    },
  },
  read: {
    ids: true,
    params: [
      ['fields', null],
      ['load', '_classic_read'],
    ],
    run: (db, uid, model, ids, args) => {
      db.checkAccess(uid, model, 'read');
      db.fieldList(db.model(model), args.fields);
      const fields = readableFields(db, uid, db.model(model), args.fields);
      // Missing ids are left out, no fault (recorded on 18 over XML-RPC and on 19 over JSON-2).
      return db.readRows(model, db.browseSome(model, ids), fields, args.load === '_classic_read');
    },
  },
  web_search_read: {
    ids: false,
    since: 17,
    params: [
      ['domain', undefined],
      ['specification', undefined],
      ['offset', 0],
      ['limit', null],
      ['order', null],
      ['count_limit', null],
    ],
    run: (db, uid, model, _ids, args, context) =>
      webSearchRead(db, uid, model, {
        domain: args.domain,
        specification: args.specification,
        count_limit: args.count_limit,
        offset: numberOrUndefined(args.offset),
        limit: numberOrUndefined(args.limit),
        order: orderOrUndefined(args.order),
        activeTest: context.activeTest,
      }),
  },
  web_read: {
    ids: true,
    since: 17,
    params: [['specification', undefined]],
    run: (db, uid, model, ids, args) => webRead(db, uid, model, db.browseSome(model, ids), args.specification),
  },
  create: {
    ids: false,
    params: [['vals_list', undefined]],
    createsRecords: true,
    run: (db, uid, model, _ids, args) => {
      const single = !isList(args.vals_list);
      const ids = db.createAs(uid, model, (single ? [args.vals_list] : args.vals_list) as Array<Record<string, unknown>>);
      return single ? ids[0] : ids;
    },
  },
  write: {
    ids: true,
    params: [['vals', undefined]],
    run: (db, uid, model, ids, args) => {
      db.writeAs(uid, model, ids, args.vals as Record<string, unknown>);
      return true;
    },
  },
  unlink: {
    ids: true,
    params: [],
    run: (db, uid, model, ids) => {
      db.unlinkAs(uid, model, ids);
      return true;
    },
  },
  fields_get: {
    ids: false,
    params: [
      ['allfields', null],
      ['attributes', null],
    ],
    run: (db, _uid, model, _ids, args) => readFieldsDescription(db.model(model), args.allfields, args.attributes),
  },
  read_group: {
    ids: false,
    deprecatedSince: 19,
    params: [
      ['domain', undefined],
      ['fields', undefined],
      ['groupby', undefined],
      ['offset', 0],
      ['limit', null],
      ['orderby', false],
      ['lazy', true],
    ],
    run: (db, uid, model, _ids, args, context) =>
      readGroup(db, uid, model, {
        domain: args.domain,
        fields: args.fields,
        groupby: args.groupby,
        offset: numberOrUndefined(args.offset),
        limit: numberOrUndefined(args.limit),
        orderby: orderOrUndefined(args.orderby),
        lazy: args.lazy !== false,
        activeTest: context.activeTest,
      }),
  },
  has_group: {
    ids: true,
    params: [['group_ext_id', undefined]],
    owner: 'ResUsers',
    applies: (def) => def.name === 'res.users',
    run: (db, uid, model, ids, args) => {
      if (ids.length !== 1) throw pythonError('ValueError', `Expected singleton: ${model}(${ids.join(', ')})`);
      const group = args.group_ext_id;
      if (typeof group !== 'string' || !group.includes('.')) {
        throw pythonError('AssertionError', `External ID '${String(group)}' must be fully qualified`);
      }
      // Only internal users may ask about someone else (res.users.has_group in Odoo 18).
      if (ids[0] !== uid && uid !== 1 && !db.hasGroup(uid, 'base.group_user')) {
        throw accessError('You can ony call user.has_group() with your current user.');
      }
      return db.hasGroup(ids[0], group);
    },
  },
  formatted_read_group: {
    ids: false,
    since: 19,
    params: [
      ['domain', undefined],
      ['groupby', []],
      ['aggregates', []],
      ['having', []],
      ['offset', 0],
      ['limit', null],
      ['order', null],
    ],
    run: (db, uid, model, _ids, args, context) =>
      formattedReadGroup(db, uid, model, {
        domain: args.domain,
        groupby: args.groupby,
        aggregates: args.aggregates,
        having: args.having,
        offset: numberOrUndefined(args.offset),
        limit: numberOrUndefined(args.limit),
        order: orderOrUndefined(args.order),
        activeTest: context.activeTest,
      }),
  },
  context_get: {
    ids: false,
    params: [],
    owner: 'ResUsers',
    applies: (def) => def.name === 'res.users',
    run: (db, uid) => db.userContext(uid),
  },
  check_access_rights: {
    ids: false,
    params: [
      ['operation', undefined],
      ['raise_exception', true],
    ],
    run: (db, uid, model, _ids, args) => {
      const operation = args.operation;
      if (operation !== 'read' && operation !== 'write' && operation !== 'create' && operation !== 'unlink') {
        throw pythonError('AssertionError', 'Invalid access mode');
      }
      return db.checkAccess(uid, model, operation as AccessMode, args.raise_exception !== false);
    },
  },
  // Odoo 18's successor of check_access_rights: the model's access rights (and, for records, its rules).
  has_access: {
    ids: true,
    since: 18,
    params: [['operation', undefined]],
    run: (db, uid, model, _ids, args) => {
      const operation = args.operation;
      if (operation !== 'read' && operation !== 'write' && operation !== 'create' && operation !== 'unlink') {
        throw pythonError('ValueError', `Invalid access operation ${pythonStringRepr(String(operation))}`);
      }
      return db.checkAccess(uid, model, operation, false);
    },
  },
  name_search: {
    ids: false,
    params: [
      ['name', ''],
      ['domain', null],
      ['operator', 'ilike'],
      ['limit', 100],
    ],
    run: (db, uid, model, _ids, args, context) => {
      db.checkAccess(uid, model, 'read');
      const domain = isList(args.domain) ? [...args.domain] : [];
      const name = typeof args.name === 'string' ? args.name : '';
      if (name) domain.push(['display_name', typeof args.operator === 'string' ? args.operator : 'ilike', name]);
      const rows = db.select(model, domain, { limit: numberOrUndefined(args.limit), activeTest: context.activeTest });
      return rows.map((row) => [row.id, db.displayName(model, row)]);
    },
  },
  action_archive: {
    ids: true,
    params: [],
    applies: hasActive,
    run: (db, uid, model, ids) => {
      db.writeAs(uid, model, ids, { active: false });
      return null; // Odoo 18 returns None here: XML-RPC clients get "cannot marshal None"
    },
  },
  action_unarchive: {
    ids: true,
    params: [],
    applies: hasActive,
    run: (db, uid, model, ids) => {
      db.writeAs(uid, model, ids, { active: true });
      return null;
    },
  },
  action_confirm: {
    ids: true,
    params: [],
    owner: 'SaleOrder',
    applies: (def) => def.name === 'sale.order',
    run: (db, uid, _model, ids) => db.confirmSaleOrders(uid, ids),
  },
  protocol_version: {
    ids: false,
    params: [],
    applies: (def) => def.fields.has('changed_values'),
    run: (db) => db.protocolVersion(),
  },
  sync_state: {
    ids: false,
    params: [
      ['cursor', 0],
      ['limit', 0],
      ['fields', false],
      ['tombstone_cursor', 0],
      ['refreshed_since', false],
    ],
    applies: (def) => def.fields.has('changed_values'),
    run: (db, uid, _model, _ids, args) => db.syncState(uid, args),
  },
  digest: {
    ids: false,
    params: [['ranges', undefined]],
    applies: (def) => def.fields.has('changed_values'),
    run: (db, uid, _model, _ids, args) => db.digest(uid, args.ranges),
  },
  clean_webhook_records: {
    ids: false,
    params: [],
    applies: (def) => def.name === 'webhook.cleanup.cron',
    run: (db, uid) => db.cleanWebhookRecords(uid),
  },
};

function toIds(value: unknown): number[] {
  if (value === false || value === null || value === undefined) return [];
  const list = isList(value) ? value : [value];
  return list.map((item) => {
    if (typeof item !== 'number') throw pythonError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${typeof item === 'string' ? 'str' : 'list'}'`);
    return item;
  });
}

/** Hooks of a call: `deprecated` is told when a deprecated method runs (19+ logs a DeprecationWarning). */
export interface CallHooks {
  deprecated?(method: string): void;
}

function specOf(db: Orm, def: ModelDef, method: string): MethodSpec | undefined {
  const spec = Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;
  if (!spec || (spec.applies && !spec.applies(def)) || (spec.since && db.profile.version < spec.since)) return undefined;
  return spec;
}

/** Whether a model has a public method of that name in this database's version. */
export function methodExists(db: Orm, model: string, method: string): boolean {
  return !method.startsWith('_') && specOf(db, db.model(model), method) !== undefined;
}

/** Whether a method works on the model rather than on records (`@api.model`: no ids allowed over JSON-2). */
export function isModelMethod(method: string): boolean {
  return Object.prototype.hasOwnProperty.call(METHODS, method) && !METHODS[method].ids;
}

/** The spec of a public method, or Odoo's errors: UserError (no model), AccessError (private), AttributeError. */
function publicMethod(db: Orm, model: string, method: string): MethodSpec {
  const def = db.model(model);
  if (method.startsWith('_')) throw accessError(`Private methods (such as '${model}.${method}') cannot be called remotely.`);
  const spec = specOf(db, def, method);
  if (!spec) throw pythonError('AttributeError', `The method '${model}.${method}' does not exist`);
  return spec;
}

function contextOf(value: unknown): CallContext {
  const context = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return { activeTest: context.active_test !== false };
}

function invoke(db: Orm, uid: number, model: string, method: string, spec: MethodSpec, ids: number[], bound: Args, context: CallContext, hooks: CallHooks): WireValue | null {
  if (spec.deprecatedSince && db.profile.version >= spec.deprecatedSince) hooks.deprecated?.(method);
  return spec.run(db, uid, model, ids, bound, context);
}

/**
 * Calls a public model method like `odoo.api.call_kw` behind `execute_kw`: model existence (UserError),
 * private names (AccessError), unknown methods (AttributeError), then argument binding.
 */
export function callModelMethod(
  db: Orm,
  uid: number,
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
  hooks: CallHooks = {},
): WireValue | null {
  const spec = publicMethod(db, model, method);
  const positional = [...args];
  let ids: number[] = [];
  if (spec.ids) {
    if (!positional.length) throw pythonError('IndexError', 'list index out of range');
    ids = toIds(positional.shift());
  }
  const bound: Args = {};
  if (positional.length > spec.params.length) {
    const total = spec.params.length + 1;
    throw pythonError('TypeError', `${model.replace(/\./g, '_')}.${method}() takes from 1 to ${total} positional arguments but ${positional.length + 1} were given`);
  }
  spec.params.forEach(([name], index) => {
    if (index < positional.length) bound[name] = positional[index];
  });
  const keywords = { ...(kwargs ?? {}) };
  const contextValue = keywords.context;
  delete keywords.context;
  for (const [name, value] of Object.entries(keywords)) {
    if (!spec.params.some(([param]) => param === name)) throw pythonError('TypeError', `${method}() got an unexpected keyword argument ${pythonStringRepr(name)}`);
    if (name in bound) throw pythonError('TypeError', `${method}() got multiple values for argument ${pythonStringRepr(name)}`);
    bound[name] = value;
  }
  for (const [name, fallback] of spec.params) {
    if (name in bound) continue;
    if (fallback === undefined) throw pythonError('TypeError', `${method}() missing 1 required positional argument: ${pythonStringRepr(name)}`);
    bound[name] = fallback;
  }
  return invoke(db, uid, model, method, spec, ids, bound, contextOf(contextValue), hooks);
}

/**
 * Named arguments that do not fit the method: `python` is the TypeError Python raises when the method is
 * called with them (Odoo 19's JSON-2 answers it as a 500); `signature`, when the method's own signature
 * refuses them, is the message of `inspect.Signature.bind`, which JSON-2 checks first from 20 on (a 422).
 */
export class ArgumentMismatch extends Error {
  override readonly name = 'ArgumentMismatch';

  constructor(
    readonly python: string,
    readonly signature?: string,
  ) {
    super(python);
  }
}

/**
 * Calls a public model method with JSON-2's named arguments (`ids` and `context` already taken apart):
 * binding problems raise {@link ArgumentMismatch}; records come back as their ids.
 */
export function callModelMethodNamed(
  db: Orm,
  uid: number,
  model: string,
  method: string,
  ids: number[],
  kwargs: Record<string, unknown>,
  context: unknown,
  hooks: CallHooks = {},
): WireValue | null {
  const spec = publicMethod(db, model, method);
  const owner = `${spec.owner ?? 'BaseModel'}.${method}()`;
  const bound: Args = {};
  for (const [name, value] of Object.entries(kwargs)) {
    if (spec.params.some(([param]) => param === name)) bound[name] = value;
    else if (!spec.passesOn) {
      throw new ArgumentMismatch(`${owner} got an unexpected keyword argument ${pythonStringRepr(name)}`, `got an unexpected keyword argument ${pythonStringRepr(name)}`);
    } else if (!spec.passesOn.accepts.includes(name)) {
      // Accepted by the signature (**kwargs), refused further down: a TypeError in every version.
      throw new ArgumentMismatch(`BaseModel.${spec.passesOn.to}() got an unexpected keyword argument ${pythonStringRepr(name)}`);
    }
  }
  for (const [name, fallback] of spec.params) {
    if (name in bound) continue;
    if (fallback === undefined) {
      throw new ArgumentMismatch(`${owner} missing 1 required positional argument: ${pythonStringRepr(name)}`, `missing a required argument: ${pythonStringRepr(name)}`);
    }
    bound[name] = fallback;
  }
  if (spec.createsRecords && !isList(bound.vals_list)) bound.vals_list = [bound.vals_list];
  return invoke(db, uid, model, method, spec, ids, bound, contextOf(context), hooks);
}
