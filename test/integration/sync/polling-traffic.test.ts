/**
 * The polling source against ten minutes of traffic at 20 changes per second on a simulated Odoo without
 * the module, in simulated time (the simulator's clock moves 50 ms per change; a pass every 2 s), over
 * real HTTP into a real SQLite file. Checked against what the server really did:
 *
 * - every record created after the baseline and seen by a pass has exactly one create event;
 * - every record deleted is an unlink event by the second pass after it vanished;
 * - every write is told by a write (polling) or tracking event of its record at or after it, by the
 *   next check of its model (several writes between two checks merge into one);
 * - every tracked write of a record that still exists is one tracking event with its values;
 * - no event is there twice, and a record never seen (created and deleted between two passes) has none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_WATCHED_MODELS, type ChangeRow } from '../../../src-main/common/model';
import { startSimulator, type RunningSimulator, type TrafficOperation } from '../../../src-main/simulator';
import { iterateChanges } from '../../../src-main/store/queries/change-queries';
import { openStore } from '../../../src-main/store/store';
import { connectTarget } from '../../../src-main/sync/connect';
import { runSyncPass } from '../../../src-main/sync/pass';
import { pollingSource } from '../../../src-main/sync/polling/source';
import { syncTarget } from '../../unit/sync/targets';

const RATE = 20;
const SECONDS = Number(process.env.POLLING_SECONDS ?? 600);
const PASS_EVERY = 2;
/** Passes between two checks of an idle model: ten models, two checked per idle pass. */
const IDLE_PASSES = 5;
let serverMs = Date.UTC(2026, 11, 1, 8, 0, 0);
let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 4, now: () => new Date(serverMs), databases: [{ name: 'plain', module: false }], trafficDatabases: ['plain'] });
  dir = mkdtempSync(join(tmpdir(), 'ocm-polling-traffic-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('mirrors ten minutes of traffic at 20 changes per second: every change, no duplicate, deletions within two passes', { timeout: 120_000 }, async () => {
  const db = sim.database('plain');
  const store = openStore(join(dir, 'mirror.sqlite'));
  const instanceId = 'traffic';
  const target = syncTarget({ id: instanceId, url: sim.url, db: 'plain', transport: 'jsonrpc', source: 'polling' });
  const { client, capabilities } = await connectTarget(target, new AbortController().signal);
  const source = pollingSource({ server: `${sim.url}|plain`, models: DEFAULT_WATCHED_MODELS });
  const now = () => Math.floor(serverMs / 1000);
  const models = [...DEFAULT_WATCHED_MODELS];
  const snapshot = () => new Map(models.map((model) => [model, new Set(db.recordIds(model))]));
  /** The records of each model at each pass, and the operations (with the pass they came before). */
  const seen: Map<string, Set<number>>[] = [];
  const operations: (TrafficOperation & { at: number; pass: number })[] = [];
  sim.traffic.onOperation((operation) => operations.push({ ...operation, at: Math.floor(serverMs / 1000), pass: seen.length }));
  /** The pass at which each unlink event first appeared. */
  const unlinkSeenAt = new Map<string, number>();
  let lastKey = 0;
  const rows = () => [...iterateChanges(store.db, { instanceIds: [instanceId] }, { batchSize: 5000 })];
  const pass = async () => {
    seen.push(snapshot());
    await runSyncPass({ store, client, capabilities, instanceId, now, source });
    const unlinks = store.db.prepare("SELECT model, record_id FROM changes WHERE instance_id = ? AND event = 'unlink' AND id > ?").all(instanceId, lastKey) as { model: string; record_id: number }[];
    for (const row of unlinks) if (!unlinkSeenAt.has(`${row.model}#${row.record_id}`)) unlinkSeenAt.set(`${row.model}#${row.record_id}`, seen.length - 1);
    lastKey = Number(store.db.prepare('SELECT COALESCE(MAX(id), 0) FROM changes').pluck().get());
  };

  try {
    await pass(); // the baseline
    const baselineMessage = store.polling.state(instanceId)?.messageCursor ?? 0;
    for (let second = 1; second <= SECONDS; second++) {
      for (let i = 0; i < RATE; i++) {
        serverMs += 1000 / RATE;
        sim.traffic.step(1);
      }
      if (second % PASS_EVERY === 0) await pass();
    }
    for (let i = 0; i < 3; i++) {
      serverMs += PASS_EVERY * 1000;
      await pass(); // let the last changes settle
    }

    const mirrored = rows();
    const byRecord = new Map<string, ChangeRow[]>();
    for (const row of mirrored) (byRecord.get(`${row.model}#${row.recordId}`) ?? byRecord.set(`${row.model}#${row.recordId}`, []).get(`${row.model}#${row.recordId}`)!).push(row);
    const events = (model: string, id: number) => byRecord.get(`${model}#${id}`) ?? [];
    // A polling event once per record, event and time; a tracking event once per message (two tracked
    // writes of a record in one second are two messages).
    const key = (row: ChangeRow) => (row.origin === 'tracking' ? `message ${row.serverId}` : `${row.model}#${row.recordId}#${row.event}#${row.timestamp}`);
    const keys = mirrored.map(key);
    expect(keys.filter((one, index) => keys.indexOf(one) !== index)).toEqual([]);
    expect(operations.length).toBe(RATE * SECONDS);

    // Creates and deletions, from what each pass could see.
    let creates = 0;
    let deletions = 0;
    for (const model of models) {
      const ever = new Set(seen.flatMap((state) => [...state.get(model)!]));
      for (const id of ever) {
        const own = events(model, id);
        const firstPass = seen.findIndex((state) => state.get(model)!.has(id));
        const lastPass = seen.findLastIndex((state) => state.get(model)!.has(id));
        if (firstPass > 0) {
          creates++;
          expect(own.filter((row) => row.event === 'create'), `${model} #${id} created`).toHaveLength(1);
        }
        if (lastPass < seen.length - 1) {
          deletions++;
          expect(own.filter((row) => row.event === 'unlink'), `${model} #${id} deleted`).toHaveLength(1);
          expect(unlinkSeenAt.get(`${model}#${id}`)! - (lastPass + 1), `${model} #${id} found within two passes`).toBeLessThan(2);
        }
      }
      // A record never seen by a pass has no event.
      const unseen = mirrored.filter((row) => row.model === model && !ever.has(row.recordId)).map((row) => row.recordId);
      expect(unseen, `${model} records never seen by a pass`).toEqual([]);
    }
    expect(creates).toBeGreaterThan(SECONDS * 3);
    expect(deletions).toBeGreaterThan(SECONDS / 2);

    // Every write is told at or after it, within its interval (merged writes count as told).
    let writes = 0;
    for (const operation of operations.filter((candidate) => ['write', 'archive', 'unarchive', 'confirm'].includes(candidate.kind))) {
      const id = operation.recordIds[0];
      const after = seen[operation.pass];
      if (!after?.get(operation.model)!.has(id)) continue; // deleted before the next pass: nothing to tell
      writes++;
      // Told by its own event, or merged into a later one: by the next check of its model, which is the
      // next pass while the model is warm, and at most IDLE_PASSES later while it is idle.
      const told = events(operation.model, id).some((row) => {
        const at = Date.parse(row.timestamp) / 1000;
        return (row.event === 'write' || row.event === 'create') && at >= operation.at && at <= operation.at + (IDLE_PASSES + 2) * PASS_EVERY;
      });
      if (!told && process.env.DEBUG_POLLING) console.log(JSON.stringify({ operation, events: events(operation.model, id), ops: operations.filter((o) => o.model === operation.model && o.recordIds[0] === id).slice(0, 8) }, null, 1));
      expect(told, `${operation.kind} of ${operation.model} #${id} at ${operation.at}`).toBe(true);
    }
    expect(writes).toBeGreaterThan(SECONDS * 5);

    // Tracked writes: one tracking event per tracking message of the records that still exist.
    const messages = db.call('mail.message', 'search_read', [[['model', 'in', models]]], { fields: ['model', 'res_id', 'tracking_value_ids'] }) as { id: number; model: string; res_id: number; tracking_value_ids: number[] }[];
    const tracked = messages.filter((message) => message.tracking_value_ids.length > 0 && message.id > baselineMessage);
    const trackingRows = mirrored.filter((row) => row.origin === 'tracking');
    const mirroredIds = new Set(trackingRows.map((row) => -row.serverId / 2));
    for (const message of tracked) expect(mirroredIds.has(message.id), `message ${message.id}`).toBe(true);
    expect(trackingRows.every((row) => (row.values?.length ?? 0) > 0)).toBe(true);
    expect(trackingRows.length).toBeGreaterThan(SECONDS * 2);
  } finally {
    client.close();
    store.close();
  }
});
