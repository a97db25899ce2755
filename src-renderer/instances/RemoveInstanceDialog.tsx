/**
 * Removing an instance asks whether to keep its local history: not by default (the demo included), and
 * the dialog says what keeping means, since kept rows stay everywhere under the instance's name.
 */
import { useState } from 'react';
import { useTranslator } from '../i18n';
import { useServices } from '../services/services';
import { Dialog, ErrorBanner } from '../ui/primitives';
import { useStore, useWorkbench } from '../workbench/store';

/** The remove-instance confirmation. */
export function RemoveInstanceDialog({ instanceId }: { instanceId: string }) {
  const services = useServices();
  const store = useStore();
  const { t } = useTranslator();
  const instance = useWorkbench((state) => state.instances.find((candidate) => candidate.id === instanceId));
  const [keepHistory, setKeepHistory] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const close = () => store.update({ dialog: undefined });
  const remove = async () => {
    setBusy(true);
    try {
      await services.instances.remove(instanceId, { keepHistory });
      for (const tab of store.getState().tabs) if ((tab as { instanceId?: string }).instanceId === instanceId) store.closeTab(tab.id);
      close();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('instances.removeTitle', { name: instance?.name ?? instanceId })}
      onClose={close}
      testId="remove-instance-dialog"
      footer={
        <>
          <button type="button" className="button secondary" onClick={close}>{t('common.cancel')}</button>
          <button type="button" className="button danger" disabled={busy} onClick={() => void remove()}>{t('instances.removeConfirm')}</button>
        </>
      }
    >
      <p>{t('instances.removeBody')}</p>
      <label className="checkbox">
        <input type="checkbox" data-testid="keep-history" aria-describedby="keep-history-help" checked={keepHistory} onChange={(event) => setKeepHistory(event.target.checked)} />
        {t('instances.keepHistory')}
      </label>
      <p id="keep-history-help" className="muted">{t('instances.keepHistoryHelp', { name: instance?.name ?? instanceId })}</p>
      {error !== undefined && <ErrorBanner error={error} />}
    </Dialog>
  );
}
