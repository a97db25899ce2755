/**
 * The alert rule editor: what to watch, where to deliver, how to pace it, with a live preview of how
 * often the rule would have fired over the last 7 days of the mirror (asked as the condition changes).
 */
import { useEffect, useMemo, useState } from 'react';
import { ALERT_CONDITION_KINDS, type AlertChannelInput, type AlertCondition, type AlertPreview, type AlertRule, type AlertRuleInput } from '../../src-main/common/alerts';
import type { ChangeEvent, InstanceConfig } from '../../src-main/common/model';
import { useTranslator, type MessageKey } from '../i18n';
import { useServices } from '../services/services';
import { ErrorBanner, Icon } from '../ui/primitives';
import { appEvents } from '../workbench/app-events';
import { useWorkbench } from '../workbench/store';
import { askForNotifications, notificationPermission } from './notifications';

const EVENTS: ChangeEvent[] = ['create', 'write', 'unlink'];

/** The editor's fields, as typed. */
interface Draft {
  name: string;
  enabled: boolean;
  kind: AlertCondition['kind'];
  instanceIds: string[];
  models: string;
  events: ChangeEvent[];
  field: string;
  users: string;
  value: string;
  count: string;
  windowMinutes: string;
  minutes: string;
  desktop: boolean;
  webhookUrl: string;
  webhookSecret: string;
  webhookHasSecret: boolean;
  emails: string;
  groupSeconds: string;
  throttleSeconds: string;
  quietStart: string;
  quietEnd: string;
  timeZone: string;
}

const words = (text: string) => text.split(',').map((word) => word.trim()).filter(Boolean);
/** A typed whole number; anything else becomes 0, which the service refuses saying what it needs. */
const whole = (text: string) => {
  const value = Number(text);
  return text.trim() !== '' && Number.isSafeInteger(value) ? value : 0;
};

function draftOf(rule: AlertRule | undefined): Draft {
  const condition = rule?.condition;
  const webhook = rule?.channels.find((channel) => channel.kind === 'webhook');
  const email = rule?.channels.find((channel) => channel.kind === 'email');
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    kind: condition?.kind ?? 'change',
    instanceIds: condition?.instanceIds ?? [],
    models: condition && 'models' in condition ? (condition.models ?? []).join(', ') : '',
    events: condition?.kind === 'change' ? (condition.events ?? []) : [],
    field: condition?.kind === 'change' ? (condition.field ?? '') : '',
    users: condition?.kind === 'change' ? (condition.users ?? []).join(', ') : '',
    value: condition?.kind === 'change' ? (condition.value?.text ?? '') : '',
    count: condition?.kind === 'error-rate' ? String(condition.count) : '10',
    windowMinutes: condition?.kind === 'error-rate' ? String(condition.windowMinutes) : '5',
    minutes: condition?.kind === 'instance-unreachable' || condition?.kind === 'instance-behind' ? String(condition.minutes) : '15',
    desktop: rule ? rule.channels.some((channel) => channel.kind === 'desktop') : true,
    webhookUrl: webhook?.kind === 'webhook' ? webhook.url : '',
    webhookSecret: '',
    webhookHasSecret: webhook?.kind === 'webhook' ? webhook.hasSecret : false,
    emails: email?.kind === 'email' ? email.to.join(', ') : '',
    groupSeconds: String(rule?.timing.groupSeconds ?? 30),
    throttleSeconds: String(rule?.timing.throttleSeconds ?? 0),
    quietStart: rule?.timing.quietHours?.start ?? '',
    quietEnd: rule?.timing.quietHours?.end ?? '',
    timeZone: rule?.timing.quietHours?.timeZone ?? '',
  };
}

