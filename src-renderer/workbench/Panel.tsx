/** The bottom panel: the sync activity log, newest first, worded in the UI's language. */
import { useTranslator } from '../i18n';
import { localizeLogEntry, logKindLabel } from '../i18n/service-text';
import { EmptyState, Icon } from '../ui/primitives';
import { useInstanceNames } from './instance-names';
import { useStore, useWorkbench } from './store';

const LEVEL_ICON = { info: 'info', warning: 'warning', error: 'error' } as const;

/** The sync activity panel. */
export function Panel() {
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const activity = useWorkbench((state) => state.activity);
  const name = useInstanceNames();
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
        {activity.map((entry) => {
          const { text, detail } = localizeLogEntry(translator, entry);
          return (
            <div key={`${entry.instanceId}-${entry.id}`} className={`log-line level-${entry.level}`} data-kind={entry.kind} data-message-key={entry.messageKey}>
              <Icon name={LEVEL_ICON[entry.level]} label={t(`activity.level.${entry.level}`)} />
              <time dateTime={entry.at} title={t('common.utcTime', { time: entry.at })}>{translator.shortTime(entry.at)}</time>
              <span className="log-instance">{name(entry.instanceId)}</span>
              <span className="log-kind">{logKindLabel(translator, entry.kind)}</span>
              <span className="log-message" title={detail ?? text}>
                <bdi>{text}</bdi>
                {detail && (
                  <span className="muted" dir="auto">
                    {' · '}
                    <bdi>{detail}</bdi>
                  </span>
                )}
              </span>
              {!!entry.added && <span className="log-added">{t('activity.added', { count: entry.added })}</span>}
              {!!entry.removed && <span className="log-removed">{t('activity.removed', { count: entry.removed })}</span>}
              {entry.durationMs !== undefined && <span className="muted">{translator.duration(entry.durationMs)}</span>}
            </div>
          );
        })}
      </div>
    </section>
  );
}
