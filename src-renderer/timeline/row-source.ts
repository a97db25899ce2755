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
  /** Where the segment's first row was fetched from (absent: the newest row), to fetch its rows again. */
  from?: TimelineCursor;
  /** Where the next older page starts; absent when the segment reaches the oldest row. */
  older?: TimelineCursor;
  exhausted: boolean;
  /** The last index wanted from this segment: it keeps paging until it gets there. */
  wanted: number;
  /** For a segment anchored by a far jump, the index on screen: its first page stops a little past it, to show it sooner. */
  needed?: number;
  /** Where the segment will end once the page in flight arrives (= its end when idle). */
  reach: number;
  /** Whether a page of this segment is in flight (one at a time: each continues from the previous cursor). */
  loading: boolean;
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
  /** Indexes of far jumps being located, so one position is anchored once. */
  private readonly anchoring = new Set<number>();
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
    this.segments = [{ start: 0, rows: page.rows, older: page.older, exhausted: !page.older, wanted: 0, reach: page.rows.length, loading: false }];
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
      this.request(index, last);
      return;
    }
  }

  /**
   * Fetches the loaded rows again, in place, and counts the total again: rows removed from the server or
   * refreshed since they were loaded show their new state without moving the list. When the count moved
   * (a filter that leaves removed rows out), only the newest rows are kept and the rest load on demand,
   * since every index after a row that left has shifted.
   */
  async refresh(): Promise<void> {
    if (this.total === undefined || this.disposed) return;
    this.requests++;
    const total = await this.queries.count(this.filter);
    if (this.disposed) return;
    if (total !== this.total) {
      this.segments = this.segments.filter((segment) => segment.start === 0);
      this.rootHistogram = undefined;
      this.total = total;
    }
    await Promise.all(this.segments.map((segment) => this.reload(segment)));
    if (!this.disposed) this.changed.fire();
  }

  /** Fetches a segment's rows again from where it starts, unless it pages on meanwhile (that paging is fresh). */
  private async reload(segment: Segment): Promise<void> {
    const wanted = Math.min(segment.rows.length, (this.total ?? 0) - segment.start);
    const rows: ChangeRow[] = [];
    let cursor = segment.from;
    let older: TimelineCursor | undefined;
    while (rows.length < wanted && !this.disposed) {
      this.requests++;
      const page = await this.queries.timeline({ filter: this.filter, limit: Math.min(this.maxPage, wanted - rows.length), cursor, direction: 'older' });
      rows.push(...page.rows);
      older = page.older;
      if (!page.older || page.rows.length === 0) break;
      cursor = page.older;
    }
    if (this.disposed || segment.loading || !this.segments.includes(segment)) return;
    segment.rows = rows;
    segment.older = older;
    segment.exhausted = !older;
    segment.reach = segment.start + rows.length;
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

  /** The segment that will reach `index` soonest by paging on: it ends (or will end) before it, by at most two pages. */
  private continuing(index: number): Segment | undefined {
    let best: Segment | undefined;
    for (const segment of this.segments) {
      if (segment.exhausted || segment.start > index || index - segment.reach > this.pageSize * 2) continue;
      if (!best || segment.reach > best.reach) best = segment;
    }
    return best;
  }

  /** Loads from `index` (the first missing row) to `last`: by paging on a nearby segment, or from a new anchor. */
  private request(index: number, last: number): void {
    const segment = this.continuing(index);
    if (segment) {
      this.extend(segment, last);
      return;
    }
    // A jump being located nearby will cover this index or start close enough to page on to it.
    for (const pending of this.anchoring) if (Math.abs(index - pending) <= this.pageSize * 2) return;
    this.anchoring.add(index);
    void this.anchor(index)
      .then((anchored) => {
        if (this.disposed) return;
        // Another segment may have paged close enough meanwhile: continue it rather than start a new one.
        const nearby = this.continuing(index);
        if (nearby && nearby !== anchored) {
          this.extend(nearby, last);
          return;
        }
        // Counts that moved under us (rows synced meanwhile) must not leave `index` unreachable.
        if (anchored.start > index) anchored.start = index;
        if (!this.segments.includes(anchored)) this.segments.push(anchored);
        this.extend(anchored, last);
      })
      .catch((error: unknown) => {
        if (!this.disposed) this.failed.fire(error);
      })
      .finally(() => this.anchoring.delete(index));
  }

  /** Asks `segment` to page on until `last`; starts paging unless a page is already in flight. */
  private extend(segment: Segment, last: number): void {
    segment.wanted = Math.max(segment.wanted, last);
    if (!segment.loading) void this.pageOn(segment);
  }

  /** Fetches the pages of `segment`, one after the other, until it reaches what was wanted of it. */
  private async pageOn(segment: Segment): Promise<void> {
    segment.loading = true;
    let absorbed = false;
    try {
      while (!this.disposed && !segment.exhausted) {
        const end = segment.start + segment.rows.length;
        if (end > segment.wanted) break;
        // One request covers what is wanted (plus half a page), within the largest single request; after a
        // far jump the first one covers only what is on screen, since a smaller page arrives sooner.
        const target = segment.needed !== undefined && segment.rows.length === 0 ? Math.min(segment.wanted, segment.needed) : segment.wanted;
        const limit = Math.min(this.maxPage, Math.max(this.pageSize, target - end + 1 + Math.floor(this.pageSize / 2)));
        const cursor = segment.older;
        segment.reach = end + limit;
        this.requests++;
        const page = await this.queries.timeline({ filter: this.filter, limit, cursor, direction: 'older' });
        if (this.disposed) return;
        // Merged into an earlier segment meanwhile: that one pages on in its place, this answer is stale.
        absorbed = !this.segments.includes(segment);
        if (absorbed) break;
        // Grown by a merge meanwhile: page on from its new end.
        if (segment.older !== cursor) continue;
        segment.rows = segment.rows.concat(page.rows);
        segment.older = page.older;
        segment.exhausted = !page.older;
        segment.reach = segment.start + segment.rows.length;
        // The oldest row was reached: the list cannot be longer than this, whatever the count said.
        if (segment.exhausted && this.total !== undefined) this.total = Math.min(this.total, segment.start + segment.rows.length);
        absorbed = this.merge(segment);
        this.changed.fire();
        if (absorbed) break;
      }
    } catch (error) {
      // The next ensure() (the next scroll or render) asks again.
      if (!this.disposed) this.failed.fire(error);
    } finally {
      segment.loading = false;
      segment.reach = segment.start + segment.rows.length;
    }
    // The segment that absorbed this one pages on in its place.
    if (absorbed && !this.disposed) {
      for (const other of this.segments) if (!other.loading && !other.exhausted && other.start + other.rows.length <= other.wanted) void this.pageOn(other);
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
        return { start: before, rows: [], from: cursor, older: cursor, exhausted: false, wanted: index, needed: index, reach: before, loading: false };
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
    if (nearest) return nearest;
    return { start: 0, rows: [], exhausted: false, wanted: index, needed: index, reach: 0, loading: false };
  }

  /** Joins segments that now touch or overlap, keeping indexes of the earlier one; tells whether `grown` was absorbed. */
  private merge(grown: Segment): boolean {
    this.segments.sort((a, b) => a.start - b.start);
    const merged: Segment[] = [];
    for (const segment of this.segments) {
      const previous = merged[merged.length - 1];
      if (previous && previous.start + previous.rows.length >= segment.start) {
        // The earlier segment pages on for both (a page in flight for the later one is dropped when it lands).
        previous.wanted = Math.max(previous.wanted, segment.wanted);
        if (previous.start + previous.rows.length >= segment.start + segment.rows.length && !previous.exhausted) continue;
        previous.rows = previous.rows.slice(0, segment.start - previous.start).concat(segment.rows);
        previous.older = segment.older;
        previous.exhausted = segment.exhausted;
      } else {
        merged.push(segment);
      }
    }
    this.segments = merged;
    return !merged.includes(grown);
  }
}
