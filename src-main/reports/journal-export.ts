/** Export of the admin-action journal (CSV with the same injection-safe encoder, or JSON). */
import type { JournalEntry } from '../common/model';
import { UTF8_BOM, csvLine } from './csv';

/** Column names of a journal CSV, in order. */
export const JOURNAL_COLUMNS = ['id', 'at', 'actor', 'instance_id', 'instance_name', 'action', 'description', 'requested', 'succeeded', 'result', 'error'] as const;

/** The journal as CSV text (CRLF records, optional BOM). */
export function journalToCsv(entries: readonly JournalEntry[], options: { bom?: boolean } = {}): string {
  let text = (options.bom ? UTF8_BOM : '') + csvLine(JOURNAL_COLUMNS);
  for (const entry of entries) {
    text += csvLine([
      entry.id,
      entry.at,
      entry.actor,
      entry.instanceId,
      entry.instanceName,
      entry.action,
      entry.description,
      entry.requested,
      entry.succeeded,
      entry.result,
      entry.error,
    ]);
  }
  return text;
}

/** The journal as a pretty-printed JSON array. */
export function journalToJson(entries: readonly JournalEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}
