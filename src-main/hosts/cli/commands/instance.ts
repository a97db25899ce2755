/**
 * `ocm instance add | list | edit | remove`: manage the configured Odoo instances. Passwords are read
 * from the environment variable named by --password-env, never from the command line, and stored
 * encrypted (key-file vault in the data directory under the CLI).
 */
import { OcmError } from '../../../common/errors';
import type { InstanceConfig, InstanceInput, TransportKind } from '../../../common/model';
import type { ConnectionInput } from '../../../odoo/types';
import { flag, option, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { formatChecks } from './instance-test';
import { openCliMirror, type CliMirrorOptions } from './mirror-context';

const addUsage = `Usage: ocm instance add --name NAME --url URL --db DB --login LOGIN --password-env VAR
                       [--transport xmlrpc|jsonrpc] [--production] [--poll-interval SECONDS]
                       [--trust-certificate SHA256] [--force]

Adds an Odoo instance after testing the connection. A failing test refuses to save unless --force.
The password (or API key) is read from the environment variable named by --password-env.`;

const listUsage = `Usage: ocm instance list [--json]

Lists the configured instances.`;

const editUsage = `Usage: ocm instance edit --name NAME [--new-name NAME] [--url URL] [--db DB] [--login LOGIN]
                        [--password-env VAR] [--transport xmlrpc|jsonrpc] [--production true|false]
                        [--poll-interval SECONDS] [--trust-certificate SHA256]

Changes an instance; options not given keep their value.`;

const removeUsage = `Usage: ocm instance remove --name NAME [--keep-history]

Removes an instance. With --keep-history its mirrored rows stay in the local database (hidden instance);
without it they are deleted.`;

function transportOf(args: ParsedArgs, usage: string): TransportKind | undefined {
  const value = option(args, 'transport');
  if (value === undefined) return undefined;
  if (value !== 'xmlrpc' && value !== 'jsonrpc') usageError(`--transport must be xmlrpc or jsonrpc, not "${value}".`, usage);
  return value;
}

function pollOf(args: ParsedArgs, usage: string): number | undefined {
  const value = option(args, 'poll-interval');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 2) usageError(`--poll-interval must be a whole number of seconds (2 or more), not "${value}".`, usage);
  return seconds;
}

function passwordOf(args: ParsedArgs, io: CliIo, usage: string): string | undefined {
  const variable = option(args, 'password-env');
  if (variable === undefined) return undefined;
  const password = io.env[variable];
  if (!password) usageError(`The environment variable ${variable} named by --password-env is not set.`, usage);
  return password;
}

function requireName(args: ParsedArgs, usage: string): string {
  const name = option(args, 'name');
  if (!name) usageError('Missing --name.', usage);
  return name;
}

function describe(instance: InstanceConfig): string {
  const flags = [instance.transport, instance.production ? 'production' : '', instance.demo ? 'demo' : ''].filter(Boolean).join(', ');
  return `${instance.name}  ${instance.login}@${instance.db}  ${instance.url}  (${flags}, poll ${instance.pollIntervalSeconds} s)`;
}

