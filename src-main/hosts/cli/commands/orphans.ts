/**
 * `ocm orphans --instance NAME [--include-unlink] [--json] [--apply]`: scans the server's change log for
 * rows whose record no longer exists, prints the preview (model, record id, events, why), and with
 * `--apply` deletes them after the typed instance name.
 */
import type { OrphanCandidate, OrphanPreview } from '../../../common/model';
import { instanceLookup, openServices } from '../cli-services';
import { FLAG, flag, VALUE, type CliCommand, type CliIo } from '../command';
import { textTable } from '../text-table';
import { readLineFromStdin, reportResult, requiredInstance, typedConfirmation, withProgress, type AdminCommandOptions } from './delete';

const usage = `Usage: ocm orphans --instance NAME [--include-unlink] [--json] [--apply [--yes-i-typed NAME]]

Finds change-log rows whose record no longer exists on the server (archived records are not orphans).
  --include-unlink   also list deletion rows (they record a deletion, so they are kept by default)
  --json             print the preview as JSON
  --apply            delete the orphans, after typing the instance name (read from stdin)
  --yes-i-typed NAME the instance name, for scripts`;

/** One line of the preview: a record and its orphaned rows. */
interface RecordLine {
  model: string;
  recordId: number;
  events: string[];
  reasons: string[];
  rows: number;
}

/** Groups orphans by record, keeping the preview's order (model, then record id). */
export function groupByRecord(orphans: readonly OrphanCandidate[]): RecordLine[] {
  const lines = new Map<string, RecordLine>();
  for (const orphan of orphans) {
    const key = `${orphan.model}\u0000${orphan.recordId}`;
    let line = lines.get(key);
    if (!line) lines.set(key, (line = { model: orphan.model, recordId: orphan.recordId, events: [], reasons: [], rows: 0 }));
    line.rows++;
    if (!line.events.includes(orphan.event)) line.events.push(orphan.event);
    if (!line.reasons.includes(orphan.reason)) line.reasons.push(orphan.reason);
  }
  return [...lines.values()];
}

/** The preview as a text table plus a summary. */
export function formatOrphanPreview(scan: OrphanPreview, instanceName: string): string {
  const records = groupByRecord(scan.orphans);
  const out: string[] = [
    `Orphan scan of ${instanceName}: ${scan.checkedRows.toLocaleString('en-US')} log rows checked in ${scan.requests.toLocaleString('en-US')} requests.`,
  ];
  if (records.length) {
    const header = ['MODEL', 'RECORD', 'EVENTS', 'WHY'];
    const cells = records.map((line) => [line.model, String(line.recordId), line.events.join(', '), line.reasons.join('; ')]);
    out.push('', textTable(header, cells, [1]), '');
  }
  out.push(`${scan.orphans.length.toLocaleString('en-US')} orphaned ${scan.orphans.length === 1 ? 'row' : 'rows'} (${records.length.toLocaleString('en-US')} ${records.length === 1 ? 'record' : 'records'}).`);
  if (scan.missingModels.length) out.push(`Not installed on the server, rows not judged: ${scan.missingModels.join(', ')}.`);
  if (scan.unreadableModels.length) out.push(`Not readable by this user, rows not judged: ${scan.unreadableModels.map((model) => model.model).join(', ')}.`);
  return out.join('\n');
}

/** Creates `ocm orphans` (the default opens the mirror in $OCM_HOME). */
export function createOrphansCommand(options: AdminCommandOptions = {}): CliCommand {
  const open = options.open ?? openServices;
  const readLine = options.readLine ?? readLineFromStdin;
  return {
    path: ['orphans'],
    summary: 'Find change-log rows whose record no longer exists (--apply deletes them)',
    usage,
    options: { instance: VALUE, 'include-unlink': FLAG, json: FLAG, apply: FLAG, 'yes-i-typed': VALUE },
    async run(args, io: CliIo) {
      const app = await open(io);
      try {
        const { admin, instances } = app.services;
        const instance = requiredInstance(args, instanceLookup(await instances.list()), usage);
        const scan = await withProgress(admin, io, 'Scanning', () => admin.findOrphans(instance.id, { includeUnlink: flag(args, 'include-unlink') }));
        if (flag(args, 'json')) io.out(JSON.stringify(scan, null, 2));
        else io.out(formatOrphanPreview(scan, instance.name));
        if (!flag(args, 'apply') || scan.orphans.length === 0) {
          if (scan.orphans.length && !flag(args, 'json')) io.out('Nothing was deleted. Run again with --apply to delete them.');
          return 0;
        }
        const typedName = await typedConfirmation(args, io, instance, scan.orphans.length, 'orphaned change-log rows', readLine);
        const keys = scan.orphans.map((orphan) => orphan.key);
        const result = await withProgress(admin, io, 'Deleting', () => admin.cleanOrphans(instance.id, keys, { typedName }));
        return reportResult(io, result, instance);
      } finally {
        await app.close();
      }
    },
  };
}

/** `ocm orphans` over the mirror in $OCM_HOME. */
export const orphansCommand: CliCommand = createOrphansCommand();
