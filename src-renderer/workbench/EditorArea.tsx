/**
 * The editor area: tabs and the active tab's content. Inactive tabs stay mounted to keep scroll and state.
 * Tabs that do not fit scroll (the wheel scrolls them sideways, the active one is always brought into
 * view) and the tab list at the end of the bar lists every open tab, as VS Code's "Show Opened Editors".
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { DeleteDialog } from '../admin/DeleteDialog';
import { JournalView } from '../admin/JournalView';
import { OrphansView } from '../admin/OrphansView';
import { formatKeybinding } from '../commands/registry';
import { ErrorsView } from '../errors/ErrorsView';
import { useTranslator } from '../i18n';
import { InstanceEditor } from '../instances/InstanceEditor';
import { RemoveInstanceDialog } from '../instances/RemoveInstanceDialog';
import { ExportDialog } from '../reports/ExportDialog';
import { ReportsView } from '../reports/ReportsView';
import { AlertsView } from '../alerts/AlertsView';
import { SaveFilterDialog } from '../settings/SaveFilterDialog';
import { SettingsView } from '../settings/SettingsView';
import { TimelineView } from '../timeline/TimelineView';
import { EmptyState, Icon } from '../ui/primitives';
import { useStore, useWorkbench, type Tab } from './store';
import { useInstanceNames } from './instance-names';

const TAB_ICON: Record<Tab['kind'], string> = {
  timeline: 'history',
  errors: 'bug',
  instance: 'server-environment',
  journal: 'book',
  orphans: 'search-fuzzy',
  settings: 'settings-gear',
  reports: 'graph',
  alerts: 'bell',
};

function useTabTitle(): (tab: Tab) => string {
  const { t } = useTranslator();
  const instanceName = useInstanceNames();
  return (tab) => {
    const name = (id?: string) => (id ? instanceName(id) : '');
    switch (tab.kind) {
      case 'timeline':
        if (tab.name) return t('tab.timeline', { name: tab.name });
        return tab.instanceId ? t('tab.timeline', { name: name(tab.instanceId) }) : t('tab.timelineAll');
      case 'errors':
        return tab.instanceId ? `${t('tab.errors')}: ${name(tab.instanceId)}` : t('tab.errors');
      case 'instance':
        return tab.instanceId ? t('tab.instance', { name: name(tab.instanceId) }) : t('tab.newInstance');
      case 'journal':
        return t('tab.journal');
      case 'orphans':
        return t('tab.orphans', { name: name(tab.instanceId) });
      case 'settings':
        return t('tab.settings');
      case 'reports':
        return t('tab.reports');
      case 'alerts':
        return t('tab.alerts');
    }
  };
}

function TabContent({ tab, theme }: { tab: Tab; theme: string }) {
  switch (tab.kind) {
    case 'timeline':
      return <TimelineView tab={tab} theme={theme} />;
    case 'errors':
      return <ErrorsView instanceId={tab.instanceId} />;
    case 'instance':
      return <InstanceEditor key={tab.instanceId ?? 'new'} tabId={tab.id} instanceId={tab.instanceId} />;
    case 'journal':
      return <JournalView />;
    case 'orphans':
      return <OrphansView key={tab.instanceId} tabId={tab.id} instanceId={tab.instanceId} />;
    case 'settings':
      return <SettingsView />;
    case 'reports':
      return <ReportsView />;
    case 'alerts':
      return <AlertsView />;
  }
}

/** Brings the tab `id` fully into view inside the scrolling strip (both directions, LTR and RTL). */
function revealTab(strip: HTMLElement, id: string | undefined): void {
  const tab = id ? strip.querySelector<HTMLElement>(`[data-tab-id="${id}"]`) : null;
  if (!tab) return;
  const visible = strip.getBoundingClientRect();
  const box = tab.getBoundingClientRect();
  if (box.left < visible.left) strip.scrollLeft -= visible.left - box.left;
  else if (box.right > visible.right) strip.scrollLeft += box.right - visible.right;
}

