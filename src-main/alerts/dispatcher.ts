/**
 * The delivery worker: after the sync committed rows and the events they fired (store/alert-queue.ts), it
 * groups each rule's waiting events into one message per burst (grouping window, throttle, quiet hours),
 * then claims each due delivery with a lease, sends it and records the outcome, retrying with backoff.
 * It runs on its own timers and never holds up the sync: a slow or failing endpoint only delays its own
 * deliveries. Processes sharing the mirror cooperate through the store's claims.
 */
import { inQuietHours, type AlertChannelKind, type AlertDelivery, type DesktopNotice, type SmtpSettings } from '../common/alerts';
import { Emitter, type Event } from '../common/event';
import type { AlertsPort, Awaitable, InstancesPort } from '../store/ports';
import type { ClaimedDelivery, StoredRule } from '../store/repositories/alerts';
import { desktopText, emailText, MAX_LISTED_EVENTS, webhookPayload, withInstanceNames, type AlertMessage, type MessageLanguage } from './messages';
import { DeliveryFailure, postWebhook, sendEmail, type DesktopNotifier } from './senders';

/** Retries: the delay doubles from `baseSeconds` up to `maxSeconds`; after `maxAttempts` the delivery fails. */
export interface RetryPolicy {
  baseSeconds: number;
  maxSeconds: number;
  maxAttempts: number;
}

/** Default retries: 30 s, 1 min, 2 min, … up to 1 h, 8 attempts (about 4 hours in all). */
export const DEFAULT_RETRY: RetryPolicy = { baseSeconds: 30, maxSeconds: 3600, maxAttempts: 8 };

/** What the dispatcher reads secrets and settings through (the service opens them with the vault). */
export interface DeliverySecrets {
  /** The webhook secret of a stored channel (found by address when the rule was edited since), decrypted. */
  webhookSecret(ruleId: string, channelId: number, url?: string): Awaitable<string | undefined>;
  /** The SMTP server and its password, or undefined when none is set. */
  smtp(): Awaitable<{ settings: SmtpSettings; password?: string } | undefined>;
}

/** What {@link AlertDispatcher} is built from. */
export interface DispatcherOptions {
  alerts: AlertsPort;
  instances: Pick<InstancesPort, 'names'>;
  secrets: DeliverySecrets;
  /** Shows desktop notifications; without one, desktop deliveries wait for a process that has one. */
  desktop?: DesktopNotifier;
  /** Whether the notifier can show anything right now (a browser workbench is open). */
  desktopAvailable?: () => boolean;
  /** The language of desktop and e-mail texts. */
  language?: () => Awaitable<MessageLanguage>;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout of webhooks and e-mail (default 10 s and 30 s). */
  webhookTimeoutMs?: number;
  emailTimeoutMs?: number;
  /** Deliveries sent at the same time (default 4). */
  concurrency?: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** Longest wait between two looks at the outbox (quiet hours ending, throttles, other processes' work). */
const MAX_IDLE_MS = 60_000;
/** How long a claim holds before another process may take the delivery over (a crash mid-send). */
const LEASE_SECONDS = 120;
/** A desktop delivery with nowhere to show waits this long before it is looked at again. */
const DESKTOP_WAIT_SECONDS = 30;

/** Sends the alert outbox (see the module comment). */
export class AlertDispatcher {
  private readonly delivered = new Emitter<AlertDelivery>();
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private again = false;
  /** True while a finished run reads when the next is due (a kick then waits for it, as during a run). */
  private scheduling = false;
  private closed = false;
  private readonly controller = new AbortController();

  /** Fires with a delivery's log line after each attempt. */
  readonly onDidDeliver: Event<AlertDelivery> = this.delivered.event;

  constructor(private readonly options: DispatcherOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.now = options.now ?? Date.now;
  }

  /** Looks at the outbox soon (new rows were committed, a rule changed, a workbench connected). */
  kick(): void {
    if (this.closed) return;
    if (this.running || this.scheduling) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), 0);
  }

