/** Preferences: language, theme, delete threshold, saved filters, and plain facts about the host. */
import type { Settings } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { useServices } from '../services/services';
import { Icon } from '../ui/primitives';
import { reportError } from '../workbench/controller';
import { useStore, useWorkbench } from '../workbench/store';

const THEMES: Settings['theme'][] = ['system', 'dark', 'light', 'high-contrast'];

/** The settings tab. */
export function SettingsView() {
  const services = useServices();
  const store = useStore();
  const { t } = useTranslator();
  const settings = useWorkbench((state) => state.settings);
  const host = useWorkbench((state) => state.host);
  const update = (patch: Partial<Settings>) =>
    services.settings.update(patch).then((next) => store.update({ settings: next }), (error) => reportError(store, error));
  return (
    <div className="form-view settings-view" data-testid="settings-view">
      <header className="view-header">
        <h2>{t('settings.title')}</h2>
      </header>
      <div className="form">
        <label className="form-field">
          <span>{t('settings.language')}</span>
          <select data-testid="settings-language" value={settings.language} onChange={(event) => void update({ language: event.target.value as Settings['language'] })}>
            <option value="en" lang="en">English</option>
            <option value="ar" lang="ar">العربية</option>
          </select>
        </label>
        <label className="form-field">
          <span>{t('settings.theme')}</span>
          <select data-testid="settings-theme" value={settings.theme} onChange={(event) => void update({ theme: event.target.value as Settings['theme'] })}>
            {THEMES.map((theme) => (
              <option key={theme} value={theme}>{t(`settings.theme.${theme}` as MessageKey)}</option>
            ))}
          </select>
        </label>
        <label className="form-field">
          <span>{t('settings.threshold')}</span>
          <input
            type="number"
            min={1}
            value={settings.deleteConfirmThreshold}
            onChange={(event) => {
              const value = Number.parseInt(event.target.value, 10);
              if (value > 0) void update({ deleteConfirmThreshold: value });
            }}
          />
        </label>
        <h3>{t('settings.savedFilters')}</h3>
        {settings.savedFilters.length === 0 && <p className="muted">{t('sidebar.noSavedFilters')}</p>}
        <ul className="plain-list">
          {settings.savedFilters.map((saved) => (
            <li key={saved.id}>
              <Icon name="filter" /> {saved.name}
              <button type="button" className="icon-button" aria-label={t('settings.deleteFilterNamed', { name: saved.name })} title={t('settings.deleteFilter')} onClick={() => void update({ savedFilters: settings.savedFilters.filter((other) => other.id !== saved.id) })}>
                <Icon name="trash" />
              </button>
            </li>
          ))}
        </ul>
        {host && (
          <>
            <h3>{t('settings.host')}</h3>
            <dl className="field-list">
              <div className="field"><dt>{t('settings.version')}</dt><dd>{host.version} · {t(`settings.hostKind.${host.kind}` as MessageKey)} · {host.platform}</dd></div>
              <div className="field"><dt>{t('settings.dataDirectory')}</dt><dd><bdi>{host.dataDirectory}</bdi></dd></div>
            </dl>
            <p className="muted">{t(`settings.secrets.${host.secretStorage}` as MessageKey)}</p>
          </>
        )}
      </div>
    </div>
  );
}
