import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED } from '../../../src-main/store/repositories/journal';
import { journalToCsv, journalToJson } from '../../../src-main/reports/journal-export';
import { harness, type Harness } from './fixtures';

let current: Harness | undefined;
afterEach(() => current?.close());

describe('journal', () => {
  it('lists entries newest first, per instance, and keeps interrupted actions as failed', () => {
    const h = (current = harness());
    const base = { actor: 'ana as admin', action: 'delete-rows' as const, requested: 3 };
    const first = h.journal.begin({ ...base, at: new Date('2026-11-01T10:00:00Z'), instanceId: 'i1', instanceName: 'One', description: '3 rows' });
    h.journal.finish(first, { succeeded: 3, result: 'ok' });
    h.journal.begin({ ...base, at: new Date('2026-11-02T10:00:00Z'), instanceId: 'i2', instanceName: 'Two', description: '=1+1 rows' });
    const entries = h.journal.list();
    expect(entries.map((entry) => entry.instanceName)).toEqual(['Two', 'One']);
    expect(entries[0]).toMatchObject({ result: 'failed', error: INTERRUPTED, succeeded: 0 });
    expect(entries[1]).toMatchObject({ result: 'ok', succeeded: 3, at: '2026-11-01T10:00:00Z' });
    expect(h.journal.list({ instanceId: 'i1' })).toHaveLength(1);
    expect(h.journal.list({ limit: 1 })).toHaveLength(1);
  });

  it('exports as injection-safe CSV and as JSON', () => {
    const h = (current = harness());
    h.journal.begin({ at: new Date('2026-11-02T10:00:00Z'), actor: 'ana as admin', instanceId: 'i2', instanceName: 'Two', action: 'clean-orphans', description: '=1+1 rows', requested: 1 });
    const entries = h.journal.list();
    const csv = journalToCsv(entries, { bom: true });
    expect(csv.startsWith('\uFEFFid,at,actor,')).toBe(true);
    expect(csv).toContain(",'=1+1 rows,");
    expect(JSON.parse(journalToJson(entries))).toEqual(entries);
  });
});
