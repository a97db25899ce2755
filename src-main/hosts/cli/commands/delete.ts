/**
 * `ocm delete`: deletes change-log rows on a server (by server row id, or everything matching filters
 * on one instance), after a preview and the typed instance name. Local history keeps the rows, marked
 * as removed by the user. Also the shared plumbing of the admin commands (`orphans`, `journal`).
 */
import { createInterface } from 'node:readline';
import type { OrphanScan } from '../../../admin/admin-service';
import { keysForServerIds } from '../../../admin/store-adapters';
import { OcmError } from '../../../common/errors';
import type { AdminResult, InstanceConfig, InstanceId, JournalEntry, Progress, RowSelection } from '../../../common/model';
import type { IAdminService } from '../../../common/services';
import type { SqlDatabase } from '../../../store/database';
import { readStoreFor, type ReadStore } from '../../../store/queries/read-store';
import { composeAdmin } from '../../compose';
import { flag, option, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { changeFilter } from './changes';
import { openCliMirror } from './mirror-context';

/** The admin service as the CLI uses it (AdminService satisfies it). */
export type CliAdminService = Omit<IAdminService, 'findOrphans'> & {
  findOrphans(instanceId: InstanceId, options: { includeUnlink: boolean }): Promise<OrphanScan>;
};

/** What the admin commands work with; closed when the command ends. */
export interface AdminCliContext {
  admin: CliAdminService;
  /** The mirror (rows for `--id`, instance names for filters). */
  db: SqlDatabase;
  /** An instance by name (case-insensitive) or id. */
  findInstance(nameOrId: string): InstanceConfig | undefined;
  /** The admin-action journal, for `ocm journal` without a running service. */
  journal(options: { instanceId?: InstanceId; limit?: number }): JournalEntry[] | Promise<JournalEntry[]>;
  close(): void | Promise<void>;
}

/** Opens an {@link AdminCliContext} for the command's environment. */
export type OpenAdminCliContext = (io: CliIo) => Promise<AdminCliContext>;

/** Reads one line typed by the user (undefined at end of input). */
export type ReadLine = (prompt: string, io: CliIo) => Promise<string | undefined>;

/** Options shared by the admin command factories. */
export interface AdminCommandOptions {
  /** How the typed instance name is read; default: one line from stdin. */
  readLine?: ReadLine;
}

/**
 * The default context: the store in `$OCM_HOME`, stored passwords decrypted by the data directory's
 * vault, and an AdminService over them.
 */
export const openAdminCliContext: OpenAdminCliContext = async (io) => {
  const mirror = await openCliMirror(io);
  const { store } = mirror;
  const { admin, journal, close: closeClients } = composeAdmin(mirror);
  return {
    admin,
    db: store.db,
    findInstance: (nameOrId) => {
      const all = store.instances.list().map((record) => record.config);
      return all.find((config) => config.name === nameOrId) ?? all.find((config) => config.name.toLowerCase() === nameOrId.toLowerCase()) ?? all.find((config) => config.id === nameOrId);
    },
    journal: (options) => journal.list(options),
    close: async () => {
      closeClients();
      await mirror.close();
    },
  };
};

/** Reads one line from stdin (the prompt goes to stderr so stdout stays clean for pipes). */
export const readLineFromStdin: ReadLine = (prompt, io) =>
  new Promise((resolve) => {
    io.err(prompt);
    const lines = createInterface({ input: process.stdin, terminal: false });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });

/** The instance named by `--instance`, or a usage error. */
export function requiredInstance(args: ParsedArgs, context: AdminCliContext, usage: string): InstanceConfig {
  const name = option(args, 'instance');
  if (!name) usageError('--instance NAME is required.', usage);
  const instance = context.findInstance(name);
  if (!instance) throw new OcmError('invalid-input', `There is no instance named "${name}".`, { hint: '`ocm instance list` shows the names.' });
  return instance;
}

/**
 * The CLI always asks for the instance name before deleting (stricter than the dialog, which asks only
 * for production instances and large counts): `--yes-i-typed NAME` gives it for scripts.
 */
export async function typedConfirmation(args: ParsedArgs, io: CliIo, instance: InstanceConfig, count: number, what: string, readLine: ReadLine): Promise<string> {
  const given = option(args, 'yes-i-typed');
  const typed = given ?? (await readLine(`Delete ${count.toLocaleString('en-US')} ${what} on ${instance.name}${instance.production ? ' (PRODUCTION)' : ''}? Type the instance name to confirm:`, io));
  if (typed?.trim() !== instance.name) {
    throw new OcmError('invalid-input', typed === undefined || typed.trim() === '' ? 'No instance name was typed; nothing was deleted.' : `"${typed.trim()}" does not match the instance name "${instance.name}"; nothing was deleted.`, {
      hint: `Type ${instance.name} exactly, or pass --yes-i-typed "${instance.name}" in scripts.`,
    });
  }
  return instance.name;
}

/** Runs a delete-like job: progress on a terminal, Ctrl+C cancels it between batches. */
export async function withProgress<T>(admin: CliAdminService, io: CliIo, label: string, work: () => Promise<T>): Promise<T> {
  let jobId: string | undefined;
  const cancel = (): void => {
    if (jobId) void admin.cancel(jobId);
  };
  const subscription = admin.onDidProgress((progress: Progress) => {
    jobId = progress.jobId;
    if (io.interrupted.aborted) cancel();
    if (io.isTty && progress.total) io.err(`${label}: ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')}`);
  });
  io.interrupted.addEventListener('abort', cancel, { once: true });
  try {
    return await work();
  } finally {
    subscription.dispose();
    io.interrupted.removeEventListener('abort', cancel);
  }
}

/** Prints an AdminResult; the exit code is 0 only when everything asked was done. */
export function reportResult(io: CliIo, result: AdminResult, instance: InstanceConfig): number {
  const line = `${result.result === 'ok' ? 'Deleted' : `${result.result[0].toUpperCase()}${result.result.slice(1)}:`} ${result.deleted.toLocaleString('en-US')} of ${result.requested.toLocaleString('en-US')} rows on ${instance.name} (journal entry ${result.journalId}).`;
  io.out(line);
  if (result.error) io.err(`${result.error.message}${result.error.hint ? `\n  ${result.error.hint}` : ''}`);
  return result.result === 'ok' ? 0 : result.result === 'cancelled' ? 130 : 1;
}

const usage = `Usage: ocm delete --instance NAME (--id ID[,ID…] | [filters]) [--apply [--yes-i-typed NAME]]

Deletes change-log rows (update.webhook) on the server. Local history keeps them, marked as deleted by
you. Without --apply it only shows what would be deleted.
  --id ID[,ID…]      server row ids (the server_id column of \`ocm changes --csv\`)
  filters            as for \`ocm changes\`: --model, --event, --record-id, --since, --until, --text, --user
  --apply            delete, after typing the instance name (read from stdin)
  --yes-i-typed NAME the instance name, for scripts`;

/** Creates `ocm delete` over `open` (the default opens the store in $OCM_HOME). */
export function createDeleteCommand(open: OpenAdminCliContext = openAdminCliContext, options: AdminCommandOptions = {}): CliCommand {
  const readLine = options.readLine ?? readLineFromStdin;
  return {
    path: ['delete'],
    summary: 'Delete change-log rows on a server (preview first; history keeps them)',
    usage,
    async run(args, io) {
      const context = await open(io);
      try {
        const instance = requiredInstance(args, context, usage);
        const selection = selectionFrom(args, context, instance);
        const preview = await context.admin.previewDelete(instance.id, selection);
        io.out(`${preview.count.toLocaleString('en-US')} ${preview.count === 1 ? 'row' : 'rows'} on ${preview.instanceName} would be deleted on the server.`);
        if (!preview.canDelete) throw new OcmError('access-error', preview.reason ?? `You may not delete change-log rows on ${instance.name}.`);
        if (preview.count === 0) return 0;
        if (!flag(args, 'apply')) {
          io.out('Nothing was deleted. Run again with --apply to delete them.');
          return 0;
        }
        const typedName = await typedConfirmation(args, io, instance, preview.count, 'change-log rows', readLine);
        const result = await withProgress(context.admin, io, 'Deleting', () => context.admin.deleteRows(instance.id, selection, { typedName }));
        return reportResult(io, result, instance);
      } finally {
        await context.close();
      }
    },
  };
}

function selectionFrom(args: ParsedArgs, context: AdminCliContext, instance: InstanceConfig): RowSelection {
  if (args.options.has('id')) {
    const words = [option(args, 'id') ?? '', ...args.positionals].join(',');
    const ids = words.split(',').map((word) => word.trim()).filter(Boolean).map(Number);
    if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) usageError('--id needs server row ids, e.g. --id 12,15,40.', usage);
    return { keys: keysForServerIds(context.db, instance.id, ids) };
  }
  const store: ReadStore = readStoreFor(context.db);
  const filter = changeFilter(args, store, Date.now());
  delete filter.instanceIds;
  return { filter };
}

/** `ocm delete` over the store in $OCM_HOME. */
export const deleteCommand: CliCommand = createDeleteCommand();
