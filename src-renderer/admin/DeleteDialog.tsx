/**
 * Confirms a server-side delete: names the instance and the count; production instances and large
 * deletions need the instance name typed. Access errors are said plainly (the service's message).
 */
import { useEffect, useState } from 'react';
import type { AdminResult, DeletePreview, RowSelection } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { localizeError } from '../i18n/service-text';
import { useServices } from '../services/services';
import { Banner, Dialog, ErrorBanner, Icon, Skeleton } from '../ui/primitives';
import { appEvents } from '../workbench/app-events';
import { useStore } from '../workbench/store';

/** The delete confirmation dialog. */
export function DeleteDialog({ instanceId, selection }: { instanceId: string; selection: RowSelection }) {
  const services = useServices();
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const [preview, setPreview] = useState<DeletePreview>();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<AdminResult>();
  const close = () => store.update({ dialog: undefined });

  useEffect(() => {
    let live = true;
    services.admin.previewDelete(instanceId, selection).then(
      (value) => live && setPreview(value),
      (failure) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [services, instanceId, selection]);

  const confirmOk = preview && preview.canDelete && preview.count > 0 && (!preview.requiresTypedName || typed === preview.instanceName);
  const run = async () => {
    if (!preview) return;
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await services.admin.deleteRows(instanceId, selection, { typedName: preview.requiresTypedName ? typed : undefined });
      setResult(outcome);
      appEvents.emit('rows-deleted', { deleted: outcome.deleted });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const name = preview?.instanceName ?? '';
  return (
    <Dialog
      title={t('delete.title', { name })}
      onClose={close}
      testId="delete-dialog"
      footer={
        result ? (
          <button type="button" className="button" onClick={close}>{t('common.close')}</button>
        ) : (
          <>
            <button type="button" className="button secondary" onClick={close}>{t('common.cancel')}</button>
            <button type="button" className="button danger" data-testid="delete-confirm" disabled={!confirmOk || busy} onClick={() => void run()}>
              <Icon name="trash" /> {busy ? t('delete.deleting') : t('delete.confirm', { count: preview?.count ?? 0 })}
            </button>
          </>
        )
      }
    >
      {!preview && !error && (
        <>
          <p className="muted">{t('delete.preparing')}</p>
          <Skeleton lines={2} />
        </>
      )}
      {preview && !result && (
        <>
          {preview.canDelete ? (
            preview.count > 0 ? (
              <p data-testid="delete-summary">{t('delete.body', { count: preview.count, name })}</p>
            ) : (
              <p>{t('delete.none')}</p>
            )
          ) : (
            <Banner kind="warning" title={t('delete.cannot')}>
              {preview.error ? (
                <>
                  <span className="banner-hint">{localizeError(translator, preview.error).title}</span>
                  <span className="banner-hint muted" dir="auto"><bdi>{preview.error.message}</bdi></span>
                </>
              ) : (
                preview.reason && <span className="banner-hint" dir="auto"><bdi>{preview.reason}</bdi></span>
              )}
            </Banner>
          )}
          {preview.canDelete && preview.count > 0 && preview.requiresTypedName && (
            <label className="form-field">
              <span>{t('delete.typeName', { name })}</span>
              <input data-testid="delete-typed-name" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} />
            </label>
          )}
        </>
      )}
      {result && (
        <p role="status" data-testid="delete-result" className={result.result === 'ok' ? 'ok-text' : 'warning-text'}>
          <Icon name={result.result === 'ok' ? 'pass' : 'warning'} />{' '}
          {result.result === 'ok' ? t('delete.done', { deleted: result.deleted, name }) : t('delete.partial', { deleted: result.deleted, requested: result.requested, name })}
        </p>
      )}
      {result?.error && <ErrorBanner error={result.error} />}
      {error !== undefined && <ErrorBanner error={error} />}
    </Dialog>
  );
}
