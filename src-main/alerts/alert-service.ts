/**
 * {@link IAlertService}: rules as data over the mirror (checked once here for the workbench and the CLI),
 * their preview, test messages, the delivery log and the e-mail server; webhook secrets and the SMTP
 * password are kept encrypted by the secret vault, sealed to where they may be sent. With `deliver`, the
 * process also runs the delivery worker and the instance monitor.
 */
import type { AlertChannel, AlertCondition, AlertDelivery, AlertPreview, AlertRule, AlertRuleInput, AlertTestResult, DesktopNotice, SmtpInput, SmtpSettings } from '../common/alerts';
import { OcmError } from '../common/errors';
import { Emitter, type Event } from '../common/event';
import type { InstanceId, InstanceStatus } from '../common/model';
import type { IAlertService } from '../common/services';
import { isoFromSeconds } from '../common/time';
import type { StoredChannel, StoredRule, StoredSmtp } from '../store/repositories/alerts';
import type { SecretVault } from '../store/secret-vault';
import type { Repositories } from '../store/ports';
import { AlertDispatcher, type RetryPolicy } from './dispatcher';
import { checkInstances, MONITOR_INTERVAL_MS } from './instance-monitor';
import { desktopText, emailText, webhookPayload, type AlertMessage } from './messages';
import type { AlertPreviewer } from './preview';
import { AlertSecrets, smtpSettings } from './secrets';
import { checkCondition, checkRecipients, checkRuleInput } from './rule-input';
import { DeliveryFailure, postWebhook, sendEmail, type DesktopNotifier } from './senders';

/** What {@link AlertService} is built from. */
export interface AlertServiceOptions {
  /** The repositories (either store's: every call is awaited). */
  store: Pick<Repositories, 'alerts' | 'instances' | 'settings'>;
  /** Runs a condition over the mirror (alerts/preview.ts `sqlitePreviewer`, alerts/pg-preview.ts `pgPreviewer`). */
  preview: AlertPreviewer;
  vault: SecretVault;
  /** Run the delivery worker (and the instance monitor) in this process. */
  deliver: boolean;
  /** The host's desktop notifications (Electron); default: the browser workbench, through `onDidNotify`. */
  desktop?: DesktopNotifier;
  /** The engine's statuses, for instance conditions (only where an engine runs). */
  statuses?: () => Promise<InstanceStatus[]>;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
}


/** The alert service (see the module comment). */
export class AlertService implements IAlertService {
  private readonly notices = new Emitter<DesktopNotice>();
  private readonly rules = new Emitter<AlertRule[]>();
  private readonly deliveries$ = new Emitter<AlertDelivery>();
  private readonly dispatcher?: AlertDispatcher;
  private readonly notifier: DesktopNotifier;
  private readonly now: () => number;
  private monitor?: ReturnType<typeof setInterval>;
  private readonly firstSeen = new Map<InstanceId, number>();
  private readonly secrets: AlertSecrets;

  readonly onDidChangeRules: Event<AlertRule[]> = this.rules.event;
  readonly onDidDeliver: Event<AlertDelivery> = this.deliveries$.event;
  /** A workbench that starts listening gets the desktop notifications that waited for one. */
  readonly onDidNotify: Event<DesktopNotice> = (listener) => {
    const subscription = this.notices.event(listener);
    this.dispatcher?.kick();
    return subscription;
  };

  constructor(private readonly options: AlertServiceOptions) {
    this.now = options.now ?? Date.now;
    this.secrets = new AlertSecrets(options.vault, options.store.alerts);
    this.notifier =
      options.desktop ??
      ((notice) => {
        if (!this.notices.hasListeners) return false;
        this.notices.fire(notice);
        return true;
      });
    if (!options.deliver) return;
    const { store } = options;
    this.dispatcher = new AlertDispatcher({
      alerts: store.alerts,
      instances: store.instances,
      secrets: this.secrets,
      desktop: this.notifier,
      desktopAvailable: options.desktop ? undefined : () => this.notices.hasListeners,
      language: async () => (await store.settings.get()).language,
      retry: options.retry,
      now: this.now,
    });
    this.dispatcher.onDidDeliver((delivery) => this.deliveries$.fire(delivery));
    this.dispatcher.kick(); // deliveries left pending by an earlier run (a crash, a closed app) go now
    if (options.statuses) this.monitor = setInterval(() => void this.checkInstances(), MONITOR_INTERVAL_MS);
  }

