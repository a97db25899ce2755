/**
 * Sync activity across processes, without a database: the publisher (order, progress throttled, statuses
 * repeated), the heard side (fresh for the sender's ttl, repetitions not re-fired), the payload trimming,
 * and SyncService's merge (its own engine's status wins, both processes' events fire).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../../src-main/common/event';
import type { InstanceId, InstanceStatus, Progress, SyncLogEntry } from '../../../src-main/common/model';
import { encodeSyncEvent, MAX_PAYLOAD_BYTES, parseSyncEvent, type HeardSyncEvent, type SyncEvent } from '../../../src-main/store/postgres/sync-events';
import type { SyncBackend } from '../../../src-main/sync/backend';
import { publishSyncActivity, RemoteSyncActivity, type LiveSyncActivity } from '../../../src-main/sync/remote-activity';
import { SyncService, type SyncServiceStore } from '../../../src-main/sync/sync-service';

function status(instanceId: InstanceId, state: InstanceStatus['state'], extra: Partial<InstanceStatus> = {}): InstanceStatus {
  return { instanceId, state, changeCount: 0, removedCount: 0, errorCount: 0, errorLog: 'readable', richFields: [], canDeleteChanges: true, ...extra };
}

/** A backend's live side that tests drive by hand. */
function fakeEngine(statuses: InstanceStatus[] = []) {
  const status = new Emitter<InstanceStatus>();
  const log = new Emitter<SyncLogEntry>();
  const progress = new Emitter<Progress & { instanceId: InstanceId }>();
  const live: LiveSyncActivity = { statuses: () => statuses, onDidChangeStatus: status.event, onDidLog: log.event, onDidProgress: progress.event };
  return { live, status, log, progress };
}

const progressOf = (instanceId: InstanceId, done: number) => ({ instanceId, jobId: `sync:${instanceId}`, phase: 'snapshot', done, total: 100 });

afterEach(() => {
  vi.useRealTimers();
});