  /**
   * Groups what is due and sends every due delivery, once. With `flush` (`ocm sync --once`), events are
   * grouped now rather than after their grouping window or throttle; quiet hours still hold.
   */
  async runOnce(options: { flush?: boolean } = {}): Promise<void> {
    await this.running;
    const work = this.work(options.flush ?? false);
    this.running = work;
    try {
      await work;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * Sends until nothing is due or `deadlineMs` passes, retrying failures whose next attempt falls
   * before it (`ocm sync` before it exits). Returns what is left pending.
   */
  async drain(deadlineMs: number): Promise<{ pending: number; desktopWaiting: number }> {
    for (;;) {
      await this.runOnce({ flush: true });
      const next = await this.options.alerts.nextDue(this.kinds());
      const now = this.now();
      if (next === undefined || next * 1000 > deadlineMs || now >= deadlineMs || this.closed) break;
      await sleep(Math.max(0, next * 1000 - now), this.controller.signal);
    }
    const kinds = this.kinds();
    return { pending: await this.options.alerts.pendingCount(kinds), desktopWaiting: kinds.includes('desktop') ? 0 : await this.options.alerts.pendingCount(['desktop']) };
  }

  /** Stops the timers and aborts attempts in flight (their leases expire; another run sends them). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.controller.abort();
    await this.running?.catch(() => undefined);
    this.delivered.dispose();
  }

  private async run(): Promise<void> {
    if (this.closed) return;
    try {
      await this.runOnce();
    } catch (error) {
      console.error('alert delivery failed', error);
    }
    if (this.closed) return;
    if (this.again) {
      this.again = false;
      this.kick();
      return;
    }
    let wait = MAX_IDLE_MS;
    this.scheduling = true;
    try {
      wait = await this.nextWait();
    } catch (error) {
      console.error('alert delivery failed', error);
    } finally {
      this.scheduling = false;
    }
    if (this.closed) return;
    if (this.again) {
      // Kicked while the outbox was being read: look again now rather than at the planned time.
      this.again = false;
      this.kick();
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), wait);
  }

  /** Milliseconds until the next thing is due (a delivery, a grouping window, a throttle), at most a minute. */
  private async nextWait(): Promise<number> {
    const now = this.now();
    let next = now + MAX_IDLE_MS;
    const due = await this.options.alerts.nextDue(this.kinds());
    if (due !== undefined) next = Math.min(next, due * 1000);
    for (const waiting of await this.options.alerts.waiting()) {
      const rule = await this.options.alerts.get(waiting.ruleId);
      if (rule) next = Math.min(next, (await this.groupDueAt(rule, waiting.firstQueuedAt)) * 1000);
    }
    return Math.max(50, next - now);
  }

  /** The channel kinds this process can send now. */
  private kinds(): AlertChannelKind[] {
    const kinds: AlertChannelKind[] = ['webhook', 'email'];
    if (this.options.desktop && (this.options.desktopAvailable?.() ?? true)) kinds.push('desktop');
    return kinds;
  }

  /** When a rule's waiting events may go out: after the grouping window and the throttle (Unix seconds). */
  private async groupDueAt(rule: StoredRule, firstQueuedAt: number): Promise<number> {
    const last = await this.options.alerts.lastMessageAt(rule.id);
    return Math.max(firstQueuedAt + rule.timing.groupSeconds, last === undefined ? 0 : last + rule.timing.throttleSeconds);
  }

  private async work(flush: boolean): Promise<void> {
    const { alerts } = this.options;
    const seconds = () => Math.floor(this.now() / 1000);
    for (const waiting of await alerts.waiting()) {
      const rule = await alerts.get(waiting.ruleId);
      if (!rule) continue;
      if (!flush && (await this.groupDueAt(rule, waiting.firstQueuedAt)) > seconds()) continue;
      if (inQuietHours(rule.timing.quietHours, new Date(this.now()))) continue;
      await alerts.cutMessage(rule.id, rule.channels, seconds());
    }
    const concurrency = this.options.concurrency ?? 4;
    const active = new Set<Promise<void>>();
    for (;;) {
      if (this.closed) break;
      const claimed = active.size < concurrency ? await alerts.claim(this.kinds(), seconds(), LEASE_SECONDS) : undefined;
      if (claimed) {
        const attempt: Promise<void> = this.attempt(claimed).finally(() => active.delete(attempt));
        active.add(attempt);
        continue;
      }
      if (active.size === 0) break;
      await Promise.race(active);
    }
  }

  /** One attempt at one delivery, its outcome recorded. */
  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { alerts } = this.options;
    const seconds = () => Math.floor(this.now() / 1000);
    try {
      const delivered = await this.send(delivery, await this.message(delivery));
      if (delivered) await alerts.markSent(delivery.id, seconds());
      else await alerts.postpone(delivery.id, 'Waiting for a desktop to show it on (open the app).', seconds() + DESKTOP_WAIT_SECONDS, seconds());
    } catch (error) {
      const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure(error instanceof Error ? error.message : String(error), true);
      if (this.closed) {
        // Cut short by closing: not the endpoint's fault, so the attempt does not count.
        await alerts.postpone(delivery.id, 'The app closed during the attempt; it is sent on the next start.', seconds(), seconds());
        return;
      }
      const retry = failure.retryable && delivery.attempts < this.retry.maxAttempts;
      const delay = Math.min(this.retry.maxSeconds, this.retry.baseSeconds * 2 ** (delivery.attempts - 1));
      const why = retry ? failure.message : `${failure.message} Gave up after ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}.`;
      await alerts.markFailed(delivery.id, why, seconds(), retry ? seconds() + delay : undefined);
    }
    const line = await alerts.delivery(delivery.id);
    if (line) this.delivered.fire(line);
  }

  private async message(delivery: ClaimedDelivery): Promise<AlertMessage> {
    const { alerts } = this.options;
    const events = await alerts.messageEvents(delivery.messageId);
    return {
      idempotencyKey: delivery.idempotencyKey,
      ruleId: delivery.ruleId,
      ruleName: (await alerts.get(delivery.ruleId))?.name ?? delivery.ruleId,
      createdAt: new Date(delivery.createdAt * 1000).toISOString().replace('.000Z', 'Z'),
      eventCount: events.length,
      events: withInstanceNames(events.slice(0, MAX_LISTED_EVENTS), await this.options.instances.names()),
    };
  }

  /** Sends one message to one channel: true when delivered, false when it must wait (no desktop yet). */
  private async send(delivery: ClaimedDelivery, message: AlertMessage): Promise<boolean> {
    const language = (await this.options.language?.()) ?? 'en';
    switch (delivery.kind) {
      case 'webhook': {
        const secret = await this.options.secrets.webhookSecret(delivery.ruleId, delivery.channelId, delivery.target);
        if (!secret) throw new DeliveryFailure('The rule no longer has this webhook (it was edited): nothing was sent.', false);
        await postWebhook({ url: delivery.target ?? '', body: webhookPayload(message), secret, idempotencyKey: message.idempotencyKey, timeoutMs: this.options.webhookTimeoutMs ?? 10_000, signal: this.controller.signal });
        return true;
      }
      case 'email': {
        const smtp = await this.options.secrets.smtp();
        if (!smtp) throw new DeliveryFailure('No SMTP server is set for e-mail alerts (Alerts → E-mail server, or `ocm alert smtp`).', true);
        const text = emailText(message, language);
        await sendEmail({ smtp: smtp.settings, password: smtp.password, to: (delivery.target ?? '').split(','), subject: text.subject, text: text.text, idempotencyKey: message.idempotencyKey, timeoutMs: this.options.emailTimeoutMs ?? 30_000 });
        return true;
      }
      case 'desktop': {
        const notifier = this.options.desktop;
        if (!notifier) return false;
        const text = desktopText(message, language);
        const notice: DesktopNotice = { id: message.idempotencyKey, ruleId: message.ruleId, title: text.title, body: text.body };
        return await notifier(notice);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
