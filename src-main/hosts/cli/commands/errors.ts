/** `ocm errors`: the mirrored error log, as rows (newest first) or as groups of the same message. */
import type { ErrorFilter } from '../../../common/model';
import { instanceLookup, openServices, type OpenServices } from '../cli-services';
import { FLAG, flag, option, VALUE, type CliCommand } from '../command';
import { usageError } from '../run-cli';
import { textTable } from '../text-table';
import { instanceOption, listOption, localTime, positiveInteger, timeOption } from './changes';

const usage = `Usage: ocm errors [--groups] [--text WORDS] [--instance NAME[,NAME…]] [--model MODEL[,MODEL…]]
                  [--since 1d|ISO] [--until ISO] [--limit N] [--json]

Prints the mirrored error log (webhook.errors), newest first (default: the latest 100 rows).
  --groups   one line per kind of error: messages that differ only in numbers, ids or quoted values
  --text     full-text search in messages (every word must appear; a trailing * matches a prefix)`;

/** Default rows printed without --limit. */
const DEFAULT_LIMIT = 100;
/** Longest message text shown in a table cell (the full message is in --json). */
const MESSAGE_WIDTH = 120;

/** Creates `ocm errors` over the services `open` gives (read-only; closed when the command ends). */
export function createErrorsCommand(open: OpenServices = openServices, options: { now?: () => number } = {}): CliCommand {
  const now = options.now ?? Date.now;
  return {
    path: ['errors'],
    summary: 'Print the mirrored error log, or its groups of similar errors',
    usage,
    options: { groups: FLAG, text: VALUE, instance: VALUE, model: VALUE, since: VALUE, until: VALUE, limit: VALUE, json: FLAG },
    async run(args, io) {
      const limit = positiveInteger(args, 'limit') ?? DEFAULT_LIMIT;
      if (flag(args, 'groups') && args.options.has('limit')) usageError('--limit applies to rows, not to --groups.', usage);
      const app = await open(io, { readonly: true });
      try {
        const { changes, instances } = app.services;
        const lookup = instanceLookup(await instances.list({ includeRemoved: true }));
        const filter: ErrorFilter = {
          instanceIds: instanceOption(args, lookup),
          models: listOption(args, 'model'),
          from: timeOption(args, 'since', now()),
          to: timeOption(args, 'until', now()),
          text: option(args, 'text'),
        };
        const name = lookup.nameOf;
        if (flag(args, 'groups')) {
          const groups = await changes.errorGroups(filter);
          if (flag(args, 'json')) {
            io.out(JSON.stringify(groups.map((group) => ({ ...group, instanceNames: group.instanceIds.map(name) })), null, 2));
          } else if (groups.length === 0) {
            io.out('No errors match.');
          } else {
            io.out(textTable(['COUNT', 'LAST SEEN', 'FIRST SEEN', 'INSTANCES', 'MODELS', 'ERROR'], groups.map((group) => [
              String(group.count), localTime(group.lastSeen), localTime(group.firstSeen), group.instanceIds.map(name).join(', '),
              group.models.join(', '), shorten(group.title),
            ]), [0]));
          }
          return 0;
        }
        const rows = await changes.errors(filter, { limit });
        if (flag(args, 'json')) {
          io.out(JSON.stringify(rows.map((row) => ({ ...row, instanceName: name(row.instanceId) })), null, 2));
        } else if (rows.length === 0) {
          io.out('No errors match.');
        } else {
          io.out(textTable(['INSTANCE', 'TIME', 'MODEL', 'RECORD', 'MESSAGE'], rows.map((row) => [
            name(row.instanceId), localTime(row.timestamp), row.model, String(row.recordId),
            shorten(row.message) + (row.removedAt ? ' [removed on server]' : ''),
          ]), [3]));
        }
        return 0;
      } finally {
        await app.close();
      }
    },
  };
}

/** `ocm errors` over the mirror in $OCM_HOME (read-only). */
export const errorsCommand: CliCommand = createErrorsCommand();

function shorten(message: string): string {
  const line = message.split('\n')[0].trim();
  return line.length > MESSAGE_WIDTH ? `${line.slice(0, MESSAGE_WIDTH - 1)}…` : line;
}
