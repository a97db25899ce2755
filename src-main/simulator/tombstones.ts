/**
 * Our addon's `update_webhook_tombstone` table (protocol 2): every deletion of an `update.webhook` row, by
 * any path, leaves `(id serial, row_id, deleted_at)`; the daily cleanup drops tombstones older than
 * `auto_webhook.tombstone_days`. Ids come from a sequence that never goes back, so a caller can tell it
 * missed tombstones that were cleaned (its cursor is below `floor - 1`).
 */

/** One tombstone. */
export interface Tombstone {
  id: number;
  rowId: number;
  /** Naive UTC `YYYY-MM-DD HH:MM:SS`. */
  deletedAt: string;
}

/** At most this many tombstones per `sync_state` answer. */
export const TOMBSTONE_PAGE = 10_000;

/** The tombstones of one log table. */
export class Tombstones {
  private kept: Tombstone[] = [];
  private sequence = 0;

  /** Records the deletion of log rows (one statement: one call). */
  record(rowIds: readonly number[], deletedAt: string): void {
    for (const rowId of rowIds) this.kept.push({ id: ++this.sequence, rowId, deletedAt });
  }

  /** The highest tombstone id ever given (the sequence's last value); 0 when none was. */
  get lastId(): number {
    return this.sequence;
  }

  /** The lowest tombstone id still kept; `lastId + 1` when all were cleaned; 0 when none was ever written. */
  get floor(): number {
    if (this.kept.length) return this.kept[0].id;
    return this.sequence ? this.sequence + 1 : 0;
  }

  /** Tombstones after `cursor`, in order, at most `limit`; `more` when some were left out. */
  after(cursor: number, limit = TOMBSTONE_PAGE): { tombstones: Tombstone[]; more: boolean } {
    const start = this.kept.findIndex((tombstone) => tombstone.id > cursor);
    if (start < 0) return { tombstones: [], more: false };
    const tombstones = this.kept.slice(start, start + limit);
    return { tombstones, more: start + limit < this.kept.length };
  }

  /** Drops tombstones deleted before `cutoff` (naive UTC text); returns how many. */
  purgeBefore(cutoff: string): number {
    const before = this.kept.length;
    this.kept = this.kept.filter((tombstone) => tombstone.deletedAt >= cutoff);
    return before - this.kept.length;
  }

  /** Copies of the kept tombstones, oldest first. */
  list(): Tombstone[] {
    return this.kept.map((tombstone) => ({ ...tombstone }));
  }

  /** The log table was recreated: its tombstone table too (ids start again). */
  reset(): void {
    this.kept = [];
    this.sequence = 0;
  }
}
