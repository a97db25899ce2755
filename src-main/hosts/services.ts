/**
 * The composition root: `createServices` builds every service of the {@link Services} contract from one
 * data directory. Electron, browser mode, every CLI command and the tests call it; each host adds only
 * what is its own (safeStorage, the PDF engine, how a link is opened, how a file is downloaded). Nothing
 * here is a singleton, and nothing runs that was not asked for: with `engine: 'none'` no scheduler or
 * worker exists, and `readonly` opens the mirror without writing a byte.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AdminService } from '../admin/admin-service';
import { AlertService } from '../alerts/alert-service';
import type { RetryPolicy } from '../alerts/dispatcher';
import type { DesktopNotifier } from '../alerts/senders';
import { createClientPool } from '../admin/client-pool';
import { announcingMarker, storeAdminSettings, storeInstanceDirectory, storeRowMarker } from '../admin/store-adapters';
import { isLoginRefusal, OcmError } from '../common/errors';
import { Emitter } from '../common/event';
import type { ChangesNotice, InstanceConfig, InstanceId } from '../common/model';
import type { HostInfo, IHostService, IReportService, Services } from '../common/services';
import type { ITeamServerService } from '../common/team';
import { InstanceService, type ConnectionChecker, type ModelLister, type TransportChooser } from '../config/instance-service';
import { RecordService } from '../config/record-service';
import { InstanceSecrets, migrateSecrets, unlockInstances } from '../config/secrets';
import { SettingsService } from '../config/settings-service';
import { runConnectionChecks } from '../odoo/capabilities';
import { fetchServerModels } from '../odoo/watch-capabilities';
import { createTransport } from '../odoo/transport';
import type { PdfRenderer } from '../reports/pdf';
import { ReportService } from '../reports/report-service';
import { databasePath } from '../store/data-directory';
import { systemKeychain, type Keychain } from '../store/keychain';
import { createTeamKeyFileVault, KEY_FILE, lazyVault, legacyKeyFile, openSecretVault, type OpenedVault, type SecretVault } from '../store/secret-vault';
import type { AccountStore } from '../store/repositories/accounts';
import type { JournalPort, Repositories } from '../store/ports';
import type { Store } from '../store/store';
import type { PollTiming, SyncBackend } from '../sync/backend';
import type { ConnectFunction } from '../sync/connect';
import { LeasedBackend } from '../sync/leased-backend';
import type { SyncPassOptions, SyncPassResult } from '../sync/source';
import { publishSyncActivity, RemoteSyncActivity } from '../sync/remote-activity';
import { SyncScheduler } from '../sync/scheduler';
import { SyncService } from '../sync/sync-service';
import { startSyncWorker } from '../sync/worker-host';
import { followOtherProcesses, withTeamServers } from './team';
import { startDemoInstance } from './demo-instance';
import { openMirror, type MirrorLocation, type OpenedMirror } from './mirror-store';

/** Where the sync engine runs: a worker thread, this thread, or nowhere. */
export type EnginePlacement = 'worker' | 'in-thread' | 'none';

