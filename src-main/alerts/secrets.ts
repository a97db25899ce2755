/**
 * Webhook signing secrets and the SMTP password, kept encrypted by the secret vault (like instance
 * passwords) and sealed to where they may go: a webhook secret opens only for the address it was given
 * for, the SMTP password only for the same server and user.
 */
import type { SmtpSettings } from '../common/alerts';
import type { AlertsPort } from '../store/ports';
import type { StoredSmtp } from '../store/repositories/alerts';
import type { SecretVault } from '../store/secret-vault';
import type { DeliverySecrets } from './dispatcher';

/** Marks sealed secrets inside the vault's plain text. */
const SEALED_WEBHOOK = 'ocm-webhook/1\n';
const SEALED_SMTP = 'ocm-smtp/1\n';

/** Seals and opens the alert secrets with one vault. */
export class AlertSecrets implements DeliverySecrets {
  constructor(
    private readonly vault: SecretVault,
    private readonly alerts: Pick<AlertsPort, 'get' | 'smtp'>,
  ) {}

  /** The stored form of a webhook's secret, bound to its address. */
  sealWebhook(url: string, secret: string): string {
    return this.vault.encrypt(SEALED_WEBHOOK + JSON.stringify({ url, secret }));
  }

  /** The stored form of the SMTP password, bound to the server and user. */
  sealSmtpPassword(host: string, user: string | undefined, password: string): string {
    return this.vault.encrypt(SEALED_SMTP + JSON.stringify({ host, user, password }));
  }

  /**
   * The secret of a rule's webhook channel. Saving a rule renews its channels, so a delivery queued
   * before an edit finds its webhook by address when its channel id is gone.
   */
  async webhookSecret(ruleId: string, channelId: number, url?: string): Promise<string | undefined> {
    const channels = (await this.alerts.get(ruleId))?.channels ?? [];
    const channel = channels.find((stored) => stored.id === channelId) ?? channels.find((stored) => stored.kind === 'webhook' && url !== undefined && stored.target === url);
    if (!channel?.secret) return undefined;
    const sealed = unseal<{ url: string; secret: string }>(this.vault.decrypt(channel.secret), SEALED_WEBHOOK);
    return sealed && sealed.url === channel.target ? sealed.secret : undefined;
  }

  async smtp(): Promise<{ settings: SmtpSettings; password?: string } | undefined> {
    const stored = await this.alerts.smtp();
    if (!stored) return undefined;
    const settings = smtpSettings(stored);
    if (!stored.password) return { settings };
    const sealed = unseal<{ host: string; user?: string; password: string }>(this.vault.decrypt(stored.password), SEALED_SMTP);
    return sealed && sealed.host === stored.host && sealed.user === stored.user ? { settings, password: sealed.password } : { settings };
  }
}

/** The e-mail server as the contract shows it (the password only as a yes or no). */
export function smtpSettings(stored: StoredSmtp): SmtpSettings {
  const settings: SmtpSettings = { host: stored.host, port: stored.port, secure: stored.secure, from: stored.from, hasPassword: Boolean(stored.password) };
  if (stored.user) settings.user = stored.user;
  return settings;
}

function unseal<T>(plain: string, mark: string): T | undefined {
  if (!plain.startsWith(mark)) return undefined;
  try {
    return JSON.parse(plain.slice(mark.length)) as T;
  } catch {
    return undefined;
  }
}
