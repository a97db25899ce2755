/**
 * The workbench's UI state (tabs, views, overlays) plus the live data every part shows (instances,
 * statuses, settings), kept in one small observable store read through `useWorkbench(selector)`.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import { DEFAULT_DELETE_CONFIRM_THRESHOLD } from '../../src-main/common/confirmation';
import type { SerializedError } from '../../src-main/common/errors';
import type { HostInfo } from '../../src-main/common/services';
import type {
  ChangeFilter,
  InstanceConfig,
  InstanceId,
  InstanceStatus,
  RowSelection,
  Settings,
  SyncLogEntry,
} from '../../src-main/common/model';
import type { SyncProgress } from './sync-progress';

/** The views of the activity bar. */
export type ActivityView = 'changes' | 'errors' | 'instances' | 'reports' | 'alerts' | 'settings';

/** An editor tab. Timeline tabs keep their own filter. */
export type Tab =
  | { id: string; kind: 'timeline'; instanceId?: InstanceId; filter: ChangeFilter; preset: TimePreset; /** A saved filter's name, shown as the tab's title. */ name?: string }
  | { id: string; kind: 'errors'; instanceId?: InstanceId }
  | { id: string; kind: 'instance'; instanceId?: InstanceId }
  | { id: string; kind: 'journal' }
  | { id: string; kind: 'orphans'; instanceId: InstanceId }
  | { id: string; kind: 'settings' }
  | { id: string; kind: 'reports' }
  | { id: string; kind: 'alerts' };

/** A tab before it has an id (Omit distributed over the union). */
export type NewTab = Tab extends infer T ? (T extends Tab ? Omit<T, 'id'> & { id?: string } : never) : never;

/** Time filter presets of the filter bar. */
export type TimePreset = 'all' | '15m' | '1h' | '24h' | '7d' | 'custom';

/** A modal dialog over the workbench. */
export type Dialog =
  | { kind: 'delete'; instanceId: InstanceId; selection: RowSelection }
  | { kind: 'export'; filter: ChangeFilter }
  | { kind: 'remove-instance'; instanceId: InstanceId }
  | { kind: 'save-filter'; filter: ChangeFilter };

/** Everything the workbench renders from. */
export interface WorkbenchState {
  ready: boolean;
  instances: InstanceConfig[];
  /** Instances removed with their history kept: their rows stay, shown under their name, marked removed. */
  removedInstances: InstanceConfig[];
  statuses: Record<InstanceId, InstanceStatus>;
  /** Running mirrors: rows done, rate and time left, per instance (only while it syncs). */
  progress: Record<InstanceId, SyncProgress>;
  settings: Settings;
  host?: HostInfo;
  activity: SyncLogEntry[];
  view: ActivityView;
  sidebarVisible: boolean;
  panelVisible: boolean;
  tabs: Tab[];
  activeTabId?: string;
  overlay?: 'palette' | 'quick-open';
  dialog?: Dialog;
  /** Rows added since the user last looked at a timeline (status bar). */
  newEvents: number;
  /** A banner-level failure (lost connection, failed action). */
  banner?: SerializedError;
  /** Shown briefly in the status bar after an action. */
  notice?: string;
}

const defaultSettings: Settings = { language: 'en', theme: 'system', savedFilters: [], deleteConfirmThreshold: DEFAULT_DELETE_CONFIRM_THRESHOLD };

/** A minimal observable store: immutable state, shallow updates, React subscription. */
export class WorkbenchStore {
  private state: WorkbenchState = {
    ready: false,
    instances: [],
    removedInstances: [],
    statuses: {},
    progress: {},
    settings: defaultSettings,
    activity: [],
    view: 'changes',
    sidebarVisible: true,
    panelVisible: true,
    tabs: [],
    newEvents: 0,
  };
  private readonly listeners = new Set<() => void>();
  private nextTabNumber = 1;

  getState = (): WorkbenchState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(patch: Partial<WorkbenchState> | ((state: WorkbenchState) => Partial<WorkbenchState>)): void {
    const delta = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...delta };
    for (const listener of [...this.listeners]) listener();
  }

  /** Opens a tab, or focuses an equal one already open (same kind and instance). */
  openTab(tab: NewTab, options: { unique?: boolean } = { unique: true }): string {
    const existing = options.unique
      ? this.state.tabs.find(
          (open) => open.kind === tab.kind && (open as { instanceId?: string }).instanceId === (tab as { instanceId?: string }).instanceId,
        )
      : undefined;
    if (existing) {
      this.update({ activeTabId: existing.id });
      return existing.id;
    }
    const id = tab.id ?? `tab-${this.nextTabNumber++}`;
    this.update((state) => ({ tabs: [...state.tabs, { ...tab, id } as Tab], activeTabId: id }));
    return id;
  }

  closeTab(id: string): void {
    this.update((state) => {
      const index = state.tabs.findIndex((tab) => tab.id === id);
      if (index < 0) return {};
      const tabs = state.tabs.filter((tab) => tab.id !== id);
      const activeTabId =
        state.activeTabId === id ? tabs[Math.min(index, tabs.length - 1)]?.id : state.activeTabId;
      return { tabs, activeTabId };
    });
  }

  updateTab(id: string, patch: Partial<Tab>): void {
    this.update((state) => ({
      tabs: state.tabs.map((tab) => (tab.id === id ? ({ ...tab, ...patch } as Tab) : tab)),
    }));
  }

  /** Shows the side bar when hidden and hides it when shown (Ctrl+B, the active activity-bar icon, the tab bar's layout button). */
  toggleSidebar(): void {
    this.update((state) => ({ sidebarVisible: !state.sidebarVisible }));
  }

  /** Moves focus to the next (+1) or previous (-1) tab. */
  cycleTab(step: 1 | -1): void {
    const { tabs, activeTabId } = this.state;
    if (tabs.length === 0) return;
    const index = tabs.findIndex((tab) => tab.id === activeTabId);
    this.update({ activeTabId: tabs[(index + step + tabs.length) % tabs.length].id });
  }

  activeTab(): Tab | undefined {
    return this.state.tabs.find((tab) => tab.id === this.state.activeTabId);
  }
}

/** React context holding the store. */
export const StoreContext = createContext<WorkbenchStore | null>(null);

/** The store itself (for actions). */
export function useStore(): WorkbenchStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore outside StoreContext');
  return store;
}

/** Subscribes to a slice of the state; re-renders only when the slice changes (by identity). */
export function useWorkbench<T>(selector: (state: WorkbenchState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}
