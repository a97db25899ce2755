/** Exports the current view (or a saved definition) through the report service, with progress and cancel. */
import { useEffect, useState } from 'react';
import { isAbortError, OcmError } from '../../src-main/common/errors';
import type { BrowserLocation, ChangeFilter, ExportFormat, ExportResult, PdfEngineStatus, Progress } from '../../src-main/common/model';
import { createTranslator, useTranslator, type MessageKey, type Translator } from '../i18n';
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
  const [fieldChanges, setFieldChanges] = useState(false);
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
  const [pdfEngine, setPdfEngine] = useState<PdfEngineStatus>();
  const close = () => store.update({ dialog: undefined });
  const checkPdfEngine = () => void services.reports.pdfEngine().then(setPdfEngine, () => undefined);
  const noBrowser = format === 'pdf' && pdfEngine?.available === false;

  useEffect(() => {
    void services.changes.count(filter).then(setCount, () => undefined);
    const subscription = services.reports.onDidProgress(setProgress);
    return () => subscription.dispose();
  }, [services, filter]);

  // Asked when PDF is chosen, so a missing browser is said before the export, not after it.
  useEffect(() => {
    if (format === 'pdf') checkPdfEngine();
  }, [services, format]);

  const lines = (chosen: ExportFormat) => chosen !== 'html' && chosen !== 'pdf';
  const request = (chosen: ExportFormat = format) => ({
    format: chosen,
    filter,
    bom: chosen === 'csv' ? bom : undefined,
    language: reportLanguage,
    title: title.trim() || undefined,
    fieldChanges: lines(chosen) && fieldChanges ? true : undefined,
  });
  const run = async (chosen: ExportFormat = format) => {
    setRunning(true);
    setError(undefined);
    setResult(undefined);
    setProgress(undefined);
    try {
      const value = await services.reports.export(request(chosen));
      setResult(value);
      appEvents.emit('export-finished', { rows: value.rows, format: chosen });
    } catch (failure) {
      // The browser went away since the dialog asked: the panel below says where it looked.
      if (!isAbortError(failure) && failure instanceof OcmError && failure.code === 'browser-missing') checkPdfEngine();
      else setError(failure);
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
          <button type="button" className="button" disabled={running || noBrowser} onClick={() => void run()} data-testid="export-start">
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
      {lines(format) && (
        <label className="checkbox">
          <input type="checkbox" checked={fieldChanges} onChange={(event) => setFieldChanges(event.target.checked)} data-testid="export-field-changes" />
          {t('export.fieldChanges')}
        </label>
      )}
      {(format === 'html' || format === 'pdf' || format === 'xlsx') && (
        <label className="form-field">
          <span>{t('export.reportTitle')}</span>
          <input value={title} placeholder={createTranslator(reportLanguage).t('export.defaultReportTitle')} onChange={(event) => setTitle(event.target.value)} data-testid="export-title" />
        </label>
      )}
      {noBrowser && pdfEngine && (
        <NoBrowserPanel
          status={pdfEngine}
          disabled={running}
          onUseHtml={() => {
            setFormat('html');
            void run('html');
          }}
        />
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

/** Says that no browser can print the PDF, which browsers were looked for and where, and offers HTML instead. */
function NoBrowserPanel({ status, disabled, onUseHtml }: { status: PdfEngineStatus; disabled: boolean; onUseHtml: () => void }) {
  const translator = useTranslator();
  const { t } = translator;
  const configured = status.searched.length === 1 && status.searched[0].browser === 'OCM_CHROMIUM';
  return (
    <div className="banner banner-error no-browser" role="alert" data-testid="export-no-browser">
      <strong>
        <Icon name="error" /> {t('export.noBrowser.title')}
      </strong>
      <span>{t(configured ? 'export.noBrowser.variable' : 'export.noBrowser.body')}</span>
      <ul className="searched-browsers">
        {status.searched.map((search) => (
          <li key={search.browser} data-browser={search.browser}>
            <bdi>{search.browser}</bdi>
            <ul>
              {search.locations.map((location, index) =>
                location.kind === 'file' ? (
                  <li key={index}>
                    <code dir="ltr">{location.path}</code>
                  </li>
                ) : (
                  <li key={index}>{locationText(translator, location)}</li>
                ),
              )}
            </ul>
          </li>
        ))}
      </ul>
      <span className="banner-hint">{t('export.noBrowser.hint')}</span>
      <div>
        <button type="button" className="button" disabled={disabled} onClick={onUseHtml} data-testid="export-use-html">
          <Icon name="export" /> {t('export.noBrowser.useHtml')}
        </button>
      </div>
    </div>
  );
}

/** A searched command as text: its names, looked up on PATH. */
function locationText(translator: Translator, location: Extract<BrowserLocation, { kind: 'path-command' }>): string {
  return translator.t('export.noBrowser.onPath', { names: location.names.join(' / ') });
}
