/**
 * Runs the sync engine in this thread: one independent loop per instance (a slow or dead server only
 * delays its own loop), adaptive polling (fast while changes flow, slowing to the instance's poll
 * interval when idle), exponential backoff with jitter on failure, and clean cancellation.
 * The worker (worker-entry.ts) runs one of these; unit tests and `ocm sync` use it directly.
 */
import { isAbortError, isLoginRefusal, OcmError, toOcmError } from '../common/errors';
import type { ChangesNotice, InstanceId, InstanceStatus, Progress } from '../common/model';
import type { Repositories } from '../store/ports';
import type { NewLogEntry } from '../store/repositories/sync-log';
import { backoffDelay, DEFAULT_TIMING, OFFLINE_CODES, SyncBackendEvents, type PollTiming, type SyncBackend, type SyncTarget } from './backend';
import { connectTarget, type Connection, type ConnectFunction } from './connect';
import { runSyncPass } from './pass';
import type { SyncPassOptions, SyncPassResult } from './source';
import { capabilityFields, instanceStatus } from './status';
import { isoFromSeconds } from '../common/time';
import { ERROR_LOG_ACCESS_ADVICE } from '../odoo/log-models';

/** The repositories the engine reads and writes (the SQLite store, or the PostgreSQL one: every call is awaited). */
export type SyncEngineStore = Pick<Repositories, 'instances' | 'syncState' | 'syncLog' | 'mirror' | 'polling'>;

/** Dependencies and tuning of a {@link SyncScheduler}. */
export interface SyncSchedulerOptions {
  store: SyncEngineStore;
  connect?: ConnectFunction;
  timing?: Partial<PollTiming>;
  pass?: Partial<SyncPassOptions>;
}

/** The in-thread sync backend. */
export class SyncScheduler extends SyncBackendEvents implements SyncBackend {

  private readonly runners = new Map<InstanceId, InstanceRunner>();
  private readonly timing: PollTiming;
  private readonly connect: ConnectFunction;
  /** Log lines being written, in order: each is announced once stored (it carries its id). */
  private logWrites: Promise<void> = Promise.resolve();

  constructor(private readonly options: SyncSchedulerOptions) {
    super();
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.connect = options.connect ?? connectTarget;
  }

  setTargets(targets: readonly SyncTarget[]): void {
    const wanted = new Map(targets.map((target) => [target.config.id, target]));
    for (const [id, runner] of this.runners) {
      const target = wanted.get(id);
      if (!target || runner.differsFrom(target)) {
        this.runners.delete(id);
        void runner.stop().then(async () => {
          // Removed without history while a page was being committed: drop what that page left behind.
          const { store } = this.options;
          if (!target && !(await store.instances.get(id))) await store.instances.deleteWithHistory(id);
        }).catch((error: unknown) => console.error('sync cleanup failed', error));
      } else {
        runner.target = target; // name or poll interval only
      }
    }
    for (const [id, target] of wanted) {
      if (this.runners.has(id)) continue;
      const runner = this.createRunner(target);
      this.runners.set(id, runner);
      runner.start();
    }
  }

  syncNow(id?: InstanceId): void {
    for (const runner of this.select(id)) runner.wakeUp();
  }

  pause(id: InstanceId): void {
    for (const runner of this.select(id)) runner.setPaused(true);
  }

  resume(id: InstanceId): void {
    for (const runner of this.select(id)) runner.setPaused(false);
  }

  /** The status each running instance last announced (one not announced yet rests: SyncService reads it from the store). */
  statuses(): InstanceStatus[] {
    return [...this.runners.values()].flatMap((runner) => (runner.status ? [runner.status] : []));
  }

  /**
   * One pass per target, concurrently, without starting the polling loops (`ocm sync --once`).
   * Resolves with each instance's result or error; never rejects.
   */
  async runOnce(targets: readonly SyncTarget[], signal?: AbortSignal): Promise<Map<InstanceId, SyncPassResult | OcmError>> {
    const results = new Map<InstanceId, SyncPassResult | OcmError>();
    await Promise.all(
      targets.map(async (target) => {
        const runner = this.createRunner(target);
        const stop = () => void runner.stop();
        signal?.addEventListener('abort', stop, { once: true });
        try {
          results.set(target.config.id, await runner.passOnce());
        } catch (error) {
          results.set(target.config.id, toOcmError(error));
        } finally {
          signal?.removeEventListener('abort', stop);
          await runner.stop();
        }
      }),
    );
    await this.logWrites;
    return results;
  }

  async close(): Promise<void> {
    const runners = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(runners.map((runner) => runner.stop()));
    await this.logWrites;
    this.disposeEvents();
  }

  private select(id?: InstanceId): InstanceRunner[] {
    if (id === undefined) return [...this.runners.values()];
    const runner = this.runners.get(id);
    return runner ? [runner] : [];
  }

