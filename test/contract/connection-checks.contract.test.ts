/**
 * Capability detection and the step-by-step connection test (`ocm instance test`) against the target,
 * per Odoo version and over every transport each offers (target.ts), and the automatic choice of the
 * transport from the server's version. Failure cases that need a second database, user or flavour run
 * on the simulator only; an unreachable URL needs no server at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { instanceTestCommand } from '../../src-main/hosts/cli/commands/instance-test';
import { parseArgs, type CliIo } from '../../src-main/hosts/cli/command';
import { detectCapabilities, runConnectionChecks } from '../../src-main/odoo/capabilities';
import { ERROR_LOG_ACCESS_ADVICE } from '../../src-main/odoo/log-models';
import { versionProfile } from '../../src-main/simulator/index';
import { absentDatabase, CONTRACT_SERVERS, onRealServer, openTarget, simulatorOnly, transportSkipReason, type ContractTarget } from './target';
import type { TransportKind, TransportSetting } from '../../src-main/common/model';
import type { ConnectionCheck } from '../../src-main/common/services';

const statuses = (checks: ConnectionCheck[]) => Object.fromEntries(checks.map((check) => [check.id, check.status]));
const step = (checks: ConnectionCheck[], id: ConnectionCheck['id']) => checks.find((check) => check.id === id)!;
const allSteps = ['reach', 'version', 'transport', 'database', 'login', 'change-log', 'error-log', 'rights'];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(CONTRACT_SERVERS)('$name', (server) => {
  let target: ContractTarget;
  beforeAll(async () => {
    target = await openTarget(server);
  });
  afterAll(() => target?.close());
  /** XML-RPC and JSON-RPC on a server that offers JSON-2 are deprecated: the transport step warns. */
  const transportStatus = (kind: TransportKind) => (kind !== 'json2' && target.major >= 19 ? 'warning' : 'ok');

  describe.each(server.transports.map((kind) => [kind, transportSkipReason(kind)] as const))('connection checks over %s%s', (kind: TransportKind, skipped) => {
    const input = (transport: TransportSetting = kind) => ({ url: target.url, db: target.db, login: target.login, secret: target.secret(kind), transport });
    if (skipped) {
      it.skip('runs when its credentials are given', () => undefined);
      return;
    }

    it('detects the capabilities of the target', async () => {
      const client = await target.connect(kind);
      const capabilities = await detectCapabilities(client);
      client.close();
      expect(capabilities.version.major).toBe(target.major);
      expect(capabilities.uid).toBe(client.uid);
      expect(capabilities.changeLogInstalled).toBe(true);
      expect(capabilities.changeLogFields).toEqual(expect.arrayContaining(['model', 'record_id', 'event', 'timestamp']));
      expect(capabilities.canReadChanges).toBe(true);
      expect(capabilities.canDeleteChanges).toBe(true);
      if (server.flavour === 'original') expect(capabilities).toMatchObject({ richFields: [], errorLog: 'unreadable' });
      if (server.flavour === 'fixed') expect(capabilities).toMatchObject({ richFields: ['user_id', 'changed_fields', 'change_count', 'changed_values'], errorLog: 'readable' });
    });

    it('passes every step on the target; the original module\'s error log and a deprecated transport are warnings', async () => {
      const checks = await runConnectionChecks(input());
      expect(checks.map((check) => check.id)).toEqual(allSteps);
      expect(checks.filter((check) => check.status === 'failed')).toEqual([]);
      expect(step(checks, 'transport').status).toBe(transportStatus(kind));
      if (transportStatus(kind) === 'warning') expect(step(checks, 'transport')).toMatchObject({ messageKey: 'transport.deprecated', hint: expect.stringContaining('New API Key') });
      if (server.odoo) {
        const profile = versionProfile(server.odoo);
        expect(statuses(checks)).toEqual({
          reach: 'ok',
          version: 'ok',
          transport: transportStatus(kind),
          database: 'ok',
          login: 'ok',
          'change-log': 'ok',
          'error-log': server.flavour === 'original' ? 'warning' : 'ok',
          rights: 'ok',
        });
        expect(step(checks, 'version').message).toBe(`Odoo ${profile.serie} (${profile.serverVersion})`);
        if (server.flavour === 'original') expect(step(checks, 'error-log').hint).toBe(ERROR_LOG_ACCESS_ADVICE);
        else expect(step(checks, 'change-log').message).toMatch(/richer fields user_id, changed_fields, change_count/);
      }
    });

    it('fails at reach for an unreachable URL and skips the rest', async () => {
      const port = await closedPort();
      const checks = await runConnectionChecks({ ...input(), url: `http://127.0.0.1:${port}` });
      expect(statuses(checks)).toEqual(Object.fromEntries(allSteps.map((id) => [id, id === 'reach' ? 'failed' : 'skipped'])));
      expect(step(checks, 'reach')).toMatchObject({ code: 'network-refused', message: `Nothing answered at http://127.0.0.1:${port}: connection refused.` });
    });

    it(`fails at login for a wrong secret${simulatorOnly}`, async (context) => {
      context.skip(onRealServer, 'avoids counting towards the real server\'s login cooldown');
      const checks = await runConnectionChecks({ ...input(), secret: kind === 'json2' ? 'f'.repeat(40) : 'wrong' });
      expect(statuses(checks)).toMatchObject({ reach: 'ok', database: 'ok', login: 'failed', 'change-log': 'skipped', rights: 'skipped' });
      if (kind === 'json2') expect(step(checks, 'login')).toMatchObject({ code: 'access-denied', hint: expect.stringContaining('New API Key') });
      else expect(step(checks, 'login')).toMatchObject({ code: 'auth-failed', message: `Wrong login or password for ${target.login} on database ${target.db} at ${target.url}.` });
    });

    it('fails at database for an unknown database', async () => {
      const checks = await runConnectionChecks({ ...input(), db: absentDatabase });
      expect(statuses(checks)).toMatchObject({ reach: 'ok', database: 'failed', login: 'skipped' });
      expect(step(checks, 'database')).toMatchObject({ code: 'database-missing', message: expect.stringContaining(absentDatabase) });
      // Listing the databases needs the `db` service, which Odoo 20 removed (and JSON-2 never calls).
      if (server.odoo && kind !== 'json2') {
        if (target.major < 20) expect(step(checks, 'database').hint).toMatch(/Databases on this server: .*seed/);
        else expect(step(checks, 'database').hint).not.toMatch(/Databases on this server/);
      }
    });

    it(`fails at change-log when the module is not installed${simulatorOnly}`, async (context) => {
      context.skip(onRealServer, 'needs a database without the module');
      const checks = await runConnectionChecks({ ...input(), db: 'plain', secret: target.secret(kind, { db: 'plain' }) });
      expect(statuses(checks)).toMatchObject({ login: 'ok', 'change-log': 'failed', 'error-log': 'skipped', rights: 'skipped' });
      expect(step(checks, 'change-log')).toMatchObject({ code: 'model-missing', message: `The auto_webhook module is not installed on database plain at ${target.url} (model update.webhook is missing).` });
    });

    it(`fails for a portal user who may not read the change log${simulatorOnly}`, async (context) => {
      context.skip(onRealServer, 'needs a portal user');
      const checks = await runConnectionChecks({ ...input(), login: 'portal', secret: target.secret(kind, { login: 'portal' }) });
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
      const good = await run(target.secret(kind));
      expect(good.code).toBe(0);
      expect(good.text).toMatch(/✓ login +Logged in as admin \(user id 2\)\./);
      if (server.flavour === 'original') expect(good.text).toMatch(/! error-log +Error log webhook\.errors exists but admin may not read it/);
      if (transportStatus(kind) === 'warning') expect(good.text).toMatch(new RegExp(`! transport +${kind === 'xmlrpc' ? 'XML-RPC' : 'JSON-RPC'} is deprecated on Odoo ${target.major}\\.0, which offers JSON-2`));
      const bad = await run(kind === 'json2' ? 'f'.repeat(40) : 'wrong');
      expect(bad.code).toBe(2);
      expect(bad.text).toMatch(kind === 'json2' ? /✗ login +Odoo refused the API key/ : /✗ login +Wrong login or password for admin on database seed/);
    });
  });

  describe('the transport chosen from the version (auto)', () => {
    const auto = (secret: string) => ({ url: target.url, db: target.db, login: target.login, secret, transport: 'auto' as const });

    it('picks JSON-2 with an API key on 19+, JSON-RPC before 19, and passes', async (context) => {
      const kind: TransportKind = target.major >= 19 ? 'json2' : 'jsonrpc';
      context.skip(transportSkipReason(kind) !== '', `needs the ${kind === 'json2' ? 'API key' : 'password'} of the real server`);
      const checks = await runConnectionChecks(auto(target.secret(kind)));
      expect(checks.filter((check) => check.status === 'failed')).toEqual([]);
      expect(step(checks, 'reach').message).toBe(`Odoo answered at ${target.url}.`);
      const serie = checks.find((check) => check.id === 'version')!.params!.serie;
      expect(step(checks, 'transport')).toMatchObject(
        kind === 'json2'
          ? { status: 'ok', messageKey: 'transport.json2', message: `JSON-2, chosen automatically: Odoo ${serie} offers it and an API key was given.` }
          : { status: 'ok', messageKey: 'transport.jsonrpc', message: `JSON-RPC, chosen automatically: Odoo ${serie} answers it, and it is faster than XML-RPC.` },
      );
    });

    it.skipIf(onRealServer || (server.odoo ?? 0) < 19)('says an API key is needed on 19+ when a password is given, and uses JSON-RPC meanwhile', async () => {
      const checks = await runConnectionChecks(auto(target.secret('jsonrpc')));
      expect(checks.filter((check) => check.status === 'failed')).toEqual([]);
      expect(step(checks, 'transport')).toMatchObject({
        status: 'warning',
        messageKey: 'transport.needsKey',
        message: `JSON-RPC for now: Odoo ${target.major}.0 offers JSON-2, which needs an API key, and a password was given.`,
        hint: 'Create an API key in Odoo (your avatar → Preferences → Account Security → New API Key) and enter it instead of the password; Odoo 22 removes XML-RPC and JSON-RPC.',
      });
      expect(step(checks, 'login').status).toBe('ok');
    });

    it.skipIf(onRealServer || (server.odoo ?? 99) >= 19)('refuses JSON-2 when forced on a server before 19, and skips the rest', async () => {
      const checks = await runConnectionChecks({ ...auto(target.secret('jsonrpc')), transport: 'json2' });
      expect(statuses(checks)).toMatchObject({ reach: 'ok', version: 'ok', transport: 'failed', database: 'skipped', login: 'skipped' });
      expect(step(checks, 'transport')).toMatchObject({ messageKey: 'transport.json2TooOld', message: `JSON-2 needs Odoo 19 or later; this server runs Odoo ${target.major}.0.` });
    });
  });
});
