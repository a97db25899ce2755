/**
 * How an instance is watched, in the instance editor: the module's change log (optionally enriched with
 * Odoo's tracking values) or polling without the module, the watched models (picked from the server's
 * model list, with search), and what each choice can and cannot know, said plainly.
 */
import { useMemo, useState } from 'react';
import { IDLE_MODEL_CHECKS_PER_POLL } from '../../src-main/common/instance-input';
import { DEFAULT_WATCHED_MODELS, watchedModelsOf, type ServerModel, type SourceSetting } from '../../src-main/common/model';
import { useTranslator } from '../i18n';
import { ErrorBanner, Icon } from '../ui/primitives';

/** The watch settings of the form. */
export interface WatchValue {
  source: SourceSetting;
  /** Undefined = the default ten. */
  watchedModels?: string[];
  trackingValues: boolean;
}

/** Most models listed at once in the picker (search narrows the list). */
const SHOWN = 60;

/** The watch settings section of the instance editor. */
export function WatchSettings({ value, onChange, loadModels }: { value: WatchValue; onChange(patch: Partial<WatchValue>): void; loadModels(): Promise<ServerModel[]> }) {
  const translator = useTranslator();
  const { t } = translator;
  const [models, setModels] = useState<ServerModel[]>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const [search, setSearch] = useState('');
  const watched = watchedModelsOf(value);
  const showModels = value.source === 'polling' || value.trackingValues;

  const load = async () => {
    setLoading(true);
    setError(undefined);
    try {
      setModels(await loadModels());
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };
  const setWatched = (next: string[]) => onChange({ watchedModels: next.length === DEFAULT_WATCHED_MODELS.length && next.every((model, index) => model === DEFAULT_WATCHED_MODELS[index]) ? undefined : next });
  const matches = useMemo(() => {
    const words = search.trim().toLowerCase();
    return (models ?? []).filter((model) => !watched.includes(model.model) && (!words || model.model.includes(words) || model.name.toLowerCase().includes(words)));
  }, [models, search, watched]);

  return (
    <fieldset className="form-field watch-settings" data-testid="watch-settings">
      <legend>{t('watch.source')}</legend>
      <label className="checkbox">
        <input type="radio" name="source" data-testid="source-module" checked={value.source === 'module'} onChange={() => onChange({ source: 'module' })} />
        {t('watch.source.module')}
      </label>
      <label className="checkbox">
        <input type="radio" name="source" data-testid="source-polling" checked={value.source === 'polling'} onChange={() => onChange({ source: 'polling' })} />
        {t('watch.source.polling')}
      </label>
      {value.source === 'module' ? (
        <>
          <p className="check-hint">{t('watch.moduleNote')}</p>
          <label className="checkbox">
            <input type="checkbox" data-testid="tracking-values" checked={value.trackingValues} onChange={(event) => onChange({ trackingValues: event.target.checked })} />
            {t('watch.trackingValues')}
          </label>
        </>
      ) : (
        <>
          <p className="check-hint" data-testid="polling-note">{t('watch.pollingNote')}</p>
          <p className="check-hint">{t('watch.cadence', { perPoll: IDLE_MODEL_CHECKS_PER_POLL, every: Math.max(1, Math.ceil(watched.length / IDLE_MODEL_CHECKS_PER_POLL)) })}</p>
        </>
      )}
      {showModels && (
        <div className="watch-models-section">
          <span>
            {t('watch.models')}: {value.watchedModels ? t('watch.modelsCount', { count: watched.length }) : t('watch.modelsDefault')}
          </span>
          <ul className="watch-models" data-testid="watched-models">
            {watched.map((model) => (
              <li key={model} data-model={model}>
                <bdi>{model}</bdi>
                <button type="button" className="icon-button" aria-label={t('watch.removeModel', { model })} title={t('watch.removeModel', { model })} disabled={watched.length === 1} onClick={() => setWatched(watched.filter((other) => other !== model))}>
                  <Icon name="close" />
                </button>
              </li>
            ))}
          </ul>
          <div className="form-actions">
            <button type="button" className="button secondary" data-testid="load-models" disabled={loading} onClick={() => void load()}>
              <Icon name={loading ? 'loading' : 'list-filter'} className={loading ? 'codicon-modifier-spin' : ''} /> {loading ? t('watch.loadingModels') : t('watch.loadModels')}
            </button>
            {value.watchedModels && (
              <button type="button" className="button secondary" onClick={() => onChange({ watchedModels: undefined })}>
                {t('watch.resetModels')}
              </button>
            )}
          </div>
          {error !== undefined && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
          {models && (
            <>
              <input type="search" data-testid="model-search" aria-label={t('watch.searchModels')} placeholder={t('watch.searchModels')} value={search} onChange={(event) => setSearch(event.target.value)} />
              <ul className="watch-picker" data-testid="model-picker">
                {matches.slice(0, SHOWN).map((model) => (
                  <li key={model.model}>
                    <button type="button" className="link-button" data-model={model.model} onClick={() => setWatched([...watched, model.model])}>
                      <span>
                        {model.name} <bdi className="technical">{model.model}</bdi>
                      </span>
                      <span className="muted">{t('watch.trackedFields', { count: model.trackedFields })}</span>
                    </button>
                  </li>
                ))}
                {matches.length === 0 && <li className="muted">{t('watch.noMatch')}</li>}
              </ul>
            </>
          )}
        </div>
      )}
    </fieldset>
  );
}
