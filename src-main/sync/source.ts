/**
 * A sync pass and where its changes come from. The engine drives a {@link ChangeSource} per instance: the
 * module log (`module-log/`: `update.webhook` of the original module or our addon) or, on a server
 * without the module, polling of the watched models. Each source commits its rows with its own cursors,
 * so a pass interrupted at any point resumes where it stopped (docs/architecture.md).
 */
import type { Capabilities, InstanceId } from '../common/model';
import type { OdooClient } from '../odoo/types';
import type { Repositories } from '../store/ports';
import type { NewLogEntry } from '../store/repositories/sync-log';

/** Tuning of a pass. */
export interface SyncPassOptions {
  /** Rows per page request (default 5,000). */
  pageSize: number;
  /** Page requests in flight during a snapshot (default 3). */
  pipelineDepth: number;
  /** See DeletionScanOptions.leafSize (default by transport). */
  deletionLeafSize?: number;
  /** Requests in flight during deletion detection (default 8). */
  deletionConcurrency: number;
  /** Use read_group sums to name deleted rows (default true; falls back to counts when refused). */
  deletionSums?: boolean;
}

/** Defaults measured on the simulator (bench/sync.bench.ts). */
export const DEFAULT_PASS_OPTIONS: SyncPassOptions = { pageSize: 5000, pipelineDepth: 3, deletionConcurrency: 8 };

/**
 * The repositories a pass writes: the SQLite store answers at once, the PostgreSQL one with Promises;
 * the engine awaits every call (one per page, never one per row).
 */
export type SyncPassStore = Pick<Repositories, 'syncState' | 'mirror' | 'polling'>;

/** What a pass needs. */
export interface SyncPassContext {
  /** Where the changes come from; default the module log. */
  source?: ChangeSource;
  store: SyncPassStore;
  client: OdooClient;
  capabilities: Capabilities;
  instanceId: InstanceId;
  signal?: AbortSignal;
  options?: Partial<SyncPassOptions>;
  /** Current time, Unix seconds. */
  now?: () => number;
  log?: (entry: NewLogEntry) => void;
  progress?: (done: number, total?: number) => void;
  /** Rows added or removed, announced as they are committed. */
  data?: (notice: { added: number; removed: number; newestTimestamp?: string }) => void;
}

/** What a pass did. */
export interface SyncPassResult {
  added: number;
  removed: number;
  /** New revisions of refreshed rows. */
  revised: number;
  errorsAdded: number;
  /** True when this pass found the server's log reset and started a new epoch. */
  reset: boolean;
  /** True when this pass took (or finished) the initial snapshot. */
  snapshot: boolean;
  requests: number;
}

/** Which kind of source an instance is mirrored from (the sync log and the status name it). */
export type SourceKind = 'module-log' | 'polling';

/** A way the engine learns what changed on a server. Adding one touches one folder of sync/. */
export interface ChangeSource {
  readonly kind: SourceKind;
  /** One pass: pulls what changed since this instance's cursors and commits it with them. */
  pass(context: SyncPassContext): Promise<SyncPassResult>;
}

