/** Server deletes and orphan cleanup on instances watched without the module, and on tracking rows. */
import { afterEach, describe, expect, it } from 'vitest';
import { harness, instance, mirrorRow, type Harness } from './fixtures';

let current: Harness | undefined;
afterEach(() => current?.close());

describe('an instance watched without the module', () => {
  it('refuses server deletes and orphan cleanup with the reason, and previews nothing to delete', async () => {
    const h = (current = harness({ instances: [instance({ source: 'polling' })], rows: [{ ...mirrorRow(-1, 'res.partner', 7, 'write'), origin: 'polling' }] }));
    const preview = await h.service.previewDelete('i1', { keys: ['k-1'] });
    expect(preview).toMatchObject({ count: 0, canDelete: false, error: { code: 'invalid-input' } });
    expect(preview.reason).toContain('watched without the auto_webhook module');
    const reason = /no change log on the server to delete rows from or clean/;
    await expect(h.service.deleteRows('i1', { keys: ['k-1'] }, {})).rejects.toThrow(reason);
    await expect(h.service.findOrphans('i1', { includeUnlink: false })).rejects.toThrow(reason);
    await expect(h.service.cleanOrphans('i1', ['i1:1'], {})).rejects.toThrow(reason);
    expect(h.client.calls.filter((call) => call.method === 'unlink')).toEqual([]);
    expect(await h.service.journal()).toEqual([]);
  });
});

describe('a module instance enriched with Odoo tracking values', () => {
  it('deletes only the rows of the server\'s change log, never the tracking events beside them', async () => {
    const rows = [mirrorRow(1, 'res.partner', 7, 'write'), { ...mirrorRow(-4, 'res.partner', 7, 'write'), origin: 'tracking' as const }];
    const h = (current = harness({ rows }));
    h.client.addLogRow(1, 'res.partner', 7, 'write');
    expect((await h.service.previewDelete('i1', { filter: {} })).count).toBe(1);
    const result = await h.service.deleteRows('i1', { keys: ['k1', 'k-4'] }, {});
    expect(result).toMatchObject({ requested: 1, deleted: 1 });
    expect(h.client.calls.filter((call) => call.method === 'unlink').map((call) => call.ids)).toEqual([[1]]);
  });
});
