/**
 * The alerts tab: the rules (with what they watch and where they deliver), the rule editor, the delivery
 * log kept live by the service's events, the e-mail server, and (browser mode) the browser's permission
 * to show desktop notifications.
 */
import { useEffect, useState } from 'react';
import type { AlertCondition, AlertDelivery, AlertRule, AlertTestResult, SmtpSettings } from '../../src-main/common/alerts';
import { useTranslator, type MessageKey, type Translator } from '../i18n';
import { useServices } from '../services/services';
import { EmptyState, ErrorBanner, Icon, Skeleton } from '../ui/primitives';
import { useWorkbench } from '../workbench/store';
import { askForNotifications, notificationPermission } from './notifications';
import { RuleEditor } from './RuleEditor';

/** A rule's condition in words. */
function describeCondition(translator: Translator, condition: AlertCondition, names: (id: string) => string): string {
  const { t } = translator;
  const where = condition.instanceIds?.length ? ` · ${condition.instanceIds.map(names).join(', ')}` : '';
  switch (condition.kind) {
    case 'change': {
      const events = condition.events?.length ? condition.events.map((event) => t(`event.${event}` as MessageKey)).join('/') : t('alerts.anyChange');
      const parts = [events, condition.models?.length ? condition.models.map((model) => translator.model(model)).join(', ') : ''];
      if (condition.field) parts.push(t('alerts.describe.field', { field: condition.field }));
      if (condition.value) parts.push(t('alerts.describe.value', { text: condition.value.text }));
      if (condition.users?.length) parts.push(t('alerts.describe.users', { users: condition.users.join(', ') }));
      return parts.filter(Boolean).join(' · ') + where;
    }
    case 'error-new':
      return t('alerts.kind.error-new') + where;
    case 'error-rate':
      return t('alerts.describe.rate', { count: condition.count, minutes: condition.windowMinutes }) + where;
    case 'instance-unreachable':
    case 'instance-behind':
      return t(`alerts.describe.${condition.kind}` as MessageKey, { minutes: condition.minutes }) + where;
  }
}

const CHANNEL_ICON = { desktop: 'bell', webhook: 'globe', email: 'mail' } as const;

