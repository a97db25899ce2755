/**
 * `ocm instance test`: runs the connection test against a server and prints each step.
 *
 * Exit codes: 0 when no step failed (warnings such as an unreadable error log, an untested Odoo version
 * or a missing delete right are printed but do not fail the test: the app works, with less), 2 when a
 * step failed (unreachable URL, TLS, wrong database, wrong login or password, module missing, no read
 * right), 64 for bad options.
 */
import { connectionVerdict } from '../../../common/connection-verdict';
import { OcmError } from '../../../common/errors';
import { TRANSPORT_SETTINGS, validateConnectionFields, validateWatchFields } from '../../../common/instance-input';
import { TRANSPORT_LABELS, watchedModelsOf, type SourceSetting, type TransportSetting } from '../../../common/model';
import type { ConnectionCheck } from '../../../common/services';
import { runConnectionChecks } from '../../../odoo/capabilities';
import { connectionInputOf } from '../../../odoo/connection';
import type { ConnectionTestInput } from '../../../odoo/types';
import { openServices, type OpenServices } from '../cli-services';
import { alsoCalled, choice, FLAG, flag, option, VALUE, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';

/** `--transport`: the instance editor's word for it too (`--protocol`, its former label, is met with "did you mean"). */
export const TRANSPORT_OPTION = alsoCalled(choice(TRANSPORT_SETTINGS), 'protocol', 'wire');

/** The options saying how to reach a server, shared with `ocm instance add`. */
export const CONNECTION_OPTIONS = { url: VALUE, db: VALUE, login: VALUE, 'password-env': VALUE, transport: TRANSPORT_OPTION, 'trust-certificate': VALUE } as const;

/** The options saying how an instance is watched, shared with `ocm instance add | edit`. */
export const WATCH_OPTIONS = { source: choice(['module', 'polling']), watch: VALUE } as const;

/** Options of {@link createInstanceTestCommand}. */
export interface InstanceTestCommandOptions {
  /** How `--name N` reaches the saved instance: through the instance service (default: the mirror in $OCM_HOME). */
  open?: OpenServices;
  /** Replaces the real connection test of typed options (tests of the command itself). */
  runChecks?: (input: ConnectionTestInput, options: { signal?: AbortSignal; watch?: { models: readonly string[] } }) => Promise<ConnectionCheck[]>;
}

/** `--transport`'s values, for the usages. */
export const TRANSPORT_CHOICES = TRANSPORT_SETTINGS.join('|');

/** How `auto` chooses, for the usages. */
export const TRANSPORT_HELP = `--transport auto (the default) chooses from the server's version, read without logging in:
JSON-2 on Odoo 19 and later when the secret is an API key (with a password: JSON-RPC until an API
key is entered; make one in Odoo under your avatar → Preferences → Account Security → New API Key),
JSON-RPC before 19, XML-RPC where only it answers.`;

const usage = `Usage: ocm instance test --url URL --db DB --login LOGIN --password-env VAR [--transport ${TRANSPORT_CHOICES}]
                        [--timeout SECONDS] [--trust-certificate SHA256] [--source module|polling]
                        [--watch MODELS] [--json]
       ocm instance test --name NAME [--transport ${TRANSPORT_CHOICES}] [--timeout SECONDS] [--json]

Tests a connection step by step: reach, version, transport, database, login, change log
(update.webhook), error log (webhook.errors) and rights; with --source polling (watching without the
module), the watched models (--watch, comma-separated; default the ten the module tracks) and Odoo's
tracking values instead of the change log. The password (or API key) is read from the
environment variable named by --password-env, never from the command line. A saved instance is
tested with its saved password, only against the address and database it was saved for, over its
own protocol unless --transport says otherwise.

${TRANSPORT_HELP}

Marks: ✓ ok, ! warning, ✗ failed, - skipped.
Exit code: 0 when no step failed (warnings, e.g. an unreadable error log, do not fail it),
2 when a step failed, 64 for bad options.`;

/** What was tested, for the heading and `--json`. */
interface Tested {
  url: string;
  db: string;
  login: string;
  transport: TransportSetting;
}

/** Creates the command. */
export function createInstanceTestCommand(options: InstanceTestCommandOptions = {}): CliCommand {
  const runChecks = options.runChecks ?? runConnectionChecks;
  const open = options.open ?? openServices;
  return {
    path: ['instance', 'test'],
    summary: 'Test the connection to an Odoo server step by step',
    usage,
    options: { ...CONNECTION_OPTIONS, ...WATCH_OPTIONS, name: VALUE, timeout: VALUE, json: FLAG },
    async run(args, io) {
      const timeoutSeconds = timeoutOption(args);
      const transport = option(args, 'transport') as TransportSetting | undefined;
      const name = option(args, 'name');
      let tested: Tested;
      let checks: ConnectionCheck[];
      if (name !== undefined) {
        ({ tested, checks } = await testSaved(open, io, name, { transport, timeoutSeconds }));
      } else {
        const input = typedInput(args, io.env, transport, timeoutSeconds);
        tested = input;
        const watch = validateWatchFields({ source: option(args, 'source') as SourceSetting | undefined, watchedModels: watchOf(args) });
        checks = await runChecks(input, { signal: io.interrupted, watch: watch.source === 'polling' ? { models: watchedModelsOf(watch) } : undefined });
      }
      const failed = checks.some((check) => check.status === 'failed');
      if (flag(args, 'json')) {
        io.out(JSON.stringify({ ok: !failed, ...tested, checks }, null, 2));
      } else {
        io.out(`Testing ${tested.login} on database ${tested.db} at ${tested.url} (${transportHeading(tested.transport)})`);
        io.out(formatChecks(checks));
        const fingerprint = checks.find((check) => check.code === 'tls')?.message.match(/[0-9A-F]{2}(?::[0-9A-F]{2}){31}/)?.[0];
        if (fingerprint) io.out(`\nIf this is the server's own certificate, trust it with: --trust-certificate ${fingerprint}`);
      }
      return failed ? 2 : 0;
    },
  };
}

/** `ocm instance test`. */
export const instanceTestCommand: CliCommand = createInstanceTestCommand();

/** Tests a saved instance through the instance service: its secret never leaves the service. */
async function testSaved(open: OpenServices, io: CliIo, name: string, overrides: { transport?: TransportSetting; timeoutSeconds?: number }): Promise<{ tested: Tested; checks: ConnectionCheck[] }> {
  const app = await open(io);
  try {
    const { instances } = app.services;
    const saved = (await instances.list()).find((instance) => instance.name === name);
    if (!saved) throw new OcmError('not-found', `No instance named "${name}".`, { hint: 'See `ocm instance list`.' });
    const transport = overrides.transport ?? saved.transport;
    const checks = await instances.test({
      id: saved.id,
      name: saved.name,
      url: saved.url,
      db: saved.db,
      login: saved.login,
      transport,
      trustedCertificateSha256: saved.trustedCertificateSha256,
      source: saved.source,
      watchedModels: saved.watchedModels,
      timeoutSeconds: overrides.timeoutSeconds,
    });
    return { tested: { url: saved.url, db: saved.db, login: saved.login, transport }, checks };
  } finally {
    await app.close();
  }
}

function typedInput(args: ParsedArgs, env: CliIo['env'], transport: TransportSetting | undefined, timeoutSeconds: number | undefined): ConnectionTestInput {
  const url = option(args, 'url');
  const db = option(args, 'db');
  const login = option(args, 'login');
  const passwordEnv = option(args, 'password-env');
  const missing = [!url && '--url', !db && '--db', !login && '--login', !passwordEnv && '--password-env'].filter(Boolean);
  if (missing.length) usageError(`Missing ${missing.join(', ')}.`, usage);
  const password = env[passwordEnv!];
  if (password === undefined || password === '') usageError(`The environment variable ${passwordEnv} named by --password-env is not set.`, usage);
  const fields = validateConnectionFields({ url: url!, db: db!, login: login!, transport, trustedCertificateSha256: option(args, 'trust-certificate') });
  return connectionInputOf(fields, password, { timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000 });
}

function transportHeading(transport: TransportSetting): string {
  return transport === 'auto' ? "protocol chosen from the server's version" : TRANSPORT_LABELS[transport] ?? transport;
}

function timeoutOption(args: ParsedArgs): number | undefined {
  const timeout = option(args, 'timeout');
  if (timeout === undefined) return undefined;
  const seconds = Number(timeout);
  if (!(seconds > 0) || seconds > 600) usageError(`--timeout must be a number of seconds (up to 600), not "${timeout}".`, usage);
  return seconds;
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
  lines.push('', connectionVerdict(checks).message);
  return lines.join('\n');
}

/** `--watch a.b,c.d` as a list of model names. */
export function watchOf(args: ParsedArgs): string[] | undefined {
  const value = option(args, 'watch');
  if (value === undefined) return undefined;
  return value.split(',').map((model) => model.trim()).filter((model) => model.length > 0);
}
