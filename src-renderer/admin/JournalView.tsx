/** The journal of admin actions: who, when, instance, what, how many, result; exportable as CSV. */
import { useEffect, useState } from 'react';
import { csvCell, UTF8_BOM } from '../../src-main/common/csv';
import type { JournalEntry } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { useServices } from '../services/services';
import { EmptyState, ErrorBanner, Icon, Skeleton } from '../ui/primitives';

/** The journal tab. */
export function JournalView() {
  const services = useServices();
  const translator = useTranslator();
  const { t } = translator;
  const [entries, setEntries] = useState<JournalEntry[]>();
  const [error, setError] = useState<unknown>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    services.admin.journal({ limit: 1000 }).then(
      (value) => live && setEntries(value),
      (failure) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [services, reload]);

  // Actions taken in this window while the journal is open show up at once.
  useEffect(() => {
    const refresh = () => setReload((value) => value + 1);
    for (const name of ['ocm:rows-deleted', 'ocm:orphans-cleaned']) window.addEventListener(name, refresh);
    return () => {
      for (const name of ['ocm:rows-deleted', 'ocm:orphans-cleaned']) window.removeEventListener(name, refresh);
    };
  }, []);

  const exportCsv = () => {
    if (!entries) return;
    const header = ['at', 'actor', 'instance', 'action', 'description', 'requested', 'succeeded', 'result', 'error'];
    const lines = entries.map((entry) =>
      [entry.at, entry.actor, entry.instanceName, entry.action, entry.description, entry.requested, entry.succeeded, entry.result, entry.error ?? ''].map(csvCell).join(','),
    );
    const blob = new Blob([UTF8_BOM + [header.join(','), ...lines].join('\r\n')], { type: 'text/csv;charset=utf-8' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'ocm-admin-journal.csv';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  return (
    <div className="form-view journal-view" data-testid="journal-view">
      <header className="view-header">
        <h2>{t('journal.title')}</h2>
        <span className="spacer" />
        <button type="button" className="icon-button" onClick={() => setReload((value) => value + 1)} aria-label={t('common.refresh')} title={t('common.refresh')}>
          <Icon name="refresh" />
        </button>
        <button type="button" className="button secondary" onClick={exportCsv} disabled={!entries?.length}>
          <Icon name="export" /> {t('journal.export')}
        </button>
      </header>
      {error !== undefined && <ErrorBanner error={error} />}
      {!entries && !error && <Skeleton lines={6} />}
      {entries && entries.length === 0 && <EmptyState icon="book" title={t('journal.empty')} />}
      {entries && entries.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('journal.at')}</th>
              <th>{t('journal.actor')}</th>
              <th>{t('journal.instance')}</th>
              <th>{t('journal.action')}</th>
              <th>{t('journal.description')}</th>
              <th className="numeric">{t('journal.count')}</th>
              <th>{t('journal.result')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td title={t('common.utcTime', { time: entry.at })}>{translator.dateTime(entry.at)}</td>
                <td>{entry.actor}</td>
                <td>{entry.instanceName}</td>
                <td>{t(`journal.action.${entry.action}` as MessageKey)}</td>
                <td><bdi>{entry.description}</bdi>{entry.error && <div className="danger-text small" dir="auto"><bdi>{entry.error}</bdi></div>}</td>
                <td className="numeric">{t('journal.countValue', { succeeded: entry.succeeded, requested: entry.requested })}</td>
                <td><span className={`result-pill result-${entry.result}`}>{t(`journal.result.${entry.result}` as MessageKey)}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
