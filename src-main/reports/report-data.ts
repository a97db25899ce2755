/**
 * One pass over the rows of a report collects what the HTML/PDF report and the XLSX summary show:
 * counts per instance, model and event, counts per hour (for the histogram) and per record (for the
 * most-changed list). Memory is proportional to the distinct hours and records, not to the rows.
 */
import type { ChangeEvent, ChangeRow, FieldChange, Histogram, HistogramBucket, InstanceId } from '../common/model';
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
  histogram: Histogram;
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

/** Bucket sizes a histogram may use, smallest first (seconds). */
export const BUCKET_SIZES = [3600, 7200, 21600, 43200, 86400, 604800, 2592000] as const;

const EVENTS: readonly ChangeEvent[] = ['create', 'write', 'unlink'];

interface RecordTally {
  count: number;
  events: Set<ChangeEvent>;
  last: string;
}

/** Reads every row once and returns the report's aggregates. */
export async function collectReportData(rows: RowIterable, options: CollectOptions = {}): Promise<ReportData> {
  const topRecords = options.topRecords ?? 20;
  const cells = new Map<string, SummaryRow>();
  const hours = new Map<number, [number, number, number]>();
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

      const hour = Math.floor(Date.parse(row.timestamp) / 3_600_000);
      let hourCounts = hours.get(hour);
      if (!hourCounts) hours.set(hour, (hourCounts = [0, 0, 0]));
      hourCounts[EVENTS.indexOf(row.event)]++;

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
    histogram: bucketHours(hours, options.maxBuckets ?? 60),
    mostChanged: topRecords > 0 ? mostChanged(records, topRecords) : [],
    // The ring's oldest entry sits after its newest; reversed, the newest come first.
    valueChanges: [...newestValues.slice(valueChangeTotal % Math.max(1, keepValues)), ...newestValues.slice(0, valueChangeTotal % Math.max(1, keepValues))].reverse(),
    valueChangeTotal,
  };
}

/** Merges per-hour counts into at most `maxBuckets` buckets of one of {@link BUCKET_SIZES}. */
export function bucketHours(hours: ReadonlyMap<number, readonly number[]>, maxBuckets: number): Histogram {
  if (hours.size === 0) return { bucketSeconds: 3600, from: '', to: '', buckets: [] };
  let minHour = Infinity;
  let maxHour = -Infinity;
  for (const hour of hours.keys()) {
    if (hour < minHour) minHour = hour;
    if (hour > maxHour) maxHour = hour;
  }
  const spanSeconds = (maxHour - minHour + 1) * 3600;
  const size = BUCKET_SIZES.find((candidate) => Math.ceil(spanSeconds / candidate) + 1 <= maxBuckets) ?? BUCKET_SIZES[BUCKET_SIZES.length - 1];
  const start = Math.floor((minHour * 3600) / size) * size;
  const count = Math.floor((maxHour * 3600 - start) / size) + 1;
  const buckets: HistogramBucket[] = Array.from({ length: count }, (_, index) => ({
    start: isoSeconds(start + index * size),
    count: 0,
    create: 0,
    write: 0,
    unlink: 0,
  }));
  for (const [hour, counts] of hours) {
    const bucket = buckets[Math.floor((hour * 3600 - start) / size)];
    bucket.create += counts[0];
    bucket.write += counts[1];
    bucket.unlink += counts[2];
    bucket.count += counts[0] + counts[1] + counts[2];
  }
  return { bucketSeconds: size, from: isoSeconds(start), to: isoSeconds(start + count * size), buckets };
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

/** Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
