/**
 * One pass over the rows of a report collects what the HTML/PDF report and the XLSX summary show:
 * counts per instance, model and event, counts over time (for the histogram) and per record (for the
 * most-changed list). Memory is proportional to the distinct records and to a bounded number of time
 * slots, not to the rows.
 */
import type { ChangeEvent, ChangeRow, FieldChange, Histogram, InstanceId } from '../common/model';
import { bucketGrid, emptyBuckets } from '../store/queries/aggregates';
import { isoFromSeconds } from '../common/time';
import { forEachRow, type RowIterable, type StreamOptions } from './row-stream';

/** Rows of one instance, model and event. */
export interface SummaryRow {
  instanceId: InstanceId;
  model: string;
  event: ChangeEvent;
  count: number;
}

/** How often one record changed within the report. */
export interface RecordActivity {
  instanceId: InstanceId;
  model: string;
  recordId: number;
  count: number;
  events: ChangeEvent[];
  lastTimestamp: string;
}

/** One field's old → new within the report ("value changes" section). */
export interface ValueChangeEntry {
  instanceId: InstanceId;
  model: string;
  recordId: number;
  timestamp: string;
  userName?: string;
  change: FieldChange;
}

/** Everything a report shows besides the rows themselves. */
export interface ReportData {
  total: number;
  /** Oldest and newest row timestamps (absent when there are no rows). */
  first?: string;
  last?: string;
  summary: SummaryRow[];
  /** Over the rows' own span (first to last); {@link periodHistogram} draws it over the report's period. */
  histogram: Histogram;
  /** Counts over time, fine enough for any histogram of the period (see {@link TimeTally}). */
  activity: TimeTally;
  mostChanged: RecordActivity[];
  /** The newest field changes (old → new), newest first, at most {@link CollectOptions.valueChanges}. */
  valueChanges: ValueChangeEntry[];
  /** How many field changes the rows hold in all. */
  valueChangeTotal: number;
}

/** Options of {@link collectReportData}. */
export interface CollectOptions extends StreamOptions {
  /** How many most-changed records to keep (default 20; 0 skips per-record counting). */
  topRecords?: number;
  /** Upper bound on histogram buckets (default 60). */
  maxBuckets?: number;
  /** How many of the newest field changes to keep (default 200). */
  valueChanges?: number;
}

const EVENTS: readonly ChangeEvent[] = ['create', 'write', 'unlink'];
/** Default upper bound on the report chart's bars. */
const DEFAULT_MAX_BUCKETS = 60;
/** Resolutions counts over time are kept at, finest first; each divides every histogram bucket size above it. */
const RESOLUTIONS = [1, 60, 3600, 86400] as const;

/**
 * Per-event counts over time, at the finest resolution the rows' span allows: per second while the rows
 * span less than `maxBuckets` minutes, per minute, hour or day beyond. A coarser resolution is taken
 * only when no histogram of `maxBuckets` bars could use buckets as fine as the current one, so the
 * chart's bucket size follows the period (an 11-minute report gets 30-second bars, not one hourly bar),
 * and the slots kept stay below about 60 × maxBuckets.
 */
export class TimeTally {
  /** Seconds per slot. */
  resolution: number = RESOLUTIONS[0];
  /** Slot (Unix seconds / resolution) → counts per event, in {@link EVENTS} order. */
  readonly slots = new Map<number, [number, number, number]>();
  /** Oldest and newest second seen. */
  oldest = Infinity;
  newest = -Infinity;

  constructor(private readonly maxBuckets: number = DEFAULT_MAX_BUCKETS) {}

  /** Counts one row stamped at `seconds` (Unix). */
  add(seconds: number, event: ChangeEvent): void {
    if (seconds < this.oldest) this.oldest = seconds;
    if (seconds > this.newest) this.newest = seconds;
    this.coarsenForSpan();
    const slot = Math.floor(seconds / this.resolution);
    let counts = this.slots.get(slot);
    if (!counts) this.slots.set(slot, (counts = [0, 0, 0]));
    counts[EVENTS.indexOf(event)]++;
  }

  /**
   * Stacked counts over `[from, to)` (Unix seconds; default: the rows' own span), in at most `maxBuckets`
   * aligned buckets that cover it whole, of the same ladder the timeline's histogram uses.
   */
  histogram(from = this.oldest, to = this.newest + 1, maxBuckets = this.maxBuckets): Histogram {
    if (this.slots.size === 0 || !(to > from)) return { bucketSeconds: this.resolution, from: '', to: '', buckets: [] };
    const grid = bucketGrid(Math.min(from, this.oldest), Math.max(to, this.newest + 1), maxBuckets, this.resolution);
    const buckets = emptyBuckets(grid);
    for (const [slot, counts] of this.slots) {
      const bucket = buckets[Math.floor((slot * this.resolution - grid.origin) / grid.size)];
      bucket.create += counts[0];
      bucket.write += counts[1];
      bucket.unlink += counts[2];
      bucket.count += counts[0] + counts[1] + counts[2];
    }
    return { bucketSeconds: grid.size, from: isoFromSeconds(grid.origin), to: isoFromSeconds(grid.origin + grid.count * grid.size), buckets };
  }