  private createRunner(target: SyncTarget): InstanceRunner {
    const { store } = this.options;
    return new InstanceRunner(target, {
      store,
      connect: this.connect,
      timing: this.timing,
      pass: this.options.pass,
      status: (status) => this.statusEmitter.fire(status),
      log: (entry) => {
        this.logWrites = this.logWrites.then(async () => {
          try {
            this.logEmitter.fire(await store.syncLog.append(entry));
          } catch (error) {
            console.error('sync log write failed', error);
          }
        });
      },
      progress: (progress) => this.progressEmitter.fire(progress),
      data: (notice) => this.dataEmitter.fire(notice),
    });
  }
}

interface RunnerDeps {
  store: SyncEngineStore;
  connect: ConnectFunction;
  timing: PollTiming;
  pass?: Partial<SyncPassOptions>;
  status(status: InstanceStatus): void;
  log(entry: NewLogEntry): void;
  progress(progress: Progress & { instanceId: InstanceId }): void;
  data(notice: ChangesNotice): void;
}

/** The polling loop of one instance. */
class InstanceRunner {
  /** The status last announced; none before the first. */
  status: InstanceStatus | undefined;
  private readonly controller = new AbortController();
  private connection?: Connection;
  private wake?: () => void;
  private wakeRequested = false;
  private paused = false;
  /** Pause or resume was asked: it wins over the pause read from the store at start. */
  private pauseAsked = false;
  /** Statuses being announced, in order (each reads the store). */
  private announcing: Promise<void> = Promise.resolve();
  private failures = 0;
  private errorLogReported = false;
  private idleDelayMs: number;
  private loop?: Promise<void>;

  constructor(
    public target: SyncTarget,
    private readonly deps: RunnerDeps,
  ) {
    this.idleDelayMs = deps.timing.fastMs;
  }

  /** True when the connection settings changed (the loop must restart with them). */
  differsFrom(target: SyncTarget): boolean {
    const a = this.target.connection;
    const b = target.connection;
    const c = this.target.config;
    const d = target.config;
    return a.url !== b.url || a.db !== b.db || a.login !== b.login || a.secret !== b.secret || a.transport !== b.transport
      || a.trustedCertificateSha256 !== b.trustedCertificateSha256 || a.timeoutMs !== b.timeoutMs
      // How the instance is watched picks its source at connect.
      || c.source !== d.source || c.trackingValues !== d.trackingValues || String(c.watchedModels) !== String(d.watchedModels);
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.wake?.();
    await this.loop;
    this.connection?.client.close();
    this.connection = undefined;
  }