/** The condition the draft describes (the service checks it; the preview shows its complaints). */
function conditionOf(draft: Draft): AlertCondition {
  const scope = draft.instanceIds.length ? { instanceIds: draft.instanceIds } : {};
  const models = words(draft.models);
  switch (draft.kind) {
    case 'change': {
      const condition: AlertCondition = { kind: 'change', ...scope };
      if (models.length) condition.models = models;
      if (draft.events.length) condition.events = draft.events;
      if (draft.field.trim()) condition.field = draft.field.trim();
      if (words(draft.users).length) condition.users = words(draft.users);
      if (draft.value) condition.value = { text: draft.value };
      return condition;
    }
    case 'error-new':
      return { kind: 'error-new', ...scope, ...(models.length ? { models } : {}) };
    case 'error-rate':
      return { kind: 'error-rate', ...scope, ...(models.length ? { models } : {}), count: whole(draft.count), windowMinutes: whole(draft.windowMinutes) };
    case 'instance-unreachable':
    case 'instance-behind':
      return { kind: draft.kind, ...scope, minutes: whole(draft.minutes) };
  }
}

function inputOf(draft: Draft, id: string | undefined): AlertRuleInput {
  const channels: AlertChannelInput[] = [];
  if (draft.desktop) channels.push({ kind: 'desktop' });
  if (draft.webhookUrl.trim()) channels.push({ kind: 'webhook', url: draft.webhookUrl.trim(), ...(draft.webhookSecret ? { secret: draft.webhookSecret } : {}) });
  if (words(draft.emails).length) channels.push({ kind: 'email', to: words(draft.emails) });
  const input: AlertRuleInput = {
    name: draft.name,
    enabled: draft.enabled,
    condition: conditionOf(draft),
    channels,
    timing: { groupSeconds: whole(draft.groupSeconds), throttleSeconds: whole(draft.throttleSeconds) },
  };
  if (id) input.id = id;
  if (draft.quietStart || draft.quietEnd) input.timing!.quietHours = { start: draft.quietStart, end: draft.quietEnd, ...(draft.timeZone ? { timeZone: draft.timeZone } : {}) };
  return input;
}

