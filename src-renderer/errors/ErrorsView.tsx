/**
 * The errors view, grouped like Sentry: one group per fingerprint with count, first and last seen and
 * models; a group drills into its occurrences. Servers whose error log cannot be read say so and how
 * to fix it.
 */
import { useEffect, useState } from 'react';
import { type ErrorGroup, type ErrorRow } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { useServices } from '../services/services';
import { Banner, EmptyState, ErrorBanner, Icon, Skeleton } from '../ui/primitives';
import { useInstanceGone, useInstanceNames } from '../workbench/instance-names';
import { useWorkbench } from '../workbench/store';

/** The errors tab (all instances, or one). */
export function ErrorsView({ instanceId }: { instanceId?: string }) {
  const services = useServices();
  const translator = useTranslator();
  const { t } = translator;
  const instances = useWorkbench((state) => state.instances);
  const statuses = useWorkbench((state) => state.statuses);
  const [text, setText] = useState('');
  const [groups, setGroups] = useState<ErrorGroup[]>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<ErrorGroup>();
  const [occurrences, setOccurrences] = useState<ErrorRow[]>();
  const [reload, setReload] = useState(0);
  const instanceIds = instanceId ? [instanceId] : undefined;

  useEffect(() => {
    let live = true;
    const handle = setTimeout(() => {
      services.changes.errorGroups({ instanceIds, text: text.trim() || undefined }).then(
        (value) => live && (setGroups(value), setError(undefined)),
        (failure) => live && setError(failure),
      );
    }, text ? 250 : 0);
    return () => {
      live = false;
      clearTimeout(handle);
    };
  }, [services, instanceId, text, reload]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const subscription = services.changes.onDidChangeData(() => setReload((value) => value + 1));
    return () => subscription.dispose();
  }, [services]);
  useInstanceGone(() => setReload((value) => value + 1));

  useEffect(() => {
    if (!open) return;
    let live = true;
    setOccurrences(undefined);
    services.changes.errors({ instanceIds, fingerprint: open.fingerprint }, { limit: 500 }).then(
      (rows) => live && setOccurrences(rows),
      (failure) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [services, open?.fingerprint, reload]); // eslint-disable-line react-hooks/exhaustive-deps

  const name = useInstanceNames();
  const relevant = instances.filter((instance) => !instanceId || instance.id === instanceId);
  const unreadable = relevant.filter((instance) => statuses[instance.id]?.errorLog === 'unreadable');
  const missing = relevant.filter((instance) => statuses[instance.id]?.errorLog === 'missing');

  return (
    <div className="errors-view" data-testid="errors-view" data-state={groups ? 'ready' : 'loading'}>
      {unreadable.map((instance) => (
        <Banner key={instance.id} kind="warning" title={t('errors.unreadable', { name: instance.name })} hint={t('errors.unreadableHint', { login: instance.login })} />
      ))}
      {missing.map((instance) => (
        <Banner key={instance.id} kind="info" title={t('errors.missing', { name: instance.name })} />
      ))}
      {error !== undefined && <ErrorBanner error={error} onRetry={() => setReload((value) => value + 1)} />}
      {open ? (
        <section className="error-occurrences" aria-label={t('errors.occurrences')}>
          <header className="view-header">
            <button type="button" className="link-button" onClick={() => setOpen(undefined)}>
              <Icon name={translator.direction === 'rtl' ? 'arrow-right' : 'arrow-left'} /> {t('errors.back')}
            </button>
            <h2 className="error-title"><bdi>{open.title}</bdi></h2>
            <span className="badge">{translator.number(open.count)}</span>
          </header>
          {!occurrences && <Skeleton lines={6} />}
          {occurrences && (
            <table className="data-table">
              <thead>
                <tr>
                  <th>{t('timeline.time')}</th>
                  <th>{t('timeline.instance')}</th>
                  <th>{t('timeline.model')}</th>
                  <th>{t('timeline.record')}</th>
                  <th>{t('errors.message')}</th>
                </tr>
              </thead>
              <tbody>
                {occurrences.map((row) => (
                  <tr key={row.key}>
                    <td title={t('common.utcTime', { time: row.timestamp })}>{translator.dateTime(row.timestamp)}</td>
                    <td>{name(row.instanceId)}</td>
                    <td>{translator.model(row.model)} <span className="technical">{row.model}</span></td>
                    <td>{translator.id(row.recordId)}</td>
                    <td className="message"><bdi>{row.message}</bdi></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : (
        <section aria-label={t('errors.title')}>
          <header className="view-header">
            <h2>{t('errors.title')}</h2>
            <div className="filter-search">
              <Icon name="search" />
              <input type="search" placeholder={t('errors.search')} aria-label={t('errors.search')} value={text} onChange={(event) => setText(event.target.value)} />
            </div>
          </header>
          {!groups && !error && <Skeleton lines={6} />}
          {groups && groups.length === 0 && <EmptyState icon="pass" title={t('errors.empty')} hint={t('errors.emptyHint')} />}
          {groups && groups.length > 0 && (
            <table className="data-table error-groups">
              <thead>
                <tr>
                  <th>{t('errors.message')}</th>
                  <th className="numeric">{t('errors.count')}</th>
                  <th>{t('errors.firstSeen')}</th>
                  <th>{t('errors.lastSeen')}</th>
                  <th>{t('errors.models')}</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((group) => (
                  <tr key={group.fingerprint} tabIndex={0} className="clickable" onClick={() => setOpen(group)} onKeyDown={(event) => event.key === 'Enter' && setOpen(group)}>
                    <td className="message">
                      <Icon name="error" className="error-icon" />
                      <bdi title={group.sample}>{group.title}</bdi>
                      <div className="muted small">{group.instanceIds.map(name).join(', ')}</div>
                    </td>
                    <td className="numeric">{translator.number(group.count)}</td>
                    <td title={t('common.utcTime', { time: group.firstSeen })}>{translator.relative(group.firstSeen)}</td>
                    <td title={t('common.utcTime', { time: group.lastSeen })}>{translator.relative(group.lastSeen)}</td>
                    <td>{group.models.map((model) => translator.model(model)).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
