/**
 * Add or edit an instance, with a connection test that shows every capability check and its own
 * message and hint for each failure. Saving new connection settings tests them first and asks before
 * saving ones that fail (as `ocm instance add` refuses without --force).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { needsNewSecret, POLL_INTERVAL_SECONDS } from '../../src-main/common/instance-input';
import type { ConnectionCheck } from '../../src-main/common/services';
import { TRANSPORT_LABELS, type InstanceConfig, type InstanceInput, type InstanceStatus, type TransportKind, type TransportSetting } from '../../src-main/common/model';
import { majorOfServerVersion, transportNote } from '../../src-main/common/transport-note';
import { useTranslator, type MessageKey } from '../i18n';
import { localizeCheck, localizeVerdict } from '../i18n/service-text';
import { useServices } from '../services/services';
import { Banner, Dialog, ErrorBanner, Icon } from '../ui/primitives';
import { needsPassword } from '../workbench/sync-progress';
import { appEvents } from '../workbench/app-events';
import { useStore, useWorkbench } from '../workbench/store';
import { WatchSettings, type WatchValue } from './WatchSettings';

const CHECK_ICON: Record<ConnectionCheck['status'], string> = { ok: 'pass-filled', warning: 'warning', failed: 'error', skipped: 'circle-slash' };

interface FormState {
  name: string;
  url: string;
  db: string;
  login: string;
  password: string;
  transport: TransportSetting;
  production: boolean;
  pollIntervalSeconds: number;
  trustedCertificateSha256: string;
  watch: WatchValue;
}

/** The instance editor tab (new when `instanceId` is absent). */
export function InstanceEditor({ tabId, instanceId }: { tabId: string; instanceId?: string }) {
  const services = useServices();
  const store = useStore();
  const translator = useTranslator();
  const { t } = translator;
  const instance = useWorkbench((state) => state.instances.find((candidate) => candidate.id === instanceId));
  const status = useWorkbench((state) => (instanceId ? state.statuses[instanceId] : undefined));
  const [form, setForm] = useState<FormState>({
    name: '',
    url: '',
    db: '',
    login: '',
    password: '',
    transport: 'auto',
    production: false,
    pollIntervalSeconds: POLL_INTERVAL_SECONDS.default,
    trustedCertificateSha256: '',
    watch: { source: 'module', trackingValues: false },
  });
  const [checks, setChecks] = useState<ConnectionCheck[]>();
  const [busy, setBusy] = useState<'test' | 'save'>();
  /** The input the shown checks were run with (JSON), so a save knows whether they still apply. */
  const [testedInput, setTestedInput] = useState<string>();
  /** Asking whether to save settings whose connection test failed. */
  const [confirmFailing, setConfirmFailing] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!instance) return;
    setForm({
      name: instance.name,
      url: instance.url,
      db: instance.db,
      login: instance.login,
      password: '',
      transport: instance.transportChoice && instance.transportChoice.reason !== 'forced' ? 'auto' : instance.transport,
      production: instance.production,
      pollIntervalSeconds: instance.pollIntervalSeconds,
      trustedCertificateSha256: instance.trustedCertificateSha256 ?? '',
      watch: { source: instance.source ?? 'module', watchedModels: instance.watchedModels, trackingValues: instance.trackingValues ?? false },
    });
  }, [instance?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const input = (): InstanceInput => ({
    name: form.name.trim(),
    url: form.url.trim(),
    db: form.db.trim(),
    login: form.login.trim(),
    password: form.password || undefined,
    transport: form.transport,
    production: form.production,
    pollIntervalSeconds: form.pollIntervalSeconds,
    trustedCertificateSha256: form.trustedCertificateSha256.trim() || undefined,
    source: form.watch.source,
    watchedModels: form.watch.watchedModels,
    trackingValues: form.watch.trackingValues,
  });
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setSaved(false);
  };

  /**
   * Runs the connection test on the form's input (with `override`, e.g. the offer to watch without the
   * module); resolves to the checks, or undefined when it could not run.
   */
  const runTest = async (override?: Partial<WatchValue>): Promise<ConnectionCheck[] | undefined> => {
    setError(undefined);
    setChecks(undefined);
    const tested = { ...input(), ...override };
    try {
      const result = await services.instances.test({ ...tested, id: instanceId });
      setChecks(result);
      setTestedInput(JSON.stringify(tested));
      appEvents.emit('connection-tested', { ok: result.every((check) => check.status !== 'failed'), failed: result.filter((check) => check.status === 'failed').map((check) => check.id) });
      return result;
    } catch (failure) {
      setError(failure);
      appEvents.emit('connection-tested', { ok: false, failed: [] });
      return undefined;
    }
  };

  const test = async (override?: Partial<WatchValue>) => {
    setBusy('test');
    try {
      await runTest(override);
    } finally {
      setBusy(undefined);
    }
  };

  /** Whether saving changes how the app connects (a new instance always does): then it is tested first. */
  const connectionChanged = () => {
    if (!instance) return true;
    const next = input();
    return !!next.password || next.url !== instance.url || next.db !== instance.db || next.login !== instance.login || next.transport !== instance.transport
      || (next.trustedCertificateSha256 ?? '') !== (instance.trustedCertificateSha256 ?? '');
  };

  const save = async (event?: FormEvent, options: { anyway?: boolean } = {}) => {
    event?.preventDefault();
    setConfirmFailing(false);
    setBusy('save');
    setError(undefined);
    try {
      if (!options.anyway && connectionChanged()) {
        // The checks on screen count only if they were run with exactly this input.
        const current = testedInput === JSON.stringify(input()) ? checks : await runTest();
        if (!current) return;
        if (current.some((check) => check.status === 'failed')) {
          setConfirmFailing(true);
          appEvents.emit('save-confirmation', { failed: current.filter((check) => check.status === 'failed').map((check) => check.id) });
          return;
        }
      }
      const result = instanceId ? await services.instances.update(instanceId, input()) : await services.instances.add(input());
      setSaved(true);
      appEvents.emit('instance-saved', { id: result.id });
      if (!instanceId) {
        store.closeTab(tabId);
        store.openTab({ kind: 'instance', instanceId: result.id });
      }
      // Saved settings whose login failed wait for a new password: asking for a sync now would only be
      // another failed login in Odoo's log.
      if (!options.anyway) void services.sync.syncNow(result.id).catch(() => undefined);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };

  const verdict = checks ? localizeVerdict(translator, checks) : undefined;
  // A saved password only goes where it was saved for: pointing the instance elsewhere needs it again.
  const passwordAgain = !!instance && !form.password && needsNewSecret(instance, { url: form.url.trim(), db: form.db.trim() });
  const field = (key: 'name' | 'url' | 'db' | 'login', label: MessageKey, options: { placeholder?: string; type?: string; autoComplete?: string } = {}) => (
    <label className="form-field">
      <span>{t(label)}</span>
      <input
        name={key}
        data-testid={`instance-${key}`}
        required
        type={options.type ?? 'text'}
        placeholder={options.placeholder}
        autoComplete={options.autoComplete ?? 'off'}
        value={form[key]}
        onChange={(event) => set(key, event.target.value)}
      />
    </label>
  );

  return (
    <div className="form-view" data-testid="instance-editor">
      <header className="view-header">
        <h2>{instance ? instance.name : t('tab.newInstance')}</h2>
        {instance && status && <span className={`state-pill state-${status.state}`}>{t(`state.${status.state}` as MessageKey)}</span>}
      </header>
      {instance?.demo && <Banner kind="info" title={t('instances.demoNote')} />}
      {needsPassword(status) && <Banner kind="warning" title={t('state.passwordNeeded')} hint={t('instances.passwordNeededHint')} />}
      {status?.lastError && <ErrorBanner error={status.lastError} />}
      <form className="form" onSubmit={save}>
        {field('name', 'instances.name')}
        {field('url', 'instances.url', { placeholder: t('instances.urlHint'), type: 'url' })}
        {field('db', 'instances.db')}
        {field('login', 'instances.login', { autoComplete: 'username' })}
        <label className="form-field">
          <span>{t('instances.password')}</span>
          <input
            name="password"
            data-testid="instance-password"
            type="password"
            autoComplete="current-password"
            required={!instanceId || passwordAgain}
            aria-describedby={passwordAgain ? 'instance-password-again' : undefined}
            placeholder={instanceId && !passwordAgain ? t('instances.passwordKeep') : ''}
            value={form.password}
            onChange={(event) => set('password', event.target.value)}
          />
          {passwordAgain && (
            <span id="instance-password-again" className="check-hint" data-testid="instance-password-again" role="note">
              {t('instances.passwordAgain')}
            </span>
          )}
        </label>
        <div className="form-row">
          <label className="form-field">
            <span>{t('instances.transport')}</span>
            <select value={form.transport} data-testid="instance-transport" aria-describedby="instance-transport-note" onChange={(event) => set('transport', event.target.value as TransportSetting)}>
              <option value="auto">{t('instances.transportAuto')}</option>
              {(Object.keys(TRANSPORT_LABELS) as TransportKind[]).map((kind) => (
                <option key={kind} value={kind} dir="ltr">
                  {TRANSPORT_LABELS[kind]}
                </option>
              ))}
            </select>
          </label>
          <label className="form-field">
            <span>{t('instances.pollInterval')}</span>
            <input
              type="number"
              min={POLL_INTERVAL_SECONDS.min}
              max={POLL_INTERVAL_SECONDS.max}
              value={form.pollIntervalSeconds}
              onChange={(event) => set('pollIntervalSeconds', Number(event.target.value) || POLL_INTERVAL_SECONDS.default)}
            />
          </label>
        </div>
        <TransportNoteLine instance={instance} status={status} setting={form.transport} />
        <WatchSettings
          value={form.watch}
          onChange={(patch) => set('watch', { ...form.watch, ...patch })}
          loadModels={() => services.instances.serverModels({ ...input(), id: instanceId })}
        />
        <label className="form-field">
          <span>{t('instances.fingerprint')}</span>
          <input value={form.trustedCertificateSha256} onChange={(event) => set('trustedCertificateSha256', event.target.value)} spellCheck={false} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={form.production} onChange={(event) => set('production', event.target.checked)} />
          {t('instances.production')}
        </label>
        {error !== undefined && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
        <div className="form-actions">
          <button type="button" className="button secondary" onClick={() => void test()} disabled={!!busy} data-testid="instance-test">
            <Icon name={busy === 'test' ? 'loading' : 'plug'} className={busy === 'test' ? 'codicon-modifier-spin' : ''} />
            {busy === 'test' ? t('instances.testing') : t('instances.test')}
          </button>
          <button type="submit" className="button" disabled={!!busy} data-testid="instance-save">
            {busy === 'save' ? t('instances.saving') : t('instances.save')}
          </button>
          {saved && <span className="ok-text" role="status"><Icon name="check" /> {t('instances.saved')}</span>}
          {instance && (
            <button type="button" className="button secondary danger push-end" onClick={() => store.update({ dialog: { kind: 'remove-instance', instanceId: instance.id } })}>
              <Icon name="trash" /> {t('instances.remove')}
            </button>
          )}
        </div>
      </form>
      {confirmFailing && verdict && (
        <Dialog
          title={t('instances.saveFailingTitle')}
          onClose={() => setConfirmFailing(false)}
          testId="save-failing-dialog"
          footer={
            <>
              <button type="button" className="button secondary" onClick={() => setConfirmFailing(false)}>{t('common.cancel')}</button>
              <button type="button" className="button danger" data-testid="save-anyway" onClick={() => void save(undefined, { anyway: true })}>{t('instances.saveAnyway')}</button>
            </>
          }
        >
          <p>{verdict.text}</p>
          <p className="muted">{t('instances.saveFailingBody')}</p>
        </Dialog>
      )}
      {checks && (
        <section className="checks" aria-label={t('instances.checksTitle')} data-testid="connection-checks">
          <h3 data-testid="checks-verdict" data-outcome={verdict?.outcome}>
            {t('instances.checksTitle')}: {verdict?.text}
          </h3>
          <ul>
            {checks.map((check) => {
              const words = localizeCheck(translator, check);
              return (
                <li key={check.id} className={`check check-${check.status}`} data-check={check.id} data-status={check.status} data-code={check.code}>
                  <Icon name={CHECK_ICON[check.status]} label={t(`check.status.${check.status}` as MessageKey)} />
                  <div>
                    <strong>{t(`check.${check.id}` as MessageKey)}</strong>
                    <span className="check-message"><bdi>{words.message}</bdi></span>
                    {words.detail && <span className="check-hint" dir="auto"><bdi>{words.detail}</bdi></span>}
                    {words.hint && <span className="check-hint">{words.hint}</span>}
                    {check.offer === 'polling' && form.watch.source !== 'polling' && (
                      <button
                        type="button"
                        className="button secondary"
                        data-testid="offer-polling"
                        onClick={() => {
                          set('watch', { ...form.watch, source: 'polling' });
                          void test({ source: 'polling' });
                        }}
                      >
                        <Icon name="eye" /> {t('check.offerPolling')}
                      </button>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}

/**
 * Under the protocol: for a saved instance, the transport it uses and why (a warning when the server
 * deprecates it, e.g. XML-RPC on Odoo 19+); for a new one set to Automatic, how the choice is made.
 */
function TransportNoteLine({ instance, status, setting }: { instance?: InstanceConfig; status?: InstanceStatus; setting: TransportSetting }) {
  const translator = useTranslator();
  if (!instance) {
    return setting === 'auto' ? (
      <p id="instance-transport-note" className="form-note check-hint" data-testid="instance-transport-note">
        {translator.t('instances.transportAutoHint')}
      </p>
    ) : null;
  }
  const { status: level, ...note } = transportNote(instance.transport, instance.transportChoice, { major: majorOfServerVersion(status?.serverVersion) });
  const words = localizeCheck(translator, { id: 'transport', status: level, ...note });
  return (
    <p id="instance-transport-note" className={`form-note check-hint note-${level}`} role="note" data-testid="instance-transport-note" data-status={level}>
      {level !== 'ok' && <Icon name={CHECK_ICON[level]} label={translator.t(`check.status.${level}`)} />}
      <span>
        {words.message}
        {words.hint && level !== 'ok' && <> {words.hint}</>}
      </span>
    </p>
  );
}
