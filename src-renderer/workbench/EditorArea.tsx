/** The editor area: tabs and the active tab's content. Inactive tabs stay mounted to keep scroll and state. */
import { useMemo } from 'react';
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
  const instances = useWorkbench((state) => state.instances);
  return (tab) => {
    const name = (id?: string) => instances.find((instance) => instance.id === id)?.name ?? id ?? '';
    switch (tab.kind) {
      case 'timeline':
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

/** Tabs plus content, and the modal dialogs. */
export function EditorArea({ theme }: { theme: string }) {
  const store = useStore();
  const { t } = useTranslator();
  const tabs = useWorkbench((state) => state.tabs);
  const activeTabId = useWorkbench((state) => state.activeTabId);
  const dialog = useWorkbench((state) => state.dialog);
  const title = useTabTitle();
  const paletteKeys = useMemo(() => formatKeybinding('mod+shift+p'), []);

  return (
    <div className="editor-area">
      {tabs.length > 0 && (
        <div className="tab-strip" role="tablist" aria-label={t('app.title')}>
          {tabs.map((tab) => (
            <div key={tab.id} className={`tab ${tab.id === activeTabId ? 'active' : ''}`} data-testid={`tab-${tab.kind}`}>
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
      )}
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