  /** Moves to a coarser resolution once the span outgrows what the current one can serve. */
  private coarsenForSpan(): void {
    let index = RESOLUTIONS.indexOf(this.resolution as (typeof RESOLUTIONS)[number]);
    const span = this.newest - this.oldest + 1;
    let next = RESOLUTIONS[index + 1];
    if (next === undefined || span <= this.maxBuckets * next) return;
    while (next !== undefined && span > this.maxBuckets * next) next = RESOLUTIONS[++index + 1];
    const coarser = RESOLUTIONS[index];
    const merged = new Map<number, [number, number, number]>();
    for (const [slot, counts] of this.slots) {
      const target = Math.floor((slot * this.resolution) / coarser);
      const into = merged.get(target);
      if (into) for (let event = 0; event < 3; event++) into[event] += counts[event];
      else merged.set(target, counts);
    }
    this.slots.clear();
    for (const [slot, counts] of merged) this.slots.set(slot, counts);
    this.resolution = coarser;
  }
}

/**
 * The report's chart over its period: the filter's range where it sets one, the rows' own span where it
 * leaves it open (so an 11-minute period gets buckets of seconds, a year weeks).
 */
export function periodHistogram(data: Pick<ReportData, 'activity'>, period: { from?: string; to?: string }): Histogram {
  const seconds = (iso: string | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined);
  const from = seconds(period.from) ?? data.activity.oldest;
  const to = seconds(period.to) ?? data.activity.newest + 1;
  return data.activity.histogram(from, to);
}

interface RecordTally {
  count: number;
  events: Set<ChangeEvent>;
  last: string;
}

/** Reads every row once and returns the report's aggregates. */
export async function collectReportData(rows: RowIterable, options: CollectOptions = {}): Promise<ReportData> {
  const topRecords = options.topRecords ?? 20;
  const cells = new Map<string, SummaryRow>();
  const activity = new TimeTally(options.maxBuckets ?? DEFAULT_MAX_BUCKETS);
  const records = new Map<string, RecordTally>();
  let first: string | undefined;
  let last: string | undefined;
  // A ring of the newest field changes: rows come oldest first, so later ones push out earlier ones.
  const keepValues = options.valueChanges ?? 200;
  const newestValues: ValueChangeEntry[] = [];
  let valueChangeTotal = 0;

  const total = await forEachRow(
    rows,
    (row: ChangeRow) => {
      const cellKey = `${row.instanceId}\u0000${row.model}\u0000${row.event}`;
      const cell = cells.get(cellKey);
      if (cell) cell.count++;
      else cells.set(cellKey, { instanceId: row.instanceId, model: row.model, event: row.event, count: 1 });

      if (first === undefined || row.timestamp < first) first = row.timestamp;
      if (last === undefined || row.timestamp > last) last = row.timestamp;

      activity.add(Math.floor(Date.parse(row.timestamp) / 1000), row.event);

      for (const change of row.values ?? []) {
        if (keepValues > 0) {
          const entry: ValueChangeEntry = { instanceId: row.instanceId, model: row.model, recordId: row.recordId, timestamp: row.timestamp, change };
          if (row.userName) entry.userName = row.userName;
          newestValues[valueChangeTotal % keepValues] = entry;
        }
        valueChangeTotal++;
      }

      if (topRecords > 0) {
        const recordKey = `${row.instanceId}\u0000${row.model}\u0000${row.recordId}`;
        const tally = records.get(recordKey);
        if (tally) {
          tally.count++;
          tally.events.add(row.event);
          if (row.timestamp > tally.last) tally.last = row.timestamp;
        } else {
          records.set(recordKey, { count: 1, events: new Set([row.event]), last: row.timestamp });
        }
      }
    },
    options,
  );

  const summary = [...cells.values()].sort(
    (a, b) => a.instanceId.localeCompare(b.instanceId) || a.model.localeCompare(b.model) || EVENTS.indexOf(a.event) - EVENTS.indexOf(b.event),
  );
  return {
    total,
    first,
    last,
    summary,
    histogram: activity.histogram(),
    activity,
    mostChanged: topRecords > 0 ? mostChanged(records, topRecords) : [],
    // The ring's oldest entry sits after its newest; reversed, the newest come first.
    valueChanges: [...newestValues.slice(valueChangeTotal % Math.max(1, keepValues)), ...newestValues.slice(0, valueChangeTotal % Math.max(1, keepValues))].reverse(),
    valueChangeTotal,
  };
}

function mostChanged(records: ReadonlyMap<string, RecordTally>, limit: number): RecordActivity[] {
  const ranked = [...records.entries()]
    .sort(([, a], [, b]) => b.count - a.count || (a.last < b.last ? 1 : a.last > b.last ? -1 : 0))
    .slice(0, limit);
  return ranked.map(([key, tally]) => {
    const [instanceId, model, recordId] = key.split('\u0000');
    return {
      instanceId,
      model,
      recordId: Number(recordId),
      count: tally.count,
      events: EVENTS.filter((event) => tally.events.has(event)),
      lastTimestamp: tally.last,
    };
  });
}