/** The list of every open tab (the overflow menu): pick one to make it active. */
function TabList({ tabs, activeTabId, title, onPick }: { tabs: Tab[]; activeTabId?: string; title(tab: Tab): string; onPick(id: string): void }) {
  const { t } = useTranslator();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    // Keyboard users land on the active tab's entry.
    (menu.current?.querySelector<HTMLElement>('[aria-checked="true"]') ?? menu.current?.querySelector<HTMLElement>('button'))?.focus();
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const move = (step: number) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    items[(index + step + items.length) % items.length]?.focus();
  };
  return (
    <div
      className="tab-list"
      ref={root}
      onKeyDown={(event) => {
        if (!open) return;
        if (event.key === 'Escape') {
          event.stopPropagation();
          setOpen(false);
          root.current?.querySelector<HTMLElement>('.tab-list-button')?.focus();
        } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          move(event.key === 'ArrowDown' ? 1 : -1);
        }
      }}
    >
      <button
        type="button"
        className="icon-button tab-list-button"
        title={t('tab.list')}
        aria-label={t('tab.list')}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="tab-list"
        onClick={() => setOpen(!open)}
      >
        <Icon name="chevron-down" />
      </button>
      {open && (
        <div className="tab-list-menu" role="menu" aria-label={t('tab.listLabel')} ref={menu} data-testid="tab-list-menu">
          {tabs.map((tab) => (
            <button
              key={tab.id}
              type="button"
              role="menuitemradio"
              aria-checked={tab.id === activeTabId}
              className="tab-list-item"
              data-tab-id={tab.id}
              onClick={() => {
                setOpen(false);
                onPick(tab.id);
              }}
            >
              <Icon name={tab.id === activeTabId ? 'check' : TAB_ICON[tab.kind]} />
              <span className="tab-list-title">{title(tab)}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** Tabs plus content, and the modal dialogs. */
export function EditorArea({ theme }: { theme: string }) {
  const store = useStore();
  const { t, direction } = useTranslator();
  const tabs = useWorkbench((state) => state.tabs);
  const activeTabId = useWorkbench((state) => state.activeTabId);
  const dialog = useWorkbench((state) => state.dialog);
  const sidebarVisible = useWorkbench((state) => state.sidebarVisible);
  const title = useTabTitle();
  const paletteKeys = useMemo(() => formatKeybinding('mod+shift+p'), []);
  const sidebarKeys = useMemo(() => formatKeybinding('mod+b'), []);
  const strip = useRef<HTMLDivElement>(null);

  // The active tab is always in view, however many are open (a new tab opens at the end).
  useLayoutEffect(() => {
    if (strip.current) revealTab(strip.current, activeTabId);
  }, [activeTabId, tabs.length]);

  return (
    <div className="editor-area">
      <div className="tab-bar">
        <div
          ref={strip}
          className="tab-strip"
          role="tablist"
          aria-label={t('tab.listLabel')}
          data-testid="tab-strip"
          // A mouse wheel scrolls the tabs sideways, as in VS Code (towards the later tabs when scrolling down).
          onWheel={(event) => {
            const delta = Math.abs(event.deltaY) > Math.abs(event.deltaX) ? event.deltaY : 0;
            if (delta) event.currentTarget.scrollLeft += direction === 'rtl' ? -delta : delta;
          }}
        >
          {tabs.map((tab) => (
            <div key={tab.id} className={`tab ${tab.id === activeTabId ? 'active' : ''}`} data-testid={`tab-${tab.kind}`} data-tab-id={tab.id}>
              <button
                type="button"
                role="tab"
                aria-selected={tab.id === activeTabId}
                aria-controls={`panel-${tab.id}`}
                id={`tabbutton-${tab.id}`}
                className="tab-label"
                onClick={() => store.update({ activeTabId: tab.id })}
                onAuxClick={(event) => event.button === 1 && store.closeTab(tab.id)}
              >
                <Icon name={TAB_ICON[tab.kind]} />
                {title(tab)}
              </button>
              <button type="button" className="icon-button tab-close" aria-label={t('tab.closeNamed', { title: title(tab) })} onClick={() => store.closeTab(tab.id)}>
                <Icon name="close" />
              </button>
            </div>
          ))}
        </div>
        <div className="tab-bar-actions">
          {tabs.length > 0 && <TabList tabs={tabs} activeTabId={activeTabId} title={title} onPick={(id) => store.update({ activeTabId: id })} />}
          <button
            type="button"
            className="icon-button"
            title={t(sidebarVisible ? 'sidebar.hide' : 'sidebar.show', { keys: sidebarKeys })}
            aria-label={t(sidebarVisible ? 'sidebar.hide' : 'sidebar.show', { keys: sidebarKeys })}
            aria-pressed={sidebarVisible}
            data-testid="toggle-sidebar"
            onClick={() => store.toggleSidebar()}
          >
            <Icon name={direction === 'rtl' ? (sidebarVisible ? 'layout-sidebar-right' : 'layout-sidebar-right-off') : sidebarVisible ? 'layout-sidebar-left' : 'layout-sidebar-left-off'} />
          </button>
        </div>
      </div>
      <div className="editor-content">
        {tabs.length === 0 && <EmptyState icon="history" title={t('app.title')} hint={t('editor.empty', { keys: paletteKeys })} />}
        {tabs.map((tab) => (
          <div
            key={tab.id}
            id={`panel-${tab.id}`}
            role="tabpanel"
            aria-labelledby={`tabbutton-${tab.id}`}
            className="tab-panel"
            hidden={tab.id !== activeTabId}
            data-active-tab={tab.id === activeTabId}
          >
            <TabContent tab={tab} theme={theme} />
          </div>
        ))}
      </div>
      {dialog?.kind === 'delete' && <DeleteDialog instanceId={dialog.instanceId} selection={dialog.selection} />}
      {dialog?.kind === 'export' && <ExportDialog filter={dialog.filter} />}
      {dialog?.kind === 'remove-instance' && <RemoveInstanceDialog instanceId={dialog.instanceId} />}
      {dialog?.kind === 'save-filter' && <SaveFilterDialog filter={dialog.filter} />}
    </div>
  );
}
