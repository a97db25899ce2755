import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Histogram } from '../../../src-main/common/model';
import { axisLabels, chartColumns, selectedRange } from '../../../src-renderer/timeline/histogram-chart';
import { fromEndInput, fromLocalInput, toEndInput, toLocalInput } from '../../../src-renderer/timeline/time-presets';

const at = (iso: string) => Date.parse(iso) / 1000;

/** The trial's record: four rows at 13:42:35, 13:42:39, 13:43:57 and 13:44:03, in one-minute buckets. */
const trial: Histogram = {
  bucketSeconds: 60,
  from: '2026-12-01T13:42:35Z',
  to: '2026-12-01T13:44:04Z',
  buckets: [
    { start: '2026-12-01T13:42:00Z', count: 2, create: 0, write: 2, unlink: 0 },
    { start: '2026-12-01T13:43:00Z', count: 1, create: 1, write: 0, unlink: 0 },
    { start: '2026-12-01T13:44:00Z', count: 1, create: 0, write: 0, unlink: 1 },
  ],
};

/** The ticks uPlot would put `step` apart across [min, max]. */
function ticks(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max; value += step) out.push(value);
  return out;
}

describe('histogram chart', () => {
  it('spans the buckets, not the range asked for, so the first bucket is inside the x scale', () => {
    const columns = chartColumns(trial)!;
    expect(columns.min).toBe(at('2026-12-01T13:42:00Z'));
    expect(columns.max).toBe(at('2026-12-01T13:45:00Z'));
    expect(columns.min).toBeLessThan(at(trial.from));
    // Each bar stands in the middle of its bucket, well inside the scale.
    expect(columns.centres).toEqual([at('2026-12-01T13:42:30Z'), at('2026-12-01T13:43:30Z'), at('2026-12-01T13:44:30Z')]);
    expect(columns.all).toEqual([2, 1, 1]);
    expect(columns.writes).toEqual([2, 1, 0]);
    expect(columns.creates).toEqual([0, 1, 0]);
    expect(chartColumns({ ...trial, buckets: [] })).toBeUndefined();
  });

  it('labels ticks seconds apart with seconds: the trial’s axis read "01:43 PM" seven times', () => {
    const splits = ticks(at('2026-12-01T13:42:35Z'), at('2026-12-01T13:44:04Z'), 10);
    const labels = axisLabels('en-US', splits, 10);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toMatch(/\d{2}:\d{2}:\d{2}/);
  });

  it('never gives two ticks the same label, at any zoom, in English and Arabic', () => {
    const steps = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400];
    fc.assert(
      fc.property(fc.constantFrom(...steps), fc.integer({ min: 2, max: 14 }), fc.integer({ min: 0, max: 3 * 365 * 86400 }), fc.constantFrom('en-US', 'ar-EG'), (step, count, offset, locale) => {
        const min = at('2024-01-01T00:00:00Z') + offset;
        const labels = axisLabels(locale, ticks(min, min + step * count, step), step);
        expect(new Set(labels).size, labels.join(' | ')).toBe(labels.length);
      }),
    );
  });

  it('a drag selects the whole seconds it touches, as [from, to)', () => {
    expect(selectedRange(at('2026-12-01T13:42:35Z') + 0.4, at('2026-12-01T13:43:10Z') + 0.7)).toEqual({ from: '2026-12-01T13:42:35Z', to: '2026-12-01T13:43:11Z' });
    // Dragged right to left, the same range.
    expect(selectedRange(at('2026-12-01T13:43:10Z') + 0.7, at('2026-12-01T13:42:35Z') + 0.4)).toEqual({ from: '2026-12-01T13:42:35Z', to: '2026-12-01T13:43:11Z' });
    // Within one second: that second.
    expect(selectedRange(at('2026-12-01T13:42:35Z') + 0.2, at('2026-12-01T13:42:35Z') + 0.8)).toEqual({ from: '2026-12-01T13:42:35Z', to: '2026-12-01T13:42:36Z' });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.integer({ min: 0, max: 1e5 }), (a, b, stamp) => {
        const base = at('2026-12-01T00:00:00Z');
        // The drag's ends as the chart gives them (base + a rounds to the nearest double near 1.8e9).
        const [left, right] = [base + a, base + b];
        const row = base + stamp;
        const { from, to } = selectedRange(left, right);
        const inRange = row >= at(from) && row < at(to);
        // A row stamped s happened within [s, s + 1): in the range exactly when that second overlaps the drag.
        const overlaps = row + 1 > Math.min(left, right) && row <= Math.max(left, right);
        expect(inRange).toBe(overlaps);
      }),
    );
  });

  it('the range fields show seconds, and "To" shows the last second included', () => {
    const from = '2026-12-01T13:42:35Z';
    const to = '2026-12-01T13:43:11Z';
    expect(toLocalInput(from)).toMatch(/T\d{2}:\d{2}:35$/);
    expect(fromLocalInput(toLocalInput(from))).toBe(from);
    expect(toEndInput(to)).toMatch(/T\d{2}:\d{2}:10$/);
    expect(fromEndInput(toEndInput(to))).toBe(to);
    // A value typed without seconds means its minute's first second.
    expect(fromLocalInput(toLocalInput(from).slice(0, 16))).toBe('2026-12-01T13:42:00Z');
    expect(toEndInput(undefined)).toBe('');
    expect(fromEndInput('')).toBeUndefined();
  });
});
