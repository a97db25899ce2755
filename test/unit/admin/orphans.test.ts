import { afterEach, describe, expect, it } from 'vitest';
import { ORPHAN_REASONS, orphanKey, scanOrphans } from '../../../src-main/admin/orphan-scan';
import { FakeOdooClient } from './fake-odoo';
import { harness, type Harness } from './fixtures';

let current: Harness | undefined;
afterEach(() => current?.close());

/**
 * Server state: res.partner 1 exists, 2 is archived, 3 was deleted (create + unlink rows);
 * sale.order 10 is gone; x.custom is not installed; hr.employee is not readable by this user.
 */
function populate(client: FakeOdooClient): void {
  client.addRecord('res.partner', 1);
  client.addRecord('res.partner', 2, false);
  client.addLogRow(1, 'res.partner', 1, 'create');
  client.addLogRow(2, 'res.partner', 2, 'write');
  client.addLogRow(3, 'res.partner', 3, 'create');
  client.addLogRow(4, 'res.partner', 3, 'unlink');
  client.addLogRow(5, 'sale.order', 10, 'create');
  client.addLogRow(6, 'x.custom', 1, 'create');
  client.addLogRow(7, 'hr.employee', 5, 'write');
  client.missingModels.add('x.custom');
  client.unreadableModels.add('hr.employee');
}

describe('scanOrphans', () => {
  it('finds rows whose record is gone; archived records and deletion rows are not orphans', async () => {
    const client = new FakeOdooClient();
    populate(client);
    const result = await scanOrphans(client, 'i1', { includeUnlink: false });
    expect(result.orphans).toEqual([
      { key: orphanKey('i1', 3), serverId: 3, model: 'res.partner', recordId: 3, event: 'create', reason: ORPHAN_REASONS.missingRecord },
      { key: orphanKey('i1', 5), serverId: 5, model: 'sale.order', recordId: 10, event: 'create', reason: ORPHAN_REASONS.missingRecord },
    ]);
    expect(result.missingModels).toEqual(['x.custom']);
    expect(result.unreadableModels).toEqual([expect.objectContaining({ model: 'hr.employee', code: 'access-error' })]);
    expect(result.checkedRows).toBe(6);
    // Every existence check asked for archived records too.
    const checks = client.calledMethods('search');
    expect(checks.every((call) => call.context?.active_test === false)).toBe(true);
  });

  it('includes deletion rows only on request, with their own reason', async () => {
    const client = new FakeOdooClient();
    populate(client);
    const result = await scanOrphans(client, 'i1', { includeUnlink: true });
    expect(result.orphans.find((orphan) => orphan.serverId === 4)).toMatchObject({ event: 'unlink', reason: ORPHAN_REASONS.deletionRecord });
    expect(result.orphans).toHaveLength(3);
    expect(result.checkedRows).toBe(7);
  });

  it('makes one request per model and batch of ids, plus the log reads', async () => {
    const client = new FakeOdooClient();
    let id = 1;
    for (let record = 1; record <= 2500; record++) client.addLogRow(id++, 'res.partner', record, 'write');
    for (let record = 1; record <= 700; record++) client.addLogRow(id++, 'sale.order', record, 'create');
    for (let record = 1; record <= 300; record++) client.addLogRow(id++, 'sale.order', record, 'write'); // same records again
    const result = await scanOrphans(client, 'i1', { includeUnlink: false, pageSize: 1000, batchSize: 1000 });
    const reads = Math.floor(3500 / 1000) + 1;
    const checks = Math.ceil(2500 / 1000) + Math.ceil(700 / 1000);
    expect(result.requests).toBe(reads + checks);
    expect(client.calledMethods('search_read')).toHaveLength(reads);
    expect(client.calledMethods('search')).toHaveLength(checks);
    expect(client.calledMethods('search').map((call) => call.ids!.length)).toEqual([1000, 1000, 500, 700]);
  });
});

describe('AdminService orphans', () => {
  it('previews, then deletes only the rows that are still orphans, and journals it', async () => {
    const h = (current = harness());
    populate(h.client);
    const preview = await h.service.findOrphans('i1', { includeUnlink: true });
    expect(preview.orphans.map((orphan) => orphan.serverId)).toEqual([3, 4, 5]);
    expect(preview.jobId).toMatch(/^orphans-/);
    // Meanwhile: row 5 was consumed by someone else.
    h.client.log.delete(5);
    const result = await h.service.cleanOrphans('i1', preview.orphans.map((orphan) => orphan.key), {});
    expect(result).toMatchObject({ requested: 3, deleted: 2, result: 'ok' });
    expect([...h.client.log.keys()].sort()).toEqual([1, 2, 6, 7]);
    expect(h.marker.marked).toEqual([3, 4]);
    expect((await h.service.journal())[0]).toMatchObject({
      action: 'clean-orphans',
      description: '3 orphaned rows (1 skipped: already gone or no longer orphaned)',
      requested: 3,
      succeeded: 2,
      result: 'ok',
    });
  });

  it('never deletes a row whose record exists, even if asked by key', async () => {
    const h = (current = harness());
    populate(h.client);
    const result = await h.service.cleanOrphans('i1', [orphanKey('i1', 1), orphanKey('i1', 2)], {});
    expect(result.deleted).toBe(0);
    expect(h.client.calledMethods('unlink')).toHaveLength(0);
  });

  it('rejects keys of another instance', async () => {
    const h = (current = harness());
    await expect(h.service.cleanOrphans('i1', [orphanKey('other', 3)], {})).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('cancels a running scan', async () => {
    const h = (current = harness({ service: { existenceBatchSize: 10 } }));
    for (let id = 1; id <= 100; id++) h.client.addLogRow(id, 'res.partner', id, 'write');
    h.service.onDidProgress((event) => {
      if (event.phase === 'check-records' && event.done === 2) void h.service.cancel(event.jobId);
    });
    await expect(h.service.findOrphans('i1', { includeUnlink: false })).rejects.toMatchObject({ code: 'cancelled' });
    expect(h.client.calledMethods('search')).toHaveLength(2);
  });

  it('needs the typed name for a cleanup over the threshold', async () => {
    const h = (current = harness({ threshold: 1 }));
    populate(h.client);
    const keys = [orphanKey('i1', 3), orphanKey('i1', 5)];
    await expect(h.service.cleanOrphans('i1', keys, {})).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await h.service.cleanOrphans('i1', keys, { typedName: 'Test ERP' })).deleted).toBe(2);
  });
});
