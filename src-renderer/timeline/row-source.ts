/**
 * Random access to a timeline of any size without loading it: rows are fetched page by page with the
 * keyset cursor as the user scrolls. A far jump (dragging the scrollbar into the middle of a million
 * rows) is located through the histogram: bucket counts give the exact index where a time boundary
 * starts, so a cursor `{timestamp: boundary, key: ''}` (= "rows older than the boundary") starts a new
 * segment at a known index, refined through finer histograms until it is within a few pages.
 */
import type { IChangeService } from '../../src-main/common/services';
import type { ChangeFilter, ChangeRow, Histogram, TimelineCursor } from '../../src-main/common/model';
import { Emitter, type Event } from '../../src-main/common/event';

/** The part of the change service a row source needs. */
export type TimelineQueries = Pick<IChangeService, 'timeline' | 'count' | 'histogram'>;

/** A contiguous run of loaded rows starting at a known index. */
interface Segment {
  start: number;
  rows: ChangeRow[];
  /** Where the next older page starts; absent when the segment reaches the oldest row. */
  older?: TimelineCursor;
  exhausted: boolean;
}

/** Options of a row source. */
export interface RowSourceOptions {
  pageSize?: number;
  /** Largest single request. */
  maxPage?: number;
}

/** Converts a bucket boundary (ms) to the timestamp notation the server uses (with or without millis). */
function boundary(ms: number, sample: string): string {
  const iso = new Date(ms).toISOString();
  return sample.includes('.') ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

/** Keyset-paged, lazily-loaded rows of one filter. */
export class RowSource {
  /** Rows matching the filter (the list's length); undefined until {@link load} resolves. */
  total: number | undefined;
  private segments: Segment[] = [];
  private readonly inflight = new Set<string>();
  private disposed = false;
  private readonly pageSize: number;
  private readonly maxPage: number;
  private readonly changed = new Emitter<void>();
  private readonly failed = new Emitter<unknown>();
  private rootHistogram?: Promise<Histogram>;
  /** The filter as given, as JSON: what the rows on screen answer (tests and benchmarks compare it). */
  readonly key: string;
  /** Requests made (tests and benchmarks read it). */
  requests = 0;

  /** Fires when rows or the total changed (the list re-renders). */
  readonly onDidChange: Event<void> = this.changed.event;
  /** Fires when a page could not be fetched. */
  readonly onDidFail: Event<unknown> = this.failed.event;

  constructor(
    private readonly queries: TimelineQueries,
    /** The filter; after the first page it is bounded at the newest row so indexes stay stable while data flows in. */
    private filter: ChangeFilter,
    options: RowSourceOptions = {},
  ) {
    this.key = JSON.stringify(filter);
    this.pageSize = options.pageSize ?? 300;
    this.maxPage = options.maxPage ?? 1000;
  }

  /** Loads the count and the first page together. */
  async load(): Promise<void> {
    this.requests += 2;
    const [total, page] = await Promise.all([
      this.queries.count(this.filter),
      this.queries.timeline({ filter: this.filter, limit: this.pageSize, direction: 'older' }),
    ]);
    if (this.disposed) return;
    this.total = total;
    const newest = page.rows[0]?.timestamp;
    if (newest && !this.filter.to) {
      // Rows synced from now on are newer than this bound and do not shift the indexes below.
      this.filter = { ...this.filter, to: boundary(Date.parse(newest) + 1000, newest) };
    }
    this.segments = [{ start: 0, rows: page.rows, older: page.older, exhausted: !page.older }];
    this.changed.fire();
  }

  /** The row at `index`, or undefined while it loads. */
  row(index: number): ChangeRow | undefined {
    const segment = this.segmentAt(index);
    return segment ? segment.rows[index - segment.start] : undefined;
  }

  /** How many rows are held in memory (never all of them). */
  get loadedRows(): number {
    return this.segments.reduce((sum, segment) => sum + segment.rows.length, 0);
  }

  /** Makes sure rows `start..end` (inclusive) are loaded or loading. */
  ensure(start: number, end: number): void {
    if (this.total === undefined || this.disposed) return;
    const last = Math.min(end, this.total - 1);
    for (let index = Math.max(0, start); index <= last; index++) {
      const segment = this.segmentAt(index);
      if (segment) {
        index = segment.start + segment.rows.length - 1;
        continue;
      }
      void this.fetch(index, last);
      return;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.changed.dispose();
    this.failed.dispose();
  }

  private segmentAt(index: number): Segment | undefined {
    // Segments are few (one per far jump), so a linear scan is fine.
    for (const segment of this.segments) {
      if (index >= segment.start && index < segment.start + segment.rows.length) return segment;
    }
    return undefined;
  }

  private async fetch(index: number, last: number): Promise<void> {
    const key = `${Math.floor(index / this.pageSize)}`;
    if (this.inflight.has(key)) return;
    this.inflight.add(key);
    try {
      // Extend the nearest segment that ends shortly before `index`, or anchor a new one.
      let segment = this.segments
        .filter((candidate) => !candidate.exhausted && candidate.start + candidate.rows.length <= index)
        .sort((a, b) => b.start + b.rows.length - (a.start + a.rows.length))[0];
      if (!segment || index - (segment.start + segment.rows.length) > this.pageSize * 2) {
        segment = await this.anchor(index);
        if (this.disposed) return;
        // Counts that moved under us (rows synced meanwhile) must not leave `index` unreachable.
        if (segment.start > index) segment.start = index;
        this.segments.push(segment);
      }
      const end = segment.start + segment.rows.length;
      const limit = Math.min(this.maxPage, Math.max(this.pageSize, last - end + 1 + Math.floor(this.pageSize / 2)));
      this.requests++;
      const page = await this.queries.timeline({ filter: this.filter, limit, cursor: segment.older, direction: 'older' });
      if (this.disposed) return;
      segment.rows = segment.rows.concat(page.rows);
      segment.older = page.older;
      segment.exhausted = !page.older;
      // The oldest row was reached: the list cannot be longer than this, whatever the count said.
      if (segment.exhausted && this.total !== undefined) this.total = Math.min(this.total, segment.start + segment.rows.length);
      this.merge();
      this.changed.fire();
    } catch (error) {
      if (!this.disposed) this.failed.fire(error);
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Finds a time boundary whose index is known and at most a few pages before `index`. */
  private async anchor(index: number): Promise<Segment> {
    this.rootHistogram ??= this.queries.histogram(this.filter, { maxBuckets: 120 });
    let histogram = await this.rootHistogram;
    this.requests++;
    let offset = 0;
    for (let depth = 0; depth < 5; depth++) {
      const newestFirst = [...histogram.buckets].sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0));
      let before = offset;
      let chosen = newestFirst[newestFirst.length - 1];
      for (const bucket of newestFirst) {
        if (before + bucket.count > index) {
          chosen = bucket;
          break;
        }
        before += bucket.count;
      }
      if (!chosen) break;
      const startMs = Date.parse(chosen.start);
      const endMs = startMs + histogram.bucketSeconds * 1000;
      const cursor: TimelineCursor = { timestamp: boundary(endMs, chosen.start), key: '' };
      if (index - before <= this.pageSize * 2 || histogram.bucketSeconds <= 1 || chosen.count <= this.pageSize) {
        return { start: before, rows: [], older: cursor, exhausted: false };
      }
      // Too far inside a big bucket: look at that bucket through a finer histogram.
      this.requests++;
      histogram = await this.queries.histogram(
        {
          ...this.filter,
          // Never widen the filter: the first and last buckets may stick out of its range.
          from: this.filter.from && Date.parse(this.filter.from) > startMs ? this.filter.from : boundary(startMs, chosen.start),
          to: this.filter.to && Date.parse(this.filter.to) < endMs ? this.filter.to : cursor.timestamp,
        },
        { maxBuckets: 120 },
      );
      offset = before;
    }
    // The histogram could not narrow it down (e.g. one second holds thousands of rows): page from the
    // nearest segment instead, which is slower but exact.
    const nearest = this.segments
      .filter((segment) => segment.start + segment.rows.length <= index)
      .sort((a, b) => b.start + b.rows.length - (a.start + a.rows.length))[0];
    if (nearest) {
      this.segments = this.segments.filter((segment) => segment !== nearest);
      return nearest;
    }
    return { start: 0, rows: [], exhausted: false };
  }

  /** Joins segments that now touch or overlap, keeping indexes of the earlier one. */
  private merge(): void {
    this.segments.sort((a, b) => a.start - b.start);
    const merged: Segment[] = [];
    for (const segment of this.segments) {
      const previous = merged[merged.length - 1];
      if (previous && previous.start + previous.rows.length >= segment.start) {
        if (previous.start + previous.rows.length >= segment.start + segment.rows.length && !previous.exhausted) continue;
        previous.rows = previous.rows.slice(0, segment.start - previous.start).concat(segment.rows);
        previous.older = segment.older;
        previous.exhausted = segment.exhausted;
      } else {
        merged.push(segment);
      }
    }
    this.segments = merged;
  }
}
