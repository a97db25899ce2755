import { afterEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../../src-main/common/model';
import { OcmError } from '../../../src-main/common/errors';
import { harness, instance, mirrorRow, type Harness } from './fixtures';

let current: Harness | undefined;
afterEach(() => current?.close());

/** A harness whose server and mirror both hold rows 1..count (res.partner, record = id). */
function withRows(count: number, options: Parameters<typeof harness>[0] = {}): Harness {
  const rows = Array.from({ length: count }, (_, index) => mirrorRow(index + 1, index % 2 ? 'sale.order' : 'res.partner', index + 1, 'write'));
  current = harness({ rows, ...options });
  for (const row of rows) current.client.addLogRow(row.serverId, row.model, row.recordId, row.event);
  return current;
}

describe('previewDelete', () => {
  it('counts the rows still present and names the instance', async () => {
    const h = (current = harness({ rows: [mirrorRow(1, 'res.partner', 7, 'write'), mirrorRow(2, 'res.partner', 8, 'write', { removed: true })] }));
    const preview = await h.service.previewDelete('i1', { filter: {} });
    expect(preview).toEqual({ instanceId: 'i1', instanceName: 'Test ERP', count: 1, requiresTypedName: false, canDelete: true });
  });

  it('requires the typed name for production instances and over the threshold', async () => {
    const h = withRows(5, { threshold: 3 });
    expect((await h.service.previewDelete('i1', { filter: { models: ['res.partner'] } })).requiresTypedName).toBe(false);
    expect((await h.service.previewDelete('i1', { filter: {} })).requiresTypedName).toBe(true);
    h.close();
    const prod = withRows(1, { instances: [instance({ production: true })] });
    expect((await prod.service.previewDelete('i1', { keys: ['k1'] })).requiresTypedName).toBe(true);
  });

  it('says plainly when the user may not delete', async () => {
    const h = withRows(2);
    h.client.mayDelete = false;
    const preview = await h.service.previewDelete('i1', { keys: ['k1'] });
    expect(preview.canDelete).toBe(false);
    expect(preview.reason).toBe('User demo may not delete change-log rows on Test ERP.');
  });

  it('rejects an unknown instance', async () => {
    const h = withRows(1);
    await expect(h.service.previewDelete('nope', { keys: ['k1'] })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('deleteRows', () => {
  it('deletes in batches, marks the rows removed by the user and journals the action', async () => {
    const h = withRows(12, { service: { deleteBatchSize: 5 } });
    const progress: Progress[] = [];
    h.service.onDidProgress((event) => progress.push(event));
    const result = await h.service.deleteRows('i1', { filter: {} }, {});
    expect(result).toMatchObject({ requested: 12, deleted: 12, result: 'ok' });
    expect(h.client.calledMethods('unlink').map((call) => call.ids!.length)).toEqual([5, 5, 2]);
    expect(h.client.log.size).toBe(0);
    expect(h.marker.marked).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
    expect(progress.filter((event) => event.phase === 'delete').map((event) => event.done)).toEqual([0, 5, 10, 12]);
    const [entry] = await h.service.journal();
    expect(entry).toMatchObject({
      id: result.journalId,
      actor: 'tester as demo',
      instanceId: 'i1',
      instanceName: 'Test ERP',
      action: 'delete-rows',
      description: '12 rows matching all rows',
      requested: 12,
      succeeded: 12,
      result: 'ok',
      at: '2026-11-30T12:00:00Z',
    });
    expect(entry.error).toBeUndefined();
    expect(h.journal.detail(result.journalId)).toEqual({ filter: {} });
  });

  it('waits for a marker that answers later (the PostgreSQL store) before the next batch and the result', async () => {
    const marked: number[][] = [];
    const h = withRows(7, {
      service: {
        deleteBatchSize: 3,
        marker: {
          async markRemovedByUser(_instanceId, serverIds) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            marked.push([...serverIds]);
            return serverIds.length;
          },
        },
      },
    });
    const unlinked: number[] = [];
    h.service.onDidProgress((event) => {
      if (event.phase === 'delete' && event.done > 0) unlinked.push(marked.length);
    });
    const result = await h.service.deleteRows('i1', { filter: {} }, {});
    expect(result).toMatchObject({ requested: 7, deleted: 7, result: 'ok' });
    expect(marked).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    // Each batch's progress is reported after its rows were marked.
    expect(unlinked).toEqual([1, 2, 3]);
  });

  it('deletes one row by key and describes it', async () => {
    const h = withRows(3);
    const result = await h.service.deleteRows('i1', { keys: ['k2'] }, {});
    expect(result.deleted).toBe(1);
    expect([...h.client.log.keys()]).toEqual([1, 3]);
    expect((await h.service.journal())[0].description).toBe('row 2 (sale.order #2 write)');
  });

  it('writes the journal row before the first request to the server', async () => {
    const h = withRows(3);
    let seenDuringAction: unknown;
    h.client.beforeUnlink = () => {
      seenDuringAction = h.journal.list()[0];
    };
    await h.service.deleteRows('i1', { filter: {} }, {});
    expect(seenDuringAction).toMatchObject({ result: 'failed', succeeded: 0, error: expect.stringMatching(/did not finish/) });
  });

  it('refuses without the typed name when required, and deletes nothing', async () => {
    const h = withRows(3, { instances: [instance({ production: true })] });
    await expect(h.service.deleteRows('i1', { filter: {} }, {})).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('"Test ERP"') });
    await expect(h.service.deleteRows('i1', { filter: {} }, { typedName: 'Test' })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(h.client.calledMethods('unlink')).toHaveLength(0);
    expect(h.client.log.size).toBe(3);
    const result = await h.service.deleteRows('i1', { filter: {} }, { typedName: 'Test ERP' });
    expect(result.deleted).toBe(3);
  });

  it('refuses over the threshold without the typed name', async () => {
    const h = withRows(4, { threshold: 3 });
    await expect(h.service.deleteRows('i1', { filter: {} }, {})).rejects.toThrow(/4 rows is more than 3/);
  });

  it('reports an AccessError plainly and journals it as failed', async () => {
    const h = withRows(2);
    h.client.mayDelete = false;
    const failure = await h.service.deleteRows('i1', { filter: {} }, {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OcmError);
    expect(failure).toMatchObject({ code: 'access-error', message: 'User demo may not delete change-log rows on Test ERP.' });
    expect(h.client.calledMethods('unlink')).toHaveLength(0);
    expect((await h.service.journal())[0]).toMatchObject({ result: 'failed', succeeded: 0, error: 'User demo may not delete change-log rows on Test ERP.' });
  });

  it('stops between batches when cancelled and says how far it got', async () => {
    const h = withRows(10, { service: { deleteBatchSize: 3 } });
    h.service.onDidProgress((event) => {
      if (event.phase === 'delete' && event.done === 3) void h.service.cancel(event.jobId);
    });
    const result = await h.service.deleteRows('i1', { filter: {} }, {});
    expect(result).toMatchObject({ requested: 10, deleted: 3, result: 'cancelled', error: { code: 'cancelled' } });
    expect(h.client.log.size).toBe(7);
    expect(h.marker.marked).toEqual([1, 2, 3]);
    expect((await h.service.journal())[0]).toMatchObject({ result: 'cancelled', succeeded: 3 });
  });

  it('reports a partial result when a later batch fails', async () => {
    const h = withRows(6, { service: { deleteBatchSize: 2 } });
    h.client.beforeUnlink = (_ids, count) => {
      if (count === 2) throw new OcmError('network-reset', 'The connection dropped.');
    };
    const result = await h.service.deleteRows('i1', { filter: {} }, {});
    expect(result).toMatchObject({ deleted: 2, result: 'partial', error: { code: 'network-reset' } });
    expect((await h.service.journal())[0]).toMatchObject({ result: 'partial', succeeded: 2, error: 'The connection dropped.' });
  });

  it('skips rows another consumer already deleted', async () => {
    const h = withRows(4);
    h.client.log.delete(2);
    const result = await h.service.deleteRows('i1', { filter: {} }, {});
    expect(result).toMatchObject({ requested: 4, deleted: 3, result: 'ok' });
    expect(h.marker.marked).toEqual([1, 3, 4]);
  });

  it('refuses rows of another instance and empty selections', async () => {
    const h = (current = harness({ rows: [mirrorRow(1, 'res.partner', 1, 'write', { instanceId: 'other' })] }));
    await expect(h.service.deleteRows('i1', { keys: ['k1'] }, {})).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(h.service.deleteRows('i1', { keys: ['missing'] }, {})).rejects.toMatchObject({ code: 'invalid-input' });
    expect(h.journal.list()).toEqual([]);
  });
});
