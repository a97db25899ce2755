/**
 * The `auto_webhook` module's logging in its two flavours.
 *
 * `original` ports `update.webhook.create` of the real module (v1.0.0): a coalescing queue with at most one
 * row per (model, record_id, event); a repeated event is skipped (its timestamp never refreshed); a `create`
 * deletes earlier `write` rows; writes after a `create` are not logged; and, because `create()` returns
 * inside its loop, only the first row of a batch is written (so a multi-record create, write or unlink logs
 * only its first record). Its cleanup deletes nothing (an empty recordset is falsy) and returns None.
 *
 * `fixed` logs every record, refreshes a repeated event's timestamp and counts it in `change_count`, records
 * the user, the changed fields and (protocol 2) their old and new values, and its cleanup deletes orphaned
 * rows (keeping `unlink` rows, with archived records counting as existing) and returns how many it deleted.
 */
import { mergeChangedValues, type ChangedValue } from './changed-values';
import type { Row, Table } from './table';
import type { ModuleFlavour } from './types';

/** The changed values of a write per record id, or `off` when values are off for the model. */
export type WriteValues = ReadonlyMap<number, Readonly<Record<string, ChangedValue>>> | 'off';

/** The unique key of the `(model, record_id, event)` SQL constraint. */
export function webhookKey(row: Row): string {
  return key(row.model as string, row.record_id as number, row.event as string);
}

function key(model: string, recordId: number, event: string): string {
  return `${model}\u0000${recordId}\u0000${event}`;
}

/** The columns every new update.webhook row gets, in both flavours. */
function newLogRow(model: string, recordId: number, event: 'create' | 'write' | 'unlink', uid: number, now: string): Record<string, unknown> {
  return { model, record_id: recordId, event, timestamp: now, create_uid: uid, create_date: now, write_uid: uid, write_date: now };
}

/** Logs changes of tracked models into `update.webhook`. */
export class WebhookLog {
  constructor(
    private readonly table: Table,
    private readonly flavour: ModuleFlavour,
    private readonly now: () => string,
  ) {}

  /**
   * Records one event for `recordIds` (in the order given), as user `uid`; the fixed flavour keeps the
   * written field names and (protocol 2) the changed values of writes.
   */
  record(
    model: string,
    recordIds: readonly number[],
    event: 'create' | 'write' | 'unlink',
    uid: number,
    changedFields: readonly string[] = [],
    values: WriteValues = 'off',
  ): void {
    if (this.flavour === 'fixed') this.recordFixed(model, recordIds, event, uid, changedFields, values);
    else this.recordOriginal(model, recordIds, event, uid);
  }

  private recordOriginal(model: string, recordIds: readonly number[], event: 'create' | 'write' | 'unlink', uid: number): void {
    for (const recordId of recordIds) {
      if (this.table.byKey(key(model, recordId, event))) continue; // "Skipping duplicate webhook"
      const write = this.table.byKey(key(model, recordId, 'write'));
      const create = this.table.byKey(key(model, recordId, 'create'));
      if (event === 'create' && write) this.table.delete([write.id]);
      if (event === 'write' && create) continue; // writes after a create are ignored
      this.table.insert(newLogRow(model, recordId, event, uid, this.now()));
      return; // the real module returns inside its loop: the rest of the batch is never logged
    }
  }

  private recordFixed(
    model: string,
    recordIds: readonly number[],
    event: 'create' | 'write' | 'unlink',
    uid: number,
    changedFields: readonly string[],
    values: WriteValues,
  ): void {
    const now = this.now();
    // A write's values merge into a refreshed row by field; values off, or another event: false.
    const changedValues = (previous: unknown, recordId: number): string | false =>
      event === 'write' && values !== 'off' ? mergeChangedValues(previous, values.get(recordId) ?? {}) : false;
    for (const recordId of recordIds) {
      const same = this.table.byKey(key(model, recordId, event));
      if (same) {
        const previous = typeof same.changed_fields === 'string' ? same.changed_fields.split(',') : [];
        const merged = [...new Set([...previous, ...changedFields])];
        this.table.update(same, {
          timestamp: now,
          change_count: (same.change_count as number) + 1,
          write_uid: uid,
          write_date: now,
          user_id: uid,
          changed_fields: event === 'write' && merged.length ? merged.join(',') : false,
          changed_values: changedValues(same.changed_values, recordId),
        });
        continue;
      }
      this.table.insert({
        ...newLogRow(model, recordId, event, uid, now),
        change_count: 1,
        user_id: uid,
        changed_fields: event === 'write' && changedFields.length ? changedFields.join(',') : false,
        changed_values: changedValues(false, recordId),
      });
    }
  }

  /**
   * `webhook.cleanup.cron.clean_webhook_records`. Original: deletes nothing and returns null (None).
   * Fixed: deletes non-`unlink` rows whose record no longer exists; returns the count.
   */
  cleanup(recordExists: (model: string, id: number) => boolean): number | null {
    if (this.flavour === 'original') return null;
    const orphans = this.table.rows
      .filter((row) => row.event !== 'unlink' && !recordExists(row.model as string, row.record_id as number))
      .map((row) => row.id);
    this.table.delete(orphans);
    return orphans.length;
  }
}
