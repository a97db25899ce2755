/**
 * Orphan cleanup: scan (one existence request per model and batch), preview every candidate with why,
 * then delete in batches with progress and cancel, and report the result.
 */
import { useEffect, useState } from 'react';
import { requiresTypedName } from '../../src-main/common/confirmation';
import { type AdminResult, type OrphanPreview, type Progress } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { useServices } from '../services/services';
import { Banner, Dialog, EmptyState, ErrorBanner, Icon, ProgressBar } from '../ui/primitives';
import { appEvents } from '../workbench/app-events';
import { useStore, useWorkbench } from '../workbench/store';
import { hasChangeLog } from '../instances/watching';
import { Guarded } from '../team/access';

/** Show at most this many preview rows in the DOM; the summary gives the full count. */
const PREVIEW_LIMIT = 2000;

/** The orphans tab of one instance. */
export function OrphansView({ tabId, instanceId }: { tabId: string; instanceId: string }) {
  const services = useServices();
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const instances = useWorkbench((state) => state.instances);
  const instance = instances.find((candidate) => candidate.id === instanceId);
  const [includeUnlink, setIncludeUnlink] = useState(false);
  const [preview, setPreview] = useState<OrphanPreview & { jobId: string }>();
  const [phase, setPhase] = useState<'idle' | 'scanning' | 'applying'>('idle');
  const [progress, setProgress] = useState<Progress>();
  const [jobId, setJobId] = useState<string>();
  const [typed, setTyped] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<AdminResult>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const subscription = services.admin.onDidProgress((value) => {
      setProgress(value);
      setJobId(value.jobId);
    });
    return () => subscription.dispose();
  }, [services]);

  const scan = async () => {
    setPhase('scanning');
    setConfirming(false);
    setError(undefined);
    setResult(undefined);
    setPreview(undefined);
    setProgress(undefined);
    try {
      const value = await services.admin.findOrphans(instanceId, { includeUnlink });
      setPreview(value);
      appEvents.emit('orphans-scanned', { orphans: value.orphans.length });
    } catch (failure) {
      setError(failure);
    } finally {
      setPhase('idle');
    }
  };

  // The service enforces the same rule (it rejects a missing or wrong name); the view only asks for it.
  const needsName = !!instance && requiresTypedName(instance, preview?.orphans.length ?? 0, store.getState().settings.deleteConfirmThreshold);
  const apply = async () => {
    if (!preview) return;
    setConfirming(false);
    setPhase('applying');
    setError(undefined);
    setProgress(undefined);
    try {
      const outcome = await services.admin.cleanOrphans(instanceId, preview.orphans.map((orphan) => orphan.key), { typedName: needsName ? typed : undefined });
      setResult(outcome);
      setPreview(undefined);
      appEvents.emit('orphans-cleaned', { requested: outcome.requested, deleted: outcome.deleted, result: outcome.result });
    } catch (failure) {
      setError(failure);
    } finally {
      setPhase('idle');
    }
  };

  return (
    <div className="form-view orphans-view" data-testid="orphans-view" data-state={phase === 'idle' ? (preview ? 'previewed' : 'idle') : phase}>
      <header className="view-header">
        <h2>{t('orphans.title', { name: instance?.name ?? instanceId })}</h2>
      </header>
      <p className="muted">{t('orphans.intro')}</p>
      {!hasChangeLog(instance) && <Banner kind="info" title={t('watch.noServerActions')} />}
      <div className="form-actions">
        <label className="form-field inline">
          <span>{t('orphans.pickInstance')}</span>
          <select
            value={instanceId}
            onChange={(event) => {
              store.updateTab(tabId, { instanceId: event.target.value } as never);
              setPreview(undefined);
              setResult(undefined);
            }}
          >
            {instances.filter((candidate) => hasChangeLog(candidate) || candidate.id === instanceId).map((candidate) => (
              <option key={candidate.id} value={candidate.id}>{candidate.name}</option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={includeUnlink} onChange={(event) => setIncludeUnlink(event.target.checked)} />
          {t('orphans.includeUnlink')}
        </label>
        <Guarded instance={instance} action="orphans">
          <button type="button" className="button" disabled={phase !== 'idle' || !hasChangeLog(instance)} onClick={() => void scan()} data-testid="orphans-scan">
            <Icon name="search" /> {phase === 'scanning' ? t('orphans.scanning') : t('orphans.scan')}
          </button>
        </Guarded>
        {phase !== 'idle' && jobId && (
          <button type="button" className="button secondary" onClick={() => void services.admin.cancel(jobId)}>{t('orphans.cancel')}</button>
        )}
      </div>
      {phase !== 'idle' && (
        <div className="progress-row">
          <ProgressBar done={progress?.done ?? 0} total={progress?.total} label={phase === 'scanning' ? t('orphans.scanning') : t('orphans.applying')} />
          {progress && <span className="muted">{progress.total ? `${translator.number(progress.done)} / ${translator.number(progress.total)}` : translator.number(progress.done)}</span>}
        </div>
      )}
      {error !== undefined && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      {result && (
        <p role="status" className={result.result === 'ok' ? 'ok-text' : 'warning-text'} data-testid="orphans-result">
          <Icon name={result.result === 'ok' ? 'pass' : 'warning'} />{' '}
          {t('delete.partial', { deleted: translator.number(result.deleted), requested: translator.number(result.requested), name: instance?.name ?? '' })} · {t(`journal.result.${result.result}` as MessageKey)}
        </p>
      )}
      {!preview && !result && phase === 'idle' && <EmptyState icon="search" title={t('orphans.notScanned')} />}
      {preview && (
        <section aria-label={t('view.orphans')} data-testid="orphans-preview">
          <p data-testid="orphans-summary">
            {t('orphans.summary', { orphans: preview.orphans.length, checked: preview.checkedRows, requests: preview.requests })}
          </p>
          {preview.missingModels.length > 0 && (
            <Banner kind="info" title={t('orphans.missingModels', { models: preview.missingModels.join(', ') })} />
          )}
          {preview.orphans.length === 0 ? (
            <EmptyState icon="pass" title={t('orphans.none')} />
          ) : (
            <>
              <div className="table-scroll">
                <table className="data-table">
                  <thead>
                    <tr>
                      <th>{t('timeline.model')}</th>
                      <th className="numeric">{t('timeline.record')}</th>
                      <th>{t('timeline.event')}</th>
                      <th className="numeric">{t('details.serverId')}</th>
                      <th>{t('orphans.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.orphans.slice(0, PREVIEW_LIMIT).map((orphan) => (
                      <tr key={orphan.key} data-server-id={orphan.serverId}>
                        <td>{translator.model(orphan.model)} <span className="technical">{orphan.model}</span></td>
                        <td className="numeric">{translator.id(orphan.recordId)}</td>
                        <td className={`event-${orphan.event}`}>{t(`event.${orphan.event}` as MessageKey)}</td>
                        <td className="numeric">{translator.id(orphan.serverId)}</td>
                        {/* The scan's rule: deletion rows are included on request, any other row's record is gone. */}
                        <td title={orphan.reason}>{t(orphan.event === 'unlink' ? 'orphans.reason.deletion' : 'orphans.reason.missing')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="form-actions">
                <button type="button" className="button danger" data-testid="orphans-apply" disabled={phase !== 'idle'} onClick={() => setConfirming(true)}>
                  <Icon name="trash" /> {t('orphans.apply', { count: preview.orphans.length })}
                </button>
              </div>
              {confirming && (
                // The same confirmation as deleting rows (it names the instance and the count), as a modal
                // dialog: a decision opens in view, not below a long preview the user must scroll past.
                <Dialog
                  title={t('orphans.confirmTitle', { name: instance?.name ?? '' })}
                  onClose={() => setConfirming(false)}
                  testId="orphans-confirm"
                  footer={
                    <>
                      <button type="button" className="button secondary" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
                      <button
                        type="button"
                        className="button danger"
                        data-testid="orphans-confirm-apply"
                        disabled={phase !== 'idle' || (needsName && typed !== instance?.name)}
                        onClick={() => void apply()}
                      >
                        <Icon name="trash" /> {t('orphans.apply', { count: preview.orphans.length })}
                      </button>
                    </>
                  }
                >
                  <p>{t('orphans.confirm', { count: preview.orphans.length, name: instance?.name ?? '' })}</p>
                  {needsName && (
                    <label className="form-field">
                      <span>{t('delete.typeName', { name: instance?.name ?? '' })}</span>
                      <input value={typed} onChange={(event) => setTyped(event.target.value)} data-testid="orphans-typed-name" autoComplete="off" spellCheck={false} />
                    </label>
                  )}
                </Dialog>
              )}
            </>
          )}
        </section>
      )}
    </div>
  );
}
