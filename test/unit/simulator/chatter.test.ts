/**
 * What every Odoo records without any module (odoo-facts.md, "Measured again on 2026-12-01"):
 * `create_date`/`write_date`/`*_uid` on every model, and on models with a chatter the `mail.message` and
 * `mail.tracking.value` rows of tracked fields; `ir.model.fields.tracking`; late-committing transactions.
 */
import { describe, expect, it } from 'vitest';
import { Traffic } from '../../../src-main/simulator/traffic';
import { caught, makeDatabase, ManualClock } from './helpers';

type Record = { [key: string]: unknown };

const TRACKING_FIELDS = [
  'field_id',
  'old_value_char',
  'new_value_char',
  'old_value_integer',
  'new_value_integer',
  'old_value_float',
  'new_value_float',
  'old_value_datetime',
  'new_value_datetime',
  'old_value_text',
  'new_value_text',
  'currency_id',
  'mail_message_id',
];

describe('create_date, write_date, create_uid, write_uid', () => {
  it('are kept by create and write on every business model, to the second', () => {
    const clock = new ManualClock();
    const db = makeDatabase('original', clock, false);
    const [id] = db.create('hr.employee', { name: 'New Hire' }, 'demo');
    const created = db.call('hr.employee', 'read', [[id], ['create_date', 'write_date', 'create_uid', 'write_uid']]) as Record[];
    expect(created[0]).toMatchObject({ create_date: '2026-11-30 09:51:00', write_date: '2026-11-30 09:51:00', create_uid: [6, 'Marc Demo'], write_uid: [6, 'Marc Demo'] });
    clock.advance(75.6);
    db.write('hr.employee', [id], { job_title: 'Designer' });
    const written = db.call('hr.employee', 'read', [[id], ['create_date', 'write_date', 'write_uid']]) as Record[];
    expect(written[0]).toMatchObject({ create_date: '2026-11-30 09:51:00', write_date: '2026-11-30 09:52:15', write_uid: [2, 'Mitchell Admin'] });
  });
});

describe('field tracking (mail.message + mail.tracking.value)', () => {
  it('logs one notification per written record with a value per tracked field that changed', () => {
    const clock = new ManualClock();
    const db = makeDatabase('original', clock, false);
    clock.advance(30);
    db.write('res.partner', [17], { email: 'addison@example.org', parent_id: 11, city: 'Ghent' }, 'demo');
    const [message] = db.call('mail.message', 'search_read', [[['model', '=', 'res.partner'], ['res_id', '=', 17]]], {
      fields: ['model', 'res_id', 'author_id', 'date', 'message_type', 'body', 'tracking_value_ids'],
    }) as Record[];
    expect(message).toMatchObject({ model: 'res.partner', res_id: 17, author_id: [7, 'YourCompany, Marc Demo'], date: '2026-11-30 09:51:30', message_type: 'notification', body: false });
    const values = db.call('mail.tracking.value', 'read', [message.tracking_value_ids, TRACKING_FIELDS]) as Record[];
    const byField = new Map(values.map((value) => [(value.field_id as [number, string])[1], value]));
    expect([...byField.keys()].sort()).toEqual(['Email', 'Related Company']);
    expect(byField.get('Email')).toMatchObject({ old_value_char: 'addison.olson@example.com', new_value_char: 'addison@example.org', mail_message_id: [message.id, expect.any(String)] });
    expect(byField.get('Related Company')).toMatchObject({ old_value_integer: 10, new_value_integer: 11, old_value_char: 'Deco Addict', new_value_char: 'Gemini Furniture' });
  });

  it('stores selections as labels, money with its currency, dates as datetimes', () => {
    const db = makeDatabase('original', new ManualClock(), false);
    db.write('sale.order', [1], { state: 'cancel' });
    db.write('account.move', [1], { amount_total: 1234.5, date: '2026-12-01' });
    const values = db.call('mail.tracking.value', 'search_read', [[]], { fields: TRACKING_FIELDS, order: 'id asc' }) as Record[];
    const state = values.find((value) => (value.field_id as [number, string])[1] === 'Status')!;
    expect([state.old_value_char, state.new_value_char]).toEqual(['Sales Order', 'Cancelled']);
    const total = values.find((value) => (value.field_id as [number, string])[1] === 'Total')!;
    expect([total.new_value_float, total.currency_id]).toEqual([expect.objectContaining({ value: 1234.5 }), [1, 'USD']]);
    const date = values.find((value) => (value.field_id as [number, string])[1] === 'Date')!;
    expect(date.new_value_datetime).toBe('2026-12-01 00:00:00');
  });

  it('logs nothing for untracked fields, unchanged values or models without a chatter', () => {
    const db = makeDatabase('original', new ManualClock(), false);
    const before = db.call('mail.message', 'search_count', [[]]);
    db.write('res.partner', [17], { city: 'Ghent', email: 'addison.olson@example.com' });
    db.write('product.category', [2], { name: 'Sellable' });
    expect(db.call('mail.message', 'search_count', [[]])).toBe(before);
  });

  it('notes creations and deletes a record’s messages with it', () => {
    const db = makeDatabase('original', new ManualClock(), false);
    const [id] = db.create('res.partner', { name: 'Brand New' });
    db.write('res.partner', [id], { phone: '+32 2 123' });
    const messages = db.call('mail.message', 'search_read', [[['model', '=', 'res.partner'], ['res_id', '=', id]]], { fields: ['body', 'record_name'], order: 'id asc' }) as Record[];
    expect(messages.map((message) => message.body)).toEqual(['<p>Contact created</p>', false]);
    expect(messages[0].record_name).toBe('Brand New');
    const trackingCount = db.call('mail.tracking.value', 'search_count', [[]]) as number;
    db.unlink('res.partner', [id]);
    expect(db.call('mail.message', 'search_count', [[['model', '=', 'res.partner'], ['res_id', '=', id]]])).toBe(0);
    expect(db.call('mail.tracking.value', 'search_count', [[]])).toBe(trackingCount - 1);
  });

  it('lets internal users read messages, and only administrators the tracking values', () => {
    const db = makeDatabase('original', new ManualClock(), false);
    expect(db.call('mail.message', 'search_count', [[]], {}, 'demo')).toBeGreaterThanOrEqual(0);
    expect(caught(() => db.call('mail.tracking.value', 'search_count', [[]], {}, 'demo')).kind).toBe('AccessError');
  });
});

