/**
 * `ocm instance add | list | edit | remove`: manage the configured Odoo instances. Passwords are read
 * from the environment variable named by --password-env, never from the command line, and stored
 * encrypted (key-file vault in the data directory under the CLI).
 */
import { OcmError } from '../../../common/errors';
import { validateInstanceInput } from '../../../common/instance-input';
import { watchedModelsOf, type InstanceConfig, type InstanceInput, type SourceSetting, type TransportSetting } from '../../../common/model';
import type { IInstanceService } from '../../../common/services';
import { transportNote } from '../../../common/transport-note';
import { openServices, type OpenServices } from '../cli-services';
import { choice, FLAG, flag, option, VALUE, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { CONNECTION_OPTIONS, formatChecks, TRANSPORT_CHOICES, TRANSPORT_HELP, TRANSPORT_OPTION, WATCH_OPTIONS, watchOf } from './instance-test';
import { SECRET_STORAGE_SENTENCES } from './status';

const addUsage = `Usage: ocm instance add --name NAME --url URL --db DB --login LOGIN --password-env VAR
                       [--transport ${TRANSPORT_CHOICES}] [--production] [--poll-interval SECONDS]
                       [--trust-certificate SHA256] [--source module|polling] [--watch MODELS]
                       [--tracking-values] [--force]

Adds an Odoo instance after testing the connection. A failing test refuses to save unless --force.
The password (or API key) is read from the environment variable named by --password-env.

${TRANSPORT_HELP}

Sources: module (default) mirrors the auto_webhook change log; polling watches a server without the
module (Odoo Online included) by polling the watched models' write dates and Odoo's field tracking:
several writes between two polls merge into one event, a deletion's author is unknown, and fields
without tracking show no values. --watch takes model names separated by commas (default: the ten the
module tracks). --tracking-values adds Odoo's tracking values to the module log.`;

const listUsage = `Usage: ocm instance list [--json]

Lists the configured instances.`;

const editUsage = `Usage: ocm instance edit --name NAME [--new-name NAME] [--url URL] [--db DB] [--login LOGIN]
                        [--password-env VAR] [--transport ${TRANSPORT_CHOICES}] [--production true|false]
                        [--poll-interval SECONDS] [--trust-certificate SHA256]
                        [--source module|polling] [--watch MODELS] [--tracking-values true|false]

Changes an instance; options not given keep their value. --transport auto chooses the protocol
from the server's version again.`;

const removeUsage = `Usage: ocm instance remove --name NAME [--keep-history]

Removes an instance. With --keep-history its mirrored rows stay in the local database (hidden instance);
without it they are deleted.`;

/** `--transport` as given; the instance service says what is allowed. */
function transportOf(args: ParsedArgs): TransportSetting | undefined {
  return option(args, 'transport') as TransportSetting | undefined;
}

/** `--poll-interval` as a number; the instance service checks its bounds. */
function pollOf(args: ParsedArgs, usage: string): number | undefined {
  const value = option(args, 'poll-interval');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || Number.isNaN(seconds)) usageError(`--poll-interval must be a number of seconds, not "${value}".`, usage);
  return seconds;
}

/** `--source` as given; the instance service says what is allowed. */
function sourceOf(args: ParsedArgs): SourceSetting | undefined {
  return option(args, 'source') as SourceSetting | undefined;
}

/** A flag (`ocm instance add --tracking-values`) or a `true|false` value (`ocm instance edit`); undefined when absent. */
function yesNo(args: ParsedArgs, name: string): boolean | undefined {
  if (!args.options.has(name)) return undefined;
  return args.options.get(name) !== 'false';
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
  const chosen = instance.transportChoice && instance.transportChoice.reason !== 'forced' ? ' (auto)' : '';
  const source = instance.source === 'polling' ? `watching ${watchedModelsOf(instance).length} models without the module` : instance.trackingValues ? 'module log + tracking values' : '';
  const flags = [`${instance.transport}${chosen}`, instance.production ? 'production' : '', instance.demo ? 'demo' : '', source].filter(Boolean).join(', ');
  return `${instance.name}  ${instance.login}@${instance.db}  ${instance.url}  (${flags}, poll ${instance.pollIntervalSeconds} s)`;
}

/** The instance's protocol and why, with what to do when it is a warning. */
function describeTransport(instance: InstanceConfig): string {
  const note = transportNote(instance.transport, instance.transportChoice);
  return `Transport: ${note.message}${note.hint && note.status !== 'ok' ? `\n  → ${note.hint}` : ''}`;
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
    options: { ...CONNECTION_OPTIONS, ...WATCH_OPTIONS, name: VALUE, production: FLAG, 'poll-interval': VALUE, 'tracking-values': FLAG, force: FLAG },
    async run(args, io) {
      const missing = ['name', 'url', 'db', 'login', 'password-env'].filter((name) => !option(args, name)).map((name) => `--${name}`);
      if (missing.length) usageError(`Missing ${missing.join(', ')}.`, addUsage);
      const input: InstanceInput = {
        name: option(args, 'name')!,
        url: option(args, 'url')!,
        db: option(args, 'db')!,
        login: option(args, 'login')!,
        password: passwordOf(args, io, addUsage),
        transport: transportOf(args),
        production: flag(args, 'production'),
        pollIntervalSeconds: pollOf(args, addUsage),
        trustedCertificateSha256: option(args, 'trust-certificate'),
        source: sourceOf(args),
        watchedModels: watchOf(args),
        trackingValues: yesNo(args, 'tracking-values'),
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
          if (checks.some((check) => check.offer === 'polling')) io.err('This database has no auto_webhook module: add --source polling to watch it without the module.');
          return 2;
        }
        const saved = await instances.add(input);
        io.out(`Added ${describe(saved)}`);
        io.out(describeTransport(saved));
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
      ...WATCH_OPTIONS,
      'tracking-values': choice(['true', 'false']),
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
      set('source', sourceOf(args));
      set('watchedModels', watchOf(args));
      set('trackingValues', yesNo(args, 'tracking-values'));
      const production = option(args, 'production');
      if (production !== undefined) patch.production = production === 'true';
      if (Object.keys(patch).length === 0) usageError('Nothing to change.', editUsage);
      const app = await open(io);
      try {
        const { instances } = app.services;
        const saved = await instances.update((await byName(instances, name)).id, patch);
        io.out(`Saved ${describe(saved)}`);
        if (patch.transport !== undefined || patch.url !== undefined || patch.password !== undefined) io.out(describeTransport(saved));
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