/** The e-mail server form. */
function SmtpForm({ current, onSaved }: { current: SmtpSettings | undefined; onSaved(settings: SmtpSettings | undefined): void }) {
  const services = useServices();
  const { t } = useTranslator();
  const [host, setHost] = useState(current?.host ?? '');
  const [port, setPort] = useState(String(current?.port ?? 587));
  const [user, setUser] = useState(current?.user ?? '');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState(current?.from ?? '');
  const [secure, setSecure] = useState(current?.secure ?? false);
  const [error, setError] = useState<unknown>();
  const save = () =>
    services.alerts
      .setSmtp({ host, port: Number(port), user: user || undefined, password: password || undefined, from, secure })
      .then((settings) => {
        setPassword('');
        setError(undefined);
        onSaved(settings);
      }, setError);
  return (
    <form className="smtp-form" onSubmit={(event) => (event.preventDefault(), void save())} data-testid="smtp-form">
      <div className="form-row">
        <label className="form-field"><span>{t('alerts.smtp.host')}</span><input value={host} onChange={(event) => setHost(event.target.value)} dir="ltr" required /></label>
        <label className="form-field"><span>{t('alerts.smtp.port')}</span><input type="number" value={port} onChange={(event) => setPort(event.target.value)} /></label>
        <label className="checkbox"><input type="checkbox" checked={secure} onChange={(event) => setSecure(event.target.checked)} />{t('alerts.smtp.secure')}</label>
      </div>
      <div className="form-row">
        <label className="form-field"><span>{t('alerts.smtp.user')}</span><input value={user} onChange={(event) => setUser(event.target.value)} dir="ltr" autoComplete="off" /></label>
        <label className="form-field">
          <span>{t('alerts.smtp.password')}</span>
          <input type="password" value={password} placeholder={current?.hasPassword ? t('alerts.secretKept') : ''} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />
        </label>
        <label className="form-field"><span>{t('alerts.smtp.from')}</span><input value={from} onChange={(event) => setFrom(event.target.value)} dir="ltr" required /></label>
      </div>
      {error !== undefined && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      <div className="form-actions">
        {current && (
          <button type="button" className="button secondary" onClick={() => void services.alerts.setSmtp(null).then(onSaved, setError)}>
            {t('alerts.smtp.remove')}
          </button>
        )}
        <button type="submit" className="button"><Icon name="save" /> {t('alerts.smtp.save')}</button>
      </div>
    </form>
  );
}

/** The alerts tab. */
export function AlertsView() {
  const services = useServices();
  const translator = useTranslator();
  const { t } = translator;
  const instances = useWorkbench((state) => state.instances);
  const hostKind = useWorkbench((state) => state.host?.kind);
  const [rules, setRules] = useState<AlertRule[]>();
  const [log, setLog] = useState<AlertDelivery[]>([]);
  const [smtp, setSmtp] = useState<SmtpSettings>();
  const [editing, setEditing] = useState<AlertRule | 'new'>();
  const [showSmtp, setShowSmtp] = useState(false);
  const [tests, setTests] = useState<Record<string, AlertTestResult[]>>({});
  const [permission, setPermission] = useState(notificationPermission());
  const [error, setError] = useState<unknown>();
  const names = (id: string) => instances.find((instance) => instance.id === id)?.name ?? id;

  useEffect(() => {
    let live = true;
    Promise.all([services.alerts.list(), services.alerts.deliveries({ limit: 100 }), services.alerts.smtp()]).then(
      ([list, lines, server]) => {
        if (!live) return;
        setRules(list);
        setLog(lines);
        setSmtp(server);
      },
      (failure) => live && setError(failure),
    );
    const subscriptions = [
      services.alerts.onDidChangeRules((list) => setRules(list)),
      services.alerts.onDidDeliver((line) => setLog((current) => [line, ...current.filter((other) => other.id !== line.id)].slice(0, 100))),
    ];
    return () => {
      live = false;
      for (const subscription of subscriptions) subscription.dispose();
    };
  }, [services]);

  const remove = (rule: AlertRule) => services.alerts.remove(rule.id).catch(setError);
  const test = (rule: AlertRule) => services.alerts.test(rule.id).then((results) => setTests((current) => ({ ...current, [rule.id]: results })), setError);

  return (
    <div className="form-view alerts-view" data-testid="alerts-view">
      <header className="view-header">
        <h2>{t('alerts.title')}</h2>
        <span className="spacer" />
        {hostKind === 'browser' && permission !== 'granted' && permission !== 'unsupported' && (
          <button type="button" className="button secondary" data-testid="allow-notifications" onClick={() => void askForNotifications(services, hostKind).then(setPermission)}>
            <Icon name="bell" /> {t('alerts.allowNotifications')}
          </button>
        )}
        <button type="button" className="button secondary" onClick={() => setShowSmtp(!showSmtp)} data-testid="smtp-toggle">
          <Icon name="mail" /> {t('alerts.smtp.title')}
        </button>
        <button type="button" className="button" onClick={() => setEditing('new')} data-testid="new-rule">
          <Icon name="add" /> {t('alerts.newRule')}
        </button>
      </header>
      {hostKind === 'browser' && permission === 'denied' && <p className="muted">{t('alerts.notificationsDenied')}</p>}
      {error !== undefined && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      {showSmtp && (
        <section>
          <p className="muted">{smtp ? t('alerts.smtp.current', { host: smtp.host, port: smtp.port, from: smtp.from }) : t('alerts.smtp.none')}</p>
          <SmtpForm
            current={smtp}
            onSaved={(settings) => {
              setSmtp(settings);
              setShowSmtp(false);
            }}
          />
        </section>
      )}
      {editing && (
        <RuleEditor
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? undefined : editing}
          instances={instances}
          onSaved={() => setEditing(undefined)}
          onCancel={() => setEditing(undefined)}
        />
      )}
      {!rules && !error && <Skeleton lines={4} />}
      {rules && rules.length === 0 && !editing && <EmptyState icon="bell" title={t('alerts.empty')} hint={t('alerts.emptyHint')} />}
      {rules && rules.length > 0 && (
        <table className="data-table" data-testid="rule-list">
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id} data-rule={rule.name}>
                <td>
                  <strong>{rule.name}</strong>
                  {!rule.enabled && <span className="tag">{t('alerts.disabled')}</span>}
                  <div className="muted small">{describeCondition(translator, rule.condition, names)}</div>
                  {tests[rule.id] && (
                    <ul className="test-results">
                      {tests[rule.id].map((result, index) => (
                        <li key={index} className={result.ok ? 'ok-text' : 'danger-text'}>
                          <Icon name={result.ok ? 'pass' : 'error'} /> {t(`alerts.channel.${result.channel}` as MessageKey)}: {result.ok ? t('alerts.testSent') : <bdi>{result.error}</bdi>}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  {rule.channels.map((channel, index) => (
                    <span key={index} className="channel" title={channel.kind === 'webhook' ? channel.url : channel.kind === 'email' ? channel.to.join(', ') : undefined}>
                      <Icon name={CHANNEL_ICON[channel.kind]} /> {t(`alerts.channel.${channel.kind}` as MessageKey)}
                    </span>
                  ))}
                </td>
                <td className="actions">
                  <button type="button" className="button secondary" onClick={() => void test(rule)}><Icon name="play" /> {t('alerts.test')}</button>
                  <button type="button" className="icon-button" aria-label={t('alerts.edit')} title={t('alerts.edit')} onClick={() => setEditing(rule)}><Icon name="edit" /></button>
                  <button type="button" className="icon-button" aria-label={t('alerts.remove')} title={t('alerts.remove')} onClick={() => void remove(rule)}><Icon name="trash" /></button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('alerts.log')}</h3>
      {log.length === 0 ? (
        <p className="muted">{t('alerts.logEmpty')}</p>
      ) : (
        <table className="data-table delivery-log" data-testid="delivery-log">
          <tbody>
            {log.map((line) => (
              <tr key={line.id} data-state={line.state} data-channel={line.channel}>
                <td className="muted">{translator.dateTime(line.sentAt ?? line.updatedAt)}</td>
                <td>{line.ruleName}</td>
                <td>
                  <Icon name={CHANNEL_ICON[line.channel]} /> {t(`alerts.channel.${line.channel}` as MessageKey)}
                </td>
                <td>{t('alerts.eventCount', { count: line.events })}</td>
                <td className={line.state === 'failed' ? 'danger-text' : line.state === 'sent' ? 'ok-text' : ''}>
                  {t(`alerts.state.${line.state}` as MessageKey)}
                  {line.error && <div className="muted small"><bdi>{line.error}</bdi></div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
