/**
 * Odoo's chatter as a feed of changes, for every watched model in one request: the `mail.message` rows
 * of the watched models after a cursor (and named older ones: messages committed late, found in the
 * overlap window by the pass), with their author, date and, for an administrator, their tracking values
 * (`mail.tracking.value`: field, old and new value) joined in the same `web_search_read` (Odoo 17+).
 * Older servers get the same through `search_read` and `read` (two or three requests).
 *
 * A message with tracking values is a tracked write; one without (the creation note, other notes) only
 * says the record changed, which makes the pass check its model at once.
 */
import type { FieldChange } from '../../common/model';
import { MESSAGE_MODEL, TRACKING_MODEL } from '../../odoo/watch-capabilities';
import { fieldChangesFromTracking, type TrackedField, type TrackingCurrency } from '../../odoo/tracking-values';
import type { Domain, OdooClient, OdooRecord, OdooValue } from '../../odoo/types';

/** One chatter message of a watched record. */
export interface FeedMessage {
  id: number;
  model: string;
  resId: number;
  /** Odoo format. */
  date: string;
  /** Who made the change: the message's creating user, else its author (a partner). */
  author: string | null;
  /** Old → new of the tracked fields, when the message has tracking values this user may read. */
  values?: FieldChange[];
}

/** What to read. */
export interface FeedQuery {
  models: readonly string[];
  /** Messages with a greater id. */
  after: number;
  /** Also these older messages (committed late). */
  also?: readonly number[];
  /** Read the tracking values (the user may read `mail.tracking.value`). */
  withValues: boolean;
  /** The server's major version: `web_search_read` from 17. */
  major: number;
  pageSize: number;
  signal?: AbortSignal;
}

const VALUE_COLUMNS = ['integer', 'float', 'char', 'text', 'datetime'].flatMap((kind) => [`old_value_${kind}`, `new_value_${kind}`]);

/** The nested specification of one message: its record, date, author and tracking values. */
function specification(withValues: boolean): Record<string, OdooValue> {
  // display_name is read as superuser: a partner or user of another company cannot fail the request.
  const spec: Record<string, OdooValue> = { model: {}, res_id: {}, date: {}, author_id: { fields: { display_name: {} } }, create_uid: { fields: { display_name: {} } } };
  if (withValues) {
    spec.tracking_value_ids = {
      fields: {
        ...Object.fromEntries(VALUE_COLUMNS.map((column) => [column, {}])),
        field_id: { fields: { name: {}, field_description: {}, ttype: {} } },
        currency_id: { fields: { name: {}, decimal_places: {} } },
      },
    };
  }
  return spec;
}

function record(value: OdooValue | undefined): Record<string, OdooValue> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** The name of a many2one as `read` (`[id, name]`) or `web_read` (`{id, display_name}`) gives it. */
function nameOf(value: OdooValue | undefined): string | null {
  if (Array.isArray(value) && typeof value[1] === 'string') return value[1];
  const dict = record(value);
  return typeof dict?.display_name === 'string' ? dict.display_name : null;
}

/** A message row as a {@link FeedMessage}; undefined for rows without a record. */
function toMessage(row: OdooRecord, values: (row: OdooRecord) => FieldChange[] | undefined): FeedMessage | undefined {
  if (typeof row.model !== 'string' || typeof row.res_id !== 'number' || row.res_id <= 0 || typeof row.date !== 'string') return undefined;
  // The user who made the change, named as the polling source names users; else the message's author
  // (a partner: Odoo shows a company's contact as "Company, Name").
  const message: FeedMessage = { id: row.id, model: row.model, resId: row.res_id, date: row.date, author: nameOf(row.create_uid) ?? nameOf(row.author_id) };
  const changes = values(row);
  if (changes) message.values = changes;
  return message;
}

/** The domain of a feed page after message id `afterId`. */
function domainOf(query: FeedQuery, afterId: number, first: boolean): Domain {
  const models: Domain = [['model', 'in', [...query.models]]];
  if (!first || !query.also?.length) return [...models, ['id', '>', afterId]];
  return [...models, '|', ['id', '>', afterId], ['id', 'in', [...query.also]]];
}

