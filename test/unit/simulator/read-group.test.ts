import { describe, expect, it } from 'vitest';
import { groupLabel } from '../../../src-main/simulator/read-group';
import { makeDatabase, ManualClock } from './helpers';

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
