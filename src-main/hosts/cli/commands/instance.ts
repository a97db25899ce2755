/**
 * `ocm instance add | list | edit | remove`: manage the configured Odoo instances. Passwords are read
 * from the environment variable named by --password-env, never from the command line, and stored
 * encrypted (key-file vault in the data directory under the CLI).
 */
import { OcmError } from '../../../common/errors';
import { validateInstanceInput } from '../../../common/instance-input';
import type { InstanceConfig, InstanceInput, TransportKind } from '../../../common/model';
import type { IInstanceService } from '../../../common/services';
import { openServices, type OpenServices } from '../cli-services';
import { choice, FLAG, flag, option, VALUE, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { CONNECTION_OPTIONS, formatChecks, TRANSPORT_OPTION } from './instance-test';
import { SECRET_STORAGE_SENTENCES } from './status';

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

/** `--transport` as given; the instance service says what is allowed. */
function transportOf(args: ParsedArgs): TransportKind | undefined {
  return option(args, 'transport') as TransportKind | undefined;
}

/** `--poll-interval` as a number; the instance service checks its bounds. */
function pollOf(args: ParsedArgs, usage: string): number | undefined {
  const value = option(args, 'poll-interval');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || Number.isNaN(seconds)) usageError(`--poll-interval must be a number of seconds, not "${value}".`, usage);
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

/** A visible instance by exact name. */
async function byName(instances: IInstanceService, name: string): Promise<InstanceConfig> {
  const found = (await instances.list()).find((instance) => instance.name === name);
  if (!found) throw new OcmError('not-found', `No instance named "${name}".`, { hint: 'See `ocm instance list`.' });
  return found;
}

/** Creates the instance commands over the services `open` gives (default: the mirror in $OCM_HOME). */
export function createInstanceCommands(open: OpenServices = openServices): CliCommand[] {
  const add: CliCommand = {
    path: ['instance', 'add'],
    summary: 'Add an Odoo instance (tests the connection first)',
    usage: addUsage,
    options: { ...CONNECTION_OPTIONS, name: VALUE, production: FLAG, 'poll-interval': VALUE, force: FLAG },
    async run(args, io) {
      const missing = ['name', 'url', 'db', 'login', 'password-env'].filter((name) => !option(args, name)).map((name) => `--${name}`);
      if (missing.length) usageError(`Missing ${missing.join(', ')}.`, addUsage);
      const input: InstanceInput = {
        name: option(args, 'name')!,
        url: option(args, 'url')!,
        db: option(args, 'db')!,
        login: option(args, 'login')!,
        password: passwordOf(args, io, addUsage),
        transport: transportOf(args) ?? 'xmlrpc',
        production: flag(args, 'production'),
        pollIntervalSeconds: pollOf(args, addUsage),
        trustedCertificateSha256: option(args, 'trust-certificate'),
      };
      const app = await open(io);
      try {
        const { instances, host } = app.services;
        if ((await instances.list()).some((instance) => instance.name === input.name)) {
          throw new OcmError('conflict', `An instance named "${input.name}" already exists.`, { hint: 'Choose another name, or use `ocm instance edit`.' });
        }
        validateInstanceInput(input); // the service's own rules, before the network is tried
        io.out(`Testing ${input.login} on database ${input.db} at ${input.url}`);
        const checks = await instances.test(input);
        io.out(formatChecks(checks));
        if (checks.some((check) => check.status === 'failed') && !flag(args, 'force')) {
          io.err('Not saved: the connection test failed. Fix it, or add --force to save anyway.');
          return 2;
        }
        const saved = await instances.add(input);
        io.out(`Added ${describe(saved)}`);
        io.out(SECRET_STORAGE_SENTENCES[(await host.info()).secretStorage]);
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  const list: CliCommand = {
    path: ['instance', 'list'],
    summary: 'List the configured instances',
    usage: listUsage,
    options: { json: FLAG },
    async run(args, io) {
      const app = await open(io);
      try {
        const instances = await app.services.instances.list();
        if (flag(args, 'json')) io.out(JSON.stringify(instances, null, 2));
        else if (instances.length === 0) io.out('No instances yet. Add one with `ocm instance add`.');
        else for (const instance of instances) io.out(describe(instance));
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  const edit: CliCommand = {
    path: ['instance', 'edit'],
    summary: 'Change an instance',
    usage: editUsage,
    options: {
      name: VALUE,
      'new-name': VALUE,
      url: VALUE,
      db: VALUE,
      login: VALUE,
      'password-env': VALUE,
      transport: TRANSPORT_OPTION,
      production: choice(['true', 'false']),
      'poll-interval': VALUE,
      'trust-certificate': VALUE,
    },
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
      set('transport', transportOf(args));
      set('pollIntervalSeconds', pollOf(args, editUsage));
      set('trustedCertificateSha256', option(args, 'trust-certificate'));
      const production = option(args, 'production');
      if (production !== undefined) patch.production = production === 'true';
      if (Object.keys(patch).length === 0) usageError('Nothing to change.', editUsage);
      const app = await open(io);
      try {
        const { instances } = app.services;
        const saved = await instances.update((await byName(instances, name)).id, patch);
        io.out(`Saved ${describe(saved)}`);
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  const remove: CliCommand = {
    path: ['instance', 'remove'],
    summary: 'Remove an instance (--keep-history keeps its mirrored rows)',
    usage: removeUsage,
    options: { name: VALUE, 'keep-history': FLAG },
    async run(args, io) {
      const name = requireName(args, removeUsage);
      const app = await open(io);
      try {
        const { instances } = app.services;
        const keepHistory = flag(args, 'keep-history');
        await instances.remove((await byName(instances, name)).id, { keepHistory });
        io.out(keepHistory ? `Removed ${name}; its history stays in the local database.` : `Removed ${name} and its mirrored rows.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  return [add, list, edit, remove];
}

/** `ocm instance add | list | edit | remove`. */
export const instanceCommands: CliCommand[] = createInstanceCommands();
