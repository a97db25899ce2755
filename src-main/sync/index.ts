/**
 * The mirror's composition: `createMirrorServices` opens the store in the data directory, starts the
 * sync engine (in a worker thread by default) and returns the instance, sync and settings services.
 * Hosts (Electron, browser mode, CLI) call this; nothing here is a singleton.
 */
import { mkdirSync } from 'node:fs';
import { runConnectionChecks } from '../odoo/capabilities';
import { databasePath } from '../store/data-directory';
import { createKeyFileVault, type SecretVault } from '../store/secret-vault';
import { openStore, type Store } from '../store/store';
import type { PollTiming, SyncBackend } from './backend';
import type { ConnectFunction } from './connect';
import type { SyncPassOptions } from './pass';
import { SyncScheduler } from './scheduler';
import { InstanceService, SettingsService, SyncService, syncTargets, type ConnectionChecker } from './services';
import { startSyncWorker } from './worker-host';

/** Options of {@link createMirrorServices}. */
export interface MirrorServicesOptions {
  /** The data directory (holds `mirror.sqlite`; and `secret.key` with the key-file vault). */
  dataDir: string;
  /** The secret vault; default: the key-file vault in dataDir (weaker than the OS keychain). */
  vault?: SecretVault;
  /** Who acts (OS user), for journals; kept for the admin services. */
  actor?: string;
  /** 'worker' (default): the engine runs in a worker thread. 'in-thread': here (tests, `ocm sync`). 'none': no engine. */
  engine?: 'worker' | 'in-thread' | 'none';
  /** Start syncing every instance right away (default true). */
  autoStart?: boolean;
  busyTimeoutMs?: number;
  timing?: Partial<PollTiming>;
  pass?: Partial<SyncPassOptions>;
  /** In-thread engine only: replaces the real connection (tests). */
  connect?: ConnectFunction;
  /** Replaces the real connection test (tests). */
  checker?: ConnectionChecker;
}

/** What {@link createMirrorServices} returns. */
export interface MirrorServices {
  instances: InstanceService;
  sync: SyncService;
  settings: SettingsService;
  /** The main thread's store connection (queries read through `store.db`). */
  store: Store;
  vault: SecretVault;
  /** The running engine (absent with engine 'none'); `onDidChangeData` feeds IChangeService. */
  backend?: SyncBackend;
  /** Starts (or refreshes) syncing of every visible instance. */
  startSync(): void;
  /** Stops the engine and closes the store. */
  close(): Promise<void>;
}

/** Opens the store and wires the services. Rejects with 'store-locked' / 'store-corrupt' / 'conflict'. */
export async function createMirrorServices(options: MirrorServicesOptions): Promise<MirrorServices> {
  mkdirSync(options.dataDir, { recursive: true });
  const path = databasePath(options.dataDir);
  const store = openStore(path, { busyTimeoutMs: options.busyTimeoutMs });
  try {
    const vault = options.vault ?? createKeyFileVault(options.dataDir);
    const engine = options.engine ?? 'worker';
    let backend: SyncBackend;
    if (engine === 'worker') {
      backend = await startSyncWorker({ databasePath: path, busyTimeoutMs: options.busyTimeoutMs, timing: withoutRandom(options.timing), pass: options.pass });
    } else {
      backend = new SyncScheduler({ store, connect: options.connect, timing: options.timing, pass: options.pass });
    }
    const instances = new InstanceService(store, vault, options.checker ?? ((input) => runConnectionChecks(input)));
    const sync = new SyncService(backend, store);
    const settings = new SettingsService(store);
    let started = false;
    const refresh = () => {
      if (!started || engine === 'none') return;
      backend.setTargets(
        syncTargets(store, vault, (config, error) => store.syncLog.append({ instanceId: config.id, level: 'error', kind: 'error', message: `${error.message} ${error.hint ?? ''}`.trim(), messageKey: 'sync.failed', params: { code: error.code } })),
      );
    };
    const subscription = instances.onDidChangeInstances(refresh);
    const startSync = () => {
      started = true;
      refresh();
    };
    if (options.autoStart ?? true) startSync();
    return {
      instances,
      sync,
      settings,
      store,
      vault,
      backend: engine === 'none' ? undefined : backend,
      startSync,
      async close() {
        subscription.dispose();
        await backend.close();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** Functions cannot cross to the worker: drop the random source. */
function withoutRandom(timing: Partial<PollTiming> | undefined): Partial<Omit<PollTiming, 'random'>> | undefined {
  if (!timing) return undefined;
  const { random: _random, ...rest } = timing;
  return rest;
}

export { SyncScheduler, type SyncSchedulerOptions } from './scheduler';
export { runSyncPass, DEFAULT_PASS_OPTIONS, type SyncPassOptions, type SyncPassResult, type SyncPassContext } from './pass';
export { findDeletions, type DeletionScanResult, type DeletionScanOptions, type LocalRows } from './deletions';
export { startSyncWorker, type SyncWorkerOptions } from './worker-host';
export { connectTarget, type ConnectFunction, type Connection } from './connect';
export { InstanceService, SyncService, SettingsService, syncTargets, restingStatus, type ConnectionChecker } from './services';
export type { SyncBackend, SyncTarget, PollTiming } from './backend';
export { backoffDelay, DEFAULT_TIMING, OFFLINE_CODES } from './backend';
