/** Exports the current view (or a saved definition) through the report service, with progress and cancel. */
import { useEffect, useState } from 'react';
import type { ChangeFilter, ExportFormat, ExportResult, Progress } from '../../src-main/common/model';
import { createTranslator, useTranslator, type MessageKey } from '../i18n';
import { isMessageKey } from '../i18n/service-text';
import { useServices } from '../services/services';
import { Dialog, ErrorBanner, Icon, ProgressBar } from '../ui/primitives';
import { appEvents } from '../workbench/app-events';
import { useStore, useWorkbench } from '../workbench/store';

/** Format names are the same in every language, except Excel's. */
const FORMATS: { value: ExportFormat; label: string | MessageKey }[] = [
  { value: 'csv', label: 'CSV' },
  { value: 'xlsx', label: 'export.format.xlsx' },
  { value: 'json', label: 'JSON' },
  { value: 'ndjson', label: 'NDJSON' },
  { value: 'html', label: 'HTML' },
  { value: 'pdf', label: 'PDF' },
];

/** The export dialog for `filter`. */
export function ExportDialog({ filter }: { filter: ChangeFilter }) {
  const services = useServices();
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const language = useWorkbench((state) => state.settings.language);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [bom, setBom] = useState(language === 'ar');
  const [reportLanguage, setReportLanguage] = useState<'en' | 'ar'>(language);
  // Empty = the report's own default title, the same one `ocm export` gives (shown as the placeholder).
  const [title, setTitle] = useState('');
  const [count, setCount] = useState<number>();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [result, setResult] = useState<ExportResult>();
  const [error, setError] = useState<unknown>();
  const [definitionName, setDefinitionName] = useState('');
  const [savedDefinition, setSavedDefinition] = useState(false);
  const close = () => store.update({ dialog: undefined });

  useEffect(() => {
    void services.changes.count(filter).then(setCount, () => undefined);
    const subscription = services.reports.onDidProgress(setProgress);
    return () => subscription.dispose();
  }, [services, filter]);

  const request = () => ({ format, filter, bom: format === 'csv' ? bom : undefined, language: reportLanguage, title: title.trim() || undefined });
  const run = async () => {
    setRunning(true);
    setError(undefined);
    setResult(undefined);
    setProgress(undefined);
    try {
      const value = await services.reports.export(request());
      setResult(value);
      appEvents.emit('export-finished', { rows: value.rows, format });
    } catch (failure) {
      setError(failure);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Dialog
      title={t('export.title')}
      onClose={close}
      testId="export-dialog"
      footer={
        <>
          {running && progress && (
            <button type="button" className="button secondary" onClick={() => void services.reports.cancel(progress.jobId)}>{t('export.cancel')}</button>
          )}
          <button type="button" className="button secondary" onClick={close}>{t('export.close')}</button>
          <button type="button" className="button" disabled={running} onClick={() => void run()} data-testid="export-start">
            <Icon name="export" /> {t('export.start')}
          </button>
        </>
      }
    >
      {count !== undefined && <p className="muted">{t('export.scope', { count })}</p>}
      <div className="form-row">
        <label className="form-field">
          <span>{t('export.format')}</span>
          <select value={format} onChange={(event) => setFormat(event.target.value as ExportFormat)} data-testid="export-format">
            {FORMATS.map((option) => (
              <option key={option.value} value={option.value}>{isMessageKey(option.label) ? t(option.label) : option.label}</option>
            ))}
          </select>
        </label>
        <label className="form-field">
          <span>{t('export.language')}</span>
          <select value={reportLanguage} onChange={(event) => setReportLanguage(event.target.value as 'en' | 'ar')}>
            <option value="en" lang="en">English</option>
            <option value="ar" lang="ar">العربية</option>
          </select>
        </label>
      </div>
      {format === 'csv' && (
        <label className="checkbox">
          <input type="checkbox" checked={bom} onChange={(event) => setBom(event.target.checked)} />
          {t('export.bom')}
        </label>
      )}
      {(format === 'html' || format === 'pdf' || format === 'xlsx') && (
        <label className="form-field">
          <span>{t('export.reportTitle')}</span>
          <input value={title} placeholder={createTranslator(reportLanguage).t('export.defaultReportTitle')} onChange={(event) => setTitle(event.target.value)} data-testid="export-title" />
        </label>
      )}
      {running && (
        <div className="progress-row">
          <ProgressBar done={progress?.done ?? 0} total={progress?.total} label={t('export.running', { done: '' })} />
          <span className="muted">
            {progress?.total
              ? t('export.runningOf', { done: progress.done, total: progress.total })
              : t('export.running', { done: progress?.done ?? 0 })}
          </span>
        </div>
      )}
      {result && (
        <div className="ok-text" role="status" data-testid="export-result">
          <Icon name="pass" /> {t('export.done', { rows: result.rows, size: translator.bytes(result.bytes) })}{' '}
          {result.downloadUrl && (
            <a className="button" href={result.downloadUrl} download>
              <Icon name="desktop-download" /> {t('export.download')}
            </a>
          )}
          {result.path && <span className="muted">{t('export.savedTo', { path: result.path })}</span>}
        </div>
      )}
      {error !== undefined && <ErrorBanner error={error} />}
      <details className="save-definition">
        <summary>{t('export.saveDefinition')}</summary>
        <div className="form-row">
          <label className="form-field">
            <span>{t('export.definitionName')}</span>
            <input value={definitionName} onChange={(event) => setDefinitionName(event.target.value)} />
          </label>
          <button
            type="button"
            className="button secondary"
            disabled={!definitionName.trim()}
            onClick={() =>
              void services.reports.saveDefinition({ name: definitionName.trim(), request: request() }).then(() => setSavedDefinition(true), setError)
            }
          >
            <Icon name={savedDefinition ? 'check' : 'save'} /> {t('export.saveDefinition')}
          </button>
        </div>
      </details>
    </Dialog>
  );
}
