import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInstanceTestCommand, formatChecks, instanceTestCommand } from '../../../src-main/hosts/cli/commands/instance-test';
import { createServices } from '../../../src-main/hosts/services';
import { parseArgs, type CliIo } from '../../../src-main/hosts/cli/command';
import type { ConnectionTestInput } from '../../../src-main/odoo/types';
import type { ConnectionCheck } from '../../../src-main/common/services';

const passing: ConnectionCheck[] = [
  { id: 'reach', status: 'ok', message: 'Odoo answered at http://x over XML-RPC.' },
  { id: 'version', status: 'ok', message: 'Odoo 18.0 (18.0-20250421)' },
  { id: 'database', status: 'ok', message: 'Database seed exists.' },
  { id: 'login', status: 'ok', message: 'Logged in as admin (user id 2).' },
  { id: 'change-log', status: 'ok', message: 'Change log update.webhook found.' },
  { id: 'error-log', status: 'warning', message: 'Error log webhook.errors exists but admin may not read it.', hint: 'Ask an Odoo administrator to grant read access to webhook.errors, or install the Odoo Change Monitor auto_webhook addon.', code: 'access-error' },
  { id: 'rights', status: 'ok', message: 'admin may read and delete rows of update.webhook.' },
];
const failing: ConnectionCheck[] = [
  { id: 'reach', status: 'ok', message: 'Odoo answered.' },
  { id: 'version', status: 'ok', message: 'Odoo 18.0 (18.0-20250421)' },
  { id: 'database', status: 'ok', message: 'Database seed exists.' },
  { id: 'login', status: 'failed', message: 'Wrong login or password for admin on database seed at http://x.', hint: 'Check the login and the password.', code: 'auth-failed' },
  { id: 'change-log', status: 'skipped', message: 'Skipped: the login failed.' },
];

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text), env, interrupted: new AbortController().signal, isTty: false };
  return { io: value, out, err };
}

const args = (line: string) => parseArgs(line.split(' ').filter(Boolean), instanceTestCommand);

describe('formatChecks', () => {
  it('prints marks, aligned steps, hints for warnings and failures, and a summary', () => {
    const text = formatChecks(failing);
    expect(text).toContain('  ✓ reach       Odoo answered.');
    expect(text).toContain('  ✗ login       Wrong login or password for admin on database seed at http://x.');
    expect(text).toContain('                → Check the login and the password.');
    expect(text).toContain('  - change-log  Skipped: the login failed.');
    expect(text.trim().split('\n').pop()).toBe('Failed: login.');
    expect(formatChecks(passing)).toMatch(/! error-log +Error log webhook.errors exists but admin may not read it\.\n +→ Ask an Odoo administrator to grant read access/);
    expect(formatChecks(passing).trim().split('\n').pop()).toBe('Passed with 1 warning: error-log.');
  });
});

describe('ocm instance test', () => {
  it('exits 2 on a failed step and 0 when only warnings were found', async () => {
    let received: ConnectionTestInput | undefined;
    const command = createInstanceTestCommand({
      runChecks: async (input) => {
        received = input;
        return input.secret === 'good' ? passing : failing;
      },
    });
    const good = io({ OCM_PW: 'good' });
    expect(await command.run(args('--url http://x --db seed --login admin --password-env OCM_PW --transport jsonrpc'), good.io)).toBe(0);
    expect(received).toMatchObject({ url: 'http://x', db: 'seed', login: 'admin', secret: 'good', transport: 'jsonrpc' });
    expect(good.out.join('\n')).toContain('Passed with 1 warning');
    const bad = io({ OCM_PW: 'bad' });
    expect(await command.run(args('--url http://x --db seed --login admin --password-env OCM_PW'), bad.io)).toBe(2);
    expect(received?.transport).toBe('auto');
    expect(bad.out[0]).toBe("Testing admin on database seed at http://x (protocol chosen from the server's version)");
  });

  it('prints JSON with --json', async () => {
    const command = createInstanceTestCommand({ runChecks: async () => failing });
    const run = io({ PW: 'x' });
    expect(await command.run(args('--url http://x --db seed --login admin --password-env PW --json'), run.io)).toBe(2);
    const parsed = JSON.parse(run.out.join('')) as { ok: boolean; checks: ConnectionCheck[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.checks.find((check) => check.id === 'login')?.code).toBe('auth-failed');
  });

  it('refuses a missing password variable and missing options with invalid-input', async () => {
    const command = createInstanceTestCommand({ runChecks: async () => passing });
    await expect(command.run(args('--url http://x --db seed --login admin --password-env NOPE'), io().io)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/NOPE/) });
    await expect(command.run(args('--url http://x --login admin'), io().io)).rejects.toMatchObject({ code: 'invalid-input', message: 'Missing --db, --password-env.' });
    // A transport that does not exist is refused while the options are read, naming the ones that do.
    expect(() => args('--url http://x --db d --login a --password-env PW --transport soap')).toThrow(expect.objectContaining({ code: 'invalid-input', message: 'Unknown value "soap" for --transport: use auto, xmlrpc, jsonrpc or json2.' }));
  });

  it('tests a saved instance (--name) through the instance service, with its saved password', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ocm-instance-test-'));
    let received: ConnectionTestInput | undefined;
    const open = () => createServices({ dataDir, engine: 'none', keychain: null, checker: async (input) => ((received = input), passing) });
    try {
      const setup = await open();
      await setup.services.instances.add({ name: 'prod', url: 'http://prod.example', db: 'seed', login: 'admin', password: 'saved' });
      await setup.close();
      const command = createInstanceTestCommand({ open, runChecks: async () => failing });
      const run = io();
      expect(await command.run(args('--name prod --transport jsonrpc --timeout 5'), run.io)).toBe(0);
      expect(received).toMatchObject({ url: 'http://prod.example', db: 'seed', secret: 'saved', transport: 'jsonrpc', timeoutMs: 5000 });
      expect(run.out.join('\n')).toContain('Testing admin on database seed at http://prod.example (JSON-RPC)');
      await expect(command.run(args('--name nope'), io().io)).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
