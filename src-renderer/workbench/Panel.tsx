/** The bottom panel: the sync activity log, newest first. */
import { useTranslator } from '../i18n';
import { EmptyState, Icon } from '../ui/primitives';
import { useStore, useWorkbench } from './store';

const LEVEL_ICON = { info: 'info', warning: 'warning', error: 'error' } as const;

/** The sync activity panel. */
export function Panel() {
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const activity = useWorkbench((state) => state.activity);
  const instances = useWorkbench((state) => state.instances);
  const name = (id: string) => instances.find((instance) => instance.id === id)?.name ?? id;
  return (
    <section className="panel" aria-label={t('activity.title')} data-testid="activity-panel">
      <header className="panel-header">
        <h2>{t('activity.title')}</h2>
        <span className="spacer" />
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={() => store.update({ panelVisible: false })}>
          <Icon name="close" />
        </button>
      </header>
      <div className="panel-body" role="log" aria-live="off">
        {activity.length === 0 && <EmptyState icon="pulse" title={t('activity.empty')} />}
        {activity.map((entry) => (
          <div key={`${entry.instanceId}-${entry.id}`} className={`log-line level-${entry.level}`}>
            <Icon name={LEVEL_ICON[entry.level]} />
            <time dateTime={entry.at} title={`${entry.at} UTC`}>{translator.shortTime(entry.at)}</time>
            <span className="log-instance">{name(entry.instanceId)}</span>
            <span className="log-kind">{entry.kind}</span>
            <span className="log-message"><bdi>{entry.message}</bdi></span>
            {!!entry.added && <span className="log-added">{t('activity.added', { count: entry.added })}</span>}
            {!!entry.removed && <span className="log-removed">{t('activity.removed', { count: entry.removed })}</span>}
            {entry.durationMs !== undefined && <span className="muted">{t('activity.duration', { ms: entry.durationMs })}</span>}
          </div>
        ))}
      </div>
    </section>
  );
}
