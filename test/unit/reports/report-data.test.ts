import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectReportData, periodHistogram, TimeTally } from '../../../src-main/reports/report-data';
import { bucketName } from '../../../src-main/reports/strings';
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

describe('report histogram', () => {
  const at = (iso: string) => Date.parse(iso) / 1000;

  it('follows the period: 11 minutes get 30-second bars, not one hourly bar (issue 14, item 16)', async () => {
    // Rows every 20 seconds from 13:42:35 to 13:53:15 on 1 December.
    const rows = makeRows(33).map((row, index) => ({ ...row, timestamp: new Date(Date.UTC(2026, 11, 1, 13, 42, 35) + index * 20_000).toISOString().replace('.000Z', 'Z') }));
    const data = await collectReportData(rows);
    const histogram = periodHistogram(data, { from: '2026-12-01T13:42:35Z', to: '2026-12-01T13:53:35Z' });
    expect(histogram.bucketSeconds).toBe(30);
    expect(histogram.buckets.length).toBeGreaterThan(10);
    expect(histogram.buckets.length).toBeLessThanOrEqual(60);
    expect(histogram.buckets[0].start).toBe('2026-12-01T13:42:30Z');
    expect(histogram.to).toBe('2026-12-01T13:54:00Z');
    expect(histogram.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(33);
  });

  it('spans the filter’s period where it sets one, even where no row falls', async () => {
    const data = await collectReportData(makeRows(10)); // 00:00 to 00:09 on 1 November
    const histogram = periodHistogram(data, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    expect(histogram.bucketSeconds).toBe(3600);
    expect(histogram.buckets).toHaveLength(24);
    expect(histogram.buckets[0].count).toBe(10);
    // Open period: the rows' own span.
    expect(periodHistogram(data, {}).bucketSeconds).toBe(10);
  });

  it('keeps counts exact and memory bounded as the span grows, at any maxBuckets', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * 365 * 86400 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 10, max: 120 }), (offsets, maxBuckets) => {
        const base = at('2024-01-01T00:00:00Z');
        const tally = new TimeTally(maxBuckets);
        offsets.forEach((offset, index) => tally.add(base + offset, (['create', 'write', 'unlink'] as const)[index % 3]));
        expect(tally.slots.size).toBeLessThanOrEqual(60 * maxBuckets + 1);
        const histogram = tally.histogram();
        expect(histogram.buckets.length).toBeLessThanOrEqual(maxBuckets);
        expect(histogram.bucketSeconds % tally.resolution).toBe(0);
        // Every row lands in the bucket whose time holds it.
        const start = at(histogram.buckets[0].start);
        const expected = new Array(histogram.buckets.length).fill(0);
        for (const offset of offsets) expected[Math.floor((base + offset - start) / histogram.bucketSeconds)]++;
        expect(histogram.buckets.map((bucket) => bucket.count)).toEqual(expected);
      }),
    );
  });

  it('names any bucket size in English and Arabic', () => {
    expect(bucketName('en', 30)).toBe('30 seconds');
    expect(bucketName('en', 3600)).toBe('hour');
    expect(bucketName('en', 2 * 604800)).toBe('2 weeks');
    expect(bucketName('ar', 3600)).toBe('ساعة');
    expect(bucketName('ar', 2 * 3600)).toBe('ساعتين');
    expect(bucketName('ar', 300)).toBe('٥ دقائق');
  });
});