/** Options of {@link createServices}. */
export interface CreateServicesOptions {
  /** The data directory: `mirror.sqlite`, `downloads/`, and `secret.key` where no OS keychain answers. */
  dataDir: string;
  /** Where the sync engine runs (default 'worker'); 'none' starts no engine at all. */
  engine?: EnginePlacement;
  /** Open the mirror read-only: no migrations, nothing written; the database must exist ('not-found'). */
  readonly?: boolean;
  /** Start syncing every instance at once (default true; only with an engine). */
  autoStart?: boolean;
  /** The host's own secret vault (Electron's safeStorage); default: the OS keychain, else a key file. */
  vault?: SecretVault;
  /** The keychain to look for (tests pass their own; null: none); default the system's. */
  keychain?: Keychain | null;
  /** Add and run the built-in demo instance when nothing is configured (default false). */
  demo?: boolean;
  /**
   * Let exports be written wherever `outPath` says (trusted callers: the CLI, tests). Default false:
   * a renderer is not trusted to name files, so its exports land in `<dataDir>/downloads`.
   */
  exportsAnywhere?: boolean;
  /** PDF engine; default the workstation's Chromium-based browser. */
  pdfRenderer?: PdfRenderer;
  /** Browser mode: turns an exported file into a one-time download URL. */
  downloadUrlFor?(filePath: string): string | undefined;
  /** What the host is and how it opens links (default: browser mode, links opened by the browser). */
  host?: { kind: HostInfo['kind']; version: string; openExternal?(url: string): Promise<unknown> };
  /** How long a statement waits for another process's lock before 'store-locked'. */
  busyTimeoutMs?: number;
  timing?: Partial<PollTiming>;
  pass?: Partial<SyncPassOptions>;
  /** In-thread engine only: replaces the real connection (tests). */
  connect?: ConnectFunction;
  /** Replaces the real connection test (tests). */
  checker?: ConnectionChecker;
  /** Replaces the real choice of a new instance's transport from the server's version (tests). */
  chooser?: TransportChooser;
  /** Replaces the real listing of a server's models (tests). */
  modelLister?: ModelLister;
  /** The mirror when not `<dataDir>/mirror.sqlite` (`ocm serve` and `ocm user` with OCM_DATABASE_URL). */
  database?: MirrorLocation;
  /** Who the admin journal names for an action on an instance; default the OS user and the Odoo login. */
  actor?(instance: InstanceConfig): string;
  /**
   * Team mode with several collectors: sync only the instances whose lease this collector holds
   * (sync/leased-backend.ts); `holder` names it, the lease lasts `leaseSeconds` unrenewed.
   */
  collector?: { holder: string; leaseSeconds: number };
  /** A workstation that also reads team servers (desktop, `ocm ui`): their instances join the services. */
  teamServers?: boolean;
  /** The host's desktop notifications (Electron's); default: the browser workbench shows them. */
  desktopNotifier?: DesktopNotifier;
  /** Alert delivery retries (tests shorten them). */
  alertRetry?: Partial<RetryPolicy>;
}

/** An instance whose secret could not be opened, and why. */
export interface LockedInstance {
  config: InstanceConfig;
  error: OcmError;
}

/** The running services and the host-side controls of the engine. */
export interface RunningServices {
  services: Services;
  /**
   * Starts syncing the visible instances, or those in `ids` only (instance changes refresh the set).
   * Returns the instances left out because their secret could not be opened (each also logged).
   */
  startSync(ids?: readonly InstanceId[]): Promise<LockedInstance[]>;
  /**
   * One pass per instance (of `ids`, else all) without polling, for `ocm sync --once`; needs the
   * in-thread engine. Instances whose secret cannot be opened are listed apart.
   */
  syncOnce(ids?: readonly InstanceId[], signal?: AbortSignal): Promise<{ results: Map<InstanceId, SyncPassResult | OcmError>; locked: LockedInstance[] }>;
  /**
   * Sends the alerts the stored rows fired, grouping waiting events now, until `deadlineMs` (retrying
   * failures due before it). Returns how many deliveries are still pending, and how many desktop
   * notifications wait for a process that can show them (`ocm sync`).
   */
  deliverAlerts(deadlineMs: number): Promise<{ pending: number; desktopWaiting: number }>;
  /** Stops the engine (and the demo server) and closes the store. */
  close(): Promise<void>;
  /** Team mode's accounts over the same store (users, grants, sessions). */
  accounts: AccountStore;
  /** The admin journal, for actions journaled outside the admin service (team mode). */
  journal: Pick<JournalPort, 'begin' | 'finish'>;
  /** With `collector`: which instances this collector holds the lease of, and until when (Unix ms). */
  leases?: { holder: string; held(): ReadonlyMap<InstanceId, number> };
  /** With `teamServers`: the team servers this workstation reads (served to its workbench beside `services`). */
  teams?: ITeamServerService;
}