/** Creates the instance commands; `options` are seams for tests. */
export function createInstanceCommands(options: CliMirrorOptions = {}): CliCommand[] {
  const add: CliCommand = {
    path: ['instance', 'add'],
    summary: 'Add an Odoo instance (tests the connection first)',
    usage: addUsage,
    async run(args, io) {
      const missing = ['name', 'url', 'db', 'login', 'password-env'].filter((name) => !option(args, name)).map((name) => `--${name}`);
      if (missing.length) usageError(`Missing ${missing.join(', ')}.`, addUsage);
      const input: InstanceInput = {
        name: option(args, 'name')!,
        url: option(args, 'url')!,
        db: option(args, 'db')!,
        login: option(args, 'login')!,
        password: passwordOf(args, io, addUsage),
        transport: transportOf(args, addUsage) ?? 'xmlrpc',
        production: flag(args, 'production'),
        pollIntervalSeconds: pollOf(args, addUsage),
        trustedCertificateSha256: option(args, 'trust-certificate'),
      };
      const mirror = await openCliMirror(io, options);
      try {
        if (mirror.store.instances.findByName(input.name)) throw new OcmError('conflict', `An instance named "${input.name}" already exists.`, { hint: 'Choose another name, or use `ocm instance edit`.' });
        io.out(`Testing ${input.login} on database ${input.db} at ${input.url}`);
        const checks = await mirror.instances.test(input);
        io.out(formatChecks(checks));
        if (checks.some((check) => check.status === 'failed') && !flag(args, 'force')) {
          io.err('Not saved: the connection test failed. Fix it, or add --force to save anyway.');
          return 2;
        }
        const saved = await mirror.instances.add(input);
        io.out(`Added ${describe(saved)}`);
        io.out(`Secrets are stored ${mirror.vault.kind === 'os-keychain' ? 'in the OS keychain' : 'encrypted with a local key file (weaker than the OS keychain)'}.`);
        return 0;
      } finally {
        await mirror.close();
      }
    },
  };

  const list: CliCommand = {
    path: ['instance', 'list'],
    summary: 'List the configured instances',
    usage: listUsage,
    async run(args, io) {
      const mirror = await openCliMirror(io, options);
      try {
        const instances = await mirror.instances.list();
        if (flag(args, 'json')) io.out(JSON.stringify(instances, null, 2));
        else if (instances.length === 0) io.out('No instances yet. Add one with `ocm instance add`.');
        else for (const instance of instances) io.out(describe(instance));
        return 0;
      } finally {
        await mirror.close();
      }
    },
  };

  const edit: CliCommand = {
    path: ['instance', 'edit'],
    summary: 'Change an instance',
    usage: editUsage,
    async run(args, io) {
      const name = requireName(args, editUsage);
      const patch: Partial<InstanceInput> = {};
      const set = <K extends keyof InstanceInput>(key: K, value: InstanceInput[K] | undefined) => {
        if (value !== undefined) patch[key] = value;
      };
      set('name', option(args, 'new-name'));
      set('url', option(args, 'url'));
      set('db', option(args, 'db'));
      set('login', option(args, 'login'));
      set('password', passwordOf(args, io, editUsage));
      set('transport', transportOf(args, editUsage));
      set('pollIntervalSeconds', pollOf(args, editUsage));
      set('trustedCertificateSha256', option(args, 'trust-certificate'));
      if (args.options.has('production')) {
        const value = args.options.get('production');
        patch.production = value === true || value === 'true' || value === 'yes';
      }
      if (Object.keys(patch).length === 0) usageError('Nothing to change.', editUsage);
      const mirror = await openCliMirror(io, options);
      try {
        const existing = mirror.store.instances.findByName(name);
        if (!existing) throw new OcmError('not-found', `No instance named "${name}".`, { hint: 'See `ocm instance list`.' });
        const saved = await mirror.instances.update(existing.config.id, patch);
        io.out(`Saved ${describe(saved)}`);
        return 0;
      } finally {
        await mirror.close();
      }
    },
  };

  const remove: CliCommand = {
    path: ['instance', 'remove'],
    summary: 'Remove an instance (--keep-history keeps its mirrored rows)',
    usage: removeUsage,
    async run(args, io) {
      const name = requireName(args, removeUsage);
      const mirror = await openCliMirror(io, options);
      try {
        const existing = mirror.store.instances.findByName(name);
        if (!existing) throw new OcmError('not-found', `No instance named "${name}".`, { hint: 'See `ocm instance list`.' });
        const keepHistory = flag(args, 'keep-history');
        await mirror.instances.remove(existing.config.id, { keepHistory });
        io.out(keepHistory ? `Removed ${name}; its history stays in the local database.` : `Removed ${name} and its mirrored rows.`);
        return 0;
      } finally {
        await mirror.close();
      }
    },
  };

  return [add, list, edit, remove];
}

/** `ocm instance add | list | edit | remove`. */
export const instanceCommands: CliCommand[] = createInstanceCommands();

/**
 * Resolves a saved instance by name to its connection (password decrypted), for
 * `createInstanceTestCommand({ resolveSaved })` in the CLI's composition.
 */
export function savedInstanceResolver(env: Readonly<Record<string, string | undefined>>): (name: string) => Promise<ConnectionInput> {
  return async (name) => {
    const io = { env } as CliIo;
    const mirror = await openCliMirror(io);
    try {
      const record = mirror.store.instances.findByName(name);
      if (!record) throw new OcmError('not-found', `No instance named "${name}".`, { hint: 'See `ocm instance list`.' });
      const { config } = record;
      return { url: config.url, db: config.db, login: config.login, password: mirror.vault.decrypt(record.secret), transport: config.transport, trustedCertificateSha256: config.trustedCertificateSha256 };
    } finally {
      await mirror.close();
    }
  };
}
