/**
 * One simulated Odoo database: users and credentials, the model tables, and the ORM operations that RPC
 * calls and the traffic generator go through (access rights, defaults, side effects, module logging).
 */
import { formatDate, formatDatetime } from './clock';
import { pythonRepr, pythonStringRepr } from './codec/python';
import { PyFloat, type WireValue } from './codec/values';
import { DEMO_LOG, DEMO_USERS, demoData } from './demo-data';
import { andDomains, compileDomain, type DomainEnvironment } from './domain';
import { accessDenied, accessError, missingError, pythonError, userError, validationError } from './errors';
import { idOnlyOrder, parseOrder, rowComparator } from './order';
import { Random, hashString } from './random';
import { buildSchema, TRACKED_MODELS, type FieldDef, type ModelDef } from './schema';
import { Table, type Row } from './table';
import type { DatabaseSpec, ModuleFlavour, SeedOptions, SimulatedDatabase, WebhookRow } from './types';
import { callModelMethod, callModelMethodNamed } from './methods';
import type { AccessMode, Orm, SearchOptions } from './orm';
import { describeChange, type ChangedValue, type ValueContext } from './changed-values';
import { COMPANY_CURRENCY, postCreation, postTracking, removeMessages, valuesBefore, type ChatterStore } from './chatter';
import { digest, PROTOCOL_VERSION, syncState, type ProtocolStore, type SyncStateArguments } from './protocol';
import { Tombstones } from './tombstones';
import { configParameterRows, currencyRows, irModelFieldRows, irModelRows, moduleRows } from './system-data';
import { versionProfile, type VersionProfile } from './versions';
import { WebhookLog, webhookKey, type WriteValues } from './webhook-log';

const MODE_LETTER: Record<AccessMode, string> = { read: 'r', write: 'w', create: 'c', unlink: 'u' };
const ACCESS_HEADER: Record<AccessMode, string> = {
  read: 'You are not allowed to access',
  write: 'You are not allowed to modify',
  create: 'You are not allowed to create',
  unlink: 'You are not allowed to delete',
};

export type { AccessMode, SearchOptions } from './orm';

/** Groups implied by a group (`implied_ids`, transitively), for `has_group`. */
const IMPLIED_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'base.group_system': ['base.group_erp_manager', 'base.group_user'],
  'base.group_erp_manager': ['base.group_user'],
};

/** Fields of a company partner that Odoo syncs to its contacts (commercial and address fields). */
const PARTNER_SYNC_FIELDS = ['vat', 'street', 'city', 'zip', 'website'];

interface UserState {
  uid: number;
  login: string;
  password: string;
  apiKeys: string[];
  groups: Set<string>;
}

/** Settings a database is created with. */
export interface DatabaseSettings extends DatabaseSpec {
  flavour: ModuleFlavour;
  seed: number;
  now: () => Date;
  /** The Odoo version played; default 18. */
  profile?: VersionProfile;
}

/** A simulated database (implements the test-facing {@link SimulatedDatabase}). */
/** Days our addon keeps tombstones when `auto_webhook.tombstone_days` is not set. */
const DEFAULT_TOMBSTONE_DAYS = 30;

export class Database implements SimulatedDatabase, Orm, ChatterStore, ProtocolStore {
  readonly name: string;
  readonly flavour: ModuleFlavour;
  readonly hasModule: boolean;
  readonly profile: VersionProfile;
  readonly schema: Map<string, ModelDef>;
  readonly env: DomainEnvironment;
  private readonly tables = new Map<string, Table>();
  private readonly users = new Map<number, UserState>();
  private readonly random: Random;
  private readonly clock: () => Date;
  private readonly log?: WebhookLog;
  private readonly sequences = new Map<string, number>();
  /** `ir.model.fields` ids by `model.field`. */
  private readonly fieldIds = new Map<string, number>();
  /** Seconds the clock is turned back while a late-committing transaction runs ({@link commitLate}). */
  private lateSeconds = 0;
  /** Protocol 2 (fixed flavour): tombstones of deleted log rows, and the log table's token. */
  readonly tombstoneTable = new Tombstones();
  private readonly tokens: Random;
  private token: string;
  /** Models whose `changed_values` are off (our addon's per-model setting). */
  private readonly valuesOff = new Set<string>();
  /** Highest demo id per model: the traffic generator prefers deleting newer records. */
  readonly demoMaxId = new Map<string, number>();

