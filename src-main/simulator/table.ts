/**
 * In-memory storage of one model's rows: kept sorted by id (ids only grow) so id ranges are found by binary
 * search, with a by-id map and optional unique keys (the `(model, record_id, event)` constraint).
 */

/** A stored row: raw column values (many2one as an id or false, empty values as false). */
export type Row = Record<string, unknown> & { id: number };

/** Rows of one model. */
export class Table {
  /** Rows in ascending id order. Do not mutate from outside; use the methods. */
  rows: Row[] = [];
  private readonly byId = new Map<number, Row>();
  private nextId = 1;
  private readonly keyIndex?: Map<string, Row>;
  /** Told of every deletion, whatever path it took (a statement-level trigger); not of {@link clear}. */
  onDelete?: (rows: readonly Row[]) => void;

  /** @param keyOf a unique key per row, indexed for fast lookups (optional) */
  constructor(private readonly keyOf?: (row: Row) => string) {
    if (keyOf) this.keyIndex = new Map();
  }

  get size(): number {
    return this.rows.length;
  }

  /** The id the next insert will get. */
  get sequence(): number {
    return this.nextId;
  }

  /** Moves the id sequence forward (never backwards past existing ids). */
  setSequence(next: number): void {
    const last = this.rows.length ? this.rows[this.rows.length - 1].id : 0;
    this.nextId = Math.max(next, last + 1);
  }

  get(id: number): Row | undefined {
    return this.byId.get(id);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Row with the given unique key. */
  byKey(key: string): Row | undefined {
    return this.keyIndex?.get(key);
  }

  /** Inserts a row; `id` is assigned from the sequence unless given (then it must be above every stored id). */
  insert(values: Record<string, unknown>, id?: number): Row {
    const rowId = id ?? this.nextId;
    const last = this.rows.length ? this.rows[this.rows.length - 1].id : 0;
    if (rowId <= last) throw new Error(`id ${rowId} is not above the last id ${last}`);
    const row = { ...values, id: rowId } as Row;
    this.rows.push(row);
    this.byId.set(rowId, row);
    if (this.keyIndex && this.keyOf) this.keyIndex.set(this.keyOf(row), row);
    this.nextId = Math.max(this.nextId, rowId + 1);
    return row;
  }

  /** Appends many prepared rows (ids ascending, above every stored id) without per-row checks. */
  bulkAppend(rows: Row[]): void {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      this.rows.push(row);
      this.byId.set(row.id, row);
      if (this.keyIndex && this.keyOf) this.keyIndex.set(this.keyOf(row), row);
    }
    if (rows.length) this.nextId = Math.max(this.nextId, rows[rows.length - 1].id + 1);
  }

  /** Updates a row's values, keeping the unique index right. */
  update(row: Row, values: Record<string, unknown>): void {
    if (this.keyIndex && this.keyOf) this.keyIndex.delete(this.keyOf(row));
    Object.assign(row, values);
    if (this.keyIndex && this.keyOf) this.keyIndex.set(this.keyOf(row), row);
  }

  /** Index of the first row with id >= `id`. */
  lowerBound(id: number): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.rows[middle].id < id) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Deletes rows by id; returns the ids that existed. */
  delete(ids: Iterable<number>): number[] {
    const removed: number[] = [];
    const rows: Row[] = [];
    for (const id of ids) {
      const row = this.byId.get(id);
      if (!row) continue;
      this.byId.delete(id);
      if (this.keyIndex && this.keyOf) this.keyIndex.delete(this.keyOf(row));
      removed.push(id);
      rows.push(row);
    }
    if (!removed.length) return removed;
    this.onDelete?.(rows);
    if (removed.length === 1) {
      const index = this.lowerBound(removed[0]);
      this.rows.splice(index, 1);
    } else {
      const gone = new Set(removed);
      this.rows = this.rows.filter((row) => !gone.has(row.id));
    }
    return removed;
  }

  /** Removes every row; `restartIds` also resets the sequence to 1 (a "reset" log). */
  clear(restartIds: boolean): void {
    this.rows = [];
    this.byId.clear();
    this.keyIndex?.clear();
    if (restartIds) this.nextId = 1;
  }
}