describe('publishSyncActivity', () => {
  it('sends statuses and log lines in order, progress at most once per interval (the last of a burst after it), and drops progress a status overtook', async () => {
    vi.useFakeTimers();
    const engine = fakeEngine();
    const sent: SyncEvent[] = [];
    const publisher = publishSyncActivity(engine.live, async (event) => void sent.push(event), { ttlMs: 60_000, progressIntervalMs: 250 });
    engine.status.fire(status('a', 'syncing'));
    for (let done = 1; done <= 50; done += 1) engine.progress.fire(progressOf('a', done));
    engine.progress.fire(progressOf('b', 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((event) => (event.kind === 'progress' ? `${event.progress.instanceId}:${event.progress.done}` : event.kind))).toEqual(['status', 'a:1', 'b:1']);
    await vi.advanceTimersByTimeAsync(250);
    expect(sent.at(-1)).toEqual({ kind: 'progress', progress: progressOf('a', 50) });
    // Held progress is dropped when the status comes first.
    engine.progress.fire(progressOf('a', 60));
    engine.status.fire(status('a', 'up-to-date'));
    engine.log.fire({ id: 1, instanceId: 'a', at: '2026-12-01T12:00:00Z', level: 'info', kind: 'poll', message: 'Polled.' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.slice(-2).map((event) => event.kind)).toEqual(['status', 'log']);
    expect(sent.filter((event) => event.kind === 'progress')).toHaveLength(3);
    await publisher.close();
  });

  it("repeats the engine's statuses every third of the ttl, and sends nothing once closed", async () => {
    vi.useFakeTimers();
    const engine = fakeEngine([status('a', 'up-to-date')]);
    const sent: [SyncEvent, number][] = [];
    const publisher = publishSyncActivity(engine.live, async (event, ttlMs) => void sent.push([event, ttlMs]), { ttlMs: 3_000 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(sent).toEqual(Array(3).fill([{ kind: 'status', status: status('a', 'up-to-date') }, 3_000]));
    await publisher.close();
    engine.status.fire(status('a', 'syncing'));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(sent).toHaveLength(3);
  });

  it('keeps going after a failed send, warning once until one succeeds', async () => {
    const engine = fakeEngine();
    let fail = true;
    const sent: SyncEvent[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const publisher = publishSyncActivity(engine.live, async (event) => {
      if (fail) throw new Error('connection lost');
      sent.push(event);
    }, { ttlMs: 60_000 });
    engine.status.fire(status('a', 'syncing'));
    engine.status.fire(status('a', 'error'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    fail = false;
    engine.status.fire(status('a', 'up-to-date'));
    await publisher.close();
    expect(sent).toEqual([{ kind: 'status', status: status('a', 'up-to-date') }]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('connection lost');
    warn.mockRestore();
  });
});

describe('RemoteSyncActivity', () => {
  it("keeps the latest status heard per instance for the sender's ttl, folds progress into it, and re-fires only news", () => {
    const heard = new Emitter<HeardSyncEvent>();
    let now = 0;
    const remote = new RemoteSyncActivity(heard.event, () => now);
    const fired: InstanceStatus[] = [];
    const progress: unknown[] = [];
    remote.onDidChangeStatus((value) => fired.push(value));
    remote.onDidProgress((value) => progress.push(value));
    heard.fire({ kind: 'status', status: status('a', 'syncing'), ttlMs: 15_000 });
    heard.fire({ kind: 'progress', progress: progressOf('a', 40), ttlMs: 15_000 });
    expect(remote.statuses()).toEqual([status('a', 'syncing', { progress: { done: 40, total: 100 } })]);
    expect(progress).toEqual([progressOf('a', 40)]);
    heard.fire({ kind: 'status', status: status('a', 'up-to-date'), ttlMs: 15_000 });
    now = 5_000;
    heard.fire({ kind: 'status', status: status('a', 'up-to-date'), ttlMs: 15_000 }); // a repetition
    expect(fired.map((value) => value.state)).toEqual(['syncing', 'up-to-date']);
    now = 19_999;
    expect(remote.statuses()).toEqual([status('a', 'up-to-date')]);
    now = 20_000; // no word from the sender for a whole ttl: the instance rests again
    expect(remote.statuses()).toEqual([]);
    heard.fire({ kind: 'status', status: status('a', 'up-to-date'), ttlMs: 15_000 });
    expect(fired).toHaveLength(3); // shown again after it had expired
    remote.dispose();
  });
});

describe('the sync event payload', () => {
  it('trims long texts, then drops detail, catalogue key and parameters, to stay under the NOTIFY limit', () => {
    const long = '中'.repeat(4_000); // 12,000 bytes; 3,000 once cut, 9,000 for the three texts
    const failed = status('a', 'error', { lastError: { code: 'server-error', message: long, hint: long, detail: long } });
    const payload = encodeSyncEvent('origin', 15_000, { kind: 'status', status: failed });
    expect(payload).toBeDefined();
    expect(Buffer.byteLength(payload ?? '')).toBeLessThan(MAX_PAYLOAD_BYTES);
    const parsed = parseSyncEvent(payload ?? '');
    expect(parsed?.kind === 'status' && parsed.status.lastError).toMatchObject({ code: 'server-error', message: expect.stringMatching(/…$/) });
    expect(parsed?.kind === 'status' && parsed.status.lastError?.detail).toBeUndefined();

    // A character is never cut in half.
    const smiles = encodeSyncEvent('origin', 15_000, { kind: 'log', entry: { id: 1, instanceId: 'a', at: '2026-12-01T12:00:00Z', level: 'error', kind: 'error', message: '🙂'.repeat(2_000), params: { detail: '🙂'.repeat(2_000) } } });
    const line = parseSyncEvent(smiles ?? '');
    expect(line?.kind === 'log' && line.entry.message).toBe(`${'🙂'.repeat(499)}…`);
    expect(line?.kind === 'log' && line.entry.params).toEqual({ detail: `${'🙂'.repeat(499)}…` });

    const small = status('a', 'error', { lastError: { code: 'server-error', message: 'Boom', detail: 'trace' } });
    expect(parseSyncEvent(encodeSyncEvent('origin', 15_000, { kind: 'status', status: small }) ?? '')).toEqual({ origin: 'origin', ttlMs: 15_000, kind: 'status', status: small });
  });

  it('refuses what is not an event', () => {
    expect(parseSyncEvent('[]')).toBeUndefined();
    expect(parseSyncEvent(JSON.stringify({ origin: 'o', ttlMs: 0, kind: 'status', status: status('a', 'idle') }))).toBeUndefined();
    expect(parseSyncEvent(JSON.stringify({ origin: 'o', ttlMs: 10, kind: 'log', entry: { instanceId: 'a', message: 'x' } }))).toBeUndefined();
    expect(parseSyncEvent(JSON.stringify({ origin: 'o', ttlMs: 10, kind: 'other' }))).toBeUndefined();
  });
});

describe("SyncService with other processes' activity", () => {
  it("shows its own engine's status over one heard, another's over the resting one, and fires both processes' events once", async () => {
    const own = fakeEngine([status('a', 'syncing')]);
    const heard = new Emitter<HeardSyncEvent>();
    const remote = new RemoteSyncActivity(heard.event);
    const backend = { ...own.live, onDidChangeData: () => ({ dispose: () => undefined }), setTargets() {}, syncNow() {}, pause() {}, resume() {}, close: async () => undefined } satisfies SyncBackend;
    const records = ['a', 'b'].map((id) => ({ config: { id } }));
    const store = { instances: { list: async () => records } } as unknown as SyncServiceStore;
    const sync = new SyncService(store, backend, undefined, remote);
    const fired: string[] = [];
    sync.onDidChangeStatus((value) => fired.push(`${value.instanceId}:${value.state}`));
    heard.fire({ kind: 'status', status: status('a', 'up-to-date'), ttlMs: 15_000 }); // a lease that changed hands: older than its own
    heard.fire({ kind: 'status', status: status('b', 'error'), ttlMs: 15_000 });
    own.status.fire(status('a', 'syncing'));
    expect(fired).toEqual(['a:up-to-date', 'b:error', 'a:syncing']);
    expect((await sync.statuses()).map((value) => `${value.instanceId}:${value.state}`)).toEqual(['a:syncing', 'b:error']);
    remote.dispose();
  });
});
