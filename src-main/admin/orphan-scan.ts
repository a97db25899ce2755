/**
 * Orphan detection against the server's current log rows. An orphan is a log row whose record no
 * longer exists. Existence is checked per model in batches, one `search([('id','in',batch)])` request
 * per model and batch, with `active_test: False` so archived records are not orphans. `unlink` rows
 * record a deletion, so they are never orphans unless the user includes them. A model that is not
 * installed (Fault 2 "Object X doesn't exist") is reported, not guessed; a model the user may not read
 * is reported separately, and its rows are not judged either.
 *
 * Requests for N log rows over M models: ⌊N / pageSize⌋ + 1 reads of the log (keyset pages by id),
 * plus Σ over models ⌈distinct record ids / batchSize⌉ existence checks.
 */
import { OcmError } from '../common/errors';
import type { ChangeEvent, InstanceId, OrphanCandidate, UncheckedModel } from '../common/model';
import { CHANGE_LOG_MODEL } from '../odoo/log-models';
import { keysetPages, type PagingSource } from '../odoo/paging';
import type { Domain, OdooClient } from '../odoo/types';
import { batches } from './batches';

/** Reasons shown in the preview. */
export const ORPHAN_REASONS = {
  missingRecord: 'record no longer exists',
  deletionRecord: 'deletion record (included on request)',
} as const;

/** One log row as the server has it now. */
export interface ServerLogRow {
  id: number;
  model: string;
  recordId: number;
  event: ChangeEvent;
}

/** Options of the scan. */
export interface OrphanScanOptions {
  includeUnlink: boolean;
  /** Log rows per read request (default 5,000). */
  pageSize?: number;
  /** Record ids per existence request (default 1,000). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (phase: 'read-rows' | 'check-records', done: number, total?: number) => void;
}

/** What a scan found. */
export interface OrphanScanResult {
  orphans: OrphanCandidate[];
  /** Models not installed on the server (their rows were not judged). */
  missingModels: string[];
  /** Models the user may not read (their rows were not judged). */
  unreadableModels: UncheckedModel[];
  checkedRows: number;
  /** RPC requests the scan made. */
  requests: number;
}

/** The key of an orphan candidate: the instance and the server row id. */
export function orphanKey(instanceId: InstanceId, serverId: number): string {
  return `${instanceId}/${serverId}`;
}

/** The server row id of an orphan key of `instanceId`; throws 'invalid-input' for anything else. */
export function parseOrphanKey(key: string, instanceId: InstanceId): number {
  const slash = key.lastIndexOf('/');
  const serverId = Number(key.slice(slash + 1));
  if (slash < 0 || key.slice(0, slash) !== instanceId || !Number.isSafeInteger(serverId) || serverId <= 0) {
    throw new OcmError('invalid-input', `"${key}" is not an orphan of this instance.`, { hint: 'Run the orphan scan again and delete from its preview.' });
  }
  return serverId;
}

/** Reads log rows by ascending id (keyset pages), or re-reads known ids in batches. */
export async function readLogRows(
  client: OdooClient,
  options: { domain?: Domain; ids?: readonly number[]; pageSize: number; signal?: AbortSignal; onPage?: (rowsSoFar: number) => void },
): Promise<{ rows: ServerLogRow[]; requests: number }> {
  const rows: ServerLogRow[] = [];
  let requests = 0;
  const fields = ['model', 'record_id', 'event'];
  if (options.ids) {
    // Re-reading known ids: one request per batch of ids (missing ids are simply not returned).
    for (const batch of batches([...options.ids].sort((a, b) => a - b), options.pageSize)) {
      const page = await client.searchRead(CHANGE_LOG_MODEL, [['id', 'in', batch]], { fields, order: 'id asc' }, { signal: options.signal });
      requests++;
      for (const record of page) rows.push(toLogRow(record));
      options.onPage?.(rows.length);
    }
    return { rows, requests };
  }
  // The client's own pager, counted: every read is a request, the last (short or empty) one included.
  const counted: PagingSource = {
    search: (...args) => client.search(...args),
    searchRead: (...args) => (requests++, client.searchRead(...args)),
    searchCount: (...args) => client.searchCount(...args),
  };
  for await (const page of keysetPages(counted, CHANGE_LOG_MODEL, { domain: options.domain, fields, pageSize: options.pageSize, signal: options.signal })) {
    for (const record of page) rows.push(toLogRow(record));
    options.onPage?.(rows.length);
  }
  return { rows, requests };
}

function toLogRow(record: { id: number; [field: string]: unknown }): ServerLogRow {
  return { id: record.id, model: String(record.model), recordId: Number(record.record_id), event: record.event as ChangeEvent };
}

/** Which of the given record ids no longer exist, per model; one request per model and batch. */
export async function findMissingRecords(
  client: OdooClient,
  idsByModel: ReadonlyMap<string, readonly number[]>,
  options: { batchSize: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void },
): Promise<{ missing: Map<string, Set<number>>; missingModels: string[]; unreadableModels: UncheckedModel[]; requests: number }> {
  const missing = new Map<string, Set<number>>();
  const missingModels: string[] = [];
  const unreadableModels: UncheckedModel[] = [];
  const plan = [...idsByModel.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, ids]) => ({ model, batches: batches([...new Set(ids)].sort((a, b) => a - b), options.batchSize) }));
  const total = plan.reduce((sum, entry) => sum + entry.batches.length, 0);
  let requests = 0;
  let done = 0;
  for (const { model, batches: modelBatches } of plan) {
    const gone = new Set<number>();
    let judged = true;
    for (const batch of modelBatches) {
      let existing: number[];
      try {
        existing = await client.search(model, [['id', 'in', batch]], { context: { active_test: false } }, { signal: options.signal });
      } catch (error) {
        requests++;
        if (error instanceof OcmError && error.code === 'model-missing') {
          missingModels.push(model);
        } else if (error instanceof OcmError && error.code === 'access-error') {
          unreadableModels.push({ model, code: error.code, message: error.message });
        } else {
          throw error;
        }
        judged = false;
        done += modelBatches.length - modelBatches.indexOf(batch);
        options.onBatch?.(done, total);
        break;
      }
      requests++;
      const present = new Set(existing);
      for (const id of batch) if (!present.has(id)) gone.add(id);
      options.onBatch?.(++done, total);
    }
    if (judged) missing.set(model, gone);
  }
  return { missing, missingModels, unreadableModels, requests };
}