  constructor(settings: DatabaseSettings) {
    this.name = settings.name;
    this.flavour = settings.flavour;
    this.hasModule = settings.module !== false;
    this.profile = settings.profile ?? versionProfile(18);
    this.clock = settings.now;
    this.random = new Random(hashString(`${settings.name}:${settings.seed}`));
    this.schema = buildSchema(settings.flavour, this.hasModule);
    for (const name of this.schema.keys()) this.tables.set(name, new Table(name === 'update.webhook' ? webhookKey : undefined));
    if (this.hasModule) this.log = new WebhookLog(this.table('update.webhook'), this.flavour, () => this.nowText());
    this.tokens = new Random(hashString(`${settings.name}:log:${settings.seed}`));
    this.token = this.tokens.hex(32);
    if (this.hasModule && this.flavour === 'fixed') {
      // The addon's statement-level trigger: every deletion of a log row, whatever path, leaves a tombstone.
      this.table('update.webhook').onDelete = (rows) => this.tombstoneTable.record(rows.map((row) => row.id), this.nowText());
    }
    this.env = {
      model: (name) => this.model(name),
      row: (model, id) => this.tables.get(model)?.get(id),
      rows: (model) => this.tables.get(model)?.rows ?? [],
      displayName: (model, row) => this.displayName(model, row),
    };
    const keys = new Random(hashString(`${settings.name}:keys:${settings.seed}`));
    for (const user of DEMO_USERS) {
      this.users.set(user.uid, {
        uid: user.uid,
        login: user.login,
        password: user.password,
        apiKeys: user.password ? [keys.hex(40)] : [],
        groups: new Set(user.groups),
      });
    }
    this.loadSystem();
    this.loadDemo(settings.demo !== false);
    if (settings.syntheticRows && this.hasModule) this.seedWebhookRows(settings.syntheticRows);
  }

  // ------------------------------------------------------------------------------------------------------
  // Basics

  /** Current time as Odoo's naive UTC string (the transaction's start time inside {@link commitLate}). */
  nowText(): string {
    return formatDatetime(this.now());
  }

  private now(): Date {
    const time = this.clock();
    return this.lateSeconds ? new Date(time.getTime() - this.lateSeconds * 1000) : time;
  }

  /**
   * Runs `action` as a transaction that began `secondsAgo` seconds ago and commits now: what it creates or
   * writes carries timestamps (`create_date`, `write_date`, log rows, messages) older than rows other
   * transactions already made visible, as a long transaction does in PostgreSQL.
   */
  commitLate<T>(secondsAgo: number, action: () => T): T {
    const previous = this.lateSeconds;
    this.lateSeconds = previous + Math.max(0, secondsAgo);
    try {
      return action();
    } finally {
      this.lateSeconds = previous;
    }
  }

  /** `ir.model.fields` id of a field. */
  fieldId(model: string, field: string): number {
    const id = this.fieldIds.get(`${model}.${field}`);
    if (id === undefined) throw new Error(`no field ${field} on ${model}`);
    return id;
  }

  /** The partner of a user, or false. */
  partnerOf(uid: number): number | false {
    const partner = this.tables.get('res.users')?.get(uid)?.partner_id;
    return typeof partner === 'number' ? partner : false;
  }

  /** The model definition, or Odoo's UserError for a model that does not exist. */
  model(name: string): ModelDef {
    const def = this.schema.get(name);
    if (!def) throw userError(`Object ${name} doesn't exist`);
    return def;
  }

  /** The rows table of a model. */
  table(name: string): Table {
    const table = this.tables.get(name);
    if (!table) throw userError(`Object ${name} doesn't exist`);
    return table;
  }

  /** The models and modules of the database (`ir.model`, `ir.module.module`). */
  private loadSystem(): void {
    for (const row of irModelRows(this.schema)) this.table('ir.model').insert(row, row.id);
    for (const row of irModelFieldRows(this.schema)) {
      this.table('ir.model.fields').insert(row, row.id);
      this.fieldIds.set(`${row.model as string}.${row.name as string}`, row.id);
    }
    for (const row of currencyRows()) this.table('res.currency').insert(row, row.id);
    for (const row of configParameterRows(this.name)) this.table('ir.config_parameter').insert(row, row.id);
    if (this.hasModule && this.flavour === 'fixed') this.table('ir.config_parameter').insert({ key: 'auto_webhook.tombstone_days', value: String(DEFAULT_TOMBSTONE_DAYS) });
    for (const row of moduleRows(this.profile, { installed: this.hasModule, flavour: this.flavour })) this.table('ir.module.module').insert(row, row.id);
  }

