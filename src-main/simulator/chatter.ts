/**
 * Odoo's own change history, present on every server without any module: on models with a chatter
 * (`mail.thread`), a create logs a note ("Contact created"), a write of tracked fields logs a notification
 * `mail.message` with one `mail.tracking.value` per changed field, and an unlink deletes the record's
 * messages. Values are stored per type as `mail.tracking.value._create_tracking_values` does (char,
 * selection label and many2one name in `*_value_char`, ids and booleans in `*_value_integer`, numbers in
 * `*_value_float` with the currency of monetary fields, dates in `*_value_datetime`, text in `*_value_text`).
 */
import type { FieldDef, ModelDef } from './schema';
import type { Row, Table } from './table';

/** What the chatter needs from the database. */
export interface ChatterStore {
  table(name: string): Table;
  displayName(model: string, row: Row): string;
  /** `ir.model.fields` id of a field. */
  fieldId(model: string, field: string): number;
  /** The partner of a user (the author of messages). */
  partnerOf(uid: number): number | false;
  nowText(): string;
}

/** The company currency (`res.currency` id of USD), for monetary tracking values. */
export const COMPANY_CURRENCY = 1;

const trackedFields = (def: ModelDef): FieldDef[] => [...def.fields.values()].filter((field) => field.tracking !== undefined);

/** The current values of the tracked fields a write touches, per record, taken before the write. */
export function valuesBefore(def: ModelDef, rows: readonly Row[], values: Record<string, unknown>): Map<number, Record<string, unknown>> {
  const before = new Map<number, Record<string, unknown>>();
  if (!def.mailThread) return before;
  const fields = trackedFields(def).filter((field) => field.name in values);
  if (!fields.length) return before;
  for (const row of rows) before.set(row.id, Object.fromEntries(fields.map((field) => [field.name, row[field.name]])));
  return before;
}

const empty = (value: unknown): boolean => value === false || value === undefined || value === null || value === '';

/** The `old_value_*` / `new_value_*` columns of one change. */
function trackingColumns(store: ChatterStore, field: FieldDef, old: unknown, now: unknown): Record<string, unknown> {
  const pair = (column: string, convert: (value: unknown) => unknown): Record<string, unknown> => ({
    [`old_value_${column}`]: convert(old),
    [`new_value_${column}`]: convert(now),
  });
  switch (field.type) {
    case 'integer':
    case 'boolean':
      return pair('integer', (value) => (typeof value === 'number' ? value : value ? 1 : 0));
    case 'float':
      return pair('float', (value) => (typeof value === 'number' ? value : 0));
    case 'monetary':
      return { ...pair('float', (value) => (typeof value === 'number' ? value : 0)), currency_id: COMPANY_CURRENCY };
    case 'date':
      return pair('datetime', (value) => (empty(value) ? false : `${String(value).slice(0, 10)} 00:00:00`));
    case 'datetime':
      return pair('datetime', (value) => (empty(value) ? false : value));
    case 'selection':
      return pair('char', (value) => (empty(value) ? false : (field.selection?.find(([key]) => key === value)?.[1] ?? String(value))));
    case 'many2one': {
      const name = (value: unknown): unknown => {
        const target = typeof value === 'number' && field.relation ? store.table(field.relation).get(value) : undefined;
        return target && field.relation ? store.displayName(field.relation, target) : false;
      };
      return { ...pair('integer', (value) => (typeof value === 'number' ? value : 0)), ...pair('char', name) };
    }
    case 'text':
    case 'html':
      return pair('text', (value) => (empty(value) ? false : value));
    default:
      return pair('char', (value) => (empty(value) ? false : String(value)));
  }
}

function postMessage(store: ChatterStore, def: ModelDef, row: Row, uid: number, body: string | false): number {
  return store.table('mail.message').insert({
    subject: false,
    body,
    model: def.name,
    res_id: row.id,
    record_name: store.displayName(def.name, row),
    message_type: 'notification',
    author_id: store.partnerOf(uid),
    date: store.nowText(),
    create_uid: uid,
    create_date: store.nowText(),
    write_uid: uid,
    write_date: store.nowText(),
  }).id;
}

/** After a write: a notification per record whose tracked fields changed, tracking values in field order. */
export function postTracking(store: ChatterStore, def: ModelDef, rows: readonly Row[], before: ReadonlyMap<number, Record<string, unknown>>, uid: number): void {
  if (!before.size) return;
  const fields = trackedFields(def).sort((a, b) => (a.tracking ?? 100) - (b.tracking ?? 100) || a.name.localeCompare(b.name));
  for (const row of rows) {
    const old = before.get(row.id);
    if (!old) continue;
    const changed = fields.filter((field) => field.name in old && old[field.name] !== row[field.name] && !(empty(old[field.name]) && empty(row[field.name])));
    if (!changed.length) continue;
    const messageId = postMessage(store, def, row, uid, false);
    const values = store.table('mail.tracking.value');
    for (const field of changed) {
      values.insert({
        field_id: store.fieldId(def.name, field.name),
        old_value_integer: 0,
        old_value_float: 0,
        old_value_char: false,
        old_value_text: false,
        old_value_datetime: false,
        new_value_integer: 0,
        new_value_float: 0,
        new_value_char: false,
        new_value_text: false,
        new_value_datetime: false,
        currency_id: false,
        ...trackingColumns(store, field, old[field.name], row[field.name]),
        mail_message_id: messageId,
        create_uid: uid,
        create_date: store.nowText(),
        write_uid: uid,
        write_date: store.nowText(),
      });
    }
  }
}

/** After a create: the creation note `mail.thread` logs ("Contact created"). */
export function postCreation(store: ChatterStore, def: ModelDef, rows: readonly Row[], uid: number): void {
  if (!def.mailThread) return;
  for (const row of rows) postMessage(store, def, row, uid, `<p>${def.description} created</p>`);
}

/** Before an unlink: the records' messages and their tracking values go with them. */
export function removeMessages(store: ChatterStore, def: ModelDef, ids: ReadonlySet<number>): void {
  if (!def.mailThread) return;
  const messages = store.table('mail.message');
  const gone = new Set(messages.rows.filter((message) => message.model === def.name && ids.has(message.res_id as number)).map((message) => message.id));
  if (!gone.size) return;
  const values = store.table('mail.tracking.value');
  values.delete(values.rows.filter((value) => gone.has(value.mail_message_id as number)).map((value) => value.id));
  messages.delete(gone);
}
