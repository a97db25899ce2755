/** The activity bar: one icon per view, like VS Code's. */
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
  const select = (next: ActivityView) => {
    // Clicking the active view toggles the side bar, as in VS Code.
    if (next === view) store.update({ sidebarVisible: !sidebarVisible });
    else store.update({ view: next, sidebarVisible: true });
    if (next === 'errors') store.openTab({ kind: 'errors' });
    if (next === 'reports') store.openTab({ kind: 'reports' });
    if (next === 'alerts') store.openTab({ kind: 'alerts' });
    if (next === 'settings') store.openTab({ kind: 'settings' });
  };
  return (
    <nav className="activity-bar" aria-label={t('app.title')}>
      <div role="tablist" aria-orientation="vertical">
        {VIEWS.map((item) => (
          <button
            key={item.view}
            type="button"
            role="tab"
            aria-selected={view === item.view}
            className={`activity-item ${view === item.view ? 'active' : ''}`}
            title={t(item.label)}
            aria-label={t(item.label)}
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
        className={`activity-item ${view === 'settings' ? 'active' : ''}`}
        title={t('view.settings')}
        aria-label={t('view.settings')}
        data-testid="activity-settings"
        onClick={() => select('settings')}
      >
        <Icon name="settings-gear" />
      </button>
    </nav>
  );
}
