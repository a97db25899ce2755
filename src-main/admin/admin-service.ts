/**
 * Destructive actions on a server, always previewed, confirmed and journaled: deleting change-log rows
 * (one, a selection, or everything matching a filter on one instance) and cleaning orphaned rows.
 *
 * Order of every action: resolve the target and count it, check the confirmation (instance name typed
 * when required), write the journal row (as 'failed' until it ends, so a crash leaves a trace), check the
 * user's unlink right on the server, delete in batches with progress and cancel, mark the deleted rows
 * in local history as removed by the user, and finish the journal row.
 */
import { userInfo } from 'node:os';
import { OcmError, toOcmError } from '../common/errors';
import { Emitter, type Event } from '../common/event';
import type {
  AdminResult,
  ChangeRow,
  DeletePreview,
  InstanceConfig,
  InstanceId,
  JournalEntry,
  OrphanPreview,
  Progress,
  RowSelection,
} from '../common/model';
import type { IAdminService } from '../common/services';
import { CHANGE_LOG_MODEL } from '../odoo/log-models';
import type { OdooClient } from '../odoo/types';
import { DEFAULT_DELETE_CONFIRM_THRESHOLD, assertConfirmed, requiresTypedName, rowsWord } from './confirmation';
import { describeFilter } from './describe-filter';
import { JobRegistry } from '../common/jobs';
import type { JournalStart } from '../store/repositories/journal';
import { judgeRows, parseOrphanKey, readLogRows, scanOrphans } from './orphan-scan';
import type { AdminJournal, AdminRowSource, AdminSettings, ClientProvider, InstanceDirectory, RowMarker } from './ports';
import { noDeleteRightError, resultOf, unlinkLogRows, type UnlinkOutcome } from './server-delete';

/** What {@link AdminService} is built from. */
export interface AdminServiceOptions {
  instances: InstanceDirectory;
  clients: ClientProvider;
  rows: AdminRowSource;
  marker: RowMarker;
  journal: AdminJournal;
  /** deleteConfirmThreshold; default {@link DEFAULT_DELETE_CONFIRM_THRESHOLD}. */
  settings?: AdminSettings;
  /** Who acts, for the journal; default "<OS user> as <Odoo login>". */
  actor?: (instance: InstanceConfig) => string;
  now?: () => Date;
  /** Ids per unlink request (default 500). */
  deleteBatchSize?: number;
  /** Record ids per existence request (default 1,000). */
  existenceBatchSize?: number;
  /** Log rows per read request of the orphan scan (default 5,000). */
  readPageSize?: number;
}

/** An orphan preview and the job that made it. */
export type OrphanScan = OrphanPreview & { jobId: string };

/** The default actor: the OS account and the Odoo login. */
export function defaultActor(instance: InstanceConfig): string {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep 'unknown'.
  }
  return `${osUser} as ${instance.login}`;
}

/** IAdminService over injected ports. */
export class AdminService implements IAdminService {
  private readonly progress = new Emitter<Progress>();
  private readonly jobs = new JobRegistry('admin');
  private readonly options: AdminServiceOptions;

  /** Fires during scans ('read-rows', 'check-records') and deletes ('verify', 'delete'). */
  readonly onDidProgress: Event<Progress> = this.progress.event;

  constructor(options: AdminServiceOptions) {
    this.options = options;
  }

