/**
 * The activity bar: one icon per view, like VS Code's. Clicking the active view's icon hides the side
 * bar and clicking it again shows it (as VS Code does); the icon says which, in its tooltip and state.
 */
import { useMemo } from 'react';
import { formatKeybinding } from '../commands/registry';
import { useTranslator, type MessageKey } from '../i18n';
import { Icon } from '../ui/primitives';
import { useStore, useWorkbench, type ActivityView } from './store';

const VIEWS: { view: ActivityView; icon: string; label: MessageKey }[] = [
  { view: 'changes', icon: 'history', label: 'view.changes' },
  { view: 'errors', icon: 'bug', label: 'view.errors' },
  { view: 'instances', icon: 'server-environment', label: 'view.instances' },
  { view: 'reports', icon: 'graph', label: 'view.reports' },
  { view: 'alerts', icon: 'bell', label: 'view.alerts' },
];

/** The vertical icon bar at the inline start. */
export function ActivityBar() {
  const store = useStore();
  const { t } = useTranslator();
  const view = useWorkbench((state) => state.view);
  const sidebarVisible = useWorkbench((state) => state.sidebarVisible);
  const errorCount = useWorkbench((state) => Object.values(state.statuses).filter((status) => status.state === 'error' || status.state === 'offline').length);
  const keys = useMemo(() => formatKeybinding('mod+b'), []);
  const select = (next: ActivityView) => {
    // Clicking the active view toggles the side bar, as in VS Code.
    if (next === view) store.toggleSidebar();
    else store.update({ view: next, sidebarVisible: true });
    if (next === 'errors') store.openTab({ kind: 'errors' });
    if (next === 'reports') store.openTab({ kind: 'reports' });
    if (next === 'alerts') store.openTab({ kind: 'alerts' });
    if (next === 'settings') store.openTab({ kind: 'settings' });
  };
  /** The active icon's tooltip says what a click does to the side bar; the others name their view. */
  const title = (item: ActivityView, label: MessageKey) =>
    item === view ? t(sidebarVisible ? 'activity.viewShown' : 'activity.viewHidden', { view: t(label), keys }) : t(label);
  const itemClass = (item: ActivityView) => `activity-item ${item === view ? (sidebarVisible ? 'active' : 'active collapsed') : ''}`;
  return (
    <nav className="activity-bar" aria-label={t('app.title')} data-sidebar-visible={sidebarVisible}>
      <div role="tablist" aria-orientation="vertical">
        {VIEWS.map((item) => (
          <button
            key={item.view}
            type="button"
            role="tab"
            aria-selected={view === item.view}
            className={itemClass(item.view)}
            title={title(item.view, item.label)}
            aria-label={t(item.label)}
            aria-expanded={view === item.view ? sidebarVisible : undefined}
            aria-controls={view === item.view ? 'side-bar' : undefined}
            data-testid={`activity-${item.view}`}
            onClick={() => select(item.view)}
          >
            <Icon name={item.icon} />
            {item.view === 'instances' && errorCount > 0 && <span className="activity-badge">{errorCount}</span>}
          </button>
        ))}
      </div>
      <button
        type="button"
        className={itemClass('settings')}
        title={title('settings', 'view.settings')}
        aria-label={t('view.settings')}
        aria-expanded={view === 'settings' ? sidebarVisible : undefined}
        data-testid="activity-settings"
        onClick={() => select('settings')}
      >
        <Icon name="settings-gear" />
      </button>
    </nav>
  );
}
