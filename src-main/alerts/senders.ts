/**
 * The three ways a message leaves the app: a signed webhook POST, an e-mail over SMTP (nodemailer), and a
 * desktop notification through the host. Each either resolves (delivered) or throws a
 * {@link DeliveryFailure} that says why and whether trying again can help.
 */
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { DesktopNotice, SmtpSettings } from '../common/alerts';

/** The header a receiver checks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = 'X-OCM-Signature';
/** The header carrying the message's idempotency key (also in the payload). */
export const IDEMPOTENCY_HEADER = 'X-OCM-Idempotency-Key';

/** Why a delivery attempt failed, and whether a later attempt may succeed. */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The signature header's value for `body` sent at `timestamp` (Unix seconds). */
export function webhookSignature(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** HTTP statuses worth another try: the receiver was busy, slow or down. */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * POSTs `body` to `url`, signed with `secret` at the current second. A 2xx answer is delivered; a
 * redirect is refused (a signed payload goes only where it was told to).
 */
export async function postWebhook(request: { url: string; body: string; secret: string; idempotencyKey: string; timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  // The wall clock at sending: receivers compare it with theirs to refuse replays.
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'OdooChangeMonitor-Alerts/1',
        [SIGNATURE_HEADER]: webhookSignature(request.secret, request.body, timestamp),
        [IDEMPOTENCY_HEADER]: request.idempotencyKey,
      },
      body: request.body,
      signal: request.signal ? AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]) : AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as { name?: string }).name;
    const why = name === 'TimeoutError' ? `no answer within ${Math.round(request.timeoutMs / 1000)} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new DeliveryFailure(`The webhook at ${request.url} could not be reached: ${why}.`, true);
  }
  // The answer's body is not needed; reading it frees the connection.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return;
  if (response.status >= 300 && response.status < 400) {
    throw new DeliveryFailure(`The webhook at ${request.url} answered ${response.status} (a redirect to ${response.headers.get('location') ?? 'elsewhere'}); signed payloads are not redirected: use the final address.`, false);
  }
  throw new DeliveryFailure(`The webhook at ${request.url} answered HTTP ${response.status} ${response.statusText}.`.replace(/ \.$/, '.'), RETRYABLE_STATUSES.has(response.status));
}

/** An e-mail to send. */
export interface EmailRequest {
  smtp: SmtpSettings;
  password?: string;
  to: readonly string[];
  subject: string;
  text: string;
  idempotencyKey: string;
  timeoutMs: number;
}

/** Sends an e-mail through the configured SMTP server; the Message-ID is derived from the idempotency key. */
export async function sendEmail(request: EmailRequest): Promise<void> {
  const transport = nodemailer.createTransport({
    host: request.smtp.host,
    port: request.smtp.port,
    secure: request.smtp.secure,
    auth: request.smtp.user ? { user: request.smtp.user, pass: request.password ?? '' } : undefined,
    connectionTimeout: request.timeoutMs,
    greetingTimeout: request.timeoutMs,
    socketTimeout: request.timeoutMs,
  });
  try {
    await transport.sendMail({
      from: request.smtp.from,
      to: [...request.to],
      subject: request.subject,
      text: request.text,
      messageId: `<${request.idempotencyKey}@odoo-change-monitor>`,
      headers: { [IDEMPOTENCY_HEADER]: request.idempotencyKey },
    });
  } catch (error) {
    const failure = error as { code?: string; responseCode?: number; response?: string; message?: string };
    const server = failure.response ? `: ${failure.response}` : failure.message ? `: ${failure.message}` : '';
    // 5xx answers (mailbox unknown, relay refused) will not change by waiting; the rest may.
    const permanent = failure.responseCode !== undefined && failure.responseCode >= 500 && failure.code !== 'EAUTH';
    throw new DeliveryFailure(`The SMTP server ${request.smtp.host}:${request.smtp.port} did not take the e-mail (${failure.code ?? 'error'})${server}`, !permanent);
  } finally {
    transport.close();
  }
}

/** Shows a desktop notification; resolves false when there is nowhere to show it yet (no workbench open). */
export type DesktopNotifier = (notice: DesktopNotice) => boolean | Promise<boolean>;
