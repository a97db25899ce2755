/**
 * Real receivers on loopback for the alert tests: an HTTP server that checks the X-OCM-Signature header
 * the way the README tells a receiver to (HMAC-SHA256 of "<t>.<raw body>", a fresh timestamp, a
 * constant-time compare) and records what it accepted, and an SMTP server (the smtp-server package) that
 * records the mail it is given. Both can be told to fail, to hang, or to log in with a password.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One POST the webhook receiver got. */
export interface ReceivedWebhook {
  body: string;
  payload: { idempotencyKey: string; eventCount: number; events: { key: string; kind: string; model?: string; event?: string; values?: unknown[] }[]; rule: { id: string; name: string }; text: string };
  signatureValid: boolean;
  idempotencyHeader?: string;
  at: number;
}

/** Verifies an `X-OCM-Signature` header as a receiver should; returns why it is refused, or undefined. */
export function verifySignature(secret: string, header: string | undefined, body: string, nowSeconds: number, toleranceSeconds = 300): string | undefined {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!parts.t || !parts.v1 || !Number.isInteger(timestamp)) return 'malformed header';
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return 'timestamp too old (replay?)';
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'signature mismatch';
}

/** A webhook receiver. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** How the next requests are answered: a status, or 'hang' (never answer). */
  answer: number | 'hang';
  /** Resolves when `count` valid POSTs have arrived. */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts a webhook receiver on 127.0.0.1 checking signatures with `secret`. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { count: number; resolve(value: ReceivedWebhook[]): void }[] = [];
  const hanging = new Set<() => void>();
  const receiver = {
    url: '',
    received,
    answer: 200 as number | 'hang',
    waitFor(count: number) {
      const valid = () => received.filter((entry) => entry.signatureValid);
      if (valid().length >= count) return Promise.resolve(valid());
      return new Promise<ReceivedWebhook[]>((resolve) => waiters.push({ count, resolve: () => resolve(valid()) }));
    },
    close: (): Promise<void> => Promise.resolve(),
  };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (receiver.answer === 'hang') {
      // Keep the connection open without answering, until the test closes the receiver.
      hanging.add(() => response.destroy());
      return;
    }
    const signature = request.headers['x-ocm-signature'];
    const problem = verifySignature(secret, Array.isArray(signature) ? signature[0] : signature, body, Math.floor(Date.now() / 1000));
    if (receiver.answer >= 200 && receiver.answer < 300 && !problem) {
      received.push({ body, payload: JSON.parse(body) as ReceivedWebhook['payload'], signatureValid: true, idempotencyHeader: request.headers['x-ocm-idempotency-key'] as string | undefined, at: Date.now() });
      for (const waiter of waiters.splice(0)) {
        if (received.length >= waiter.count) waiter.resolve(received);
        else waiters.push(waiter);
      }
    } else if (problem) {
      received.push({ body, payload: JSON.parse(body) as ReceivedWebhook['payload'], signatureValid: false, at: Date.now() });
    }
    response.writeHead(problem ? 401 : receiver.answer === 200 ? 200 : receiver.answer, { 'content-type': 'text/plain' });
    response.end(problem ?? 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/odoo`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      for (const release of hanging) release();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** One mail the SMTP receiver got. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

/** An SMTP receiver. */
export interface SmtpReceiver {
  port: number;
  mails: ReceivedMail[];
  /** Resolves when `count` mails have arrived. */
  waitFor(count: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Starts an SMTP server on 127.0.0.1 (no TLS); with `login`, it requires that user and password. */
export async function startSmtpReceiver(login?: { user: string; password: string }): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const waiters: { count: number; resolve(): void }[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !login,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.password) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((address) => address.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        for (const waiter of waiters.splice(0)) {
          if (mails.length >= waiter.count) waiter.resolve();
          else waiters.push(waiter);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    waitFor: (count) => (mails.length >= count ? Promise.resolve(mails) : new Promise((resolve) => waiters.push({ count, resolve: () => resolve(mails) }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