  async previewDelete(instanceId: InstanceId, selection: RowSelection): Promise<DeletePreview> {
    const instance = await this.#instance(instanceId);
    if (instance.source === 'polling') {
      const refused = nothingToDelete(instance);
      return { instanceId, instanceName: instance.name, count: 0, requiresTypedName: false, canDelete: false, reason: refused.message, error: refused.toJSON() };
    }
    const target = await this.#resolve(instance, selection);
    const threshold = await this.#threshold();
    const preview: DeletePreview = {
      instanceId,
      instanceName: instance.name,
      count: target.serverIds.length,
      requiresTypedName: requiresTypedName(instance, target.serverIds.length, threshold),
      canDelete: true,
    };
    try {
      const client = await this.options.clients.clientFor(instanceId);
      if (!(await this.#mayDelete(client))) {
        const refused = noDeleteRightError(instance.login, instance.name);
        preview.canDelete = false;
        preview.reason = refused.message;
        preview.error = refused.toJSON();
      }
    } catch (error) {
      const failure = toOcmError(error);
      preview.canDelete = false;
      preview.reason = failure.message;
      preview.error = failure.toJSON();
    }
    return preview;
  }

  async deleteRows(instanceId: InstanceId, selection: RowSelection, confirmation: { typedName?: string }): Promise<AdminResult> {
    const instance = await this.#withChangeLog(instanceId);
    const target = await this.#resolve(instance, selection);
    const count = target.serverIds.length;
    if (count === 0) throw new OcmError('invalid-input', `None of the chosen rows is still on ${instance.name}; nothing to delete.`);
    assertConfirmed(instance, count, await this.#threshold(), confirmation.typedName);

    const journalId = await this.#beginJournal(instance, { action: 'delete-rows', description: target.description, requested: count, detail: target.detail });
    const { jobId, signal } = this.jobs.start('delete');
    try {
      const client = await this.#clientWithDeleteRight(instance, journalId);
      const outcome = await this.#unlink(client, instance, target.serverIds, jobId, signal);
      return await this.#finish(journalId, count, outcome);
    } finally {
      this.jobs.finish(jobId);
    }
  }

  async findOrphans(instanceId: InstanceId, options: { includeUnlink: boolean }): Promise<OrphanScan> {
    await this.#withChangeLog(instanceId);
    const { jobId, signal } = this.jobs.start('orphans');
    try {
      this.progress.fire({ jobId, phase: 'read-rows', done: 0 });
      const client = await this.options.clients.clientFor(instanceId);
      const result = await scanOrphans(client, instanceId, {
        includeUnlink: options.includeUnlink,
        pageSize: this.options.readPageSize,
        batchSize: this.options.existenceBatchSize,
        signal,
        onProgress: (phase, done, total) => this.progress.fire({ jobId, phase, done, total }),
      });
      return { instanceId, jobId, ...result };
    } catch (error) {
      throw signal.aborted ? new OcmError('cancelled', 'The orphan scan was cancelled.') : error;
    } finally {
      this.jobs.finish(jobId);
    }
  }

  async cleanOrphans(instanceId: InstanceId, keys: string[], confirmation: { typedName?: string }): Promise<AdminResult> {
    const instance = await this.#withChangeLog(instanceId);
    const serverIds = [...new Set(keys.map((key) => parseOrphanKey(key, instanceId)))];
    const count = serverIds.length;
    if (count === 0) throw new OcmError('invalid-input', 'No orphaned rows were chosen; nothing to delete.');
    assertConfirmed(instance, count, await this.#threshold(), confirmation.typedName);

    const journalId = await this.#beginJournal(instance, { action: 'clean-orphans', description: `${count} orphaned ${rowsWord(count)}`, requested: count, detail: { serverIds } });
    const { jobId, signal } = this.jobs.start('clean');
    try {
      const client = await this.#clientWithDeleteRight(instance, journalId);
      // The preview may be old: delete only rows that are still on the server and still orphans.
      let confirmed: number[];
      try {
        this.progress.fire({ jobId, phase: 'verify', done: 0, total: count });
        const batchSize = this.options.existenceBatchSize ?? 1000;
        const read = await readLogRows(client, { ids: serverIds, pageSize: batchSize, signal });
        const judged = await judgeRows(client, instanceId, read.rows, { includeUnlink: true, batchSize, signal });
        confirmed = judged.orphans.map((orphan) => orphan.serverId);
      } catch (error) {
        const failure = toOcmError(error);
        return await this.#finish(journalId, count, signal.aborted || failure.code === 'cancelled' ? { deleted: 0, alreadyGone: 0, cancelled: true } : { deleted: 0, alreadyGone: 0, cancelled: false, error: failure });
      }
      const skipped = count - confirmed.length;
      const outcome = await this.#unlink(client, instance, confirmed, jobId, signal);
      const note = skipped > 0 ? `${skipped} skipped: already gone or no longer orphaned` : undefined;
      return await this.#finish(journalId, count, outcome, note);
    } finally {
      this.jobs.finish(jobId);
    }
  }

  async cancel(jobId: string): Promise<void> {
    this.jobs.cancel(jobId);
  }

  async journal(options?: { instanceId?: InstanceId; limit?: number }): Promise<JournalEntry[]> {
    return this.options.journal.list(options);
  }

  async #instance(instanceId: InstanceId): Promise<InstanceConfig> {
    const instance = await this.options.instances.get(instanceId);
    if (!instance) throw new OcmError('not-found', `No instance with id ${instanceId}.`, { hint: 'List instances with `ocm instance list`.' });
    return instance;
  }

  /** The instance, when it has a change log on its server to act on (not one watched without the module). */
  async #withChangeLog(instanceId: InstanceId): Promise<InstanceConfig> {
    const instance = await this.#instance(instanceId);
    if (instance.source === 'polling') throw nothingToDelete(instance);
    return instance;
  }

  async #threshold(): Promise<number> {
    const settings = await this.options.settings?.get();
    const value = settings?.deleteConfirmThreshold;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_DELETE_CONFIRM_THRESHOLD;
  }

