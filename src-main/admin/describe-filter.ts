/** Human descriptions of what an admin action targets, for confirmations and the journal. */
import type { ChangeFilter } from '../common/model';

/** e.g. `model=res.partner, event=write, from 2026-11-01T00:00:00Z` ("all rows" when empty). */
export function describeFilter(filter: ChangeFilter): string {
  const parts: string[] = [];
  if (filter.models?.length) parts.push(`model=${filter.models.join('|')}`);
  if (filter.events?.length) parts.push(`event=${filter.events.join('|')}`);
  if (filter.recordId !== undefined) parts.push(`record=${filter.recordId}`);
  if (filter.from) parts.push(`from ${filter.from}`);
  if (filter.to) parts.push(`to ${filter.to}`);
  if (filter.text) parts.push(`text "${filter.text}"`);
  if (filter.users?.length) parts.push(`user=${filter.users.join('|')}`);
  if (filter.changedField) parts.push(`field=${filter.changedField}`);
  return parts.length ? parts.join(', ') : 'all rows';
}
