/**
 * The workstation's services with its team servers' beside its own: one {@link Services} whose instance
 * list holds the local instances and, for each connected team server, the instances granted there (ids
 * prefixed `team:<server>:`, with the role and the server in `access`). Every call that names instances
 * (an id, or a filter's `instanceIds`) goes where they live, with the prefix taken off; what comes back
 * has it put on again. A view reads one place at a time: local instances, or one team server's.
 *
 * Why here, in the host, and not in the renderer: the link to a team server needs a session cookie the
 * renderer must never hold (it is encrypted at rest with the instance passwords), an Origin header and
 * TLS a page cannot set, and no CORS opening on the server; and the workbench stays the same everywhere
 * (Electron, `ocm ui`), free of Node and of any knowledge of where an instance lives.
 */
import { join } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { OcmError } from '../common/errors';
import { Emitter, type Event } from '../common/event';
import type {
  ChangeFilter,
  ChangeRow,
  ChangesNotice,
  ErrorFilter,
  InstanceConfig,
  InstanceId,
  InstanceStatus,
  JournalEntry,
  Progress,
  SyncLogEntry,
} from '../common/model';
import { SERVICE_SURFACES, type Services, type Surface } from '../common/services';
import { teamOrigin, type TeamLink } from './team-link';

const PREFIX = 'team:';

/** The composite's id of a team server's instance (or job). */
export function remoteId(serverId: string, id: string): string {
  return `${PREFIX}${serverId}:${id}`;
}

/** The team server and its own id behind a composite id; undefined for a local one. */
export function parseRemoteId(id: string): { serverId: string; id: string } | undefined {
  if (!id.startsWith(PREFIX)) return undefined;
  const rest = id.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  return colon > 0 ? { serverId: rest.slice(0, colon), id: rest.slice(colon + 1) } : undefined;
}

/** What the composite needs of the team-server list. */
export interface LinkDirectory {
  links(): TeamLink[];
  link(id: string): TeamLink | undefined;
  readonly onDidChangeLinks: Event<TeamLink>;
}

/** Options of {@link composeServices}. */
export interface CompositeOptions {
  /** Where a team server's exports are saved on this workstation. */
  downloadsDirectory: string;
  /** Browser mode: turns a saved file into a one-time download URL. */
  downloadUrlFor?(filePath: string): string | undefined;
}

/** Where a call goes. */
type Route = { kind: 'local' } | { kind: 'remote'; link: TeamLink; services: Services };

