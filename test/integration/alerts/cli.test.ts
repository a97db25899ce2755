/**
 * `ocm alert add | list | remove | test | log | smtp` and `ocm sync` delivering alerts, in-process against
 * the simulator, a webhook receiver checking signatures and a real SMTP server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliCommand, CliIo } from '../../../src-main/hosts/cli/command';
import { createAlertCommands } from '../../../src-main/hosts/cli/commands/alert';
import { exportCommand } from '../../../src-main/hosts/cli/commands/export';
import { instanceCommands } from '../../../src-main/hosts/cli/commands/instance';
import { syncCommand } from '../../../src-main/hosts/cli/commands/sync';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers';

const HOOK_SECRET = 'cli-hook-secret-0123456789';
let sim: RunningSimulator;
let webhook: WebhookReceiver;
let smtp: SmtpReceiver;
let home: string;
const commands: CliCommand[] = [...instanceCommands, syncCommand, exportCommand, ...createAlertCommands()];

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'fixed', seed: 4, databases: [{ name: 'seed' }] });
  webhook = await startWebhookReceiver(HOOK_SECRET);
  smtp = await startSmtpReceiver();
  home = mkdtempSync(join(tmpdir(), 'ocm-alert-cli-'));
});
afterAll(async () => {
  await webhook?.close();
  await smtp?.close();
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

async function ocm(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { OCM_HOME: home, SEED_PASSWORD: 'admin', HOOK_SECRET, SMTP_PASSWORD: 'x' },
    interrupted: new AbortController().signal,
    isTty: false,
  };
  const code = await runCli(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ocm alert', () => {
  it('adds, lists, tests, delivers through ocm sync, logs and removes rules', async () => {
    expect((await ocm('instance', 'add', '--name', 'Seed', '--url', sim.url, '--db', 'seed', '--login', 'admin', '--password-env', 'SEED_PASSWORD')).code).toBe(0);
    expect((await ocm('sync', '--once')).code).toBe(0);

    const added = await ocm('alert', 'add', '--name', 'gone', '--instance', 'Seed', '--model', 'account.move', '--event', 'unlink', '--webhook', webhook.url, '--secret-env', 'HOOK_SECRET', '--desktop', '--group', '0');
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain(`Added gone: unlink of account.move on Seed → desktop; webhook ${webhook.url} (group 0 s)`);
    expect(added.out).toContain('It would have fired 0 times in the last 7 days.');
    expect((await ocm('alert', 'add', '--name', 'GONE', '--desktop')).err).toContain('An alert rule named "GONE" already exists.');

    const noisy = await ocm('alert', 'add', '--name', 'noisy', '--error-rate', '10/5m', '--email', 'ops@example.com,oncall@example.com', '--quiet-hours', '22:00-07:00', '--time-zone', 'Asia/Riyadh');
    expect(noisy.code, noisy.err).toBe(0);
    expect(noisy.out).toContain('10 errors of one kind within 5 min → e-mail ops@example.com, oncall@example.com (group 30 s, quiet 22:00-07:00 Asia/Riyadh)');
    expect(noisy.err).toContain('No e-mail server is set yet');

    const generated = await ocm('alert', 'add', '--name', 'signed', '--webhook', webhook.url);
    expect(generated.out).toMatch(/Webhook signing secret \(shown once; give it to the receiver\): [0-9a-f]{64}/);

    const listed = await ocm('alert', 'list');
    expect(listed.out.split('\n')).toHaveLength(3);
    expect((await ocm('alert', 'remove', '--name', 'signed')).code).toBe(0); // its secret is not the receiver's
    const json = JSON.parse((await ocm('alert', 'list', '--json')).out) as { name: string; channels: { kind: string; hasSecret?: boolean }[] }[];
    expect(json.find((rule) => rule.name === 'gone')?.channels).toEqual([{ kind: 'desktop' }, { kind: 'webhook', url: webhook.url, hasSecret: true }]);
    expect(JSON.stringify(json)).not.toContain(HOOK_SECRET);

    const tested = await ocm('alert', 'test', '--name', 'gone');
    expect(tested.code).toBe(1); // no desktop to show the test on, here
    expect(tested.out).toContain(`webhook ${webhook.url}: sent`);
    expect(tested.err).toContain('desktop: failed: No desktop to show it on');
    expect((await webhook.waitFor(1))[0].payload.rule.name).toBe('gone');

    expect((await ocm('alert', 'smtp', '--host', '127.0.0.1', '--port', String(smtp.port), '--from', 'ocm@example.com')).code).toBe(0);
    expect((await ocm('alert', 'smtp')).out).toBe(`127.0.0.1:${smtp.port} from ocm@example.com`);

    const db = sim.database('seed');
    db.unlink('account.move', [db.recordIds('account.move')[0]]);
    const synced = await ocm('sync', '--once');
    expect(synced.code, synced.err).toBe(0);
    expect(synced.out).toContain('Alerts: 1 sent, 1 desktop notification waiting for the app.');
    const hooks = await webhook.waitFor(2);
    expect(hooks[1].payload.events[0]).toMatchObject({ model: 'account.move', event: 'unlink', instanceName: 'Seed' });

    const log = await ocm('alert', 'log', '--name', 'gone');
    expect(log.out).toMatch(/gone {2}webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/odoo {2}1 event {2}sent, 1 attempt/);
    expect(log.out).toMatch(/gone {2}desktop {2}1 event {2}pending \(next attempt .*\), 0 attempts$/m);

    expect((await ocm('alert', 'remove', '--name', 'noisy')).out).toBe('Removed the alert rule noisy.');
    expect((await ocm('alert', 'remove', '--name', 'noisy')).err).toContain('No alert rule named "noisy".');
  });

  it('exports a price change as one line per field change (ocm export --field-changes --field)', async () => {
    const db = sim.database('seed');
    const [product] = db.recordIds('product.template');
    db.write('product.template', [product], { list_price: 99.5 });
    expect((await ocm('sync', '--once')).code).toBe(0);
    const out = join(home, 'prices.csv');
    const exported = await ocm('export', '--format', 'csv', '--field-changes', '--model', 'product.template', '--field', 'list_price', '--value', '99.5', '--out', out);
    expect(exported.code, exported.err).toBe(0);
    const [header, ...lines] = readFileSync(out, 'utf8').split('\r\n').filter(Boolean);
    expect(header.endsWith(',field,field_label,field_type,old_value,new_value')).toBe(true);
    expect(lines.filter((line) => line.includes(',list_price,'))).toHaveLength(1);
    expect(lines.find((line) => line.includes(',list_price,'))).toMatch(/,list_price,[^,]*,float,[^,]+,99\.5$/);
    expect((await ocm('export', '--format', 'pdf', '--field-changes', '--out', out)).err).toContain('--field-changes applies to csv, json, ndjson and xlsx');
  });

  it('refuses unclear options with a usage message', async () => {
    expect((await ocm('alert', 'add', '--name', 'x')).err).toContain('Say where the alert goes');
    expect((await ocm('alert', 'add', '--name', 'x', '--desktop', '--error-rate', '10')).err).toContain('--error-rate needs COUNT/WINDOW, e.g. 10/5m or 50/1h, not "10".');
    expect((await ocm('alert', 'add', '--name', 'x', '--desktop', '--error-new', '--behind', '5')).err).toContain('Choose one of --error-new, --behind.');
    expect((await ocm('alert', 'add', '--name', 'x', '--webhook', 'https://x.example', '--secret-env', 'UNSET')).err).toContain('The environment variable UNSET named by --secret-env is not set.');
    expect((await ocm('alert', 'add', '--name', 'x', '--desktop', '--quiet-hours', '22:00')).err).toContain('--quiet-hours needs HH:MM-HH:MM');
  });
});
