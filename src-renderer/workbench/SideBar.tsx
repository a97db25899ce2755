/** The side bar: the instance tree with status and counts, saved filters, and per-view shortcuts. */
import type { InstanceConfig, InstanceStatus } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { describeError } from '../i18n/service-text';
import { useServices } from '../services/services';
import { Guarded, LockedAction, mayDo } from '../team/access';
import { useTeamSession } from '../team/context';
import { AddTeamServerButton, TeamServerGroups } from '../team/TeamServers';
import { STATE_ICON } from '../ui/event-style';
import { Icon } from '../ui/primitives';
import { openTimeline, reportError } from './controller';
import { needsPassword, type SyncProgress } from './sync-progress';
import { SyncProgressBar } from './SyncProgressBar';
import { useStore, useWorkbench } from './store';
import { hasChangeLog } from '../instances/watching';

function InstanceItem({ instance, status, progress, onOpen }: { instance: InstanceConfig; status?: InstanceStatus; progress?: SyncProgress; onOpen(): void }) {
  const services = useServices();
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const state = status?.state ?? 'idle';
  // A refused login is not retried: the instance waits for its password, and says so.
  const passwordNeeded = needsPassword(status);
  const stateLabel = passwordNeeded ? t('state.passwordNeeded') : t(`state.${state}` as MessageKey);
  return (
    <li className="tree-item" role="treeitem" aria-selected={false} data-instance={instance.name} data-state={state} data-password-needed={passwordNeeded || undefined}>
      <button type="button" className="tree-row" onClick={onOpen} title={status?.lastError ? describeError(translator, status.lastError) : stateLabel}>
        <Icon name={passwordNeeded ? 'key' : STATE_ICON[state]} className={`state-icon state-${state} ${state === 'syncing' ? 'codicon-modifier-spin' : ''}`} label={stateLabel} />
        <span className="tree-label">
          <span className="tree-name">
            {instance.name}
            {instance.demo && <span className="tag">{t('sidebar.demo')}</span>}
            {instance.production && <span className="tag tag-warning">{t('sidebar.production')}</span>}
          </span>
          <span className="tree-detail">
            {status ? t('sidebar.counts', { changes: status.changeCount, errors: status.errorCount }) : stateLabel}
          </span>
          {passwordNeeded && <span className="tree-detail status-warning" data-testid="password-needed">{t('sidebar.passwordNeeded')}</span>}
          {state === 'syncing' && progress && <SyncProgressBar instanceId={instance.id} progress={progress} />}
        </span>
      </button>
      <span className="tree-actions">
        <button type="button" className="icon-button" title={t('instances.syncNow')} aria-label={t('instances.syncNowFor', { name: instance.name })} onClick={() => services.sync.syncNow(instance.id).catch((error) => reportError(store, error))}>
          <Icon name="sync" />
        </button>
        <Guarded instance={instance} action="manage">
          <button type="button" className="icon-button" title={t('instances.edit')} aria-label={t('instances.editFor', { name: instance.name })} onClick={() => store.openTab({ kind: 'instance', instanceId: instance.id })}>
            <Icon name="gear" />
          </button>
        </Guarded>
      </span>
    </li>
  );
}

