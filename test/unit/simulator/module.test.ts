import { describe, expect, it } from 'vitest';
import { Table } from '../../../src-main/simulator/table';
import { WebhookLog, webhookKey } from '../../../src-main/simulator/webhook-log';
import { caught, makeDatabase, ManualClock } from './helpers';

const summary = (rows: Array<{ model: string; record_id: number; event: string }>): string[] =>
  rows.map((row) => `${row.model}:${row.record_id}:${row.event}`);

describe('original auto_webhook module', () => {
  it('installs 19 demo rows whose ids are not in timestamp order', () => {
    const db = makeDatabase('original');
    const rows = db.webhookRows();
    expect(rows).toHaveLength(19);
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 19 }, (_, index) => index + 1));
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(16)!.timestamp > byId.get(1)!.timestamp).toBe(true);
    expect(byId.get(7)!.timestamp < byId.get(1)!.timestamp).toBe(true);
  });

  it('coalesces repeated writes and never refreshes the write timestamp', () => {
    const clock = new ManualClock();
    const db = makeDatabase('original', clock);
    db.write('res.partner', [11], { phone: '1' });
    const first = db.webhookRows().at(-1)!;
    clock.advance(60);
    db.write('res.partner', [11], { phone: '2' });
    const rows = db.webhookRows().filter((row) => row.model === 'res.partner' && row.record_id === 11);
    expect(rows).toEqual([first]);
  });

  it('does not log writes once a create row exists, and keeps the create row on unlink', () => {
    const clock = new ManualClock();
    const db = makeDatabase('original', clock);
    const [id] = db.create('res.partner', { name: 'New Customer' });
    clock.advance(5);
    db.write('res.partner', [id], { phone: '123' });
    db.unlink('res.partner', [id]);
    const rows = db.webhookRows().filter((row) => row.model === 'res.partner' && row.record_id === id);
    expect(summary(rows)).toEqual([`res.partner:${id}:create`, `res.partner:${id}:unlink`]);
  });

  it('deletes earlier write rows of a record when its create is logged', () => {
    const table = new Table(webhookKey);
    const log = new WebhookLog(table, 'original', () => '2026-11-30 10:00:00');
    log.record('res.partner', [70], 'write', 2);
    log.record('res.partner', [71], 'write', 2);
    log.record('res.partner', [70], 'create', 2);
    expect(summary(table.rows as never)).toEqual(['res.partner:71:write', 'res.partner:70:create']);
  });

  it('logs only the first record of a multi-record create (and of a batch write)', () => {
    const db = makeDatabase('original');
    const before = db.webhookRows().length;
    const ids = db.create('res.partner', [{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    expect(ids).toHaveLength(3);
    const added = db.webhookRows().slice(before);
    expect(summary(added)).toEqual([`res.partner:${ids[0]}:create`]);
  });

  it('logs a write for the child contacts when a company partner changes an address field', () => {
    const db = makeDatabase('original');
    const before = db.webhookRows().length;
    db.write('res.partner', [11], { city: 'Ghent' });
    expect(db.table('res.partner').get(19)!.city).toBe('Ghent');
    expect(db.table('res.partner').get(20)!.city).toBe('Ghent');
    // The contacts are written in one batch, so the original module logs the first only.
    expect(summary(db.webhookRows().slice(before))).toEqual(['res.partner:11:write', 'res.partner:19:write']);
  });

  it('logs a stock.picking create when a sale order is confirmed', () => {
    const db = makeDatabase('original');
    const [order] = db.create('sale.order', { partner_id: 12 });
    const before = db.webhookRows().length;
    expect(db.call('sale.order', 'action_confirm', [[order]])).toBe(true);
    const pickings = db.recordIds('stock.picking');
    expect(summary(db.webhookRows().slice(before))).toEqual([`stock.picking:${pickings.at(-1)}:create`]);
    expect(db.table('sale.order').get(order)!.state).toBe('sale');
  });

  it('keeps webhook.errors unreadable for everyone, admin included', () => {
    const db = makeDatabase('original');
    db.addError('res.partner', 7, 'boom');
    for (const login of ['admin', 'demo']) {
      const error = caught(() => db.call('webhook.errors', 'search_read', [[]], {}, login));
      expect(error.kind).toBe('AccessError');
      expect(error.message).toBe(
        "You are not allowed to access 'Log errors occurring in webhook tracking' (webhook.errors) records.\n\nNo group currently allows this operation.\n\nContact your administrator to request access if necessary.",
      );
    }
    expect(db.errorRows()).toHaveLength(1);
  });

  it('runs the cleanup, deletes nothing (not even orphans) and returns None', () => {
    const db = makeDatabase('original');
    const [id] = db.create('res.partner', { name: 'Gone Soon' });
    db.unlink('res.partner', [id]);
    const before = db.webhookRows();
    expect(db.call('webhook.cleanup.cron', 'clean_webhook_records')).toBeNull();
    expect(db.webhookRows()).toEqual(before);
  });

  it('lets internal users read and delete log rows but not create or write them', () => {
    const db = makeDatabase('original');
    expect((db.call('update.webhook', 'search_count', [[]], {}, 'demo') as number) > 0).toBe(true);
    expect(db.call('update.webhook', 'unlink', [[1]], {}, 'demo')).toBe(true);
    expect(db.webhookRows().some((row) => row.id === 1)).toBe(false);
    expect(db.call('update.webhook', 'unlink', [[999999]], {}, 'demo')).toBe(true);
    const create = caught(() => db.call('update.webhook', 'create', [{ model: 'x', record_id: 1, event: 'write' }], {}, 'admin'));
    expect(create.kind).toBe('AccessError');
    expect(create.message.split('\n')[0]).toBe("You are not allowed to create 'Store webhook updates from FastAPI' (update.webhook) records.");
    const write = caught(() => db.call('update.webhook', 'write', [[2], { record_id: 5 }], {}, 'demo'));
    expect(write.message).toContain('No group currently allows this operation.');
    const portal = caught(() => db.call('update.webhook', 'search_read', [[]], {}, 'portal'));
    expect(portal.message).toBe(
      "You are not allowed to access 'Store webhook updates from FastAPI' (update.webhook) records.\n\nThis operation is allowed for the following groups:\n\t- User types/Internal User\n\nContact your administrator to request access if necessary.",
    );
  });

  it('refuses private methods and unknown methods', () => {
    const db = makeDatabase('original');
    expect(caught(() => db.call('res.partner', '_log_webhook_event', [[1], 'write'])).message).toBe(
      "Private methods (such as 'res.partner._log_webhook_event') cannot be called remotely.",
    );
    expect(caught(() => db.call('res.partner', 'frobnicate', [[1]])).finalLine).toBe("AttributeError: The method 'res.partner.frobnicate' does not exist");
  });

  it('does not exist in a database without the module', () => {
    const db = makeDatabase('original', new ManualClock(), false);
    const error = caught(() => db.call('update.webhook', 'search_count', [[]]));
    expect([error.kind, error.message]).toEqual(['UserError', "Object update.webhook doesn't exist"]);
    db.create('res.partner', { name: 'Untracked' });
    expect(db.webhookRows()).toEqual([]);
  });
});

describe('fixed auto_webhook module', () => {
  it('logs every record of multi-record creates, writes and unlinks', () => {
    const db = makeDatabase('fixed');
    const before = db.webhookRows().length;
    const ids = db.create('res.partner', [{ name: 'A' }, { name: 'B' }]);
    db.write('res.partner', ids, { phone: '1' });
    db.unlink('res.partner', ids);
    expect(summary(db.webhookRows().slice(before))).toEqual([
      `res.partner:${ids[0]}:create`,
      `res.partner:${ids[1]}:create`,
      `res.partner:${ids[0]}:write`,
      `res.partner:${ids[1]}:write`,
      `res.partner:${ids[0]}:unlink`,
      `res.partner:${ids[1]}:unlink`,
    ]);
  });

  it('refreshes a repeated event, counts it and records the user and changed fields', () => {
    const clock = new ManualClock();
    const db = makeDatabase('fixed', clock);
    db.write('res.partner', [12], { phone: '1' });
    clock.advance(90);
    db.write('res.partner', [12], { email: 'x@example.com', phone: '2' }, 'demo');
    const rows = db.webhookRows().filter((row) => row.model === 'res.partner' && row.record_id === 12);
    expect(rows).toHaveLength(1);
    expect(rows[0].change_count).toBe(2);
    expect(rows[0].timestamp).toBe('2026-11-30 09:52:30');
    expect(rows[0].user_id).toBe(6);
    expect(rows[0].changed_fields).toBe('phone,email');
  });

  it('lets admins read the error log', () => {
    const db = makeDatabase('fixed');
    db.addError('res.partner', 7, 'boom');
    expect(db.call('webhook.errors', 'search_read', [[]], { fields: ['model', 'record_id', 'error_message'] })).toEqual([
      { id: 1, model: 'res.partner', record_id: 7, error_message: 'boom' },
    ]);
    expect(caught(() => db.call('webhook.errors', 'search_read', [[]], {}, 'demo')).kind).toBe('AccessError');
  });

  it('cleans orphaned rows, keeping unlink rows and rows of archived records', () => {
    const db = makeDatabase('fixed');
    const [gone, archived] = db.create('res.partner', [{ name: 'Gone' }, { name: 'Archived' }]);
    db.write('res.partner', [gone], { phone: '9' });
    db.write('res.partner', [archived], { active: false });
    db.unlink('res.partner', [gone]);
    // A row about a record that never existed here either.
    db.seedWebhookRows(1);
    const removed = db.call('webhook.cleanup.cron', 'clean_webhook_records');
    expect(removed).toBe(3);
    const left = summary(db.webhookRows().filter((row) => row.record_id === gone || row.record_id === archived));
    expect(left).toEqual([`res.partner:${archived}:create`, `res.partner:${archived}:write`, `res.partner:${gone}:unlink`]);
  });

  it('describes the extra fields in fields_get', () => {
    const db = makeDatabase('fixed');
    const fields = db.call('update.webhook', 'fields_get', [], { attributes: ['type', 'relation'] }) as Record<string, Record<string, unknown>>;
    expect(fields.change_count).toEqual({ type: 'integer' });
    expect(fields.user_id).toEqual({ relation: 'res.users', type: 'many2one' });
    expect(fields.changed_fields).toEqual({ type: 'char' });
  });
});