  wakeUp(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  /** The user paused or resumed this instance. */
  setPaused(paused: boolean): void {
    this.pauseAsked = true;
    this.applyPause(paused).catch((error: unknown) => console.error('sync status failed', error));
  }

  private async applyPause(paused: boolean): Promise<void> {
    if (this.paused === paused) return;
    this.paused = paused;
    this.wakeUp();
    if (paused) await this.emit('paused');
  }

  /** The user's pause outlives restarts: it is kept with the sync state (unless paused or resumed meanwhile). */
  private async restorePause(): Promise<void> {
    try {
      const { paused } = await this.deps.store.syncState.get(this.target.config.id);
      if (paused && !this.pauseAsked) await this.applyPause(true);
    } catch (error) {
      // A store that cannot be read fails the pass too, which reports it: start unpaused.
      console.error('sync pause state read failed', error);
    }
  }

  /** One pass with connection; rejects on failure (no retry). */
  async passOnce(): Promise<SyncPassResult> {
    await this.emit('syncing');
    try {
      const result = await this.pass();
      await this.emit('up-to-date', { lastSyncAt: isoFromSeconds(Math.floor(Date.now() / 1000)) });
      return result;
    } catch (error) {
      await this.fail(toOcmError(error));
      throw error;
    }
  }

  private async run(): Promise<void> {
    const { timing } = this.deps;
    const signal = this.controller.signal;
    await this.restorePause();
    while (!signal.aborted) {
      if (this.paused) {
        await this.sleep(Infinity);
        continue;
      }
      let delay: number;
      try {
        if (this.status?.state !== 'up-to-date') await this.emit('syncing');
        const result = await this.pass();
        this.failures = 0;
        const busy = result.added + result.removed + result.revised + result.errorsAdded > 0;
        // Fast while changes flow; when idle, the delay doubles up to the instance's poll interval.
        this.idleDelayMs = busy ? timing.fastMs : Math.min(this.target.config.pollIntervalSeconds * 1000, Math.max(timing.fastMs, this.idleDelayMs * 2));
        delay = busy ? timing.fastMs : this.idleDelayMs;
        // Every pass is announced, idle ones too: "last sync" counts from the last poll, not the last change.
        if (this.paused) await this.emit('paused', { lastSyncAt: isoFromSeconds(Math.floor(Date.now() / 1000)) });
        else await this.emit('up-to-date', { lastSyncAt: isoFromSeconds(Math.floor(Date.now() / 1000)) });
      } catch (error) {
        if (signal.aborted && isAbortError(error)) break;
        this.failures++;
        const failure = toOcmError(error);
        // A refused login waits for the user (a new password restarts the loop; Sync now tries once more).
        delay = isLoginRefusal(failure.code) ? Infinity : backoffDelay(this.failures, timing);
        await this.fail(failure, Number.isFinite(delay) ? delay : undefined);
      }
      await this.sleep(delay);
    }
  }

  private async pass(): Promise<SyncPassResult> {
    const signal = this.controller.signal;
    const { store } = this.deps;
    const instanceId = this.target.config.id;
    if (!this.connection) {
      this.connection = await this.deps.connect(this.target, signal);
      if (this.status) this.status = { ...this.status, ...capabilityFields(this.connection.capabilities) };
      const errorLog = this.connection.capabilities.errorLog;
      // Without the module there is no error log to warn about.
      if (errorLog !== 'readable' && this.target.config.source !== 'polling' && !this.errorLogReported) {
        this.errorLogReported = true;
        this.deps.log({
          instanceId,
          level: 'warning',
          kind: 'error-log',
          ...(errorLog === 'missing'
            ? { message: 'The error log (webhook.errors) does not exist on this server: only the change log is mirrored.', messageKey: 'sync.errorLogMissing' }
            : {
                message: `The error log (webhook.errors) is not readable by this user (the original module grants no access to it): only the change log is mirrored. ${ERROR_LOG_ACCESS_ADVICE}`,
                messageKey: 'sync.errorLogUnreadable',
              }),
        });
      }
    }
    const { client, capabilities, source } = this.connection;
    return await runSyncPass({
      store,
      client,
      capabilities,
      source,
      instanceId,
      signal,
      options: this.deps.pass,
      log: this.deps.log,
      progress: (done, total) => {
        if (this.status) this.status = { ...this.status, progress: total === undefined ? { done } : { done, total } };
        this.deps.progress({ instanceId, jobId: `sync:${instanceId}`, phase: 'snapshot', done, total });
      },
      data: (notice) => this.deps.data({ instanceId, ...notice }),
    });
  }

  private async fail(error: OcmError, retryInMs?: number): Promise<void> {
    // Reconnect on the next attempt: a restarted server, a changed password or new rights need a fresh login.
    this.connection?.client.close();
    this.connection = undefined;
    const state = OFFLINE_CODES.has(error.code) ? 'offline' : 'error';
    const extra: Partial<InstanceStatus> = { lastError: error.toJSON() };
    if (retryInMs !== undefined) extra.nextAttemptAt = new Date(Date.now() + retryInMs).toISOString();
    await this.emit(state, extra);
    const short = retryInMs !== undefined && retryInMs < 10_000;
    const seconds = retryInMs === undefined ? undefined : short ? Math.round(retryInMs / 100) / 10 : Math.round(retryInMs / 1000);
    const retry = seconds === undefined ? '' : ` Retrying in ${short ? seconds.toFixed(1) : seconds} s.`;
    // The UI words the failure by its code (the server's own text stays as the detail).
    const localized: Pick<NewLogEntry, 'messageKey' | 'params'> =
      seconds === undefined ? { messageKey: 'sync.failed', params: { code: error.code } } : { messageKey: 'sync.failedRetry', params: { code: error.code, seconds } };
    if (isLoginRefusal(error.code) && retryInMs === undefined && !this.controller.signal.aborted) {
      const message = `${error.message} Not retrying: each attempt would be another failed login in Odoo's log. Enter the password again in the instance's settings.`;
      this.deps.log({ instanceId: this.target.config.id, level: 'error', kind: 'error', message, messageKey: 'sync.passwordNeeded', params: { code: error.code } });
      return;
    }
    this.deps.log({ instanceId: this.target.config.id, level: 'error', kind: state === 'offline' ? 'offline' : 'error', message: `${error.message}${retry}`, ...localized });
  }

  /** Announces a new state once the ones before it are (rejects when the store could not be read). */
  private emit(state: InstanceStatus['state'], extra: Partial<InstanceStatus> = {}): Promise<void> {
    const announced = this.announcing.then(() => this.announce(state, extra));
    this.announcing = announced.catch(() => undefined);
    return announced;
  }

  private async announce(state: InstanceStatus['state'], extra: Partial<InstanceStatus>): Promise<void> {
    const base = await this.baseStatus(state);
    const next: InstanceStatus = { ...this.status, ...base, ...extra };
    if (state !== 'syncing') delete next.progress;
    if (state === 'up-to-date' || state === 'syncing') {
      delete next.lastError;
      delete next.nextAttemptAt;
    }
    if (state === 'up-to-date' && !extra.lastSyncAt && this.status?.lastSyncAt) next.lastSyncAt = this.status.lastSyncAt;
    this.status = next;
    this.deps.status(next);
  }

  private baseStatus(state: InstanceStatus['state']): Promise<InstanceStatus> {
    return instanceStatus(this.deps.store, this.target.config.id, state, this.connection?.capabilities);
  }

  /** Waits `ms` (Infinity = until woken); syncNow, pause/resume and stop cut it short. */
  private sleep(ms: number): Promise<void> {
    if (this.controller.signal.aborted) return Promise.resolve();
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      const self = this;
      function done() {
        if (timer) clearTimeout(timer);
        self.wake = undefined;
        self.wakeRequested = false;
        resolve();
      }
      this.wake = done;
    });
  }
}
