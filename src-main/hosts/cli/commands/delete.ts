/**
 * `ocm delete`: deletes change-log rows on a server (by server row id, or everything matching filters
 * on one instance), after a preview and the typed instance name. Local history keeps the rows, marked
 * as removed by the user. Also the shared plumbing of the admin commands (`orphans`, `journal`).
 * The rules (rights, confirmation threshold, journal) are the admin service's; the CLI adds only its
 * own stricter habit of always asking for the typed name.
 */
import { createInterface } from 'node:readline';
import { OcmError } from '../../../common/errors';
import type { AdminResult, InstanceConfig, Progress, RowSelection } from '../../../common/model';
import type { IAdminService } from '../../../common/services';
import { instanceLookup, openServices, type InstanceLookup, type OpenServices } from '../cli-services';
import { FLAG, flag, option, VALUE, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { CHANGE_FILTER_OPTIONS, changeFilter } from './changes';

/** Reads one line typed by the user (undefined at end of input). */
export type ReadLine = (prompt: string, io: CliIo) => Promise<string | undefined>;

/** Options shared by the admin command factories. */
export interface AdminCommandOptions {
  /** How the services are opened; default: the mirror in $OCM_HOME. */
  open?: OpenServices;
  /** How the typed instance name is read; default: one line from stdin. */
  readLine?: ReadLine;
}

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

/** A visible instance by name (exact, then case-insensitive) or id. */
export function findInstance(lookup: InstanceLookup, nameOrId: string): InstanceConfig | undefined {
  const id = lookup.idOf(nameOrId);
  return lookup.visible.find((instance) => instance.id === id) ?? lookup.visible.find((instance) => instance.name.toLowerCase() === nameOrId.toLowerCase());
}

/** The instance named by `--instance`, or a usage error. */
export function requiredInstance(args: ParsedArgs, lookup: InstanceLookup, usage: string): InstanceConfig {
  const name = option(args, 'instance');
  if (!name) usageError('--instance NAME is required.', usage);
  const instance = findInstance(lookup, name);
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
export async function withProgress<T>(admin: IAdminService, io: CliIo, label: string, work: () => Promise<T>): Promise<T> {
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

/** Creates `ocm delete` (the default opens the mirror in $OCM_HOME). */
export function createDeleteCommand(options: AdminCommandOptions = {}): CliCommand {
  const open = options.open ?? openServices;
  const readLine = options.readLine ?? readLineFromStdin;
  return {
    path: ['delete'],
    summary: 'Delete change-log rows on a server (preview first; history keeps them)',
    usage,
    options: { ...CHANGE_FILTER_OPTIONS, id: VALUE, apply: FLAG, 'yes-i-typed': VALUE },
    // `--id 12 15 40`: ids after the first may come as separate words.
    positionals: true,
    async run(args, io) {
      const app = await open(io);
      try {
        const { admin, instances } = app.services;
        const lookup = instanceLookup(await instances.list({ includeRemoved: true }));
        const instance = requiredInstance(args, lookup, usage);
        const selection = selectionFrom(args, lookup);
        const preview = await admin.previewDelete(instance.id, selection);
        io.out(`${preview.count.toLocaleString('en-US')} ${preview.count === 1 ? 'row' : 'rows'} on ${preview.instanceName} would be deleted on the server.`);
        if (!preview.canDelete) throw new OcmError('access-error', preview.reason ?? `You may not delete change-log rows on ${instance.name}.`);
        if (preview.count === 0) return 0;
        if (!flag(args, 'apply')) {
          io.out('Nothing was deleted. Run again with --apply to delete them.');
          return 0;
        }
        const typedName = await typedConfirmation(args, io, instance, preview.count, 'change-log rows', readLine);
        const result = await withProgress(admin, io, 'Deleting', () => admin.deleteRows(instance.id, selection, { typedName }));
        return reportResult(io, result, instance);
      } finally {
        await app.close();
      }
    },
  };
}

function selectionFrom(args: ParsedArgs, lookup: InstanceLookup): RowSelection {
  if (args.options.has('id')) {
    const words = [option(args, 'id') ?? '', ...args.positionals].join(',');
    const ids = words.split(',').map((word) => word.trim()).filter(Boolean).map(Number);
    if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) usageError('--id needs server row ids, e.g. --id 12,15,40.', usage);
    return { serverIds: ids };
  }
  const filter = changeFilter(args, lookup, Date.now());
  delete filter.instanceIds;
  return { filter };
}

/** `ocm delete` over the mirror in $OCM_HOME. */
export const deleteCommand: CliCommand = createDeleteCommand();
