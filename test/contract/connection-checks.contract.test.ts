/**
 * Capability detection and the step-by-step connection test (`ocm instance test`) against the target,
 * over both transports. Failure cases that need a second database, user or flavour run on the
 * simulator only; an unreachable URL needs no server at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { instanceTestCommand } from '../../src-main/hosts/cli/commands/instance-test';
import { parseArgs, type CliIo } from '../../src-main/hosts/cli/command';
import { detectCapabilities, runConnectionChecks } from '../../src-main/odoo/capabilities';
import { ERROR_LOG_ACCESS_ADVICE } from '../../src-main/odoo/log-models';
import { startSimulator } from '../../src-main/simulator/index';
import { absentDatabase, onRealServer, openTarget, simulatorOnly, type ContractTarget } from './target';
import type { TransportKind } from '../../src-main/common/model';
import type { ConnectionCheck } from '../../src-main/common/services';

let target: ContractTarget;
beforeAll(async () => {
  target = await openTarget();
});
afterAll(() => target?.close());

const statuses = (checks: ConnectionCheck[]) => Object.fromEntries(checks.map((check) => [check.id, check.status]));
const step = (checks: ConnectionCheck[], id: ConnectionCheck['id']) => checks.find((check) => check.id === id)!;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(['xmlrpc', 'jsonrpc'] as const)('connection checks over %s', (kind: TransportKind) => {
  const input = () => ({ url: target.url, db: target.db, login: target.login, secret: target.password, transport: kind });

  it('detects the capabilities of the target', async () => {
    const client = await target.connect(kind);
    const capabilities = await detectCapabilities(client);
    client.close();
    expect(capabilities.version.major).toBeGreaterThanOrEqual(16);
    expect(capabilities.uid).toBe(client.uid);
    expect(capabilities.changeLogInstalled).toBe(true);
    expect(capabilities.changeLogFields).toEqual(expect.arrayContaining(['model', 'record_id', 'event', 'timestamp']));
    expect(capabilities.canReadChanges).toBe(true);
    expect(capabilities.canDeleteChanges).toBe(true);
    if (!onRealServer) expect(capabilities).toMatchObject({ richFields: [], errorLog: 'unreadable' });
  });

  it('passes every step on the target, the original module\'s error log being a warning', async () => {
    const checks = await runConnectionChecks(input());
    expect(checks.map((check) => check.id)).toEqual(['reach', 'version', 'database', 'login', 'change-log', 'error-log', 'rights']);
    expect(checks.filter((check) => check.status === 'failed')).toEqual([]);
    if (!onRealServer) {
      expect(statuses(checks)).toEqual({ reach: 'ok', version: 'ok', database: 'ok', login: 'ok', 'change-log': 'ok', 'error-log': 'warning', rights: 'ok' });
      expect(step(checks, 'version').message).toBe('Odoo 18.0 (18.0-20250421)');
      expect(step(checks, 'error-log').hint).toBe(ERROR_LOG_ACCESS_ADVICE);
    }
  });

  it('fails at reach for an unreachable URL and skips the rest', async () => {
    const port = await closedPort();
    const checks = await runConnectionChecks({ ...input(), url: `http://127.0.0.1:${port}` });
    expect(statuses(checks)).toEqual({ reach: 'failed', version: 'skipped', database: 'skipped', login: 'skipped', 'change-log': 'skipped', 'error-log': 'skipped', rights: 'skipped' });
    expect(step(checks, 'reach')).toMatchObject({ code: 'network-refused', message: `Nothing answered at http://127.0.0.1:${port}: connection refused.` });
  });

  it(`fails at login for a wrong password${simulatorOnly}`, async (context) => {
    context.skip(onRealServer, 'avoids counting towards the real server\'s login cooldown');
    const checks = await runConnectionChecks({ ...input(), secret: 'wrong' });
    expect(statuses(checks)).toMatchObject({ reach: 'ok', database: 'ok', login: 'failed', 'change-log': 'skipped', rights: 'skipped' });
    expect(step(checks, 'login')).toMatchObject({ code: 'auth-failed', message: `Wrong login or password for ${target.login} on database ${target.db} at ${target.url}.` });
  });

  it('fails at database for an unknown database', async () => {
    const checks = await runConnectionChecks({ ...input(), db: absentDatabase });
    expect(statuses(checks)).toMatchObject({ reach: 'ok', database: 'failed', login: 'skipped' });
    expect(step(checks, 'database')).toMatchObject({ code: 'database-missing', message: `database "${absentDatabase}" does not exist on ${target.url}` });
    if (!onRealServer) expect(step(checks, 'database').hint).toMatch(/Databases on this server: .*seed/);
  });

  it(`fails at change-log when the module is not installed${simulatorOnly}`, async (context) => {
    context.skip(onRealServer, 'needs a database without the module');
    const checks = await runConnectionChecks({ ...input(), db: 'plain', login: 'admin', secret: 'admin' });
    expect(statuses(checks)).toMatchObject({ login: 'ok', 'change-log': 'failed', 'error-log': 'skipped', rights: 'skipped' });
    expect(step(checks, 'change-log')).toMatchObject({ code: 'model-missing', message: `The auto_webhook module is not installed on database plain at ${target.url} (model update.webhook is missing).` });
  });

  it(`fails for a portal user who may not read the change log${simulatorOnly}`, async (context) => {
    context.skip(onRealServer, 'needs a portal user');
    const checks = await runConnectionChecks({ ...input(), db: 'seed', login: 'portal', secret: 'portal' });
    expect(statuses(checks).login).toBe('ok');
    const failed = checks.filter((check) => check.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].code).toBe('access-error');
  });

  it(`prints the checks and exits 0 on success, 2 on failure (ocm instance test)${simulatorOnly}`, async (context) => {
    context.skip(onRealServer, 'prints the simulator\'s credentials');
    const run = async (password: string) => {
      const out: string[] = [];
      const io: CliIo = { out: (text) => out.push(text), err: (text) => out.push(text), env: { OCM_TEST_PASSWORD: password }, interrupted: new AbortController().signal, isTty: false };
      const args = parseArgs(['--url', target.url, '--db', 'seed', '--login', 'admin', '--password-env', 'OCM_TEST_PASSWORD', '--transport', kind], instanceTestCommand);
      return { code: await instanceTestCommand.run(args, io), text: out.join('\n') };
    };
    const good = await run('admin');
    expect(good.code).toBe(0);
    expect(good.text).toMatch(/✓ login +Logged in as admin \(user id 2\)\./);
    expect(good.text).toMatch(/! error-log +Error log webhook\.errors exists but admin may not read it/);
    const bad = await run('wrong');
    expect(bad.code).toBe(2);
    expect(bad.text).toMatch(/✗ login +Wrong login or password for admin on database seed/);
  });
});

describe(`the fixed flavour of the module${simulatorOnly}`, () => {
  it.skipIf(onRealServer)('is detected by its richer fields and a readable error log', async () => {
    const simulator = await startSimulator({ port: 0, flavour: 'fixed' });
    try {
      const checks = await runConnectionChecks({ url: simulator.url, db: 'seed', login: 'admin', secret: 'admin', transport: 'jsonrpc' });
      expect(statuses(checks)).toEqual({ reach: 'ok', version: 'ok', database: 'ok', login: 'ok', 'change-log': 'ok', 'error-log': 'ok', rights: 'ok' });
      expect(step(checks, 'change-log').message).toMatch(/richer fields user_id, changed_fields, change_count/);
    } finally {
      await simulator.close();
    }
  });
});
