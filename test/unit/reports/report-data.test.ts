import { describe, expect, it } from 'vitest';
import { bucketHours, collectReportData } from '../../../src-main/reports/report-data';
import { makeRows } from './fixtures';

describe('collectReportData', () => {
  it('counts per instance, model and event, and ranks the most-changed records', async () => {
    // In the fixture, (model, record) repeats every 21 rows: rows 0 and 21 are res.partner #100.
    const rows = [...makeRows(30, 'a').filter((_, index) => index < 9 || index === 21), ...makeRows(2, 'b')];
    const data = await collectReportData(rows, { topRecords: 2 });
    expect(data.total).toBe(12);
    expect(data.summary.filter((cell) => cell.instanceId === 'a').reduce((sum, cell) => sum + cell.count, 0)).toBe(10);
    expect(data.summary[0]).toEqual({ instanceId: 'a', model: 'product.template', event: 'unlink', count: 3 });
    expect(data.mostChanged).toHaveLength(2);
    expect(data.mostChanged[0]).toEqual({ instanceId: 'a', model: 'res.partner', recordId: 100, count: 2, events: ['create'], lastTimestamp: '2026-11-01T00:21:00Z' });
    expect(data.mostChanged[1].count).toBe(1);
    expect(data.first).toBe('2026-11-01T00:00:00Z');
    expect(data.last).toBe('2026-11-01T00:21:00Z');
  });

  it('puts every row in exactly one histogram bucket', async () => {
    const rows = makeRows(3 * 24 * 60); // three days, one row a minute
    const data = await collectReportData(rows);
    const { histogram } = data;
    expect(histogram.buckets.length).toBeLessThanOrEqual(60);
    expect(histogram.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(rows.length);
    for (const bucket of histogram.buckets) expect(bucket.create + bucket.write + bucket.unlink).toBe(bucket.count);
  });
});

describe('bucketHours', () => {
  it('uses hours for short ranges and wider buckets for long ones', () => {
    expect(bucketHours(new Map([[100, [1, 0, 0]], [110, [0, 2, 0]]]), 60).bucketSeconds).toBe(3600);
    const year = new Map<number, number[]>();
    for (let hour = 0; hour < 24 * 365; hour += 24) year.set(hour, [1, 1, 1]);
    const histogram = bucketHours(year, 60);
    expect(histogram.bucketSeconds).toBe(604800);
    expect(histogram.buckets.length).toBeLessThanOrEqual(60);
    expect(histogram.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(365 * 3);
  });
});