/** A random signing secret (64 hex digits) made in the browser. */
function newSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The editor for a new rule (`rule` undefined) or an existing one. */
export function RuleEditor({ rule, instances, onSaved, onCancel }: { rule?: AlertRule; instances: InstanceConfig[]; onSaved(rule: AlertRule): void; onCancel(): void }) {
  const services = useServices();
  const translator = useTranslator();
  const { t } = translator;
  const hostKind = useWorkbench((state) => state.host?.kind);
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const [preview, setPreview] = useState<AlertPreview>();
  const [previewError, setPreviewError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  const condition = useMemo(() => conditionOf(draft), [draft]);
  const conditionKey = JSON.stringify(condition);

  // The live preview: asked a moment after the condition stops changing.
  useEffect(() => {
    let live = true;
    const handle = setTimeout(() => {
      services.alerts.preview(condition).then(
        (value) => {
          if (!live) return;
          setPreview(value);
          setPreviewError(undefined);
          appEvents.emit('alert-preview', { events: value.events, days: value.days, kind: condition.kind });
        },
        (failure) => {
          if (!live) return;
          setPreview(undefined);
          setPreviewError(failure);
        },
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(handle);
    };
  }, [services, conditionKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      // A desktop delivery in browser mode needs the browser's permission, asked from this click.
      if (draft.desktop && hostKind === 'browser' && notificationPermission() === 'default') await askForNotifications(services, hostKind);
      const saved = await services.alerts.save(inputOf(draft, rule?.id));
      appEvents.emit('alert-saved', { id: saved.id, name: saved.name });
      onSaved(saved);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const kind = draft.kind;
  return (
    <form className="rule-editor" data-testid="rule-editor" onSubmit={(event) => (event.preventDefault(), void save())}>
      <h2>{rule ? t('alerts.editRule', { name: rule.name }) : t('alerts.newRule')}</h2>
      <div className="form-row">
        <label className="form-field">
          <span>{t('alerts.name')}</span>
          <input value={draft.name} onChange={(event) => set({ name: event.target.value })} data-testid="rule-name" required />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled} onChange={(event) => set({ enabled: event.target.checked })} />
          {t('alerts.enabled')}
        </label>
      </div>

      <fieldset>
        <legend>{t('alerts.when')}</legend>
        <label className="form-field">
          <span>{t('alerts.kind')}</span>
          <select value={kind} onChange={(event) => set({ kind: event.target.value as Draft['kind'] })} data-testid="rule-kind">
            {ALERT_CONDITION_KINDS.map((value) => (
              <option key={value} value={value}>{t(`alerts.kind.${value}` as MessageKey)}</option>
            ))}
          </select>
        </label>
        <div className="form-field">
          <span>{t('alerts.instances')}</span>
          <div className="checks">
            {instances.map((instance) => (
              <label key={instance.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.instanceIds.includes(instance.id)}
                  onChange={(event) => set({ instanceIds: event.target.checked ? [...draft.instanceIds, instance.id] : draft.instanceIds.filter((id) => id !== instance.id) })}
                />
                {instance.name}
              </label>
            ))}
            {draft.instanceIds.length === 0 && <span className="muted">{t('alerts.allInstances')}</span>}
          </div>
        </div>
        {(kind === 'change' || kind === 'error-new' || kind === 'error-rate') && (
          <label className="form-field">
            <span>{t('alerts.models')}</span>
            <input value={draft.models} placeholder="account.move, res.partner" onChange={(event) => set({ models: event.target.value })} data-testid="rule-models" dir="ltr" />
          </label>
        )}
        {kind === 'change' && (
          <>
            <div className="form-field">
              <span>{t('alerts.events')}</span>
              <div className="checks">
                {EVENTS.map((event) => (
                  <label key={event} className="checkbox">
                    <input
                      type="checkbox"
                      data-testid={`rule-event-${event}`}
                      checked={draft.events.includes(event)}
                      onChange={(change) => set({ events: change.target.checked ? [...draft.events, event] : draft.events.filter((other) => other !== event) })}
                    />
                    {t(`event.${event}` as MessageKey)}
                  </label>
                ))}
              </div>
            </div>
            <div className="form-row">
              <label className="form-field">
                <span>{t('alerts.field')}</span>
                <input value={draft.field} placeholder="list_price" onChange={(event) => set({ field: event.target.value })} data-testid="rule-field" dir="ltr" />
              </label>
              <label className="form-field">
                <span>{t('alerts.value')}</span>
                <input value={draft.value} onChange={(event) => set({ value: event.target.value })} data-testid="rule-value" />
              </label>
              <label className="form-field">
                <span>{t('alerts.users')}</span>
                <input value={draft.users} onChange={(event) => set({ users: event.target.value })} />
              </label>
            </div>
          </>
        )}
        {kind === 'error-rate' && (
          <div className="form-row">
            <label className="form-field">
              <span>{t('alerts.count')}</span>
              <input type="number" min={1} value={draft.count} onChange={(event) => set({ count: event.target.value })} />
            </label>
            <label className="form-field">
              <span>{t('alerts.windowMinutes')}</span>
              <input type="number" min={1} value={draft.windowMinutes} onChange={(event) => set({ windowMinutes: event.target.value })} />
            </label>
          </div>
        )}
        {(kind === 'instance-unreachable' || kind === 'instance-behind') && (
          <label className="form-field">
            <span>{t('alerts.minutes')}</span>
            <input type="number" min={1} value={draft.minutes} onChange={(event) => set({ minutes: event.target.value })} />
          </label>
        )}
        <div className="rule-preview" role="status" aria-live="polite" data-testid="rule-preview" data-events={preview?.events ?? ''}>
          {preview && (
            <>
              <strong>{t(preview.estimated ? 'alerts.previewEstimated' : 'alerts.preview', { count: preview.events, days: preview.days })}</strong>
              {preview.samples.length > 0 && (
                <ul>
                  {preview.samples.map((sample) => (
                    <li key={sample.key}>
                      <span className="muted">{translator.dateTime(sample.at)}</span> <bdi>{sample.instanceName ?? sample.instanceId}</bdi>{' '}
                      {sample.kind === 'change' && <bdi>{`${translator.model(sample.model ?? '')} #${sample.recordId} · ${t(`event.${sample.event ?? 'write'}` as MessageKey)}`}</bdi>}
                      {sample.kind === 'error' && <bdi>{sample.message?.split('\n')[0].slice(0, 120)}</bdi>}
                      {sample.kind === 'instance' && t('alerts.outage', { minutes: sample.minutes ?? 0 })}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {previewError !== undefined && <ErrorBanner error={previewError} />}
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('alerts.deliver')}</legend>
        <label className="checkbox">
          <input type="checkbox" checked={draft.desktop} onChange={(event) => set({ desktop: event.target.checked })} data-testid="rule-desktop" />
          {t('alerts.desktop')}
        </label>
        <div className="form-row">
          <label className="form-field">
            <span>{t('alerts.webhook')}</span>
            <input type="url" value={draft.webhookUrl} placeholder="https://hooks.example.com/odoo" onChange={(event) => set({ webhookUrl: event.target.value })} data-testid="rule-webhook" dir="ltr" />
          </label>
          <label className="form-field">
            <span>{t('alerts.secret')}</span>
            <input
              type="text"
              value={draft.webhookSecret}
              placeholder={draft.webhookHasSecret ? t('alerts.secretKept') : ''}
              onChange={(event) => set({ webhookSecret: event.target.value })}
              data-testid="rule-secret"
              dir="ltr"
              autoComplete="off"
            />
          </label>
          <button type="button" className="button secondary" onClick={() => set({ webhookSecret: newSecret() })}>
            <Icon name="key" /> {t('alerts.generateSecret')}
          </button>
        </div>
        {draft.webhookSecret && <p className="muted small">{t('alerts.secretHint')}</p>}
        <label className="form-field">
          <span>{t('alerts.emails')}</span>
          <input value={draft.emails} placeholder="finance@example.com, audit@example.com" onChange={(event) => set({ emails: event.target.value })} data-testid="rule-emails" dir="ltr" />
        </label>
      </fieldset>

      <fieldset>
        <legend>{t('alerts.pacing')}</legend>
        <div className="form-row">
          <label className="form-field">
            <span>{t('alerts.groupSeconds')}</span>
            <input type="number" min={0} value={draft.groupSeconds} onChange={(event) => set({ groupSeconds: event.target.value })} data-testid="rule-group" />
          </label>
          <label className="form-field">
            <span>{t('alerts.throttleSeconds')}</span>
            <input type="number" min={0} value={draft.throttleSeconds} onChange={(event) => set({ throttleSeconds: event.target.value })} />
          </label>
        </div>
        <div className="form-row">
          <label className="form-field">
            <span>{t('alerts.quietStart')}</span>
            <input type="time" value={draft.quietStart} onChange={(event) => set({ quietStart: event.target.value })} />
          </label>
          <label className="form-field">
            <span>{t('alerts.quietEnd')}</span>
            <input type="time" value={draft.quietEnd} onChange={(event) => set({ quietEnd: event.target.value })} />
          </label>
          <label className="form-field">
            <span>{t('alerts.timeZone')}</span>
            <input value={draft.timeZone} placeholder={Intl.DateTimeFormat().resolvedOptions().timeZone} onChange={(event) => set({ timeZone: event.target.value })} dir="ltr" />
          </label>
        </div>
      </fieldset>

      {error !== undefined && <ErrorBanner error={error} onDismiss={() => setError(undefined)} />}
      <div className="form-actions">
        <button type="button" className="button secondary" onClick={onCancel}>{t('common.cancel')}</button>
        <button type="submit" className="button" disabled={saving} data-testid="rule-save">
          <Icon name="save" /> {t('alerts.save')}
        </button>
      </div>
    </form>
  );
}
