/** Saved report definitions (re-run or delete) and the way to the admin journal. */
import { useEffect, useState } from 'react';
import type { ReportDefinition } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { useServices } from '../services/services';
import { EmptyState, ErrorBanner, Icon, Skeleton } from '../ui/primitives';
import { useStore } from '../workbench/store';

/** The reports tab. */
export function ReportsView() {
  const services = useServices();
  const store = useStore();
  const { t } = useTranslator();
  const [definitions, setDefinitions] = useState<ReportDefinition[]>();
  const [error, setError] = useState<unknown>();
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    services.reports.listDefinitions().then((value) => live && setDefinitions(value), (failure) => live && setError(failure));
    return () => {
      live = false;
    };
  }, [services, reload]);
  return (
    <div className="form-view" data-testid="reports-view">
      <header className="view-header">
        <h2>{t('export.definitions')}</h2>
        <span className="spacer" />
        <button type="button" className="button secondary" onClick={() => store.update({ dialog: { kind: 'export', filter: {} } })}>
          <Icon name="export" /> {t('timeline.export')}
        </button>
        <button type="button" className="button secondary" onClick={() => store.openTab({ kind: 'journal' })}>
          <Icon name="book" /> {t('view.journal')}
        </button>
      </header>
      {error !== undefined && <ErrorBanner error={error} />}
      {!definitions && !error && <Skeleton lines={4} />}
      {definitions && definitions.length === 0 && <EmptyState icon="graph" title={t('export.noDefinitions')} />}
      {definitions && definitions.length > 0 && (
        <table className="data-table">
          <tbody>
            {definitions.map((definition) => (
              <tr key={definition.id}>
                <td>{definition.name}</td>
                <td className="muted">{definition.request.format.toUpperCase()}</td>
                <td className="actions">
                  <button type="button" className="button secondary" onClick={() => store.update({ dialog: { kind: 'export', filter: definition.request.filter } })}>
                    <Icon name="play" /> {t('export.run')}
                  </button>
                  <button type="button" className="icon-button" aria-label={t('export.delete')} onClick={() => void services.reports.deleteDefinition(definition.id).then(() => setReload((value) => value + 1), setError)}>
                    <Icon name="trash" />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
