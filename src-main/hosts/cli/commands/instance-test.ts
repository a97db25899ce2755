/**
 * `ocm instance test`: runs the connection test against a server and prints each step.
 *
 * Exit codes: 0 when no step failed (warnings such as an unreadable error log, an untested Odoo version
 * or a missing delete right are printed but do not fail the test: the app works, with less), 2 when a
 * step failed (unreachable URL, TLS, wrong database, wrong login or password, module missing, no read
 * right), 64 for bad options.
 */
import type { ConnectionInput } from '../../../odoo/types';
import { runConnectionChecks } from '../../../odoo/capabilities';
import { flag, option, type CliCommand } from '../command';
import { usageError } from '../run-cli';
import type { TransportKind } from '../../../common/model';
import type { ConnectionCheck } from '../../../common/services';

/** Options of {@link createInstanceTestCommand}. */
export interface InstanceTestCommandOptions {
  /** Resolves `--name N` to a saved instance's connection (password included). Without it `--name` is refused. */
  resolveSaved?: (name: string) => Promise<ConnectionInput>;
  /** Replaces the real connection test (tests of the command itself). */
  runChecks?: (input: ConnectionInput, options: { signal?: AbortSignal }) => Promise<ConnectionCheck[]>;
}

const usage = `Usage: ocm instance test --url URL --db DB --login LOGIN --password-env VAR [--transport xmlrpc|jsonrpc]
                        [--timeout SECONDS] [--trust-certificate SHA256] [--json]
       ocm instance test --name NAME [--json]

Tests a connection step by step: reach, version, database, login, change log (update.webhook),
error log (webhook.errors) and rights. The password (or API key) is read from the environment
variable named by --password-env, never from the command line.

Marks: ✓ ok, ! warning, ✗ failed, - skipped.
Exit code: 0 when no step failed (warnings, e.g. an unreadable error log, do not fail it),
2 when a step failed, 64 for bad options.`;

/** Creates the command; the seam for saved instances is `resolveSaved`. */
export function createInstanceTestCommand(options: InstanceTestCommandOptions = {}): CliCommand {
  const runChecks = options.runChecks ?? runConnectionChecks;
  return {
    path: ['instance', 'test'],
    summary: 'Test the connection to an Odoo server step by step',
    usage,
    async run(args, io) {
      const input = await connectionInput(args, io.env, options.resolveSaved);
      const checks = await runChecks(input, { signal: io.interrupted });
      const failed = checks.some((check) => check.status === 'failed');
      if (flag(args, 'json')) {
        io.out(JSON.stringify({ ok: !failed, url: input.url, db: input.db, login: input.login, transport: input.transport, checks }, null, 2));
      } else {
        io.out(`Testing ${input.login} on database ${input.db} at ${input.url} (${input.transport === 'jsonrpc' ? 'JSON-RPC' : 'XML-RPC'})`);
        io.out(formatChecks(checks));
        const fingerprint = checks.find((check) => check.code === 'tls')?.message.match(/[0-9A-F]{2}(?::[0-9A-F]{2}){31}/)?.[0];
        if (fingerprint) io.out(`\nIf this is the server's own certificate, trust it with: --trust-certificate ${fingerprint}`);
      }
      return failed ? 2 : 0;
    },
  };
}

/** `ocm instance test` without saved-instance support. */
export const instanceTestCommand: CliCommand = createInstanceTestCommand();

type Args = Parameters<CliCommand['run']>[0];

async function connectionInput(args: Args, env: Readonly<Record<string, string | undefined>>, resolveSaved?: (name: string) => Promise<ConnectionInput>): Promise<ConnectionInput> {
  const name = option(args, 'name');
  const transport = transportOption(args);
  const timeout = option(args, 'timeout');
  const timeoutMs = timeout === undefined ? undefined : Number(timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) usageError(`--timeout must be a number of seconds, not "${timeout}".`, usage);
  if (name !== undefined) {
    if (!resolveSaved) usageError('--name is not available here: give --url, --db, --login and --password-env.', usage);
    const saved = await resolveSaved(name);
    return { ...saved, ...(transport ? { transport } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  }
  const url = option(args, 'url');
  const db = option(args, 'db');
  const login = option(args, 'login');
  const passwordEnv = option(args, 'password-env');
  const missing = [!url && '--url', !db && '--db', !login && '--login', !passwordEnv && '--password-env'].filter(Boolean);
  if (missing.length) usageError(`Missing ${missing.join(', ')}.`, usage);
  const password = env[passwordEnv!];
  if (password === undefined || password === '') usageError(`The environment variable ${passwordEnv} named by --password-env is not set.`, usage);
  return {
    url: url!,
    db: db!,
    login: login!,
    password,
    transport: transport ?? 'xmlrpc',
    timeoutMs,
    trustedCertificateSha256: option(args, 'trust-certificate'),
  };
}

function transportOption(args: Args): TransportKind | undefined {
  const value = option(args, 'transport');
  if (value === undefined) return undefined;
  if (value !== 'xmlrpc' && value !== 'jsonrpc') usageError(`--transport must be xmlrpc or jsonrpc, not "${value}".`, usage);
  return value;
}

const marks: Record<ConnectionCheck['status'], string> = { ok: '✓', warning: '!', failed: '✗', skipped: '-' };

/** The checks as aligned lines (mark, step, message, then the hint indented), plus a summary line. */
export function formatChecks(checks: readonly ConnectionCheck[]): string {
  const width = Math.max(0, ...checks.map((check) => check.id.length));
  const lines: string[] = [];
  for (const check of checks) {
    const [first, ...rest] = check.message.split('\n').filter((line) => line.trim() !== '');
    lines.push(`  ${marks[check.status]} ${check.id.padEnd(width)}  ${first ?? ''}`);
    const indent = ' '.repeat(width + 6);
    for (const line of rest) lines.push(`${indent}${line}`);
    if (check.hint && check.status !== 'ok' && check.status !== 'skipped') lines.push(`${indent}→ ${check.hint}`);
  }
  const failed = checks.filter((check) => check.status === 'failed');
  const warnings = checks.filter((check) => check.status === 'warning');
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (failed.length) lines.push('', `Failed: ${failed.map((check) => check.id).join(', ')}${warnings.length ? ` (and ${plural(warnings.length, 'warning')})` : ''}.`);
  else if (warnings.length) lines.push('', `Passed with ${plural(warnings.length, 'warning')}: ${warnings.map((check) => check.id).join(', ')}.`);
  else lines.push('', 'Passed.');
  return lines.join('\n');
}
