/**
 * What the model methods (`methods.ts`, `read-group.ts`) need from a simulated database: the ORM
 * operations behind `execute_kw`. `Database` implements it; the methods depend on this interface only, so
 * the database can call the methods (`SimulatedDatabase.call`) without an import cycle.
 */
import type { WireValue } from './codec/values';
import type { DomainEnvironment } from './domain';
import type { FieldDef, ModelDef } from './schema';
import type { Row } from './table';
import type { VersionProfile } from './versions';

/** Access modes of ir.model.access. */
export type AccessMode = 'read' | 'write' | 'create' | 'unlink';

/** Options of a search. */
export interface SearchOptions {
  offset?: number;
  limit?: number;
  order?: string;
  activeTest?: boolean;
}

/** The ORM surface of one database, as model methods use it (uids are already authenticated). */
export interface Orm {
  readonly name: string;
  /** The Odoo version the database belongs to. */
  readonly profile: VersionProfile;
  /** Relations and display names for domains and grouping. */
  readonly env: DomainEnvironment;
  /** The model definition, or Odoo's UserError for a model that does not exist. */
  model(name: string): ModelDef;
  /** `ir.model.access.check`: true, false, or Odoo's AccessError when `raise` is set. */
  checkAccess(uid: number, model: string, mode: AccessMode, raise?: boolean): boolean;
  /** The record's display name. */
  displayName(model: string, row: Row): string;
  /** Resolves a `fields` argument to field definitions (id first), or Odoo's ValueError. */
  fieldList(def: ModelDef, fields: unknown): FieldDef[];
  /** Rows as RPC dicts with the given fields. */
  readRows(model: string, rows: readonly Row[], fields: unknown, load?: boolean): WireValue[];
  /** Existing rows for ids, or Odoo's MissingError naming the missing ones. */
  browseExisting(uid: number, model: string, ids: readonly number[]): Row[];
  /** The rows of `ids` that exist, in the order given (missing ids skipped, like `read`). */
  browseSome(model: string, ids: readonly number[]): Row[];
  /** `res.users.context_get`: the user's language, time zone and uid. */
  userContext(uid: number): { lang: string; tz: string; uid: number };
  /** Whether a user belongs to a group (by XML id), implied groups included. */
  hasGroup(uid: number, group: string): boolean;
  /** Rows matching a domain, ordered and paged. */
  select(model: string, domain: unknown, options?: SearchOptions): Row[];
  /** Number of rows matching a domain. */
  count(model: string, domain: unknown, activeTest?: boolean, limit?: number): number;
  createAs(uid: number, model: string, valsList: ReadonlyArray<Record<string, unknown>>): number[];
  writeAs(uid: number, model: string, ids: readonly number[], values: Record<string, unknown>): void;
  unlinkAs(uid: number, model: string, ids: readonly number[]): void;
  /** `sale.order.action_confirm`. */
  confirmSaleOrders(uid: number, ids: readonly number[]): true;
  /** `webhook.cleanup.cron.clean_webhook_records` (null = Python None). */
  cleanWebhookRecords(uid: number): number | null;
  /** Protocol 2: `update.webhook.protocol_version()`. */
  protocolVersion(): number;
  /** Protocol 2: `update.webhook.sync_state(...)`. */
  syncState(uid: number, args: Record<string, unknown>): { [key: string]: WireValue };
  /** Protocol 2: `update.webhook.digest(ranges)`. */
  digest(uid: number, ranges: unknown): WireValue[];
}
