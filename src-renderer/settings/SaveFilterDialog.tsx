/** Names and saves a timeline filter into settings.savedFilters (quick open lists them). */
import { useState } from 'react';
import type { ChangeFilter } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { useServices } from '../services/services';
import { Dialog, ErrorBanner } from '../ui/primitives';
import { useStore, useWorkbench } from '../workbench/store';

/** The save-filter dialog. */
export function SaveFilterDialog({ filter }: { filter: ChangeFilter }) {
  const services = useServices();
  const store = useStore();
  const { t } = useTranslator();
  const saved = useWorkbench((state) => state.settings.savedFilters);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const close = () => store.update({ dialog: undefined });
  const save = () => {
    const id = `filter-${Date.now().toString(36)}`;
    services.settings.update({ savedFilters: [...saved, { id, name: name.trim(), filter }] }).then(
      (settings) => {
        store.update({ settings, dialog: undefined });
      },
      setError,
    );
  };
  return (
    <Dialog
      title={t('timeline.saveFilter')}
      onClose={close}
      footer={
        <>
          <button type="button" className="button secondary" onClick={close}>{t('common.cancel')}</button>
          <button type="button" className="button" disabled={!name.trim()} onClick={save}>{t('instances.save')}</button>
        </>
      }
    >
      <label className="form-field">
        <span>{t('timeline.saveFilterPrompt')}</span>
        <input value={name} onChange={(event) => setName(event.target.value)} onKeyDown={(event) => event.key === 'Enter' && name.trim() && save()} />
      </label>
      {error !== undefined && <ErrorBanner error={error} />}
    </Dialog>
  );
}