  private loadDemo(withDemo: boolean): void {
    const install = new Date(Math.floor(this.clock().getTime() / 1000) * 1000 - 3600 * 1000);
    const data = demoData(install);
    for (const [model, rows] of Object.entries(data)) {
      if (!withDemo && model !== 'res.users' && model !== 'res.partner') continue;
      const table = this.table(model);
      const kept = withDemo ? rows : rows.filter((row) => model === 'res.users' || row.id <= 9);
      for (const row of kept) table.insert({ ...row }, row.id);
      this.demoMaxId.set(model, kept.length ? kept[kept.length - 1].id : 0);
    }
    for (const model of ['sale.order', 'purchase.order', 'stock.picking']) this.sequences.set(model, this.table(model).size);
    if (!this.hasModule || !withDemo) return;
    const log = this.table('update.webhook');
    for (const [model, recordId, event, seconds] of DEMO_LOG) {
      const timestamp = formatDatetime(new Date(install.getTime() + seconds * 1000 + 1000));
      const written = formatDatetime(new Date(install.getTime() + seconds * 1000));
      log.insert({
        model,
        record_id: recordId,
        event,
        timestamp,
        create_uid: 1,
        create_date: written,
        write_uid: 1,
        write_date: written,
        ...(this.flavour === 'fixed' ? { change_count: 1, user_id: 1, changed_fields: false, changed_values: false } : {}),
      });
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // Users and credentials

  private userByLogin(login: string): UserState {
    for (const user of this.users.values()) if (user.login === login) return user;
    throw new Error(`no user with login ${login} in database ${this.name}`);
  }

  private isActiveUser(uid: number): boolean {
    const row = this.tables.get('res.users')?.get(uid);
    return Boolean(row && row.active);
  }

  private credentialsMatch(user: UserState, password: unknown): boolean {
    if (typeof password !== 'string' || !password) return false;
    return (user.password !== '' && password === user.password) || user.apiKeys.includes(password);
  }

  /** `common.authenticate`: the uid, or false for a wrong login or password. */
  authenticate(login: unknown, password: unknown): number | false {
    for (const user of this.users.values()) {
      if (user.login === login && this.isActiveUser(user.uid) && this.credentialsMatch(user, password)) return user.uid;
    }
    return false;
  }

  /** The active user an API key belongs to (JSON-2's bearer authentication), or undefined. */
  uidForApiKey(key: unknown): number | undefined {
    if (typeof key !== 'string' || !key) return undefined;
    for (const user of this.users.values()) if (user.apiKeys.includes(key) && this.isActiveUser(user.uid)) return user.uid;
    return undefined;
  }

  /** `security.check`: throws AccessDenied unless uid and password match an active user. */
  checkCredentials(uid: unknown, password: unknown): number {
    const user = typeof uid === 'number' ? this.users.get(uid) : undefined;
    if (!user || !this.isActiveUser(user.uid) || !this.credentialsMatch(user, password)) throw accessDenied();
    return user.uid;
  }

  setPassword(login: string, password: string): void {
    this.userByLogin(login).password = password;
  }

  apiKey(login: string): string {
    const user = this.userByLogin(login);
    if (!user.apiKeys.length) throw new Error(`user ${login} has no API key`);
    return user.apiKeys[0];
  }

  uid(login: string): number {
    return this.userByLogin(login).uid;
  }

  userContext(uid: number): { lang: string; tz: string; uid: number } {
    return { lang: 'en_US', tz: 'Europe/Brussels', uid };
  }

  /** `res.users.has_group` for one user: the user's groups and the groups they imply. */
  hasGroup(uid: number, group: string): boolean {
    const groups = this.users.get(uid)?.groups ?? new Set<string>();
    return [...groups].some((own) => own === group || (IMPLIED_GROUPS[own] ?? []).includes(group));
  }

  // ------------------------------------------------------------------------------------------------------
  // Access rights

  /** `ir.model.access.check`: true, false, or Odoo's AccessError when `raise` is set. */
  checkAccess(uid: number, model: string, mode: AccessMode, raise = true): boolean {
    if (uid === 1) return true; // the superuser
    const def = this.model(model);
    const groups = this.users.get(uid)?.groups ?? new Set<string>();
    for (const [group, letters] of def.access) if (groups.has(group) && letters.includes(MODE_LETTER[mode])) return true;
    if (!raise) return false;
    const allowed = [...def.access]
      .filter(([, letters]) => letters.includes(MODE_LETTER[mode]))
      .map(([group]) => this.profile.groupNames[group] ?? group)
      .sort();
    const groupInfo = allowed.length
      ? `This operation is allowed for the following groups:\n${allowed.map((name) => `\t- ${name}`).join('\n')}`
      : 'No group currently allows this operation.';
    throw accessError(
      `${ACCESS_HEADER[mode]} '${def.description}' (${model}) records.\n\n${groupInfo}\n\nContact your administrator to request access if necessary.`,
    );
  }

  // ------------------------------------------------------------------------------------------------------
  // Reading

  /** The record's display name (`display_name`). */
  displayName(model: string, row: Row): string {
    switch (model) {
      case 'product.product': {
        const name = String(row.name || '');
        return row.default_code ? `[${row.default_code as string}] ${name}` : name;
      }
      case 'account.move': {
        if (row.name && row.name !== '/') return row.name as string;
        const label: Record<string, string> = { out_invoice: 'Invoice', in_invoice: 'Bill', out_refund: 'Credit Note', in_refund: 'Refund' };
        return `Draft ${label[row.move_type as string] ?? 'Entry'} (* ${row.id})`;
      }
      default: {
        const def = this.schema.get(model);
        const value = def?.recName ? row[def.recName] : undefined;
        return typeof value === 'string' && value ? value : `${model},${row.id}`;
      }
    }
  }

  /** A field's value as RPC returns it. */
  readValue(def: ModelDef, field: FieldDef, row: Row, load = true): WireValue {
    const value = row[field.name];
    switch (field.type) {
      case 'integer':
      case 'many2one_reference':
        return field.name === 'id' ? row.id : typeof value === 'number' ? value : 0;
      case 'float':
      case 'monetary':
        return new PyFloat(typeof value === 'number' ? value : 0);
      case 'boolean':
        return Boolean(value);
      case 'many2one': {
        if (typeof value !== 'number' || !field.relation) return false;
        const target = this.tables.get(field.relation)?.get(value);
        if (!target) return false;
        return load ? [value, this.displayName(field.relation, target)] : value;
      }
      case 'one2many': {
        if (!field.relation || !field.inverse) return [];
        const inverse = field.inverse;
        return this.table(field.relation)
          .rows.filter((child) => child[inverse] === row.id && child.active !== false)
          .map((child) => child.id);
      }
      default:
        if (field.name === 'display_name') return this.displayName(def.name, row);
        return typeof value === 'string' && value !== '' ? value : false;
    }
  }

  /** Resolves a `fields` argument to field definitions (id first), or Odoo's ValueError. */
  fieldList(def: ModelDef, fields: unknown): FieldDef[] {
    const names = Array.isArray(fields) && fields.length ? (fields as unknown[]) : [...def.fields.keys()];
    const list: FieldDef[] = [def.fields.get('id') as FieldDef];
    for (const name of names) {
      if (name === 'id') continue;
      const field = typeof name === 'string' ? def.fields.get(name) : undefined;
      if (!field) throw pythonError('ValueError', `Invalid field ${pythonRepr(name)} on model ${pythonStringRepr(def.name)}`);
      if (!list.includes(field)) list.push(field);
    }
    return list;
  }

  /** Rows as RPC dicts with the given fields. */
  readRows(model: string, rows: readonly Row[], fields: unknown, load = true): WireValue[] {
    const def = this.model(model);
    const list = this.fieldList(def, fields);
    const out: WireValue[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const record: { [key: string]: WireValue } = {};
      for (const field of list) record[field.name] = this.readValue(def, field, rows[i], load);
      out[i] = record;
    }
    return out;
  }

  /** Existing rows for ids, or Odoo's MissingError naming the missing ones. */
  browseExisting(uid: number, model: string, ids: readonly number[]): Row[] {
    const table = this.table(model);
    const rows: Row[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const row = table.get(id);
      if (row) rows.push(row);
      else missing.push(id);
    }
    if (missing.length) {
      throw missingError(
        `Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(', ')}${missing.length === 1 ? ',' : ''}), User: ${uid})`,
      );
    }
    return rows;
  }

  /** The rows of `ids` that exist, in the order given: `read` skips missing records without a fault. */
  browseSome(model: string, ids: readonly number[]): Row[] {
    const table = this.table(model);
    const rows: Row[] = [];
    for (const id of ids) {
      const row = table.get(id);
      if (row) rows.push(row);
    }
    return rows;
  }

  // ------------------------------------------------------------------------------------------------------
  // Searching

  private withActiveTest(def: ModelDef, domain: unknown, activeTest: boolean): unknown {
    if (!activeTest || !def.fields.has('active') || !Array.isArray(domain)) return domain;
    const mentionsActive = domain.some((term) => Array.isArray(term) && term[0] === 'active');
    return mentionsActive ? domain : andDomains([domain, [['active', '=', true]]]);
  }

  private sortValue(def: ModelDef, row: Row, fieldName: string): unknown {
    const field = def.fields.get(fieldName);
    if (!field) return null;
    if (fieldName === 'display_name') return this.displayName(def.name, row);
    const value = row[fieldName];
    if (field.type === 'boolean') return Boolean(value);
    if (value === false || value === undefined || value === null || value === '') return null;
    if (field.type === 'many2one' && field.relation && typeof value === 'number') {
      const target = this.tables.get(field.relation)?.get(value);
      return target ? this.displayName(field.relation, target) : null;
    }
    return value;
  }

  /**
   * Rows matching a domain, ordered and paged. An id-only order with id bounds in the domain walks the id
   * range with binary search and stops at the limit, so keyset paging never scans the whole table.
   */
  select(model: string, domain: unknown, options: SearchOptions = {}): Row[] {
    const def = this.model(model);
    const table = this.table(model);
    const compiled = compileDomain(this.withActiveTest(def, domain ?? [], options.activeTest !== false), model, this.env);
    const terms = parseOrder(options.order || def.order, def);
    const direction = idOnlyOrder(terms);
    const offset = options.offset && options.offset > 0 ? options.offset : 0;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const test = compiled.test;

    if (compiled.idList) {
      const rows = compiled.idList.map((id) => table.get(id)).filter((row): row is Row => row !== undefined && test(row));
      if (direction === 'desc') rows.reverse();
      else if (!direction) rows.sort(rowComparator(terms, (row, field) => this.sortValue(def, row, field)));
      return rows.slice(offset, offset + limit);
    }
    const rows = table.rows;
    const start = Number.isFinite(compiled.idRange.min) ? table.lowerBound(compiled.idRange.min) : 0;
    const end = Number.isFinite(compiled.idRange.max) ? table.lowerBound(compiled.idRange.max + 1) : rows.length;
    const out: Row[] = [];
    if (direction) {
      let skip = offset;
      const step = direction === 'asc' ? 1 : -1;
      for (let i = direction === 'asc' ? start : end - 1; i >= start && i < end; i += step) {
        const row = rows[i];
        if (!test(row)) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        out.push(row);
        if (out.length >= limit) break;
      }
      return out;
    }
    for (let i = start; i < end; i++) if (test(rows[i])) out.push(rows[i]);
    out.sort(rowComparator(terms, (row, field) => this.sortValue(def, row, field)));
    return offset || limit !== Infinity ? out.slice(offset, offset + limit) : out;
  }

  /** Number of rows matching a domain (no ordering). */
  count(model: string, domain: unknown, activeTest = true, limit?: number): number {
    const def = this.model(model);
    const table = this.table(model);
    const compiled = compileDomain(this.withActiveTest(def, domain ?? [], activeTest), model, this.env);
    let total = 0;
    const max = limit && limit > 0 ? limit : Infinity;
    if (compiled.idList) {
      for (const id of compiled.idList) {
        const row = table.get(id);
        if (row && compiled.test(row) && ++total >= max) break;
      }
      return total;
    }
    const rows = table.rows;
    const start = Number.isFinite(compiled.idRange.min) ? table.lowerBound(compiled.idRange.min) : 0;
    const end = Number.isFinite(compiled.idRange.max) ? table.lowerBound(compiled.idRange.max + 1) : rows.length;
    for (let i = start; i < end; i++) if (compiled.test(rows[i]) && ++total >= max) break;
    return total;
  }

  // ------------------------------------------------------------------------------------------------------
  // Writing

  private coerce(def: ModelDef, field: FieldDef, value: unknown): unknown {
    if (value === null || value === undefined) return false;
    switch (field.type) {
      case 'boolean':
        return Boolean(value);
      case 'integer':
      case 'many2one_reference':
        return value === false ? 0 : Math.trunc(Number(value));
      case 'float':
      case 'monetary':
        return value === false ? 0 : Number(value instanceof PyFloat ? value.value : value);
      case 'many2one':
        if (value === false || value === 0) return false;
        if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
        if (typeof value !== 'number') throw pythonError('ValueError', `Wrong value for ${def.name}.${field.name}: ${pythonRepr(value)}`);
        return value;
      case 'selection':
        if (value === false) return false;
        if (!field.selection?.some(([key]) => key === value)) {
          throw pythonError('ValueError', `Wrong value for ${def.name}.${field.name}: ${pythonRepr(value)}`);
        }
        return value;
      case 'one2many':
        return undefined; // commands on one2many are accepted and ignored
      default:
        return value === false || value === '' ? false : String(value);
    }
  }

  private validateValues(def: ModelDef, values: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      const field = def.fields.get(name);
      if (!field) throw pythonError('ValueError', `Invalid field ${pythonStringRepr(name)} on model ${pythonStringRepr(def.name)}`);
      if (name === 'id' || field.store === false || field.type === 'one2many') continue;
      if (['create_uid', 'create_date', 'write_uid', 'write_date'].includes(name)) continue;
      out[name] = this.coerce(def, field, value);
    }
    return out;
  }

  private defaults(model: string, uid: number): Record<string, unknown> {
    const now = this.nowText();
    const today = formatDate(this.clock());
    const next = (prefix: string, width: number): string => {
      const number = (this.sequences.get(model) ?? 0) + 1;
      this.sequences.set(model, number);
      return `${prefix}${String(number).padStart(width, '0')}`;
    };
    switch (model) {
      case 'res.partner':
        return { active: true, is_company: false, type: 'contact', customer_rank: 0, supplier_rank: 0 };
      case 'product.template':
        return { active: true, type: 'consu', list_price: 1, standard_price: 0, categ_id: 1, sale_ok: true, purchase_ok: true, invoice_policy: 'order', cost_method: 'standard' };
      case 'product.product':
        return { active: true, lst_price: 1 };
      case 'product.category':
        return {};
      case 'sale.order':
        return { name: next('S', 5), state: 'draft', date_order: now, amount_total: 0, user_id: uid };
      case 'purchase.order':
        return { name: next('P', 5), state: 'draft', date_order: now, amount_total: 0 };
      case 'stock.picking':
        return { name: next('WH/OUT/', 5), state: 'draft', scheduled_date: now, picking_type_code: 'outgoing' };
      case 'account.move':
        return { name: '/', move_type: 'entry', state: 'draft', date: today, amount_total: 0, journal_id: 3 };
      case 'account.journal':
        return { active: true, sequence: 10 };
      case 'hr.employee':
        return { active: true };
      case 'hr.expense':
        return { state: 'draft', date: today, total_amount: 0 };
      case 'res.users':
        return { active: true, share: false };
      case 'update.webhook':
      case 'webhook.errors':
        return { timestamp: now };
      default:
        return {};
    }
  }

  private requireFields(def: ModelDef, row: Record<string, unknown>): void {
    for (const field of def.fields.values()) {
      if (!field.required) continue;
      const value = row[field.name];
      if (value === false || value === undefined || value === null || value === '') {
        throw validationError(
          `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${def.description} (${def.name})\nField: ${field.string} (${field.name})`,
        );
      }
    }
  }

  /** Recomputes stored `complete_name` of a hierarchical model for a record and its descendants. */
  private recomputeCompleteName(model: string, row: Row): void {
    const table = this.table(model);
    const parent = typeof row.parent_id === 'number' ? table.get(row.parent_id) : undefined;
    const name = String(row.name || '');
    if (model === 'res.partner') row.complete_name = parent && name ? `${this.displayName(model, parent)}, ${name}` : name || false;
    else row.complete_name = parent ? `${parent.complete_name as string} / ${name}` : name;
    for (const child of table.rows) if (child.parent_id === row.id && child.id !== row.id) this.recomputeCompleteName(model, child);
  }

  /** `create` as a user: access check, defaults, required fields, module logging. Returns the new ids. */
  create(model: string, values: Record<string, unknown> | Array<Record<string, unknown>>, login = 'admin'): number[] {
    return this.createAs(this.uid(login), model, Array.isArray(values) ? values : [values]);
  }

  /** `create` for a uid. */
  createAs(uid: number, model: string, valsList: ReadonlyArray<Record<string, unknown>>): number[] {
    const def = this.model(model);
    this.checkAccess(uid, model, 'create');
    const table = this.table(model);
    const now = this.nowText();
    const prepared = valsList.map((vals) => {
      if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) {
        throw pythonError('ValueError', `dictionary update sequence element #0 has length 1; 2 is required`);
      }
      const clean = this.validateValues(def, vals);
      const row: Record<string, unknown> = {};
      for (const field of def.fields.values()) {
        if (field.store === false || field.type === 'one2many' || field.name === 'id') continue;
        row[field.name] = field.type === 'boolean' ? false : ['integer', 'float', 'monetary', 'many2one_reference'].includes(field.type) ? 0 : false;
      }
      Object.assign(row, this.defaults(model, uid), clean, { create_uid: uid, create_date: now, write_uid: uid, write_date: now });
      if (model === 'res.users' && !row.partner_id && row.name) {
        row.partner_id = this.createAs(uid, 'res.partner', [{ name: row.name }])[0];
      }
      if (model === 'product.product' && row.product_tmpl_id && !row.name) {
        row.name = this.table('product.template').get(row.product_tmpl_id as number)?.name ?? false;
      }
      this.requireFields(def, row);
      return row;
    });
    const ids: number[] = [];
    const created: Row[] = [];
    for (const row of prepared) {
      const stored = table.insert(row);
      if (model === 'res.partner' || model === 'product.category') this.recomputeCompleteName(model, stored);
      ids.push(stored.id);
      created.push(stored);
    }
    postCreation(this, def, created, uid);
    if (def.tracked && this.log) this.log.record(model, ids, 'create', uid);
    if (model === 'product.template') {
      for (const id of ids) {
        const template = table.get(id) as Row;
        this.createAs(1, 'product.product', [{ product_tmpl_id: id, default_code: template.default_code, lst_price: template.list_price }]);
      }
    }
    return ids;
  }

