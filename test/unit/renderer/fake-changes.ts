/**
 * An in-memory IChangeService over generated rows, for renderer unit tests (row source paging) and
 * quick UI previews. Test code only: the shipped UI never shows fake data.
 */
import type { IChangeService } from '../../../src-main/common/services';
import { Emitter } from '../../../src-main/common/event';
import type { ChangeEvent, ChangeFilter, ChangeRow, Histogram, TimelinePage, TimelineQuery } from '../../../src-main/common/model';

const MODELS = ['res.partner', 'sale.order', 'account.move', 'product.template', 'stock.picking'];
const EVENTS: ChangeEvent[] = ['write', 'write', 'create', 'write', 'unlink'];

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `count` rows, one every `stepSeconds`, newest at `newest`. Keys sort like timestamps. */
export function generateRows(count: number, options: { newest?: number; stepSeconds?: number; instances?: string[] } = {}): ChangeRow[] {
  const newest = options.newest ?? Date.UTC(2026, 10, 30, 12, 0, 0);
  const step = (options.stepSeconds ?? 7) * 1000;
  const instances = options.instances ?? ['prod', 'staging'];
  const rows: ChangeRow[] = [];
  for (let index = 0; index < count; index++) {
    const time = newest - index * step;
    rows.push({
      key: `${instances[index % instances.length]}:${String(count - index).padStart(9, '0')}`,
      instanceId: instances[index % instances.length],
      serverId: count - index,
      model: MODELS[index % MODELS.length],
      recordId: 1 + ((index * 7919) % 5000),
      event: EVENTS[(index * 3) % EVENTS.length],
      timestamp: iso(time),
      firstSeenAt: iso(time + 2000),
    });
  }
  return rows;
}

function matches(row: ChangeRow, filter: ChangeFilter): boolean {
  if (filter.instanceIds?.length && !filter.instanceIds.includes(row.instanceId)) return false;
  if (filter.models?.length && !filter.models.includes(row.model)) return false;
  if (filter.events?.length && !filter.events.includes(row.event)) return false;
  if (filter.recordId !== undefined && row.recordId !== filter.recordId) return false;
  if (filter.from && row.timestamp < filter.from) return false;
  if (filter.to && row.timestamp >= filter.to) return false;
  if (filter.text && !`${row.model} ${row.recordId}`.includes(filter.text)) return false;
  if (filter.presence === 'present' && row.removedAt) return false;
  if (filter.presence === 'removed' && !row.removedAt) return false;
  return true;
}

const compareDesc = (a: ChangeRow, b: ChangeRow) =>
  a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : a.key < b.key ? 1 : a.key > b.key ? -1 : 0;

/** IChangeService over an array (rows kept newest first). Counts calls so tests can check paging. */
export class FakeChangeService implements IChangeService {
  readonly data = new Emitter<{ instanceId: string; added: number; removed: number }>();
  readonly onDidChangeData = this.data.event;
  calls = { timeline: 0, count: 0, histogram: 0 };
  /** Largest `limit` asked for (the UI must never ask for everything). */
  maxLimit = 0;

  constructor(public rows: ChangeRow[]) {
    this.rows.sort(compareDesc);
  }

  async timeline(query: TimelineQuery): Promise<TimelinePage> {
    this.calls.timeline++;
    this.maxLimit = Math.max(this.maxLimit, query.limit);
    let candidates = this.rows.filter((row) => matches(row, query.filter));
    if (query.cursor) {
      const { timestamp, key } = query.cursor;
      candidates = candidates.filter((row) => row.timestamp < timestamp || (row.timestamp === timestamp && row.key < key));
    }
    const rows = candidates.slice(0, query.limit);
    const last = rows[rows.length - 1];
    return { rows, older: rows.length === query.limit && candidates.length > query.limit && last ? { timestamp: last.timestamp, key: last.key } : undefined };
  }

  async count(filter: ChangeFilter): Promise<number> {
    this.calls.count++;
    return this.rows.filter((row) => matches(row, filter)).length;
  }

  async facets(filter: ChangeFilter) {
    const rows = this.rows.filter((row) => matches(row, filter));
    const tally = (pick: (row: ChangeRow) => string) => {
      const counts = new Map<string, number>();
      for (const row of rows) counts.set(pick(row), (counts.get(pick(row)) ?? 0) + 1);
      return [...counts].map(([value, count]) => ({ value, count }));
    };
    return { total: rows.length, instances: tally((row) => row.instanceId), models: tally((row) => row.model), events: tally((row) => row.event) };
  }

  async histogram(filter: ChangeFilter, options: { maxBuckets?: number } = {}): Promise<Histogram> {
    this.calls.histogram++;
    const rows = this.rows.filter((row) => matches(row, filter));
    const from = Date.parse(filter.from ?? rows[rows.length - 1]?.timestamp ?? iso(0));
    const to = Date.parse(filter.to ?? iso(Date.parse(rows[0]?.timestamp ?? iso(0)) + 1000));
    const maxBuckets = options.maxBuckets ?? 100;
    const bucketSeconds = Math.max(1, Math.ceil((to - from) / 1000 / maxBuckets));
    const start = Math.floor(from / 1000 / bucketSeconds) * bucketSeconds * 1000;
    const buckets = [];
    for (let time = start; time < to; time += bucketSeconds * 1000) buckets.push({ start: iso(time), count: 0, create: 0, write: 0, unlink: 0 });
    for (const row of rows) {
      const bucket = buckets[Math.floor((Date.parse(row.timestamp) - start) / 1000 / bucketSeconds)];
      if (!bucket) continue;
      bucket.count++;
      bucket[row.event]++;
    }
    return { bucketSeconds, from: iso(from), to: iso(to), buckets };
  }

  async recordHistory(instanceId: string, model: string, recordId: number): Promise<ChangeRow[]> {
    return this.rows.filter((row) => row.instanceId === instanceId && row.model === model && row.recordId === recordId);
  }

  async errors() {
    return [];
  }

  async errorGroups() {
    return [];
  }
}