/** Judges log rows: the orphans among them, sorted by model, record and row id. */
export async function judgeRows(
  client: OdooClient,
  instanceId: InstanceId,
  rows: readonly ServerLogRow[],
  options: { includeUnlink: boolean; batchSize: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void },
): Promise<Omit<OrphanScanResult, 'checkedRows'>> {
  const idsByModel = new Map<string, number[]>();
  for (const row of rows) {
    if (row.event === 'unlink') continue;
    let ids = idsByModel.get(row.model);
    if (!ids) idsByModel.set(row.model, (ids = []));
    ids.push(row.recordId);
  }
  const found = await findMissingRecords(client, idsByModel, options);
  const orphans: OrphanCandidate[] = [];
  for (const row of rows) {
    let reason: string | undefined;
    if (row.event === 'unlink') reason = options.includeUnlink ? ORPHAN_REASONS.deletionRecord : undefined;
    else if (found.missing.get(row.model)?.has(row.recordId)) reason = ORPHAN_REASONS.missingRecord;
    if (reason) orphans.push({ key: orphanKey(instanceId, row.id), serverId: row.id, model: row.model, recordId: row.recordId, event: row.event, reason });
  }
  orphans.sort((a, b) => a.model.localeCompare(b.model) || a.recordId - b.recordId || a.serverId - b.serverId);
  return { orphans, missingModels: found.missingModels, unreadableModels: found.unreadableModels, requests: found.requests };
}

/** Reads the server's current log rows and judges them. */
export async function scanOrphans(client: OdooClient, instanceId: InstanceId, options: OrphanScanOptions): Promise<OrphanScanResult> {
  const pageSize = options.pageSize ?? 5000;
  const batchSize = options.batchSize ?? 1000;
  // Without includeUnlink the deletion records cannot be orphans: do not even transfer them.
  const read = await readLogRows(client, {
    domain: options.includeUnlink ? [] : [['event', '!=', 'unlink']],
    pageSize,
    signal: options.signal,
    onPage: (count) => options.onProgress?.('read-rows', count),
  });
  const judged = await judgeRows(client, instanceId, read.rows, {
    includeUnlink: options.includeUnlink,
    batchSize,
    signal: options.signal,
    onBatch: (done, total) => options.onProgress?.('check-records', done, total),
  });
  return { ...judged, checkedRows: read.rows.length, requests: read.requests + judged.requests };
}