  /** New rows were committed (their events with them): look at the outbox. */
  kick(): void {
    this.dispatcher?.kick();
  }

  /** Looks at the instances' statuses now (the monitor does it every half minute). */
  async checkInstances(): Promise<number> {
    if (!this.options.statuses) return 0;
    const queued = await checkInstances(this.options.store.alerts, await this.options.statuses(), this.now(), this.firstSeen);
    if (queued) this.kick();
    return queued;
  }

  /** Sends what is due, grouping waiting events now, until `deadlineMs` (`ocm sync` before it exits). */
  async drain(deadlineMs: number): Promise<{ pending: number; desktopWaiting: number }> {
    if (!this.dispatcher) return { pending: await this.options.store.alerts.pendingCount(['webhook', 'email']), desktopWaiting: await this.options.store.alerts.pendingCount(['desktop']) };
    return this.dispatcher.drain(deadlineMs);
  }

  async close(): Promise<void> {
    clearInterval(this.monitor);
    await this.dispatcher?.close();
    this.notices.dispose();
    this.rules.dispose();
    this.deliveries$.dispose();
  }

  async list(): Promise<AlertRule[]> {
    return (await this.options.store.alerts.list()).map(toRule);
  }

  async save(input: AlertRuleInput): Promise<AlertRule> {
    const checked = checkRuleInput(input);
    const { alerts } = this.options.store;
    const existing = checked.id === undefined ? undefined : await alerts.get(checked.id);
    if (checked.id !== undefined && !existing) throw new OcmError('not-found', `No alert rule with id ${checked.id}.`);
    const channels: Omit<StoredChannel, 'id'>[] = checked.channels.map((channel) => {
      switch (channel.kind) {
        case 'desktop':
          return { kind: 'desktop' };
        case 'email':
          return { kind: 'email', target: channel.to.join(',') };
        case 'webhook': {
          if (channel.secret !== undefined) return { kind: 'webhook', target: channel.url, secret: this.secrets.sealWebhook(channel.url, channel.secret) };
          // A secret is only kept for the address it was given for.
          const kept = existing?.channels.find((stored) => stored.kind === 'webhook' && stored.target === channel.url && stored.secret);
          if (!kept) {
            throw new OcmError('invalid-input', `The webhook ${channel.url} needs a signing secret.`, {
              hint: 'Give one of at least 16 characters (the receiver checks the X-OCM-Signature header with it); a changed address needs it again.',
            });
          }
          return { kind: 'webhook', target: channel.url, secret: kept.secret };
        }
      }
    });
    const id = await alerts.save({ id: checked.id, name: checked.name, enabled: checked.enabled ?? true, condition: checked.condition, timing: checked.timing, channels }, this.seconds());
    await this.announceRules();
    return toRule((await alerts.get(id))!);
  }

  async remove(id: string): Promise<void> {
    await this.options.store.alerts.remove(id, this.seconds());
    await this.announceRules();
  }

  async preview(condition: AlertCondition, options: { days?: number } = {}): Promise<AlertPreview> {
    const days = options.days ?? 7;
    if (!Number.isInteger(days) || days < 1 || days > 90) throw new OcmError('invalid-input', `A preview covers 1 to 90 days, not ${String(days)}.`);
    const preview = await this.options.preview(checkCondition(condition), days, this.seconds());
    const names = await this.options.store.instances.names();
    return { ...preview, samples: preview.samples.map((event) => ({ ...event, instanceName: names.get(event.instanceId) })) };
  }