describe('what is tracked', () => {
  it('is in ir.model.fields.tracking, not in fields_get', () => {
    const db = makeDatabase();
    const rows = db.call('ir.model.fields', 'search_read', [[['model', '=', 'res.partner'], ['tracking', '>', 0]]], { fields: ['name', 'tracking', 'field_description'] }) as Record[];
    expect(rows.map((row) => row.name).sort()).toEqual(['email', 'name', 'parent_id', 'phone', 'vat']);
    const templates = db.call('ir.model.fields', 'search_read', [[['model', '=', 'product.template'], ['tracking', '!=', 0]]], { fields: ['name'] }) as Record[];
    expect(templates.map((row) => row.name).sort()).toEqual(['cost_method', 'invoice_policy', 'list_price']);
    const described = db.call('res.partner', 'fields_get', [['email']]) as { email: Record };
    expect(described.email).not.toHaveProperty('tracking');
  });
});

describe('late-committing transactions', () => {
  it('give rows timestamps older than rows already visible', () => {
    const clock = new ManualClock();
    const db = makeDatabase('fixed', clock, true);
    clock.advance(600);
    db.write('res.partner', [18], { phone: 'visible first' });
    const [late] = db.commitLate(120, () => db.create('res.partner', { name: 'Committed Late' }));
    const dates = db.call('res.partner', 'read', [[18, late], ['write_date']]) as Record[];
    expect(dates.map((row) => row.write_date)).toEqual(['2026-11-30 10:01:00', '2026-11-30 09:59:00']);
    const logRow = db.webhookRows().find((row) => row.record_id === late && row.event === 'create')!;
    expect(logRow.timestamp).toBe('2026-11-30 09:59:00');
    expect(db.nowText()).toBe('2026-11-30 10:01:00');
  });
});

describe('traffic on a database without the module', () => {
  it('fills Odoo’s own history on plain and leaves seed’s stream as it was', () => {
    const seedAlone = makeDatabase('original', new ManualClock());
    const alone = new Traffic(() => seedAlone, 4).step(60);
    const seed = makeDatabase('original', new ManualClock());
    const plain = makeDatabase('original', new ManualClock(), false);
    const both = new Traffic(() => [seed, plain], 4).step(60);
    // Both test databases are named "seed": the first driven is the one with the module.
    const first = both.filter((_operation, index) => index % 2 === 0);
    expect(first.map(({ kind, model, recordIds }) => [kind, model, recordIds])).toEqual(alone.map(({ kind, model, recordIds }) => [kind, model, recordIds]));
    expect(plain.call('mail.tracking.value', 'search_count', [[]])).toBeGreaterThan(5);
    expect(plain.webhookRows()).toEqual([]);
  });
});
