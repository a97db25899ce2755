/**
 * The histogram's geometry and wording, apart from uPlot so it can be tested on its own: where each
 * bucket's bar stands, the x range the chart spans, the labels of the time axis, and the filter range a
 * drag across the chart selects.
 */
import type { Histogram } from '../../src-main/common/model';
import { isoUtc } from './time-presets';

/** The columns uPlot draws, plus the x range it must span. */
export interface ChartColumns {
  /** Bucket centres (Unix seconds): each bar stands in the middle of the time it counts. */
  centres: number[];
  /** Stacked series, bottom to top: creates, creates + writes, all. */
  creates: number[];
  writes: number[];
  all: number[];
  /** The x range: the first bucket's start to the last bucket's end, so no bucket is cut off. */
  min: number;
  max: number;
}

/**
 * The chart's data. The x range is the buckets' own span, not the histogram's `from`/`to`: the first
 * bucket usually starts before `from`, and a scale starting at `from` leaves it out of the drawing.
 */
export function chartColumns(histogram: Histogram): ChartColumns | undefined {
  if (histogram.buckets.length === 0) return undefined;
  const size = histogram.bucketSeconds;
  const columns: ChartColumns = { centres: [], creates: [], writes: [], all: [], min: 0, max: 0 };
  for (const bucket of histogram.buckets) {
    const start = Date.parse(bucket.start) / 1000;
    columns.centres.push(start + size / 2);
    columns.creates.push(bucket.create);
    columns.writes.push(bucket.create + bucket.write);
    columns.all.push(bucket.create + bucket.write + bucket.unlink);
  }
  columns.min = Date.parse(histogram.buckets[0].start) / 1000;
  columns.max = columns.centres[columns.centres.length - 1] + size / 2;
  return columns;
}

const MINUTE = 60;
const DAY = 86400;
/** Beyond this span, day labels carry the year (the same day of two years must not read alike). */
const YEAR_SPAN = 300 * DAY;

/**
 * How the time axis writes its ticks, chosen from the step between ticks so that two ticks never read
 * alike: seconds when ticks are less than a minute apart, the date too when the axis spans several
 * days, the year when it spans most of a year. Local time, the user's locale.
 */
export function axisLabelFormat(locale: string, stepSeconds: number, spanSeconds: number): Intl.DateTimeFormat {
  const date: Intl.DateTimeFormatOptions = spanSeconds > YEAR_SPAN ? { year: 'numeric', month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric' };
  if (stepSeconds >= DAY) return new Intl.DateTimeFormat(locale, date);
  const time: Intl.DateTimeFormatOptions = stepSeconds < MINUTE ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  // A span of a whole day or more repeats times of day: the date tells them apart.
  return new Intl.DateTimeFormat(locale, spanSeconds >= DAY ? { ...date, ...time } : time);
}

/** The labels of the ticks at `splits` (Unix seconds), `stepSeconds` apart. */
export function axisLabels(locale: string, splits: readonly number[], stepSeconds: number): string[] {
  const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
  const format = axisLabelFormat(locale, stepSeconds, span);
  return splits.map((value) => format.format(new Date(value * 1000)));
}

/**
 * The filter range of a drag from `left` to `right` (Unix seconds, fractional), as `[from, to)` in whole
 * seconds: the seconds the drag touches. Rows are stamped in whole seconds (Odoo keeps no fraction), so
 * a row stamped `s` happened within `[s, s + 1)`, which is also where its bar stands when buckets are a
 * second wide; it is in the drag when that second overlaps it. The range is shown to the second in the
 * filter bar, so what the list holds is what the fields say.
 */
export function selectedRange(left: number, right: number): { from: string; to: string } {
  const from = Math.floor(Math.min(left, right));
  const to = Math.floor(Math.max(left, right)) + 1;
  return { from: isoUtc(from * 1000), to: isoUtc(to * 1000) };
}
