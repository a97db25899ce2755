/**
 * Nothing lost or doubled: `ocm sync --once` (a child process) stores a deleted journal entry and the
 * event it fires, then is SIGKILLed before it sends anything. Restarted, it sends the alert once to each
 * delivery: one signed webhook, one e-mail, one desktop notification; a third run sends nothing more.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServices } from '../../../src-main/hosts/services';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { databasePath } from '../../../src-main/store/data-directory';
import { openStore } from '../../../src-main/store/store';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers';

const SECRET = 'kill-resume-secret-0123456789';
const child = fileURLToPath(new URL('./alert-child.ts', import.meta.url));
let sim: RunningSimulator;
let webhook: WebhookReceiver;
let smtp: SmtpReceiver;
let home: string;

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'fixed', seed: 8, databases: [{ name: 'books' }] });
  webhook = await startWebhookReceiver(SECRET);
  smtp = await startSmtpReceiver();
  home = mkdtempSync(join(tmpdir(), 'ocm-alert-kill-'));
  const app = await createServices({ dataDir: home, engine: 'none', keychain: null });
  await app.services.instances.add({ name: 'Books', url: sim.url, db: 'books', login: 'admin', password: 'admin' });
  await app.services.alerts.setSmtp({ host: '127.0.0.1', port: smtp.port, from: 'ocm@example.com' });
  await app.services.alerts.save({
    name: 'any unlink on account.move',
    condition: { kind: 'change', models: ['account.move'], events: ['unlink'] },
    channels: [{ kind: 'desktop' }, { kind: 'webhook', url: webhook.url, secret: SECRET }, { kind: 'email', to: ['finance@example.com'] }],
    // A ten-minute grouping window keeps the background worker from sending during the pass: the
    // kill then lands between "row stored" and "alert sent", and `ocm sync` sends at exit (it groups now).
    timing: { groupSeconds: 600 },
  });
  await app.close();
});

afterAll(async () => {
  await webhook?.close();
  await smtp?.close();
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

/** Runs the child; resolves with its output and exit, or kills it as soon as it prints `stored`. */
async function run(options: { killAtStored?: boolean } = {}): Promise<{ output: string; code: number | null; signal: NodeJS.Signals | null }> {
  const env = { ...process.env, OCM_HOME: home, OCM_TEST_PAUSE_BEFORE_ALERTS: options.killAtStored ? '1' : '0' };
  const process_ = spawn(process.execPath, ['--import', 'tsx', child], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  process_.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (options.killAtStored && /^stored$/m.test(output)) process_.kill('SIGKILL');
  });
  process_.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code, signal] = (await once(process_, 'exit')) as [number | null, NodeJS.Signals | null];
  return { output, code, signal };
}

function deliveryStates(): string[] {
  const store = openStore(databasePath(home));
  try {
    return store.alerts.deliveries().map((line) => `${line.channel}:${line.state}`).sort();
  } finally {
    store.close();
  }
}

it('sends an alert once after the process that stored its row was killed before sending it', async () => {
  expect((await run()).code).toBe(0); // the snapshot
  const db = sim.database('books');
  const [entry] = db.recordIds('account.move');
  db.unlink('account.move', [entry]);

  const killed = await run({ killAtStored: true });
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.output).toMatch(/Books: 1 new/);
  expect(webhook.received).toHaveLength(0);
  expect(smtp.mails).toHaveLength(0);
  // The event was committed with the row: it waits in the outbox (not yet grouped into a message).
  expect(deliveryStates()).toEqual([]);

  const resumed = await run();
  expect(resumed.code, resumed.output).toBe(0);
  expect(resumed.output).toContain('Alerts: 3 sent.');
  const [hook] = await webhook.waitFor(1);
  expect(hook.payload.events).toHaveLength(1);
  expect(hook.payload.events[0]).toMatchObject({ model: 'account.move', event: 'unlink', recordId: entry });
  expect((await smtp.waitFor(1))[0].to).toEqual(['finance@example.com']);
  expect(resumed.output.match(/^desktop [0-9a-f]{32}$/gm)).toEqual([`desktop ${hook.payload.idempotencyKey}`]);
  expect(deliveryStates()).toEqual(['desktop:sent', 'email:sent', 'webhook:sent']);

  const again = await run();
  expect(again.code).toBe(0);
  expect(again.output).not.toContain('Alerts:');
  expect(again.output).not.toMatch(/^desktop /m);
  expect(webhook.received).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
}, 120_000);
