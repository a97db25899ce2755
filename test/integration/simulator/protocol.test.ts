/**
 * Our addon's protocol 2 over the wire: callable over XML-RPC, JSON-RPC and JSON-2 (named arguments),
 * answering only values XML-RPC can marshal (digest sums beyond 2**31 included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCall, parseMethodResponse } from '../../../src-main/simulator/codec/xmlrpc';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator/index';

let eighteen: RunningSimulator;
let nineteen: RunningSimulator;

beforeAll(async () => {
  eighteen = await startSimulator({ flavour: 'fixed', databases: [{ name: 'big', demo: false, syntheticRows: 0 }] });
  nineteen = await startSimulator({ odoo: 19 });
  eighteen.database('big').seedWebhookRows(5000, { firstId: 295001 });
});

afterAll(async () => {
  await eighteen?.close();
  await nineteen?.close();
});

async function executeKw(method: string, args: unknown[], kwargs: object = {}): Promise<{ fault: boolean; value: unknown }> {
  const response = await fetch(`${eighteen.url}/xmlrpc/2/object`, { method: 'POST', body: formatCall('execute_kw', ['big', 2, 'admin', 'update.webhook', method, args, kwargs] as never) });
  return parseMethodResponse(await response.text());
}

describe('protocol 2 over XML-RPC', () => {
  it('advertises itself and answers digest sums far beyond 2**31', async () => {
    expect(await executeKw('protocol_version', [])).toEqual({ fault: false, value: 2 });
    const fields = (await executeKw('fields_get', [], { attributes: ['type'] })).value as Record<string, { type: string }>;
    expect(fields.changed_values).toEqual({ type: 'text' });
    const answer = await executeKw('digest', [[[295001, 300000]]]);
    expect(answer.fault).toBe(false);
    const [[count, idSum]] = answer.value as number[][];
    expect(count).toBe(5000);
    expect(idSum).toBe(((295001 + 300000) * 5000) / 2);
  });

  it('answers sync_state with the rows after a cursor', async () => {
    const answer = await executeKw('sync_state', [], { cursor: 299990, limit: 100, fields: ['model', 'record_id', 'event', 'timestamp'] });
    const state = answer.value as { max_id: number; rows: Array<{ id: number }>; cursor_row: unknown };
    expect(state.max_id).toBe(300000);
    expect(state.rows.map((row) => row.id)).toEqual(Array.from({ length: 10 }, (_, index) => 299991 + index));
    expect(state.cursor_row).toEqual([expect.any(String), expect.any(Number), expect.any(String)]);
  });
});

describe('protocol 2 over JSON-2 (19)', () => {
  it('takes named arguments and sees deletions as tombstones', async () => {
    const db = nineteen.database('seed');
    const call = async (method: string, body: object) => {
      const response = await fetch(`${nineteen.url}/json/2/update.webhook/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `bearer ${db.apiKey('admin')}`, 'X-Odoo-Database': 'seed' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    const before = await call('sync_state', { cursor: 0, limit: 0 });
    db.deleteWebhookRows([3, 5]);
    const after = await call('sync_state', { tombstone_cursor: before.tombstone_id, cursor: before.max_id });
    expect(after).toMatchObject({ tombstones: [3, 5], count: (before.count as number) - 2, log: before.log });
    expect(await call('digest', { ranges: [[1, 5]] })).toEqual([[3, 7, expect.any(Number)]]);
  });
});