  async test(id: string): Promise<AlertTestResult[]> {
    const rule = await this.options.store.alerts.get(id);
    if (!rule) throw new OcmError('not-found', `No alert rule with id ${id}.`);
    const instanceId = (await this.options.store.instances.list())[0]?.config.id ?? 'test';
    const message: AlertMessage = {
      idempotencyKey: `test-${Math.floor(this.now()).toString(36)}`,
      ruleId: rule.id,
      ruleName: rule.name,
      createdAt: isoFromSeconds(this.seconds()),
      eventCount: 1,
      events: [{ key: 'test', kind: 'instance', instanceId, instanceName: 'Test message', at: isoFromSeconds(this.seconds()), condition: 'behind', since: isoFromSeconds(this.seconds()), minutes: 0 }],
    };
    const language = (await this.options.store.settings.get()).language;
    const results: AlertTestResult[] = [];
    for (const channel of rule.channels) {
      const result: AlertTestResult = { channel: channel.kind, ok: false };
      if (channel.target) result.target = channel.target;
      try {
        if (channel.kind === 'webhook') {
          const secret = await this.secrets.webhookSecret(rule.id, channel.id);
          if (!secret) throw new DeliveryFailure('The signing secret could not be opened: enter it again.', false);
          await postWebhook({ url: channel.target ?? '', body: webhookPayload(message), secret, idempotencyKey: message.idempotencyKey, timeoutMs: 10_000 });
        } else if (channel.kind === 'email') {
          const smtp = await this.secrets.smtp();
          if (!smtp) throw new DeliveryFailure('No SMTP server is set for e-mail alerts (Alerts → E-mail server, or `ocm alert smtp`).', false);
          const text = emailText(message, language);
          await sendEmail({ smtp: smtp.settings, password: smtp.password, to: (channel.target ?? '').split(','), subject: text.subject, text: text.text, idempotencyKey: message.idempotencyKey, timeoutMs: 30_000 });
        } else {
          const text = desktopText(message, language);
          if (!(await this.notifier({ id: message.idempotencyKey, ruleId: rule.id, title: text.title, body: text.body }))) {
            throw new DeliveryFailure('No desktop to show it on: open the app (or the browser workbench) and allow notifications.', false);
          }
        }
        result.ok = true;
      } catch (error) {
        result.error = error instanceof Error ? error.message : String(error);
      }
      results.push(result);
    }
    return results;
  }

  async deliveries(options: { ruleId?: string; limit?: number } = {}): Promise<AlertDelivery[]> {
    return this.options.store.alerts.deliveries(options);
  }

  async smtp(): Promise<SmtpSettings | undefined> {
    const stored = await this.options.store.alerts.smtp();
    return stored && smtpSettings(stored);
  }

  async setSmtp(input: SmtpInput | null): Promise<SmtpSettings | undefined> {
    const { alerts } = this.options.store;
    if (input === null) {
      await alerts.setSmtp(undefined);
      return undefined;
    }
    const host = input.host.trim();
    if (!host || /\s/.test(host)) throw new OcmError('invalid-input', `"${input.host}" is not a host name.`, { hint: 'Give the SMTP server’s name or address, e.g. smtp.example.com.' });
    if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65_535) throw new OcmError('invalid-input', `The SMTP port must be 1 to 65535, not ${String(input.port)}.`, { hint: 'Usually 587 (STARTTLS) or 465 (TLS).' });
    const [from] = checkRecipients([input.from.replace(/^.*<([^>]+)>\s*$/, '$1')]);
    const user = input.user?.trim() || undefined;
    const previous = await alerts.smtp();
    const stored: StoredSmtp = { host, port: input.port, secure: input.secure ?? input.port === 465, from: input.from.trim() || from };
    if (user) stored.user = user;
    if (input.password) stored.password = this.secrets.sealSmtpPassword(host, user, input.password);
    // A saved password only goes to the server and user it was saved for.
    else if (previous?.password && previous.host === host && previous.user === user) stored.password = previous.password;
    else if (user) throw new OcmError('invalid-input', `The SMTP user ${user} needs a password.`, { hint: 'Enter the password (a changed server or user needs it again).' });
    await alerts.setSmtp(stored);
    this.kick();
    return smtpSettings(stored);
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private async announceRules(): Promise<void> {
    this.rules.fire((await this.options.store.alerts.list()).map(toRule));
    this.kick();
  }
}

function toRule(rule: StoredRule): AlertRule {
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    condition: rule.condition,
    channels: rule.channels.map((channel): AlertChannel => {
      if (channel.kind === 'webhook') return { kind: 'webhook', url: channel.target ?? '', hasSecret: Boolean(channel.secret) };
      if (channel.kind === 'email') return { kind: 'email', to: (channel.target ?? '').split(',').filter(Boolean) };
      return { kind: 'desktop' };
    }),
    timing: rule.timing,
    createdAt: isoFromSeconds(rule.createdAt),
    updatedAt: isoFromSeconds(rule.updatedAt),
  };
}