/** The side bar for the active view. */
export function SideBar() {
  const store = useStore();
  const services = useServices();
  const { t } = useTranslator();
  const view = useWorkbench((state) => state.view);
  const instances = useWorkbench((state) => state.instances);
  const statuses = useWorkbench((state) => state.statuses);
  const progress = useWorkbench((state) => state.progress);
  const savedFilters = useWorkbench((state) => state.settings.savedFilters);
  const team = useTeamSession();
  // Instances read from team servers are listed under their server (TeamServerGroups).
  const local = instances.filter((instance) => !instance.access?.server);
  const cleanable = instances.find((instance) => hasChangeLog(instance) && mayDo(instance, 'orphans'));
  const titles: Record<string, MessageKey> = { changes: 'view.changes', errors: 'view.errors', instances: 'view.instances', reports: 'view.reports', alerts: 'view.alerts', settings: 'view.settings' };

  const open = (instanceId?: string) => {
    if (view === 'errors') store.openTab({ kind: 'errors', instanceId });
    else if (view === 'instances' && instanceId && mayDo(instances.find((instance) => instance.id === instanceId), 'manage')) store.openTab({ kind: 'instance', instanceId });
    else openTimeline(store, instanceId);
  };

  return (
    <div className="side-bar" id="side-bar" data-testid="side-bar">
      <header className="side-bar-title">
        <h1>{t(titles[view])}</h1>
        <span className="spacer" />
        {team && team.account.role !== 'admin' ? (
          <LockedAction reason={t('team.locked.addInstance')} testId="locked-add-instance" />
        ) : (
          <button type="button" className="icon-button" title={t('instances.add')} aria-label={t('instances.add')} data-testid="add-instance" onClick={() => store.openTab({ kind: 'instance' })}>
            <Icon name="add" />
          </button>
        )}
        <AddTeamServerButton />
        <button type="button" className="icon-button" title={t('command.syncAll')} aria-label={t('command.syncAll')} onClick={() => services.sync.syncNow().catch((error) => reportError(store, error))}>
          <Icon name="refresh" />
        </button>
      </header>
      <section className="side-section" aria-label={t('sidebar.instances')}>
        <h2 className="side-section-title">{t('sidebar.instances')}</h2>
        {instances.length === 0 ? (
          <div className="side-empty">
            <p>{t('sidebar.empty')}</p>
            <p className="muted">{t('sidebar.emptyHint')}</p>
            <button type="button" className="button" onClick={() => store.openTab({ kind: 'instance' })}>
              <Icon name="add" /> {t('instances.add')}
            </button>
          </div>
        ) : (
          <ul className="tree" role="tree" aria-label={t('sidebar.instances')} data-testid="instance-tree">
            {view !== 'instances' && (
              <li className="tree-item" role="treeitem" aria-selected={false}>
                <button type="button" className="tree-row" onClick={() => open()}>
                  <Icon name="layers" />
                  <span className="tree-label"><span className="tree-name">{t('sidebar.allInstances')}</span></span>
                </button>
              </li>
            )}
            {local.map((instance) => (
              <InstanceItem key={instance.id} instance={instance} status={statuses[instance.id]} progress={progress[instance.id]} onOpen={() => open(instance.id)} />
            ))}
            <TeamServerGroups
              instances={instances}
              openAll={(instanceIds) => openTimeline(store, undefined, { instanceIds })}
              renderInstance={(instance) => <InstanceItem key={instance.id} instance={instance} status={statuses[instance.id]} onOpen={() => open(instance.id)} />}
            />
          </ul>
        )}
      </section>
      {view === 'changes' && (
        <section className="side-section" aria-label={t('sidebar.savedFilters')}>
          <h2 className="side-section-title">{t('sidebar.savedFilters')}</h2>
          {savedFilters.length === 0 ? (
            <p className="side-note muted">{t('sidebar.noSavedFilters')}</p>
          ) : (
            <ul className="tree" role="tree">
              {savedFilters.map((saved) => (
                <li key={saved.id} className="tree-item" role="treeitem" aria-selected={false}>
                  <button type="button" className="tree-row" onClick={() => openTimeline(store, undefined, saved.filter, saved.name)}>
                    <Icon name="filter" />
                    <span className="tree-label"><span className="tree-name">{saved.name}</span></span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {(view === 'instances' || view === 'reports') && (
        <section className="side-section" aria-label={t('sidebar.adminTools')}>
          <h2 className="side-section-title">{t('sidebar.adminTools')}</h2>
          <ul className="tree" role="tree">
            {cleanable && (
              <li className="tree-item" role="treeitem" aria-selected={false}>
                <button type="button" className="tree-row" data-testid="open-orphans" onClick={() => store.openTab({ kind: 'orphans', instanceId: cleanable.id })}>
                  <Icon name="search-fuzzy" />
                  <span className="tree-label"><span className="tree-name">{t('view.orphans')}</span></span>
                </button>
              </li>
            )}
            <li className="tree-item" role="treeitem" aria-selected={false}>
              <button type="button" className="tree-row" onClick={() => store.openTab({ kind: 'journal' })}>
                <Icon name="book" />
                <span className="tree-label"><span className="tree-name">{t('view.journal')}</span></span>
              </button>
            </li>
          </ul>
        </section>
      )}
    </div>
  );
}