  /** Writes the journal row before the action starts (result 'failed' until finished), so a crash leaves a trace. */
  async #beginJournal(instance: InstanceConfig, what: Pick<JournalStart, 'action' | 'description' | 'requested' | 'detail'>): Promise<number> {
    return this.options.journal.begin({
      ...what,
      at: this.#now(),
      actor: (this.options.actor ?? defaultActor)(instance),
      instanceId: instance.id,
      instanceName: instance.name,
    });
  }

  #now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /** The server ids a selection targets: mirrored rows of this instance still present on the server. */
  async #resolve(instance: InstanceConfig, selection: RowSelection): Promise<{ serverIds: number[]; description: string; detail: unknown }> {
    const serverIds = new Set<number>();
    if ('keys' in selection || 'serverIds' in selection) {
      let single: ChangeRow | undefined;
      const rows = 'keys' in selection ? await this.options.rows.rowsByKeys(selection.keys) : await this.options.rows.rowsByServerIds(instance.id, selection.serverIds);
      for (const row of rows) {
        if (row.instanceId !== instance.id) {
          throw new OcmError('invalid-input', `Row ${row.key} belongs to another instance than ${instance.name}.`, { hint: 'Delete rows of one instance at a time.' });
        }
        if (row.removedAt || !isLogRow(row)) continue;
        serverIds.add(row.serverId);
        single = row;
      }
      const ids = [...serverIds].sort((a, b) => a - b);
      const description =
        ids.length === 1 && single
          ? `row ${single.serverId} (${single.model} #${single.recordId} ${single.event})`
          : `${ids.length} selected ${rowsWord(ids.length)}`;
      const detail = 'keys' in selection ? { keys: selection.keys.length, serverIds: ids.slice(0, 10_000) } : { serverIds: ids.slice(0, 10_000) };
      return { serverIds: ids, description, detail };
    }
    const filter = { ...selection.filter, instanceIds: [instance.id], presence: 'present' as const };
    if (selection.filter.presence !== 'removed') {
      const source = this.options.rows.rows(filter);
      const add = (row: ChangeRow): void => {
        if (row.instanceId === instance.id && !row.removedAt && isLogRow(row)) serverIds.add(row.serverId);
      };
      if (Symbol.asyncIterator in source) for await (const row of source) add(row);
      else for (const row of source) add(row);
    }
    const ids = [...serverIds].sort((a, b) => a - b);
    return { serverIds: ids, description: `${ids.length} ${rowsWord(ids.length)} matching ${describeFilter(selection.filter)}`, detail: { filter: selection.filter } };
  }

  async #mayDelete(client: OdooClient): Promise<boolean> {
    try {
      return await client.checkAccessRights(CHANGE_LOG_MODEL, 'unlink');
    } catch (error) {
      if (error instanceof OcmError && error.code === 'access-error') return false;
      throw error;
    }
  }

  /** A client of a user who may delete; otherwise finishes the journal row as failed and throws. */
  async #clientWithDeleteRight(instance: InstanceConfig, journalId: number): Promise<OdooClient> {
    try {
      const client = await this.options.clients.clientFor(instance.id);
      if (!(await this.#mayDelete(client))) throw noDeleteRightError(instance.login, instance.name);
      return client;
    } catch (error) {
      const failure = toOcmError(error);
      await this.options.journal.finish(journalId, { succeeded: 0, result: 'failed', error: failure.message });
      throw failure;
    }
  }

  async #unlink(client: OdooClient, instance: InstanceConfig, serverIds: readonly number[], jobId: string, signal: AbortSignal): Promise<UnlinkOutcome> {
    const outcome = await unlinkLogRows(client, serverIds, {
      batchSize: this.options.deleteBatchSize,
      signal,
      onProgress: (done, total) => this.progress.fire({ jobId, phase: 'delete', done, total }),
      onDeleted: async (ids) => {
        await this.options.marker.markRemovedByUser(instance.id, ids, this.#now());
      },
    });
    if (outcome.error?.code === 'access-error') {
      // A record rule can refuse what the model-level right allowed: say it as plainly.
      outcome.error = new OcmError('access-error', `${noDeleteRightError(instance.login, instance.name).message} ${outcome.error.message}`, { hint: outcome.error.hint });
    }
    return outcome;
  }

  async #finish(journalId: number, requested: number, outcome: UnlinkOutcome, note?: string): Promise<AdminResult> {
    const result = resultOf(outcome);
    const error = outcome.error ?? (outcome.cancelled ? new OcmError('cancelled', `Cancelled after ${outcome.deleted} of ${requested} ${rowsWord(requested)}.`) : undefined);
    await this.options.journal.finish(journalId, { succeeded: outcome.deleted, result, error: error?.message, note });
    const out: AdminResult = { journalId, requested, deleted: outcome.deleted, result };
    if (error) out.error = error.toJSON();
    return out;
  }
}

/** True for a row of the server's change log (not an event of Odoo's tracking, which has no log row to delete). */
function isLogRow(row: ChangeRow): boolean {
  return row.origin === undefined || row.origin === 'module';
}

/** The refusal of server deletes and orphan cleanup on an instance watched without the module. */
function nothingToDelete(instance: InstanceConfig): OcmError {
  return new OcmError('invalid-input', `${instance.name} is watched without the auto_webhook module: there is no change log on the server to delete rows from or clean.`, {
    hint: 'Server deletes and orphan cleanup need the module. The local history stays as it is.',
  });
}