/** The local services with the team servers' routed in. */
export function composeServices(local: Services, directory: LinkDirectory, options: CompositeOptions): { services: Services; dispose(): void } {
  const linkOf = (serverId: string): { link: TeamLink; services: Services } => {
    const link = directory.link(serverId);
    const services = link?.services;
    if (!link || !services) {
      throw new OcmError('network-refused', `The team server ${link?.target.name ?? ''} is not connected${link?.state === 'signed-out' ? ': sign in again' : ''}.`.replace('  ', ' '), {
        hint: 'Its entry in the instance tree says why; its instances come back once it is connected.',
      });
    }
    return { link, services };
  };
  const routeId = (id: InstanceId): { route: Route; id: InstanceId } => {
    const remote = parseRemoteId(id);
    if (!remote) return { route: { kind: 'local' }, id };
    return { route: { kind: 'remote', ...linkOf(remote.serverId) }, id: remote.id };
  };
  const routeFilter = <F extends ChangeFilter | ErrorFilter>(filter: F): { route: Route; filter: F } => {
    const ids = filter.instanceIds ?? [];
    const servers = new Set(ids.map((id) => parseRemoteId(id)?.serverId ?? ''));
    if (ids.length === 0 || (servers.size === 1 && servers.has(''))) return { route: { kind: 'local' }, filter };
    if (servers.size > 1) {
      throw new OcmError('invalid-input', 'A view reads one place at a time: your own instances, or the instances of one team server.', { hint: 'Open "All instances" of one group of the instance tree.' });
    }
    const [serverId] = servers;
    return { route: { kind: 'remote', ...linkOf(serverId) }, filter: { ...filter, instanceIds: ids.map((id) => parseRemoteId(id)!.id) } };
  };
  const connected = () => directory.links().filter((link) => link.services !== undefined);

  /** Put the prefix back on what a team server answered. */
  const out = {
    id: (link: TeamLink, id: string) => remoteId(link.target.id, id),
    instance: (link: TeamLink, instance: InstanceConfig): InstanceConfig => ({
      ...instance,
      id: remoteId(link.target.id, instance.id),
      access: { role: instance.access?.role ?? link.role ?? 'viewer', server: { id: link.target.id, name: link.target.name } },
    }),
    row: <T extends { instanceId: InstanceId }>(link: TeamLink, row: T): T => ({ ...row, instanceId: remoteId(link.target.id, row.instanceId) }),
    journal: (link: TeamLink, entry: JournalEntry): JournalEntry => (entry.instanceId ? { ...entry, instanceId: remoteId(link.target.id, entry.instanceId) } : entry),
    progress: <T extends { jobId: string }>(link: TeamLink, progress: T): T => ({ ...progress, jobId: remoteId(link.target.id, progress.jobId) }),
  };

  // Events: local ones as they are, and each connected team server's, re-subscribed when links change.
  const emitters = {
    instances: new Emitter<InstanceConfig[]>(),
    data: new Emitter<ChangesNotice>(),
    status: new Emitter<InstanceStatus>(),
    log: new Emitter<SyncLogEntry>(),
    syncProgress: new Emitter<Progress & { instanceId: InstanceId }>(),
    adminProgress: new Emitter<Progress>(),
    reportProgress: new Emitter<Progress>(),
  };
  const listInstances = async (options?: { includeRemoved?: boolean }): Promise<InstanceConfig[]> => {
    const lists = await Promise.all(connected().map((link) => link.services!.instances.list(options).then((list) => list.map((instance) => out.instance(link, instance)), () => [])));
    return [...(await local.instances.list(options)), ...lists.flat()];
  };
  const refreshInstances = () => void listInstances().then((list) => emitters.instances.fire(list), () => undefined);
  const localSubscriptions = [
    local.instances.onDidChangeInstances(refreshInstances),
    local.changes.onDidChangeData((notice) => emitters.data.fire(notice)),
    local.sync.onDidChangeStatus((status) => emitters.status.fire(status)),
    local.sync.onDidLog((entry) => emitters.log.fire(entry)),
    local.sync.onDidProgress((progress) => emitters.syncProgress.fire(progress)),
    local.admin.onDidProgress((progress) => emitters.adminProgress.fire(progress)),
    local.reports.onDidProgress((progress) => emitters.reportProgress.fire(progress)),
  ];
  const remoteSubscriptions = new Map<TeamLink, { services: Services; dispose(): void }>();
  const follow = (link: TeamLink) => {
    const current = remoteSubscriptions.get(link);
    if (current && current.services === link.services) return;
    current?.dispose();
    remoteSubscriptions.delete(link);
    const services = link.services;
    if (services) {
      const subscriptions = [
        services.instances.onDidChangeInstances(refreshInstances),
        services.changes.onDidChangeData((notice) => emitters.data.fire(out.row(link, notice))),
        services.sync.onDidChangeStatus((status) => emitters.status.fire(out.row(link, status))),
        services.sync.onDidLog((entry) => emitters.log.fire(out.row(link, entry))),
        services.sync.onDidProgress((progress) => emitters.syncProgress.fire(out.progress(link, out.row(link, progress)))),
        services.admin.onDidProgress((progress) => emitters.adminProgress.fire(out.progress(link, progress))),
        services.reports.onDidProgress((progress) => emitters.reportProgress.fire(out.progress(link, progress))),
      ];
      remoteSubscriptions.set(link, { services, dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) });
    }
    refreshInstances();
  };
  const linkSubscription = directory.onDidChangeLinks(follow);
  for (const link of directory.links()) follow(link);

  /** Runs on the route; remote answers are mapped back. */
  const on = async <T>(route: Route, locally: () => Promise<T>, remotely: (services: Services, link: TeamLink) => Promise<T>): Promise<T> =>
    route.kind === 'local' ? locally() : remotely(route.services, route.link);
  /** Local entries and every connected team server's, newest first (by time). */
  const merged = async <T extends { at: string }>(locally: Promise<T[]>, remotely: (services: Services, link: TeamLink) => Promise<T[]>, limit: number | undefined): Promise<T[]> => {
    const lists = await Promise.all([locally, ...connected().map((link) => remotely(link.services!, link).catch(() => [] as T[]))]);
    return lists.flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit ?? 1000);
  };

  const saveDownload = async (link: TeamLink, downloadUrl: string, jobId: string): Promise<{ path: string; downloadUrl?: string }> => {
    const response = await fetch(`${teamOrigin(link.target.url)}${downloadUrl}`, { headers: { Cookie: link.cookie ?? '' } });
    if (!response.ok) throw new OcmError('http-status', `${link.target.name} did not hand over the export (HTTP ${response.status}).`, { hint: 'Export again.' });
    const name = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get('content-disposition') ?? '')?.[1];
    await mkdir(options.downloadsDirectory, { recursive: true });
    const path = join(options.downloadsDirectory, `${link.target.name.replace(/[^\p{L}\p{N}._-]+/gu, '-')}-${name ? decodeURIComponent(name).replace(/[/\\]/g, '-') : `${jobId}.out`}`);
    await writeFile(path, Buffer.from(await response.arrayBuffer()));
    const url = options.downloadUrlFor?.(path);
    return url ? { path, downloadUrl: url } : { path };
  };

  const services: Services = {
    instances: {
      list: listInstances,
      add: (input) => local.instances.add(input),
      update: (id, patch) => {
        const { route, id: target } = routeId(id);
        return on(route, () => local.instances.update(target, patch), async (remote, link) => out.instance(link, await remote.instances.update(target, patch)));
      },
      remove: (id, removal) => {
        const { route, id: target } = routeId(id);
        return on(route, () => local.instances.remove(target, removal), (remote) => remote.instances.remove(target, removal));
      },
      test: (input) => {
        if (input.id === undefined) return local.instances.test(input);
        const { route, id: target } = routeId(input.id);
        return on(route, () => local.instances.test(input), (remote) => remote.instances.test({ ...input, id: target }));
      },
      serverModels: (input) => {
        if (input.id === undefined) return local.instances.serverModels(input);
        const { route, id: target } = routeId(input.id);
        return on(route, () => local.instances.serverModels(input), (remote) => remote.instances.serverModels({ ...input, id: target }));
      },
      onDidChangeInstances: emitters.instances.event,
    },
    changes: {
      timeline: (query) => {
        const { route, filter } = routeFilter(query.filter);
        return on(route, () => local.changes.timeline(query), async (remote, link) => {
          const page = await remote.changes.timeline({ ...query, filter });
          return { ...page, rows: page.rows.map((row: ChangeRow) => out.row(link, row)) };
        });
      },
      count: (given) => {
        const { route, filter } = routeFilter(given);
        return on(route, () => local.changes.count(given), (remote) => remote.changes.count(filter));
      },
      facets: (given) => {
        const { route, filter } = routeFilter(given);
        return on(route, () => local.changes.facets(given), async (remote, link) => {
          const facets = await remote.changes.facets(filter);
          return { ...facets, instances: facets.instances.map((value) => ({ ...value, value: out.id(link, value.value) })) };
        });
      },
      histogram: (given, histogramOptions) => {
        const { route, filter } = routeFilter(given);
        return on(route, () => local.changes.histogram(given, histogramOptions), (remote) => remote.changes.histogram(filter, histogramOptions));
      },
      recordHistory: (instanceId, model, recordId) => {
        const { route, id } = routeId(instanceId);
        return on(route, () => local.changes.recordHistory(id, model, recordId), async (remote, link) => (await remote.changes.recordHistory(id, model, recordId)).map((row) => out.row(link, row)));
      },
      errors: (given, errorOptions) => {
        const { route, filter } = routeFilter(given);
        return on(route, () => local.changes.errors(given, errorOptions), async (remote, link) => (await remote.changes.errors(filter, errorOptions)).map((row) => out.row(link, row)));
      },
      errorGroups: (given) => {
        const { route, filter } = routeFilter(given);
        return on(route, () => local.changes.errorGroups(given), async (remote, link) =>
          (await remote.changes.errorGroups(filter)).map((group) => ({ ...group, instanceIds: group.instanceIds.map((id) => out.id(link, id)) })),
        );
      },
      onDidChangeData: emitters.data.event,
    },
    sync: {
      statuses: async () => {
        const lists = await Promise.all(connected().map((link) => link.services!.sync.statuses().then((list) => list.map((status) => out.row(link, status)), () => [])));
        return [...(await local.sync.statuses()), ...lists.flat()];
      },
      syncNow: async (id) => {
        if (id !== undefined) {
          const { route, id: target } = routeId(id);
          return on(route, () => local.sync.syncNow(target), (remote) => remote.sync.syncNow(target));
        }
        // Everything this person may start: the local engine, and each team server where the role allows it.
        await Promise.all([local.sync.syncNow(), ...connected().map((link) => link.services!.sync.syncNow().catch(() => undefined))]);
      },
      pause: (id) => {
        const { route, id: target } = routeId(id);
        return on(route, () => local.sync.pause(target), (remote) => remote.sync.pause(target));
      },
      resume: (id) => {
        const { route, id: target } = routeId(id);
        return on(route, () => local.sync.resume(target), (remote) => remote.sync.resume(target));
      },
      activity: (activityOptions = {}) => {
        if (activityOptions.instanceId !== undefined) {
          const { route, id } = routeId(activityOptions.instanceId);
          return on(route, () => local.sync.activity(activityOptions), async (remote, link) => (await remote.sync.activity({ ...activityOptions, instanceId: id })).map((entry) => out.row(link, entry)));
        }
        return merged(local.sync.activity(activityOptions), async (remote, link) => (await remote.sync.activity(activityOptions)).map((entry) => out.row(link, entry)), activityOptions.limit);
      },
      onDidChangeStatus: emitters.status.event,
      onDidLog: emitters.log.event,
      onDidProgress: emitters.syncProgress.event,
    },
    admin: {
      previewDelete: (instanceId, selection) => {
        const { route, id } = routeId(instanceId);
        if (route.kind === 'remote' && 'filter' in selection) selection = { filter: routeFilter(selection.filter).filter };
        return on(route, () => local.admin.previewDelete(id, selection), async (remote, link) => out.row(link, await remote.admin.previewDelete(id, selection)));
      },
      deleteRows: (instanceId, selection, confirmation) => {
        const { route, id } = routeId(instanceId);
        if (route.kind === 'remote' && 'filter' in selection) selection = { filter: routeFilter(selection.filter).filter };
        return on(route, () => local.admin.deleteRows(id, selection, confirmation), (remote) => remote.admin.deleteRows(id, selection, confirmation));
      },
      findOrphans: (instanceId, orphanOptions) => {
        const { route, id } = routeId(instanceId);
        return on(route, () => local.admin.findOrphans(id, orphanOptions), async (remote, link) => out.progress(link, out.row(link, await remote.admin.findOrphans(id, orphanOptions))));
      },
      cleanOrphans: (instanceId, keys, confirmation) => {
        const { route, id } = routeId(instanceId);
        return on(route, () => local.admin.cleanOrphans(id, keys, confirmation), (remote) => remote.admin.cleanOrphans(id, keys, confirmation));
      },
      cancel: (jobId) => {
        const remote = parseRemoteId(jobId);
        return remote ? linkOf(remote.serverId).services.admin.cancel(remote.id) : local.admin.cancel(jobId);
      },
      journal: (journalOptions = {}) => {
        if (journalOptions.instanceId !== undefined) {
          const { route, id } = routeId(journalOptions.instanceId);
          return on(route, () => local.admin.journal(journalOptions), async (remote, link) => (await remote.admin.journal({ ...journalOptions, instanceId: id })).map((entry) => out.journal(link, entry)));
        }
        return merged(local.admin.journal(journalOptions), async (remote, link) => (await remote.admin.journal(journalOptions)).map((entry) => out.journal(link, entry)), journalOptions.limit);
      },
      onDidProgress: emitters.adminProgress.event,
    },
    reports: {
      export: (request) => {
        const { route, filter } = routeFilter(request.filter);
        return on(route, () => local.reports.export(request), async (remote, link) => {
          // The team server keeps the file for its user: fetch it (with the session) into this machine's downloads.
          const { outPath: _outPath, ...remoteRequest } = request;
          const result = await remote.reports.export({ ...remoteRequest, filter });
          const saved = result.downloadUrl ? await saveDownload(link, result.downloadUrl, result.jobId) : undefined;
          return { jobId: out.id(link, result.jobId), rows: result.rows, bytes: result.bytes, ...(saved ?? {}) };
        });
      },
      cancel: (jobId) => {
        const remote = parseRemoteId(jobId);
        return remote ? linkOf(remote.serverId).services.reports.cancel(remote.id) : local.reports.cancel(jobId);
      },
      listDefinitions: () => local.reports.listDefinitions(),
      saveDefinition: (definition) => local.reports.saveDefinition(definition),
      deleteDefinition: (id) => local.reports.deleteDefinition(id),
      pdfEngine: () => local.reports.pdfEngine(),
      onDidProgress: emitters.reportProgress.event,
    },
    settings: { get: () => local.settings.get(), update: (patch) => local.settings.update(patch), onDidChangeSettings: local.settings.onDidChangeSettings },
    host: { info: () => local.host.info(), openExternal: (url) => local.host.openExternal(url) },
    records: {
      describe: (instanceId, model, recordId) => {
        const { route, id } = routeId(instanceId);
        return on(route, () => local.records.describe(id, model, recordId), (remote) => remote.records.describe(id, model, recordId));
      },
    },
    // Alerts are the workstation's own: rules over its mirror, delivered from this machine.
    alerts: local.alerts,
  };

  return {
    services: rejectingNotThrowing(services),
    dispose() {
      linkSubscription.dispose();
      for (const subscription of [...localSubscriptions, ...remoteSubscriptions.values()]) subscription.dispose();
      remoteSubscriptions.clear();
      for (const emitter of Object.values(emitters)) emitter.dispose();
    },
  };
}

/**
 * Every method returns a Promise: a routing failure (thrown before any await) becomes a rejection.
 * Walks the declared surfaces, not the objects' own keys, so a class instance passed through as it is
 * (the workstation's alert service) keeps its prototype methods, bound to it.
 */
function rejectingNotThrowing(services: Services): Services {
  const wrapped = {} as Record<string, Record<string, unknown>>;
  for (const [name, surface] of Object.entries(SERVICE_SURFACES) as [keyof Services, Surface<unknown>][]) {
    const service = services[name] as unknown as Record<string, unknown>;
    const methods = Object.keys(surface.methods).map((member) => {
      const method = service[member] as (...args: unknown[]) => unknown;
      return [member, async (...args: unknown[]) => method.apply(service, args)];
    });
    const events = surface.events.map((event) => [event, service[event as string]]);
    wrapped[name] = Object.fromEntries([...methods, ...events]);
  }
  return wrapped as unknown as Services;
}
