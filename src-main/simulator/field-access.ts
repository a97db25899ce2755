/**
 * Fields restricted to groups (`groups=` on a field, e.g. `mail.message.tracking_value_ids`, which
 * Odoo's mail module keeps for `base.group_system`): reading one by name is refused with Odoo's
 * AccessError; reading every field leaves it out, as `check_field_access_rights` does.
 */
import { accessError } from './errors';
import type { Orm } from './orm';
import type { FieldDef, ModelDef } from './schema';

function allowed(db: Orm, uid: number, field: FieldDef): boolean {
  return !field.groups || uid === 1 || db.hasGroup(uid, field.groups);
}

/** Refuses the named fields the user may not read (unknown names are left to the caller). */
export function checkFieldAccess(db: Orm, uid: number, def: ModelDef, names: readonly unknown[]): void {
  const refused = names.filter((name): name is string => typeof name === 'string' && def.fields.has(name) && !allowed(db, uid, def.fields.get(name) as FieldDef));
  if (refused.length === 0) return;
  throw accessError(
    `You do not have enough rights to access the fields "${refused.join(',')}" on ${def.description} (${def.name}). Please contact your system administrator.\n\n(Operation: read)`,
  );
}

/** The `fields` argument of a read: the names given (checked), or every field the user may read. */
export function readableFields(db: Orm, uid: number, def: ModelDef, fields: unknown): unknown {
  if (Array.isArray(fields) && fields.length > 0) {
    checkFieldAccess(db, uid, def, fields);
    return fields;
  }
  const all = [...def.fields.values()];
  return all.every((field) => allowed(db, uid, field)) ? fields : all.filter((field) => allowed(db, uid, field)).map((field) => field.name);
}
