/**
 * Alerts end to end through the composition root, on a simulated Odoo server: a rule "any unlink on
 * account.move" fires once per event to a desktop notification, a signed webhook (a real HTTP receiver on
 * loopback checking the signature) and an e-mail (a real SMTP server, with login); the delivery log says
 * what was sent; a failing endpoint is retried with backoff, a refusing one gives up saying why; and a
 * webhook that never answers does not slow the sync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRule, DesktopNotice } from '../../../src-main/common/alerts';
import { nextEvent } from '../../../src-main/common/event';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers';

const SECRET = 'whsec-0123456789abcdef-test';
let sim: RunningSimulator;
let webhook: WebhookReceiver;
let smtp: SmtpReceiver;
let home: string;
let app: RunningServices;
const notices: DesktopNotice[] = [];

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'fixed', seed: 21, databases: [{ name: 'acme' }] });
  webhook = await startWebhookReceiver(SECRET);
  smtp = await startSmtpReceiver({ user: 'alerts', password: 'smtp-pass' });
  home = mkdtempSync(join(tmpdir(), 'ocm-alerts-'));
  app = await createServices({
    dataDir: home,
    engine: 'in-thread',
    autoStart: false,
    keychain: null,
    desktopNotifier: (notice) => {
      notices.push(notice);
      return true;
    },
    alertRetry: { baseSeconds: 1, maxSeconds: 2, maxAttempts: 3 },
  });
  await app.services.instances.add({ name: 'Acme', url: sim.url, db: 'acme', login: 'admin', password: 'admin', transport: 'jsonrpc' });
  await app.services.alerts.setSmtp({ host: '127.0.0.1', port: smtp.port, secure: false, user: 'alerts', password: 'smtp-pass', from: 'Odoo Change Monitor <ocm@example.com>' });
  await app.syncOnce(); // the snapshot: rules added after it see only what happens next
});

afterAll(async () => {
  await app?.close();
  await webhook?.close();
  await smtp?.close();
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

afterEach(() => {
  webhook.answer = 200;
});

async function addRule(name: string, overrides: Partial<Parameters<typeof app.services.alerts.save>[0]> = {}): Promise<AlertRule> {
  return app.services.alerts.save({
    name,
    condition: { kind: 'change', models: ['account.move'], events: ['unlink'] },
    channels: [{ kind: 'desktop' }, { kind: 'webhook', url: webhook.url, secret: SECRET }, { kind: 'email', to: ['admin@example.com', 'audit@example.com'] }],
    timing: { groupSeconds: 0 },
    ...overrides,
  });
}

describe('alert deliveries', () => {
  it('fires once per unlink on account.move: a desktop notification, a signed webhook and an e-mail', async () => {
    const rule = await addRule('gone');
    const db = sim.database('acme');
    const [first, second] = db.recordIds('account.move');
    db.unlink('account.move', [first]);
    db.write('res.partner', [db.recordIds('res.partner')[0]], { phone: '+966 11 000' }); // not an account.move: no alert
    await app.syncOnce();
    expect(await app.deliverAlerts(Date.now() + 20_000)).toEqual({ pending: 0, desktopWaiting: 0 });

    const [hook] = await webhook.waitFor(1);
    expect(hook.signatureValid).toBe(true);
    expect(hook.payload.rule).toEqual({ id: rule.id, name: 'gone' });
    expect(hook.payload.eventCount).toBe(1);
    expect(hook.payload.events[0]).toMatchObject({ kind: 'change', model: 'account.move', event: 'unlink' });
    expect(hook.idempotencyHeader).toBe(hook.payload.idempotencyKey);
    const [mail] = await smtp.waitFor(1);
    expect(mail.user).toBe('alerts');
    expect(mail.to).toEqual(['admin@example.com', 'audit@example.com']);
    const headers = mail.raw.replace(/\r?\n[ \t]+/g, ' '); // unfolded
    expect(headers).toMatch(/^Subject: \[Odoo Change Monitor\] gone: Journal Entry \(account\.move\) #\d+ deleted on Acme by Mitchell Admin$/m);
    expect(mail.raw).toContain(`Message-ID: <${hook.payload.idempotencyKey}@odoo-change-monitor>`);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ id: hook.payload.idempotencyKey, ruleId: rule.id, title: 'gone' });

    // A second unlink is a second event, with its own key; running again sends nothing twice.
    db.unlink('account.move', [second]);
    await app.syncOnce();
    await app.deliverAlerts(Date.now() + 20_000);
    await app.deliverAlerts(Date.now() + 1000);
    const hooks = await webhook.waitFor(2);
    expect(hooks).toHaveLength(2);
    expect(new Set(hooks.map((entry) => entry.payload.events[0].key)).size).toBe(2);
    expect(smtp.mails).toHaveLength(2);
    expect(notices).toHaveLength(2);

    const log = await app.services.alerts.deliveries({ ruleId: rule.id });
    expect(log).toHaveLength(6);
    expect(log.every((line) => line.state === 'sent' && line.attempts === 1 && line.sentAt)).toBe(true);
    expect(log.map((line) => line.channel).sort()).toEqual(['desktop', 'desktop', 'email', 'email', 'webhook', 'webhook']);
    await app.services.alerts.remove(rule.id);
  });

  it('retries a failing webhook with backoff and logs why, then sends it once', async () => {
    const rule = await addRule('retried', { channels: [{ kind: 'webhook', url: webhook.url, secret: SECRET }] });
    const before = webhook.received.filter((entry) => entry.signatureValid).length;
    webhook.answer = 503;
    const db = sim.database('acme');
    db.unlink('account.move', [db.recordIds('account.move')[0]]);
    await app.syncOnce();
    await app.deliverAlerts(Date.now()); // one attempt, no waiting
    const [failed] = await app.services.alerts.deliveries({ ruleId: rule.id });
    expect(failed).toMatchObject({ state: 'pending', attempts: 1, channel: 'webhook' });
    expect(failed.error).toContain('HTTP 503');
    webhook.answer = 200;
    const sent = nextEvent(app.services.alerts.onDidDeliver, (line) => line.ruleId === rule.id && line.state === 'sent');
    await app.deliverAlerts(Date.now() + 10_000); // waits for the retry (1 s backoff)
    expect(await sent).toMatchObject({ attempts: 2, state: 'sent' });
    expect(webhook.received.filter((entry) => entry.signatureValid)).toHaveLength(before + 1);
    await app.services.alerts.remove(rule.id);
  });

  it('gives up on a webhook that refuses the payload, saying why', async () => {
    const rule = await addRule('refused', { channels: [{ kind: 'webhook', url: webhook.url, secret: SECRET }] });
    webhook.answer = 400;
    const db = sim.database('acme');
    db.unlink('account.move', [db.recordIds('account.move')[0]]);
    await app.syncOnce();
    await app.deliverAlerts(Date.now() + 5000);
    const [line] = await app.services.alerts.deliveries({ ruleId: rule.id });
    expect(line).toMatchObject({ state: 'failed', attempts: 1 });
    expect(line.error).toMatch(/answered HTTP 400.*Gave up after 1 attempt\./);
    await app.services.alerts.remove(rule.id);
  });

  it('refuses a webhook without a signing secret, and keeps a saved one only for the same address', async () => {
    await expect(app.services.alerts.save({ name: 'unsigned', condition: { kind: 'change' }, channels: [{ kind: 'webhook', url: webhook.url }] })).rejects.toThrow(/needs a signing secret/);
    const rule = await addRule('kept', { channels: [{ kind: 'webhook', url: webhook.url, secret: SECRET }] });
    expect(rule.channels).toEqual([{ kind: 'webhook', url: webhook.url, hasSecret: true }]);
    const renamed = await app.services.alerts.save({ id: rule.id, name: 'kept, renamed', condition: rule.condition, channels: [{ kind: 'webhook', url: webhook.url }] });
    expect(renamed.channels[0]).toMatchObject({ hasSecret: true });
    await expect(app.services.alerts.save({ id: rule.id, name: 'moved', condition: rule.condition, channels: [{ kind: 'webhook', url: `${webhook.url}/elsewhere` }] })).rejects.toThrow(/needs a signing secret/);
    const results = await app.services.alerts.test(rule.id);
    expect(results).toEqual([{ channel: 'webhook', target: webhook.url, ok: true }]);
    await app.services.alerts.remove(rule.id);
  });

  it('a webhook that never answers does not slow the sync', async () => {
    const rule = await addRule('hanging', { channels: [{ kind: 'webhook', url: webhook.url, secret: SECRET }] });
    webhook.answer = 'hang';
    const db = sim.database('acme');
    db.unlink('account.move', [db.recordIds('account.move')[0]]);
    await app.syncOnce();
    app.services.alerts.onDidDeliver(() => undefined);
    const delivering = app.deliverAlerts(Date.now() + 1000); // the attempt hangs until its 10 s timeout
    const started = Date.now();
    db.write('res.partner', [db.recordIds('res.partner')[5]], { phone: '+966 11 001' });
    const { results } = await app.syncOnce();
    const elapsed = Date.now() - started;
    expect([...results.values()][0]).toMatchObject({ added: 1 });
    expect(elapsed).toBeLessThan(3000);
    webhook.answer = 200;
    await delivering;
    const [line] = await app.services.alerts.deliveries({ ruleId: rule.id });
    expect(line.error).toContain('no answer within 10 s');
    await app.services.alerts.remove(rule.id);
  });
});
