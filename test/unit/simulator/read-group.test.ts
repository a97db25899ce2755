import { describe, expect, it } from 'vitest';
import { PyFloat } from '../../../src-main/simulator/codec/values';
import { groupLabel } from '../../../src-main/simulator/read-group';
import { caught, makeDatabase, ManualClock } from './helpers';

type Group = Record<string, unknown>;

describe('read_group', () => {
  it('groups by hour with Odoo labels, ranges and domains (recording 13 shape)', () => {
    const db = makeDatabase('original', new ManualClock());
    const { firstId } = db.seedWebhookRows(600, { from: '2026-11-30 09:00:00', spanHours: 2 });
    const groups = db.call('update.webhook', 'read_group', [[['id', '>=', firstId]], ['id:count', 'id:max', 'id:min'], ['timestamp:hour']], { lazy: false }) as Group[];
    expect(groups.map((group) => group['timestamp:hour'])).toEqual(['09:00 30 Nov', '10:00 30 Nov']);
    expect(groups.map((group) => group.__count)).toEqual([300, 300]);
    expect(groups[0].id).toBe(firstId); // the last aggregate on 'id' (min) wins the key
    expect(groups[1].__domain).toEqual([
      '&',
      ['id', '>=', firstId],
      '&',
      ['timestamp', '>=', '2026-11-30 10:00:00'],
      ['timestamp', '<', '2026-11-30 11:00:00'],
    ]);
    expect(groups[1].__range).toEqual({ 'timestamp:hour': { from: '2026-11-30 10:00:00', to: '2026-11-30 11:00:00' } });
    expect(Object.keys(groups[0])).toEqual(['timestamp:hour', '__count', 'id', '__domain', '__range']);
  });

  it('groups by day and by plain fields, counting like id:count', () => {
    const db = makeDatabase();
    const { firstId } = db.seedWebhookRows(300, { from: '2026-11-26 00:00:00', spanHours: 72 });
    const days = db.call('update.webhook', 'read_group', [[['id', '>=', firstId]], ['id:count'], ['timestamp:day']], { lazy: false }) as Group[];
    expect(days.map((group) => [group['timestamp:day'], group.__count, group.id])).toEqual([
      ['26 Nov 2026', 100, 100],
      ['27 Nov 2026', 100, 100],
      ['28 Nov 2026', 100, 100],
    ]);
    const models = db.call('update.webhook', 'read_group', [[['id', '>=', firstId]], ['__count'], ['model']], { lazy: false }) as Group[];
    expect(models).toHaveLength(10);
    expect(models[0]).toEqual({ model: 'account.journal', __count: 30, __domain: ['&', ['id', '>=', firstId], ['model', '=', 'account.journal']] });
    const events = db.call('update.webhook', 'read_group', [[], ['record_id:max'], ['event']]) as Group[];
    expect(Object.keys(events[0])).toEqual(['event', 'event_count', 'record_id', '__domain']);
  });

  it('labels every granularity like babel en_US', () => {
    expect(groupLabel('2026-11-30 14:00:00', 'hour')).toBe('02:00 30 Nov');
    expect(groupLabel('2026-11-30 00:00:00', 'hour')).toBe('12:00 30 Nov');
    expect(groupLabel('2026-11-26 00:00:00', 'day')).toBe('26 Nov 2026');
    expect(groupLabel('2026-11-01 00:00:00', 'month')).toBe('November 2026');
    expect(groupLabel('2026-10-01 00:00:00', 'quarter')).toBe('Q4 2026');
    expect(groupLabel('2026-01-01 00:00:00', 'year')).toBe('2026');
    expect(groupLabel('2026-11-30 00:00:00', 'week')).toBe('W49 2026');
  });

  it('rejects unknown fields and aggregates', () => {
    const db = makeDatabase();
    expect(() => db.call('update.webhook', 'read_group', [[], ['id:count'], ['nosuch']])).toThrow("Invalid field 'nosuch' on model 'update.webhook'");
    expect(() => db.call('update.webhook', 'read_group', [[], ['id:median'], ['model']])).toThrow("Invalid aggregation function 'median'.");
  });
});

describe('formatted_read_group (19+)', () => {
  const db19 = () => makeDatabase('fixed', new ManualClock(), true, 19);

  it('keys aggregates by their spec, many2one groups as [id, name], and one group over everything without groupby', () => {
    const db = db19();
    const byCustomer = db.call('sale.order', 'formatted_read_group', [[]], { groupby: ['partner_id'], aggregates: ['__count', 'amount_total:sum'], order: '__count desc' }) as Group[];
    expect(byCustomer[0]).toEqual({
      partner_id: [expect.any(Number), expect.any(String)],
      __extra_domain: [['partner_id', '=', (byCustomer[0].partner_id as number[])[0]]],
      __count: expect.any(Number),
      'amount_total:sum': expect.any(PyFloat),
    });
    const counts = byCustomer.map((group) => group.__count as number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(db.call('sale.order', 'formatted_read_group', [[['id', '<', 0]]], { aggregates: ['__count', 'amount_total:sum'] })).toEqual([
      { __extra_domain: [[1, '=', 1]], __count: 0, 'amount_total:sum': false },
    ]);
  });

  it('filters groups with having and pages them', () => {
    const db = db19();
    const all = db.call('res.partner', 'formatted_read_group', [[]], { groupby: ['is_company'], aggregates: ['__count'] }) as Group[];
    expect(all.map((group) => group.is_company)).toEqual([false, true]);
    const big = db.call('res.partner', 'formatted_read_group', [[]], { groupby: ['is_company'], aggregates: ['__count'], having: [['__count', '>', 10]] }) as Group[];
    expect(big.map((group) => group.is_company)).toEqual([false]);
    expect(db.call('res.partner', 'formatted_read_group', [[]], { groupby: ['is_company'], aggregates: ['__count'], offset: 1, limit: 1 })).toEqual([all[1]]);
  });

  it('wants a granularity on dates and a function on aggregates', () => {
    const db = db19();
    expect(caught(() => db.call('update.webhook', 'formatted_read_group', [[]], { groupby: ['timestamp'], aggregates: ['__count'] })).finalLine).toBe(
      "ValueError: Granularity not set on a date(time) field: 'timestamp'",
    );
    expect(caught(() => db.call('update.webhook', 'formatted_read_group', [[]], { groupby: ['model'], aggregates: ['record_id'] })).finalLine).toBe(
      "ValueError: Aggregate method is mandatory for 'record_id'",
    );
  });
});
