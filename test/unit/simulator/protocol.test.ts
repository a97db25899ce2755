/**
 * Our addon's protocol 2 in the fixed flavour (docs/addon-protocol.md): `changed_values` (value format,
 * merge on refresh, truncation, binary, secrets, per-model switch), tombstones (every deletion path,
 * cleanup by age, reset), `sync_state` and `digest`.
 */
import { describe, expect, it } from 'vitest';
import { PyFloat } from '../../../src-main/simulator/codec/values';
import { caught, makeDatabase, ManualClock } from './helpers';

type Values = Record<string, Record<string, unknown>>;

function lastWrite(db: ReturnType<typeof makeDatabase>, model: string, id: number): { changed_fields: unknown; changed_values: Values | false } {
  const row = db.webhookRows().find((entry) => entry.model === model && entry.record_id === id && entry.event === 'write')!;
  return { changed_fields: row.changed_fields, changed_values: typeof row.changed_values === 'string' ? (JSON.parse(row.changed_values) as Values) : false };
}

describe('changed_values', () => {
  it('renders each type for people', () => {
    const db = makeDatabase('fixed');
    db.write('res.partner', [17], { email: 'new@example.com', parent_id: 11, is_company: true, customer_rank: 3 });
    expect(lastWrite(db, 'res.partner', 17).changed_values).toEqual({
      email: { label: 'Email', type: 'char', old: 'addison.olson@example.com', new: 'new@example.com' },
      parent_id: { label: 'Related Company', type: 'many2one', old: [10, 'Deco Addict'], new: [11, 'Gemini Furniture'] },
      is_company: { label: 'Is a Company', type: 'boolean', old: false, new: true },
      customer_rank: { label: 'Customer Rank', type: 'integer', old: 0, new: 3 },
    });
    db.write('sale.order', [1], { state: 'cancel', amount_total: 12.5 });
    expect(lastWrite(db, 'sale.order', 1).changed_values).toMatchObject({
      state: { label: 'Status', type: 'selection', old: 'Sales Order', new: 'Cancelled' },
      amount_total: { label: 'Total', type: 'monetary', new: '12.50 USD' },
    });
    db.write('product.template', [1], { list_price: 12.5 });
    expect((lastWrite(db, 'product.template', 1).changed_values as Values).list_price).toMatchObject({ type: 'float', new: '12.5' });
    db.write('account.move', [1], { date: '2026-12-01', partner_id: false });
    expect(lastWrite(db, 'account.move', 1).changed_values).toMatchObject({ date: { type: 'date', new: '2026-12-01' }, partner_id: { new: false } });
  });

  it('merges a refreshed row by field: a field written again gets the new pair, others keep theirs', () => {
    const db = makeDatabase('fixed');
    db.write('res.partner', [17], { email: 'one@example.com' });
    db.write('res.partner', [17], { phone: '111' });
    db.write('res.partner', [17], { email: 'two@example.com' });
    const { changed_fields, changed_values } = lastWrite(db, 'res.partner', 17);
    expect(changed_fields).toBe('email,phone');
    expect(changed_values).toEqual({
      email: { label: 'Email', type: 'char', old: 'one@example.com', new: 'two@example.com' },
      phone: { label: 'Phone', type: 'char', old: false, new: '111' },
    });
  });

  it('cuts long text at 500 characters with the full length, and records binaries as changed only', () => {
    const db = makeDatabase('fixed');
    const long = 'é'.repeat(1834);
    db.write('res.partner', [17], { street: long, image_1920: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB' });
    const values = lastWrite(db, 'res.partner', 17).changed_values as Values;
    expect(values.street).toEqual({ label: 'Street', type: 'char', old: false, new: 'é'.repeat(500), truncated: true, new_length: 1834 });
    expect(values.image_1920).toEqual({ label: 'Image', type: 'binary', changed: true });
  });

  it('never records secrets, and is false when values are off, for unchanged values, creates and unlinks', () => {
    const db = makeDatabase('fixed');
    db.write('res.partner', [17], { signup_token: 'abc123', city: db.table('res.partner').get(17)!.city });
    expect(lastWrite(db, 'res.partner', 17)).toEqual({ changed_fields: 'signup_token,city', changed_values: {} });
    db.setChangedValues('res.partner', false);
    db.write('res.partner', [18], { phone: '222' });
    expect(lastWrite(db, 'res.partner', 18).changed_values).toBe(false);
    const [id] = db.create('res.partner', { name: 'Fresh' });
    db.unlink('res.partner', [id]);
    expect(db.webhookRows().filter((row) => row.record_id === id).map((row) => row.changed_values)).toEqual([false, false]);
  });
});

describe('tombstones', () => {
  it('remember every deletion of a log row, by any path', () => {
    const db = makeDatabase('fixed');
    const [first, second, third] = db.webhookRows().map((row) => row.id);
    db.call('update.webhook', 'unlink', [[first]], {}, 'demo'); // a consumer over RPC
    db.deleteWebhookRows([second]); // raw SQL
    db.create('res.partner', { name: 'Short Lived' });
    const orphan = db.webhookRows().at(-1)!;
    db.table('res.partner').delete([orphan.record_id]); // the record vanishes without the ORM
    db.call('webhook.cleanup.cron', 'clean_webhook_records'); // the cleanup removes its orphaned row
    expect(db.tombstones().map((tombstone) => tombstone.rowId)).toEqual([first, second, orphan.id]);
    expect(db.tombstones().map((tombstone) => tombstone.id)).toEqual([1, 2, 3]);
    expect(third).toBeGreaterThan(second);
  });

  it('are cleaned by age, the floor telling a caller what it missed', () => {
    const clock = new ManualClock();
    const db = makeDatabase('fixed', clock);
    db.deleteWebhookRows([1, 2]);
    clock.advance(20 * 86400);
    db.deleteWebhookRows([3]);
    clock.advance(15 * 86400);
    expect(db.purgeTombstones()).toBe(2); // older than the default 30 days
    const state = db.call('update.webhook', 'sync_state', [], { tombstone_cursor: 0 }) as Record<string, unknown>;
    expect(state).toMatchObject({ tombstone_id: 3, tombstone_floor: 3, tombstones: [3], tombstone_more: false, tombstone_last: 3 });
    expect(db.purgeTombstones(1)).toBe(1);
    expect(db.call('update.webhook', 'sync_state', [], { tombstone_cursor: 1 })).toMatchObject({ tombstone_id: 3, tombstone_floor: 4, tombstones: [] });
  });

  it('start again with a reset log, which gets a new token', () => {
    const db = makeDatabase('fixed');
    const before = (db.call('update.webhook', 'sync_state') as { log: string }).log;
    db.deleteWebhookRows([1]);
    db.resetWebhookLog();
    const after = db.call('update.webhook', 'sync_state') as Record<string, unknown>;
    expect(after.log).not.toBe(before);
    expect(after).toMatchObject({ max_id: 0, count: 0, tombstone_id: 0, tombstone_floor: 0, tombstones: [] });
  });
});

describe('sync_state', () => {
  it('answers an idle poll in one call', () => {
    const clock = new ManualClock();
    const db = makeDatabase('fixed', clock);
    const state = db.call('update.webhook', 'sync_state', [], { cursor: 19, limit: 5, tombstone_cursor: 0 }) as Record<string, unknown>;
    expect(Object.keys(state)).toEqual([
      'log',
      'max_id',
      'count',
      'cursor_row',
      'tombstone_id',
      'tombstone_floor',
      'tombstones',
      'tombstone_more',
      'tombstone_last',
      'error_max_id',
      'rows',
      'refreshed',
    ]);
    expect(state).toMatchObject({ max_id: 19, count: 19, cursor_row: ['stock.picking', 2, 'write'], tombstone_id: 0, tombstone_floor: 0, tombstones: [], error_max_id: 0, rows: [], refreshed: [] });
    expect(typeof state.log).toBe('string');
  });

  it('returns new rows without changed_values, rows refreshed since a time, and the error log for whoever may read it', () => {
    const clock = new ManualClock();
    const db = makeDatabase('fixed', clock);
    clock.advance(3600);
    db.write('sale.order', [1], { client_order_ref: 'X' }); // refreshes log row 1
    db.write('res.partner', [20], { phone: '1' }); // new row 20
    db.addError('res.partner', 20, 'boom');
    const state = db.call('update.webhook', 'sync_state', [], { cursor: 19, limit: 10, refreshed_since: '2026-11-30 10:51:00' }) as Record<string, Array<Record<string, unknown>>>;
    expect(state.rows.map((row) => row.id)).toEqual([20]);
    expect(Object.keys(state.rows[0])).not.toContain('changed_values');
    expect(Object.keys(state.rows[0])).toContain('changed_fields');
    expect(state.refreshed.map((row) => row.id)).toEqual([1]);
    expect((state as unknown as Record<string, unknown>).error_max_id).toBe(1);
    expect((db.call('update.webhook', 'sync_state', [], {}, 'demo') as Record<string, unknown>).error_max_id).toBe(0);
    const chosen = db.call('update.webhook', 'sync_state', [], { cursor: 19, limit: 1, fields: ['changed_values'] }) as Record<string, Array<Record<string, unknown>>>;
    expect(Object.keys(chosen.rows[0])).toEqual(['id', 'changed_values']);
  });

  it('pages tombstones by 10,000 and says where to continue', () => {
    const db = makeDatabase('fixed');
    const { firstId, lastId } = db.seedWebhookRows(10_050);
    db.deleteWebhookRows(Array.from({ length: lastId - firstId + 1 }, (_, index) => firstId + index));
    const first = db.call('update.webhook', 'sync_state', [], { tombstone_cursor: 0 }) as Record<string, unknown>;
    expect([(first.tombstones as number[]).length, first.tombstone_more, first.tombstone_last, first.tombstone_id]).toEqual([10_000, true, 10_000, 10_050]);
    const second = db.call('update.webhook', 'sync_state', [], { tombstone_cursor: first.tombstone_last }) as Record<string, unknown>;
    expect([(second.tombstones as number[]).length, second.tombstone_more, second.tombstone_last]).toEqual([50, false, 10_050]);
  });

  it('refuses bad arguments and does not exist in the original module', () => {
    const db = makeDatabase('fixed');
    expect(caught(() => db.call('update.webhook', 'sync_state', [], { cursor: -1 })).finalLine).toBe('ValueError: cursor must be a whole number, 0 or more, not -1');
    expect(caught(() => db.call('update.webhook', 'sync_state', [], { fields: ['nosuch'] })).finalLine).toBe("ValueError: Invalid field 'nosuch' on model 'update.webhook'");
    expect(caught(() => db.call('update.webhook', 'sync_state', [], {}, 'portal')).kind).toBe('AccessError');
    expect(caught(() => makeDatabase('original').call('update.webhook', 'sync_state')).finalLine).toBe("AttributeError: The method 'update.webhook.sync_state' does not exist");
    expect(db.call('update.webhook', 'protocol_version')).toBe(2);
  });
});

describe('digest', () => {
  it('answers count and sums per inclusive id range, sums as floats', () => {
    const db = makeDatabase('fixed');
    db.deleteWebhookRows([2]);
    const rows = db.webhookRows();
    const recordSum = rows.filter((row) => row.id <= 3).reduce((sum, row) => sum + row.record_id, 0);
    expect(db.call('update.webhook', 'digest', [[[1, 3], [100, 200]]])).toEqual([
      [2, new PyFloat(4), new PyFloat(recordSum)],
      [0, new PyFloat(0), new PyFloat(0)],
    ]);
  });

  it('takes at most 1,000 well-formed ranges', () => {
    const db = makeDatabase('fixed');
    expect(caught(() => db.call('update.webhook', 'digest', [Array.from({ length: 1001 }, () => [1, 2])])).finalLine).toBe('ValueError: digest() takes at most 1000 ranges, not 1001');
    expect(caught(() => db.call('update.webhook', 'digest', [[[1]]])).finalLine).toBe('ValueError: a range is [from_id, to_id], not [1]');
  });
});
