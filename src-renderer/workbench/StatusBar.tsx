/** The status bar: overall sync state, last sync, new events; `data-sync-state` is what tests wait on. */
import { useEffect, useState } from 'react';
import type { InstanceState } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { TeamAccount } from '../team/TeamAccount';
import { STATE_ICON } from '../ui/event-style';
import { Icon } from '../ui/primitives';
import { openTimeline } from './controller';
import { useStore, useWorkbench } from './store';
import { SyncProgressBar } from './SyncProgressBar';

/** The worst state wins: error > offline > syncing > paused > up-to-date > idle. */
export function overallState(states: InstanceState[]): InstanceState | 'none' {
  if (states.length === 0) return 'none';
  for (const state of ['error', 'offline', 'syncing', 'paused', 'up-to-date'] as const) if (states.includes(state)) return state;
  return 'idle';
}

/** The bottom status bar. */
export function StatusBar() {
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const statuses = useWorkbench((state) => state.statuses);
  const instances = useWorkbench((state) => state.instances);
  const newEvents = useWorkbench((state) => state.newEvents);
  const notice = useWorkbench((state) => state.notice);
  const progress = useWorkbench((state) => state.progress);
  const [, tick] = useState(0);
  useEffect(() => {
    // "2 minutes ago" must age even when nothing else changes.
    const handle = setInterval(() => tick((value) => value + 1), 15_000);
    return () => clearInterval(handle);
  }, []);
  const list = instances.map((instance) => statuses[instance.id]).filter((status) => status !== undefined);
  const state = overallState(list.map((status) => status.state));
  const failing = list.filter((status) => status.state === 'error' || status.state === 'offline').length;
  const lastSync = list.map((status) => status.lastSyncAt).filter((value): value is string => !!value).sort().pop();
  // While a mirror runs, its progress says more than when the last one ended.
  const running = instances.find((instance) => statuses[instance.id]?.state === 'syncing' && progress[instance.id]);
  return (
    <footer className={`status-bar status-${state}`} data-sync-state={state} data-testid="status-bar" role="status">
      <button type="button" className="status-item" onClick={() => store.update((current) => ({ panelVisible: !current.panelVisible }))}>
        <Icon name={state === 'none' ? 'circle-outline' : STATE_ICON[state]} className={state === 'syncing' ? 'codicon-modifier-spin' : ''} />
        {state === 'none' ? t('state.none') : t(`state.${state}` as MessageKey)}
      </button>
      {failing > 0 && (
        <span className="status-item status-warning">
          <Icon name="warning" /> {t('status.errorCount', { count: failing })}
        </span>
      )}
      {running ? (
        <span className="status-item status-progress">
          <SyncProgressBar instanceId={running.id} progress={progress[running.id]} compact label={running.name} />
        </span>
      ) : (
        <span className="status-item" title={lastSync ? t('common.utcTime', { time: lastSync }) : undefined} data-testid="status-last-sync" data-last-sync={lastSync ?? ''}>
          {lastSync ? t('status.lastSync', { time: translator.relative(lastSync) }) : t('status.never')}
        </span>
      )}
      {notice && <span className="status-item">{notice}</span>}
      <span className="spacer" />
      {newEvents > 0 && (
        <button type="button" className="status-item status-new" data-testid="status-new-events" data-count={newEvents} onClick={() => openTimeline(store)}>
          <Icon name="bell-dot" /> {t('status.newEvents', { count: newEvents })}
        </button>
      )}
      <span className="status-item">{t('status.instances', { count: instances.length })}</span>
      <TeamAccount />
    </footer>
  );
}