  /** `write` as a user. */
  write(model: string, ids: readonly number[], values: Record<string, unknown>, login = 'admin'): void {
    this.writeAs(this.uid(login), model, ids, values);
  }

  /** `write` for a uid: access, missing records, side effects (partner sync), module logging. */
  writeAs(uid: number, model: string, ids: readonly number[], values: Record<string, unknown>): void {
    const def = this.model(model);
    this.checkAccess(uid, model, 'write');
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw pythonError('AttributeError', `'${Array.isArray(values) ? 'list' : typeof values}' object has no attribute 'items'`);
    }
    const rows = this.browseExisting(uid, model, ids);
    const clean = this.validateValues(def, values);
    const table = this.table(model);
    const now = this.nowText();
    const before = valuesBefore(def, rows, clean);
    const logValues = this.log && def.tracked && this.flavour === 'fixed' && !this.valuesOff.has(model);
    const old = logValues ? rows.map((row) => Object.fromEntries(Object.keys(clean).map((name) => [name, row[name]]))) : [];
    for (const row of rows) {
      table.update(row, { ...clean, write_uid: uid, write_date: now });
      if ((model === 'res.partner' || model === 'product.category') && ('name' in clean || 'parent_id' in clean)) {
        this.recomputeCompleteName(model, row);
      }
      if (model === 'product.template' && 'name' in clean) {
        for (const variant of this.table('product.product').rows) if (variant.product_tmpl_id === row.id) variant.name = clean.name;
      }
    }
    postTracking(this, def, rows, before, uid);
    if (def.tracked && this.log && rows.length) {
      const written: WriteValues = logValues ? new Map(rows.map((row, index) => [row.id, this.changedValues(def, old[index], row)])) : 'off';
      this.log.record(model, rows.map((row) => row.id), 'write', uid, Object.keys(values), written);
    }
    if (model === 'res.partner') {
      // Odoo syncs commercial and address fields from a company to its contacts, with a write each.
      const synced = Object.fromEntries(Object.entries(clean).filter(([name]) => PARTNER_SYNC_FIELDS.includes(name)));
      if (Object.keys(synced).length) {
        for (const row of rows) {
          if (!row.is_company) continue;
          const children = table.rows.filter((child) => child.parent_id === row.id).map((child) => child.id);
          if (children.length) this.writeAs(uid, model, children, synced);
        }
      }
    }
  }

  /** `unlink` as a user. */
  unlink(model: string, ids: readonly number[], login = 'admin'): void {
    this.unlinkAs(this.uid(login), model, ids);
  }

  /** `unlink` for a uid: missing ids are ignored (like Odoo); required references refuse the deletion. */
  unlinkAs(uid: number, model: string, ids: readonly number[]): void {
    const def = this.model(model);
    this.checkAccess(uid, model, 'unlink');
    const table = this.table(model);
    const existing = [...new Set(ids)].filter((id) => table.has(id));
    if (!existing.length) return;
    const gone = new Set(existing);
    // ondelete: required many2one → restrict; others → set null. The log tables hold no such references.
    for (const [otherName, other] of this.schema) {
      if (otherName === 'update.webhook' || otherName === 'webhook.errors') continue;
      for (const field of other.fields.values()) {
        if (field.type !== 'many2one' || field.relation !== model || ['create_uid', 'write_uid'].includes(field.name)) continue;
        for (const row of this.table(otherName).rows) {
          if (typeof row[field.name] !== 'number' || !gone.has(row[field.name] as number) || (otherName === model && gone.has(row.id))) continue;
          if (field.required) {
            throw userError(
              `The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${other.description} (${otherName})\nConstraint: ${otherName.replace(/\./g, '_')}_${field.name}_fkey`,
            );
          }
        }
      }
    }
    if (def.tracked && this.log) this.log.record(model, existing, 'unlink', uid);
    removeMessages(this, def, gone);
    for (const [otherName, other] of this.schema) {
      if (otherName === 'update.webhook' || otherName === 'webhook.errors') continue;
      for (const field of other.fields.values()) {
        if (field.type !== 'many2one' || field.relation !== model || field.required) continue;
        if (['create_uid', 'write_uid'].includes(field.name)) continue;
        for (const row of this.table(otherName).rows) if (gone.has(row[field.name] as number)) row[field.name] = false;
      }
    }
    table.delete(existing);
  }

  /** The `changed_values` entries of one written record: the fields whose value changed, secrets left out. */
  private changedValues(def: ModelDef, old: Record<string, unknown>, row: Row): Record<string, ChangedValue> {
    const context: ValueContext = {
      displayName: (model, id) => {
        const target = this.tables.get(model)?.get(id);
        return target ? this.displayName(model, target) : false;
      },
      currency: { code: String(this.table('res.currency').get(COMPANY_CURRENCY)?.name ?? 'USD'), decimals: 2 },
    };
    const entries: Record<string, ChangedValue> = {};
    for (const [name, before] of Object.entries(old)) {
      const field = def.fields.get(name);
      if (!field || before === row[name]) continue;
      const entry = describeChange(field, before, row[name], context);
      if (entry) entries[name] = entry;
    }
    return entries;
  }

  /** `sale.order.action_confirm`: confirms quotations and creates their delivery (a logged stock.picking create). */
  confirmSaleOrders(uid: number, ids: readonly number[]): true {
    const rows = this.browseExisting(uid, 'sale.order', ids);
    if (rows.some((row) => row.state !== 'draft' && row.state !== 'sent')) {
      throw userError(
        `The following orders are not in a state requiring confirmation: ${rows
          .filter((row) => row.state !== 'draft' && row.state !== 'sent')
          .map((row) => row.name)
          .join(', ')}`,
      );
    }
    this.writeAs(uid, 'sale.order', ids, { state: 'sale' });
    for (const row of rows) {
      this.createAs(uid, 'stock.picking', [
        { partner_id: row.partner_id, origin: row.name, picking_type_code: 'outgoing', state: 'assigned', scheduled_date: this.nowText() },
      ]);
    }
    return true;
  }

  /** `webhook.cleanup.cron.clean_webhook_records` as a user (null = Python None). */
  cleanWebhookRecords(uid: number): number | null {
    this.checkAccess(uid, 'update.webhook', 'read');
    if (!this.log) return null;
    if (this.flavour === 'fixed') this.checkAccess(uid, 'update.webhook', 'unlink');
    const deleted = this.log.cleanup((model, id) => this.recordExists(model, id));
    if (this.flavour === 'fixed') this.purgeTombstones();
    return deleted;
  }

  // ------------------------------------------------------------------------------------------------------
  // Protocol 2 (fixed flavour)

  /** The log table's token (`sync_state.log`). */
  get logToken(): string {
    return this.token;
  }

  /** `update.webhook.protocol_version()`. */
  protocolVersion(): number {
    return PROTOCOL_VERSION;
  }

  /** `update.webhook.sync_state(...)`. */
  syncState(uid: number, args: SyncStateArguments): { [key: string]: WireValue } {
    return syncState(this, uid, args);
  }

  /** `update.webhook.digest(ranges)`. */
  digest(uid: number, ranges: unknown): WireValue[] {
    return digest(this, uid, ranges);
  }

  setChangedValues(model: string, enabled: boolean): void {
    this.model(model);
    if (enabled) this.valuesOff.delete(model);
    else this.valuesOff.add(model);
  }

  tombstones(): Array<{ id: number; rowId: number; deletedAt: string }> {
    return this.tombstoneTable.list();
  }

  purgeTombstones(days?: number): number {
    const setting = Number(this.table('ir.config_parameter').rows.find((row) => row.key === 'auto_webhook.tombstone_days')?.value);
    const keep = days ?? (Number.isFinite(setting) && setting > 0 ? setting : DEFAULT_TOMBSTONE_DAYS);
    return this.tombstoneTable.purgeBefore(formatDatetime(new Date(this.now().getTime() - keep * 86400000)));
  }

  // ------------------------------------------------------------------------------------------------------
  // SimulatedDatabase (tools and tests)

  call(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, login = 'admin'): unknown {
    return callModelMethod(this, this.uid(login), model, method, args, kwargs);
  }

  callNamed(model: string, method: string, kwargs: Record<string, unknown> = {}, login = 'admin'): unknown {
    const { ids, context, ...rest } = kwargs;
    return callModelMethodNamed(this, this.uid(login), model, method, Array.isArray(ids) ? (ids as number[]) : [], rest, context);
  }

  webhookRows(): WebhookRow[] {
    if (!this.hasModule) return [];
    return this.table('update.webhook').rows.map((row) => ({ ...row }) as unknown as WebhookRow);
  }

  errorRows(): Array<{ id: number; model: string; record_id: number; error_message: string; timestamp: string }> {
    if (!this.hasModule) return [];
    return this.table('webhook.errors').rows.map((row) => ({
      id: row.id,
      model: row.model as string,
      record_id: row.record_id as number,
      error_message: row.error_message as string,
      timestamp: row.timestamp as string,
    }));
  }

  seedWebhookRows(count: number, options: SeedOptions = {}): { firstId: number; lastId: number } {
    const table = this.table('update.webhook');
    if (options.firstId !== undefined) table.setSequence(options.firstId);
    const firstId = table.sequence;
    if (count <= 0) return { firstId, lastId: firstId - 1 };
    const spanMs = (options.spanHours ?? 24) * 3600 * 1000;
    const from =
      options.from instanceof Date
        ? options.from.getTime()
        : typeof options.from === 'string'
          ? new Date(`${options.from.replace(' ', 'T')}Z`).getTime()
          : this.clock().getTime() - spanMs;
    const unlinkShare = options.unlinkShare ?? 1 / 3;
    const fixed = this.flavour === 'fixed';
    const rows: Row[] = new Array(count);
    let lastSecond = -1;
    let lastText = '';
    for (let i = 0; i < count; i++) {
      const id = firstId + i;
      const second = Math.floor((from + (spanMs * i) / count) / 1000);
      if (second !== lastSecond) {
        lastSecond = second;
        lastText = formatDatetime(new Date(second * 1000));
      }
      // Unique (model, record_id) per row: ten models in turn, record ids from 100000 upwards.
      const model = TRACKED_MODELS[id % 10];
      const recordId = 100000 + Math.floor(id / 10);
      const roll = this.random.next();
      const event = roll < unlinkShare ? 'unlink' : roll < unlinkShare + (1 - unlinkShare) / 2 ? 'create' : 'write';
      const row: Row = {
        id,
        model,
        record_id: recordId,
        event,
        timestamp: lastText,
        create_uid: 2,
        create_date: lastText,
        write_uid: 2,
        write_date: lastText,
      };
      if (fixed) {
        row.change_count = 1;
        row.user_id = 2;
        row.changed_fields = false;
        row.changed_values = false;
      }
      rows[i] = row;
    }
    table.bulkAppend(rows);
    return { firstId, lastId: firstId + count - 1 };
  }

  deleteWebhookRows(ids: readonly number[]): number[] {
    return this.table('update.webhook').delete(ids);
  }

  deleteRandomWebhookRows(count: number): number[] {
    const rows = this.table('update.webhook').rows;
    const picked = new Set<number>();
    const wanted = Math.min(count, rows.length);
    while (picked.size < wanted) picked.add(rows[Math.floor(this.random.next() * rows.length)].id);
    const ids = [...picked].sort((a, b) => a - b);
    this.deleteWebhookRows(ids);
    return ids;
  }

  resetWebhookLog(): void {
    // A recreated log table: a new token, and (the trigger's table going with it) no tombstones.
    this.table('update.webhook').clear(true);
    this.token = this.tokens.hex(32);
    this.tombstoneTable.reset();
  }

  addError(model: string, recordId: number, message: string): number {
    const now = this.nowText();
    return this.table('webhook.errors').insert({
      model,
      record_id: recordId,
      error_message: message,
      timestamp: now,
      create_uid: 1,
      create_date: now,
      write_uid: 1,
      write_date: now,
    }).id;
  }

  recordExists(model: string, id: number): boolean {
    return this.tables.get(model)?.has(id) ?? false;
  }

  recordIds(model: string): number[] {
    return this.table(model).rows.map((row) => row.id);
  }

  /** Whether a user can log in (used by traffic to pick actors). */
  activeUids(): number[] {
    return [...this.users.keys()].filter((uid) => this.isActiveUser(uid));
  }
}
