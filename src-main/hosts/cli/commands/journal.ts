/** `ocm journal [--instance NAME] [--limit N] [--csv [--bom] | --json]`: the admin-action journal. */
import { OcmError } from '../../../common/errors';
import { journalToCsv, journalToJson } from '../../../reports/journal-export';
import { instanceLookup, openServices, type OpenServices } from '../cli-services';
import { FLAG, flag, option, VALUE, type CliCommand } from '../command';
import { usageError } from '../run-cli';
import { findInstance } from './delete';

const usage = `Usage: ocm journal [--instance NAME] [--limit N] [--csv [--bom] | --json]

Lists the admin actions taken on servers (deletions, orphan cleanups), newest first: who, when, which
instance, what, how many, and the result. An action still marked "failed" with "did not finish" was
interrupted.`;

/** Creates `ocm journal` over the services `open` gives (default: the mirror in $OCM_HOME). */
export function createJournalCommand(open: OpenServices = openServices): CliCommand {
  return {
    path: ['journal'],
    summary: 'List admin actions taken on servers (--csv/--json to export)',
    usage,
    options: { instance: VALUE, limit: VALUE, csv: FLAG, bom: FLAG, json: FLAG },
    async run(args, io) {
      if (flag(args, 'csv') && flag(args, 'json')) usageError('Choose --csv or --json, not both.', usage);
      const limitText = option(args, 'limit');
      const limit = limitText === undefined ? 10_000 : Number(limitText);
      if (!Number.isSafeInteger(limit) || limit < 1) usageError('--limit needs a whole number of at least 1.', usage);
      const app = await open(io);
      try {
        const { admin, instances } = app.services;
        const name = option(args, 'instance');
        const instance = name === undefined ? undefined : findInstance(instanceLookup(await instances.list()), name);
        if (name !== undefined && !instance) throw new OcmError('invalid-input', `There is no instance named "${name}".`, { hint: '`ocm instance list` shows the names.' });
        const entries = await admin.journal({ instanceId: instance?.id, limit });
        if (flag(args, 'csv')) io.out(journalToCsv(entries, { bom: flag(args, 'bom') }).replace(/\r\n$/, ''));
        else if (flag(args, 'json')) io.out(journalToJson(entries).trimEnd());
        else if (entries.length === 0) io.out('No admin actions yet.');
        else {
          for (const entry of entries) {
            const error = entry.error ? ` — ${entry.error}` : '';
            io.out(`${entry.at}  #${entry.id}  ${entry.result.toUpperCase().padEnd(9)} ${entry.instanceName}: ${entry.action} ${entry.description}; ${entry.succeeded}/${entry.requested} by ${entry.actor}${error}`);
          }
        }
        return 0;
      } finally {
        await app.close();
      }
    },
  };
}

/** `ocm journal` over the mirror in $OCM_HOME. */
export const journalCommand: CliCommand = createJournalCommand();