/** Reads the feed, in id order; `requests` counts the round trips. */
export async function readFeed(client: OdooClient, query: FeedQuery): Promise<{ messages: FeedMessage[]; requests: number }> {
  const messages: FeedMessage[] = [];
  let requests = 0;
  let afterId = query.after;
  for (let first = true; ; first = false) {
    const page = query.major >= 17 ? await webPage(client, query, domainOf(query, afterId, first)) : await legacyPage(client, query, domainOf(query, afterId, first));
    requests += page.requests;
    for (const row of page.rows) {
      const message = toMessage(row, page.values);
      if (message) messages.push(message);
    }
    if (page.rows.length < query.pageSize) break;
    afterId = page.rows[page.rows.length - 1].id;
  }
  return { messages, requests };
}

interface Page {
  rows: OdooRecord[];
  values: (row: OdooRecord) => FieldChange[] | undefined;
  requests: number;
}

/** One page through `web_search_read`, tracking values nested. */
async function webPage(client: OdooClient, query: FeedQuery, domain: Domain): Promise<Page> {
  const answer = await client.executeKw(MESSAGE_MODEL, 'web_search_read', [], { domain, specification: specification(query.withValues), order: 'id asc', limit: query.pageSize }, { signal: query.signal });
  const rows = (Array.isArray(record(answer)?.records) ? record(answer)!.records : []) as OdooRecord[];
  return {
    rows,
    requests: 1,
    values: (row) =>
      Array.isArray(row.tracking_value_ids)
        ? fieldChangesFromTracking(row.tracking_value_ids.filter((value) => record(value) !== undefined) as Record<string, OdooValue>[], (value) => {
            const field = record(value.field_id);
            const currency = record(value.currency_id);
            return {
              field: field && typeof field.name === 'string' ? { name: field.name, label: stringOf(field.field_description), type: stringOf(field.ttype) } : undefined,
              currency: currency ? { code: stringOf(currency.name), decimals: typeof currency.decimal_places === 'number' ? currency.decimal_places : undefined } : undefined,
            };
          })
        : undefined,
  };
}

/** One page through `search_read`, then the tracking values and their fields with `read` (before Odoo 17). */
async function legacyPage(client: OdooClient, query: FeedQuery, domain: Domain): Promise<Page> {
  const call = { signal: query.signal };
  const fields = ['model', 'res_id', 'date', 'author_id', 'create_uid', ...(query.withValues ? ['tracking_value_ids'] : [])];
  const rows = await client.searchRead(MESSAGE_MODEL, domain, { fields, order: 'id asc', limit: query.pageSize }, call);
  let requests = 1;
  const valueIds = rows.flatMap((row) => (Array.isArray(row.tracking_value_ids) ? (row.tracking_value_ids as number[]) : []));
  const byId = new Map<number, OdooRecord>();
  const fieldsById = new Map<number, TrackedField>();
  if (valueIds.length > 0) {
    requests++;
    const values = await client.read(TRACKING_MODEL, valueIds, [...VALUE_COLUMNS, 'field_id', 'currency_id'], undefined, call);
    for (const value of values) byId.set(value.id, value);
    const fieldIds = [...new Set(values.map((value) => (Array.isArray(value.field_id) ? (value.field_id[0] as number) : 0)).filter((id) => id > 0))];
    if (fieldIds.length > 0) {
      requests++;
      for (const field of await client.read('ir.model.fields', fieldIds, ['name', 'field_description', 'ttype'], undefined, call)) {
        if (typeof field.name === 'string') fieldsById.set(field.id, { name: field.name, label: stringOf(field.field_description), type: stringOf(field.ttype) });
      }
    }
  }
  return {
    rows,
    requests,
    values: (row) => {
      const values = (Array.isArray(row.tracking_value_ids) ? (row.tracking_value_ids as number[]) : []).map((id) => byId.get(id)).filter((value): value is OdooRecord => value !== undefined);
      if (values.length === 0) return undefined;
      return fieldChangesFromTracking(values, (value) => {
        const fieldId = Array.isArray(value.field_id) ? (value.field_id[0] as number) : 0;
        const currency: TrackingCurrency | undefined = Array.isArray(value.currency_id) && typeof value.currency_id[1] === 'string' ? { code: value.currency_id[1] } : undefined;
        return { field: fieldsById.get(fieldId), currency };
      });
    },
  };
}

function stringOf(value: OdooValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