/** Opens the store and wires every service. Rejects with 'store-locked', 'store-corrupt', 'conflict' or 'not-found' (read-only, no mirror yet). */
export async function createServices(options: CreateServicesOptions): Promise<RunningServices> {
  const engine = options.engine ?? 'worker';
  const readonly = options.readonly ?? false;
  if (readonly && engine !== 'none') throw new OcmError('invalid-input', 'A read-only mirror runs no sync engine.', { hint: "Use engine 'none' with readonly." });
  const location = options.database ?? { kind: 'sqlite', file: databasePath(options.dataDir) };
  if (!readonly) mkdirSync(options.dataDir, { recursive: true });
  const mirror = await openMirror(location, { readonly, busyTimeoutMs: options.busyTimeoutMs, listen: true });
  const store = mirror.repositories;
  const closers: (() => Promise<void> | void)[] = [() => mirror.close()];
  const close = async () => {
    for (const closer of closers.splice(0)) await closer();
  };
  try {
    // The keychain is asked only when a secret (or how they are kept) is first needed.
    let opened: OpenedVault | undefined;
    const openedVault = () => (opened ??= openVault(options, location));
    const vault = lazyVault(() => openedVault().vault);
    const secrets = new InstanceSecrets(vault);
    // First use: secrets without a binding are sealed; a key file whose secrets can move to the keychain is emptied.
    const pending = async () => !(await store.settings.hasFlag(SECRETS_SEALED)) || (existsSync(join(options.dataDir, KEY_FILE)) && openedVault().legacy !== undefined);
    if (!readonly && (await pending())) {
      await migrateSecrets(store, secrets, vault, openedVault().legacy);
      await store.settings.setFlag(SECRETS_SEALED);
    }

    const engineBackend = await startEngine(engine, mirror, options);
    const leased = engineBackend && options.collector
      ? new LeasedBackend(engineBackend, { store: store.leases, holder: options.collector.holder, ttlMs: options.collector.leaseSeconds * 1000, onError: (error) => console.error('collector lease failed', error) })
      : undefined;
    const backend = leased ?? engineBackend;
    if (backend) closers.unshift(() => backend.close());
    const instances = new InstanceService(
      store,
      secrets,
      options.checker ?? ((input, watch) => runConnectionChecks(input, { watch })),
      options.modelLister ?? ((input) => fetchServerModels(input)),
      options.chooser,
    );

    const demo = options.demo ? await startDemoInstance({ store, secrets, instances }) : undefined;
    if (demo) closers.unshift(() => demo.close());

    const dataNotices = new Emitter<ChangesNotice>();
    const forward = backend?.onDidChangeData((notice) => dataNotices.fire(notice));
    closers.unshift(() => forward?.dispose());
    // Rows other processes commit (PostgreSQL's NOTIFY; never on SQLite): this process's own come from its engine and marker.
    const heard = mirror.onDidChangeData((notice) => dataNotices.fire(notice));
    closers.unshift(() => heard.dispose());

    const clients = createClientPool(async (id) => {
      const record = await store.instances.get(id);
      if (!record || record.removed) throw new OcmError('not-found', `No instance with id ${id}.`);
      return secrets.connectionOf(record);
    });
    closers.unshift(() => clients.close());
    const admin = new AdminService({
      instances: storeInstanceDirectory(store),
      clients,
      rows: mirror.rowSource(),
      marker: announcingMarker(storeRowMarker(store), (notice) => dataNotices.fire(notice)),
      journal: store.journal,
      settings: storeAdminSettings(store),
      actor: options.actor,
    });
    const reports = new ReportService({
      data: mirror.reportData(),
      definitions: store.reportDefinitions,
      downloadsDirectory: join(options.dataDir, 'downloads'),
      pdf: options.pdfRenderer,
      downloadUrlFor: options.downloadUrlFor,
    });

    // A team database: other processes' engines' activity is shown here, and this engine's is sent to them.
    const remote = mirror.syncEvents && new RemoteSyncActivity(mirror.syncEvents.onDidHear);
    closers.unshift(() => remote?.dispose());
    const publisher = backend && mirror.syncEvents && publishSyncActivity(backend, mirror.syncEvents.publish, { ttlMs: (options.collector?.leaseSeconds ?? DEFAULT_STATUS_SECONDS) * 1000 });
    closers.unshift(() => publisher?.close());
    const sync = new SyncService(store, backend, mirror.syncRequests, remote);
    const woken = backend && mirror.syncRequests?.onDidRequest((instanceId) => backend.syncNow(instanceId));
    closers.unshift(() => woken?.dispose());
    // Where an engine runs, rows arrive: this process also sends the alerts they fire.
    const alerts = new AlertService({
      store,
      preview: mirror.alertPreviewer(),
      vault,
      deliver: backend !== undefined,
      desktop: options.desktopNotifier,
      statuses: backend ? () => sync.statuses() : undefined,
      retry: options.alertRetry,
    });
    closers.unshift(() => alerts.close());
    // Other collectors' rows too: their desktop alerts may wait for a workbench open on this process.
    const kickAlerts = backend && [backend.onDidChangeData(() => alerts.kick()), mirror.onDidChangeData(() => alerts.kick())];
    closers.unshift(() => kickAlerts?.forEach((subscription) => subscription.dispose()));

    const own: Services = {
      instances,
      changes: mirror.changeService(dataNotices.event),
      sync,
      admin,
      reports: options.exportsAnywhere ? reports : withoutChosenPaths(reports),
      settings: new SettingsService(store),
      host: hostService(options, () => vault.kind),
      alerts,
      records: new RecordService({
        clientFor: (id) => clients.clientFor(id),
        databaseCount: (id) => databaseCount(store, id),
        // While the engine waits for a new password, the drawer tries no login either.
        mayLogIn: (id) => !backend?.statuses().some((status) => status.instanceId === id && isLoginRefusal(status.lastError?.code)),
      }),
    };

    const withTeams = options.teamServers ? withTeamServers(own, workstationStore(mirror), vault, { downloadsDirectory: join(options.dataDir, 'downloads'), downloadUrlFor: options.downloadUrlFor }) : undefined;
    if (withTeams) closers.unshift(() => withTeams.close());
    const services = withTeams?.services ?? own;
    const teams = withTeams?.teams;

    const control = engineControl(store, secrets, backend);
    const subscription = instances.onDidChangeInstances(() => void control.refresh().catch((error: unknown) => console.error('refreshing the synced instances failed', error)));
    closers.unshift(() => subscription.dispose());
    if (backend && options.collector) {
      const following = followOtherProcesses(store, backend, () => control.refresh({ once: true }), (options.collector.leaseSeconds * 1000) / 3);
      closers.unshift(() => clearInterval(following));
    }
    if (backend && (options.autoStart ?? true)) await control.startSync();
    const leases = leased && options.collector ? { holder: options.collector.holder, held: () => leased.held() } : undefined;
    return {
      services,
      startSync: control.startSync,
      syncOnce: control.syncOnce,
      deliverAlerts: (deadlineMs) => alerts.drain(deadlineMs),
      close,
      accounts: store.accounts,
      journal: store.journal,
      ...(leases ? { leases } : {}),
      ...(teams ? { teams } : {}),
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What the host drives of the engine: which instances it syncs (refreshed on every change), or one pass. */
function engineControl(store: Pick<Repositories, 'instances' | 'syncLog'>, secrets: InstanceSecrets, backend: SyncBackend | undefined) {
  const logLocked = (config: InstanceConfig, error: OcmError) =>
    store.syncLog.append({ instanceId: config.id, level: 'error', kind: 'error', message: `${error.message} ${error.hint ?? ''}`.trim(), messageKey: 'sync.failed', params: { code: error.code } });
  let wanted: readonly InstanceId[] | undefined;
  let started = false;
  const reported = new Set<string>();
  const chosen = (ids: readonly InstanceId[] | undefined, config: InstanceConfig) => !ids || ids.includes(config.id);
  /** With `once`, a locked instance is logged only the first time its failure is seen (periodic refreshes). */
  const refresh = async (refreshOptions: { once?: boolean } = {}): Promise<LockedInstance[]> => {
    const locked: LockedInstance[] = [];
    if (!started || !backend) return locked;
    const logs: Promise<unknown>[] = [];
    const targets = await unlockInstances(store, secrets, (config, error) => {
      if (!chosen(wanted, config)) return;
      const key = `${config.id}:${error.code}`;
      if (!refreshOptions.once || !reported.has(key)) logs.push(Promise.resolve(logLocked(config, error)));
      reported.add(key);
      locked.push({ config, error });
    });
    await Promise.all(logs);
    backend.setTargets(targets.filter((target) => chosen(wanted, target.config)));
    return locked;
  };
  return {
    refresh,
    startSync(ids?: readonly InstanceId[]): Promise<LockedInstance[]> {
      started = true;
      wanted = ids;
      return refresh();
    },
    async syncOnce(ids?: readonly InstanceId[], signal?: AbortSignal): ReturnType<RunningServices['syncOnce']> {
      if (!(backend instanceof SyncScheduler)) throw new OcmError('invalid-input', "One pass at a time needs the in-thread engine (engine: 'in-thread').");
      const locked: LockedInstance[] = [];
      const targets = (
        await unlockInstances(store, secrets, (config, error) => {
          if (chosen(ids, config)) locked.push({ config, error });
        })
      ).filter((target) => chosen(ids, target.config));
      return { results: await backend.runOnce(targets, signal), locked };
    },
  };
}

/** How many databases an instance's server lists (`db.list` over JSON-RPC, no credentials); undefined when it does not say. */
async function databaseCount(store: Pick<Repositories, 'instances'>, id: InstanceId): Promise<number | undefined> {
  const config = (await store.instances.get(id))?.config;
  if (!config) return undefined;
  const transport = createTransport('jsonrpc', { url: config.url, timeoutMs: 10_000, trustedCertificateSha256: config.trustedCertificateSha256 });
  try {
    const list = await transport.call('db', 'list', []);
    return Array.isArray(list) ? list.length : undefined;
  } catch {
    return undefined; // listing disabled (list_db = False) or gone (Odoo 20): links keep ?db=
  } finally {
    transport.close();
  }
}

/** A workstation's own SQLite store (its links to team servers live there); a team database has none. */
function workstationStore(mirror: OpenedMirror): Store {
  if (!mirror.sqlite) throw new OcmError('invalid-input', 'Team servers are read from a workstation, whose mirror is a SQLite file.');
  return mirror.sqlite;
}

/** How long a status sent to other processes holds without a collector's lease to say (serve's default lease). */
const DEFAULT_STATUS_SECONDS = 15;

/** Marks a mirror whose secrets were all sealed to their server (the first-use migration is done). */
const SECRETS_SEALED = 'secrets.sealed';

function openVault(options: CreateServicesOptions, location: MirrorLocation): OpenedVault {
  // A team database is shared by collectors on several machines: its secrets are sealed with the team's
  // key file (the same `secret.key` on every collector, docs/team-mode.md), never one machine's keychain.
  if (location.kind === 'postgres') return { vault: createTeamKeyFileVault(options.dataDir) };
  // The host's vault (Electron's safeStorage) wins; the key file, when there is one, still opens older secrets.
  if (options.vault) {
    const legacy = options.vault.kind === 'local-key-file' ? undefined : legacyKeyFile(options.dataDir);
    return legacy ? { vault: options.vault, legacy } : { vault: options.vault };
  }
  return openSecretVault(options.dataDir, options.keychain === null ? undefined : (options.keychain ?? systemKeychain()));
}

async function startEngine(engine: EnginePlacement, mirror: OpenedMirror, options: CreateServicesOptions): Promise<SyncBackend | undefined> {
  switch (engine) {
    case 'none':
      return undefined;
    case 'in-thread':
      return new SyncScheduler({ store: mirror.repositories, connect: options.connect, timing: options.timing, pass: options.pass });
    case 'worker':
      // The worker opens the SQLite file itself; a PostgreSQL mirror's engine runs in this thread (its I/O does not block it).
      if (mirror.location.kind !== 'sqlite') return startEngine('in-thread', mirror, options);
      return startSyncWorker({ databasePath: mirror.location.file, busyTimeoutMs: options.busyTimeoutMs, timing: withoutRandom(options.timing), pass: options.pass });
  }
}

/** Functions cannot cross to the worker: drop the random source. */
function withoutRandom(timing: Partial<PollTiming> | undefined): Partial<Omit<PollTiming, 'random'>> | undefined {
  if (!timing) return undefined;
  const { random: _random, ...rest } = timing;
  return rest;
}

function hostService(options: CreateServicesOptions, secretStorage: () => HostInfo['secretStorage']): IHostService {
  return {
    info: async () => ({
      kind: options.host?.kind ?? 'browser',
      version: options.host?.version ?? '0.1.0',
      platform: process.platform,
      secretStorage: secretStorage(),
      dataDirectory: options.dataDir,
    }),
    openExternal: async (url) => {
      // Only web links leave the app (Open in Odoo); anything else is refused.
      if (!/^https?:\/\//i.test(url)) return;
      await options.host?.openExternal?.(url);
    },
  };
}

/**
 * The report service as the workbench may use it: the renderer is not trusted to name files on disk,
 * so its exports always land in the downloads folder (offered as a download in browser mode).
 */
function withoutChosenPaths(reports: IReportService): IReportService {
  return {
    export: (request) => reports.export({ ...request, outPath: undefined }),
    cancel: (jobId) => reports.cancel(jobId),
    listDefinitions: () => reports.listDefinitions(),
    saveDefinition: (definition) => reports.saveDefinition(definition),
    deleteDefinition: (id) => reports.deleteDefinition(id),
    pdfEngine: () => reports.pdfEngine(),
    onDidProgress: reports.onDidProgress,
  };
}
