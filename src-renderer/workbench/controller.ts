/**
 * Wires the store to the services: loads the initial data, keeps it current through the services'
 * events, and registers every workbench command in the one registry.
 */
import type { Services } from '../../src-main/common/services';
import type { Disposable } from '../../src-main/common/event';
import type { ChangeFilter, InstanceConfig, InstanceStatus, Settings } from '../../src-main/common/model';
import { toOcmError } from '../../src-main/common/errors';
import { CommandRegistry } from '../commands/registry';
import type { WorkbenchState, WorkbenchStore } from './store';
import { appEvents } from './app-events';
import { hasChangeLog } from '../instances/watching';
import { listenForNotices } from '../alerts/notifications';
import { trackProgress } from './sync-progress';

/** Keeps this many activity lines in memory for the bottom panel. */
const ACTIVITY_LIMIT = 300;

/** Loads state and subscribes to service events; returns what to dispose on shutdown. */
export async function startController(store: WorkbenchStore, services: Services): Promise<Disposable> {
  const subscriptions: Disposable[] = [];
  const [known, statuses, settings, host, activity] = await Promise.all([
    services.instances.list({ includeRemoved: true }),
    services.sync.statuses(),
    services.settings.get(),
    services.host.info(),
    services.sync.activity({ limit: 100 }),
  ]);
  store.update({
    ...splitRemoved(known),
    statuses: Object.fromEntries(statuses.map((status) => [status.instanceId, status])),
    settings,
    host,
    activity,
  });

  subscriptions.push(
    services.instances.onDidChangeInstances((list) => {
      store.update((state) => ({ instances: list, statuses: onlyOf(list, state.statuses), progress: onlyOf(list, state.progress) }));
      // Removed ones keep their history under their name: the list with them is asked for again.
      void services.instances.list({ includeRemoved: true }).then(
        (all) => {
          const known = new Set(all.map((instance) => instance.id));
          // An instance removed without its history leaves no activity lines behind (its log is gone too).
          store.update((state) => ({ ...splitRemoved(all), statuses: onlyOf(state.instances, state.statuses), activity: state.activity.filter((entry) => known.has(entry.instanceId)) }));
          // Nor open tabs, wherever it was removed (here, the CLI, another window).
          for (const tab of store.getState().tabs) {
            const id = (tab as { instanceId?: string }).instanceId;
            if (id && !known.has(id)) store.closeTab(tab.id);
          }
        },
        () => undefined,
      );
    }),
    services.sync.onDidChangeStatus((status: InstanceStatus) => {
      // A removed instance's last words (its loop stopping) must not bring its badge back.
      if (store.getState().removedInstances.some((instance) => instance.id === status.instanceId)) return;
      store.update((state) => {
        const progress = status.state === 'syncing' ? state.progress : withoutKey(state.progress, status.instanceId);
        return { statuses: { ...state.statuses, [status.instanceId]: status }, progress };
      });
      appEvents.emit('status', { instanceId: status.instanceId, state: status.state });
    }),
    services.sync.onDidProgress((event) => {
      store.update((state) => ({ progress: { ...state.progress, [event.instanceId]: trackProgress(state.progress[event.instanceId], event, Date.now()) } }));
      appEvents.emit('sync-progress', { instanceId: event.instanceId, done: event.done, total: event.total });
    }),
    services.sync.onDidLog((entry) =>
      store.update((state) => ({ activity: [entry, ...state.activity].slice(0, ACTIVITY_LIMIT) })),
    ),
    services.settings.onDidChangeSettings((next: Settings) => store.update({ settings: next })),
    services.changes.onDidChangeData((notice) => {
      if (notice.added > 0) store.update((state) => ({ newEvents: state.newEvents + notice.added }));
      // The counts follow the rows as pages land (a first mirror takes a while); the next status has the exact ones.
      store.update((state) => {
        const status = state.statuses[notice.instanceId];
        if (!status || (notice.added === 0 && notice.removed === 0)) return {};
        const counted = { ...status, changeCount: status.changeCount + notice.added, removedCount: status.removedCount + notice.removed };
        return { statuses: { ...state.statuses, [notice.instanceId]: counted } };
      });
      appEvents.emit('data', notice);
    }),
  );

  // Browser mode shows desktop alerts itself, once the browser allows notifications.
  listenForNotices(services, host.kind);

  // Instances added while the app runs get their status once, then through events.
  return {
    dispose: () => {
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}

/** `record` without `key`. */
function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

/** The visible instances and the ones removed with their history kept. */
function splitRemoved(all: readonly InstanceConfig[]): Pick<WorkbenchState, 'instances' | 'removedInstances'> {
  return { instances: all.filter((instance) => !instance.removedAt), removedInstances: all.filter((instance) => !!instance.removedAt) };
}

/** The statuses (or progress) of the listed instances only: a removed instance leaves no badge or failure behind. */
function onlyOf<T>(instances: readonly InstanceConfig[], byInstance: Record<string, T>): Record<string, T> {
  const ids = new Set(instances.map((instance) => instance.id));
  return Object.fromEntries(Object.entries(byInstance).filter(([id]) => ids.has(id)));
}

/** Opens the default tab: the all-instances timeline. */
export function openDefaultTabs(store: WorkbenchStore): void {
  if (store.getState().tabs.length === 0) openTimeline(store);
}

/** Opens (or focuses) the timeline of one instance, or of all, optionally with a filter (and the saved filter's name as its title). */
export function openTimeline(store: WorkbenchStore, instanceId?: string, filter?: ChangeFilter, name?: string): void {
  const base: ChangeFilter = filter ?? (instanceId ? { instanceIds: [instanceId] } : {});
  if (filter) {
    store.openTab({ kind: 'timeline', instanceId, filter: base, preset: filter.from ? 'custom' : 'all', name }, { unique: false });
  } else {
    store.openTab({ kind: 'timeline', instanceId, filter: base, preset: 'all' });
  }
  store.update({ newEvents: 0 });
}

/** Shows a failure in the banner, with its hint. */
export function reportError(store: WorkbenchStore, error: unknown): void {
  store.update({ banner: toOcmError(error).toJSON() });
}

/** Registers every workbench command. */
export function registerCommands(registry: CommandRegistry, store: WorkbenchStore, services: Services): void {
  const activeTimeline = () => {
    const tab = store.activeTab();
    return tab?.kind === 'timeline' ? tab : undefined;
  };
  const setSettings = (patch: Partial<Settings>) =>
    services.settings.update(patch).then((settings) => store.update({ settings }), (error) => reportError(store, error));

  const commands: Parameters<CommandRegistry['register']>[0][] = [
    { id: 'workbench.palette', title: 'command.palette', category: 'command.category.view', keybinding: 'mod+shift+p', run: () => store.update({ overlay: 'palette' }) },
    { id: 'workbench.quickOpen', title: 'command.quickOpen', category: 'command.category.view', keybinding: 'mod+p', run: () => store.update({ overlay: 'quick-open' }) },
    { id: 'view.timelineAll', title: 'command.timelineAll', category: 'command.category.view', keybinding: 'alt+1', run: () => { store.update({ view: 'changes' }); openTimeline(store); } },
    { id: 'view.errors', title: 'command.errors', category: 'command.category.view', keybinding: 'alt+2', run: () => { store.update({ view: 'errors' }); store.openTab({ kind: 'errors' }); } },
    { id: 'view.reports', title: 'command.reports', category: 'command.category.view', keybinding: 'alt+4', run: () => { store.update({ view: 'reports' }); store.openTab({ kind: 'reports' }); } },
    { id: 'view.settings', title: 'command.settings', category: 'command.category.preferences', keybinding: 'mod+,', run: () => { store.update({ view: 'settings' }); store.openTab({ kind: 'settings' }); } },
    { id: 'view.journal', title: 'command.journal', category: 'command.category.admin', run: () => { store.openTab({ kind: 'journal' }); } },
    { id: 'view.togglePanel', title: 'command.togglePanel', category: 'command.category.view', keybinding: 'mod+j', run: () => store.update((state) => ({ panelVisible: !state.panelVisible })) },
    { id: 'view.toggleSidebar', title: 'command.toggleSidebar', category: 'command.category.view', keybinding: 'mod+b', run: () => store.toggleSidebar() },
    { id: 'tab.close', title: 'command.closeTab', category: 'command.category.view', keybinding: 'alt+w', when: () => !!store.getState().activeTabId, run: () => { const id = store.getState().activeTabId; if (id) store.closeTab(id); } },
    { id: 'tab.next', title: 'command.nextTab', category: 'command.category.view', keybinding: 'ctrl+pagedown', run: () => store.cycleTab(1) },
    { id: 'tab.previous', title: 'command.previousTab', category: 'command.category.view', keybinding: 'ctrl+pageup', run: () => store.cycleTab(-1) },
    { id: 'instance.add', title: 'command.addInstance', category: 'command.category.instance', keybinding: 'alt+n', run: () => { store.update({ view: 'instances' }); store.openTab({ kind: 'instance' }); } },
    { id: 'sync.all', title: 'command.syncAll', category: 'command.category.instance', keybinding: 'f5', run: () => services.sync.syncNow().catch((error) => reportError(store, error)) },
    {
      id: 'admin.orphans', title: 'command.orphans', category: 'command.category.admin',
      when: () => store.getState().instances.some(hasChangeLog),
      run: () => {
        const state = store.getState();
        const active = state.instances.find((instance) => instance.id === activeTimeline()?.instanceId);
        const instanceId = (hasChangeLog(active) ? active : state.instances.find(hasChangeLog))?.id;
        if (instanceId) store.openTab({ kind: 'orphans', instanceId });
      },
    },
    { id: 'timeline.export', title: 'command.export', category: 'command.category.timeline', keybinding: 'mod+e', when: () => !!activeTimeline(), run: () => { const tab = activeTimeline(); if (tab) store.update({ dialog: { kind: 'export', filter: tab.filter } }); } },
    { id: 'timeline.focusFilter', title: 'command.focusFilter', category: 'command.category.timeline', keybinding: 'mod+f', when: () => !!activeTimeline(), run: () => document.querySelector<HTMLInputElement>('[data-active-tab="true"] [data-filter-text]')?.focus() },
    { id: 'timeline.clearFilters', title: 'command.clearFilters', category: 'command.category.timeline', when: () => !!activeTimeline(), run: () => { const tab = activeTimeline(); if (tab) store.updateTab(tab.id, { filter: tab.instanceId ? { instanceIds: [tab.instanceId] } : {}, preset: 'all' }); } },
    { id: 'timeline.saveFilter', title: 'command.saveFilter', category: 'command.category.timeline', keybinding: 'mod+s', when: () => !!activeTimeline(), run: () => { const tab = activeTimeline(); if (tab) store.update({ dialog: { kind: 'save-filter', filter: tab.filter } }); } },
    {
      id: 'timeline.deleteMatching', title: 'command.deleteMatching', category: 'command.category.admin',
      when: () => (activeTimeline()?.filter.instanceIds?.length ?? 0) === 1 && hasChangeLog(store.getState().instances.find((instance) => instance.id === activeTimeline()?.filter.instanceIds?.[0])),
      run: () => { const tab = activeTimeline(); const instanceId = tab?.filter.instanceIds?.[0]; if (tab && instanceId) store.update({ dialog: { kind: 'delete', instanceId, selection: { filter: tab.filter } } }); },
    },
    { id: 'language.en', title: 'command.language.en', category: 'command.category.preferences', when: () => store.getState().settings.language !== 'en', run: () => setSettings({ language: 'en' }) },
    { id: 'language.ar', title: 'command.language.ar', category: 'command.category.preferences', when: () => store.getState().settings.language !== 'ar', run: () => setSettings({ language: 'ar' }) },
    { id: 'theme.system', title: 'command.theme.system', category: 'command.category.preferences', run: () => setSettings({ theme: 'system' }) },
    { id: 'theme.dark', title: 'command.theme.dark', category: 'command.category.preferences', run: () => setSettings({ theme: 'dark' }) },
    { id: 'theme.light', title: 'command.theme.light', category: 'command.category.preferences', run: () => setSettings({ theme: 'light' }) },
    { id: 'theme.highContrast', title: 'command.theme.high-contrast', category: 'command.category.preferences', run: () => setSettings({ theme: 'high-contrast' }) },
  ];
  for (const command of commands) registry.register(command);
}
