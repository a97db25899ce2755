/**
 * `ocm user add | list | remove | passwd | grant`: the team server's users, managed on the server
 * itself (whoever can run commands there owns its database). Passwords are read from the environment
 * variable named by --password-env, never from the command line. Every change is journaled with the OS
 * account that ran the command.
 */
import { OcmError } from '../../../common/errors';
import type { InstanceConfig, TeamRole } from '../../../common/model';
import { TEAM_ROLES, type TeamUser } from '../../../common/team';
import { loadDataLocation } from '../../serve/config';
import { teamAccounts } from '../../serve/team-accounts';
import { createServices, type RunningServices } from '../../services';
import { choice, FLAG, VALUE, flag, option, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { instanceLookup } from '../cli-services';
import { usageError } from '../run-cli';

const common = `The users are those of the team server whose data is in $OCM_HOME (or the --config file's
dataDir and database; OCM_DATABASE_URL wins).`;

const addUsage = `Usage: ocm user add --login LOGIN --role viewer|operator|admin --password-env VAR
                   [--name "Display Name"] [--instances NAME,NAME…] [--config FILE]

Adds a user. Viewers read, operators also delete rows and clean orphans, admins manage instances,
users and settings. Viewers and operators see only the instances granted to them (--instances).
${common}`;
const listUsage = `Usage: ocm user list [--json] [--config FILE]\n\nLists the users, their roles and instances.\n${common}`;
const removeUsage = `Usage: ocm user remove --login LOGIN [--config FILE]\n\nRemoves a user and ends their sessions.\n${common}`;
const passwdUsage = `Usage: ocm user passwd --login LOGIN --password-env VAR [--config FILE]\n\nSets a new password; the user's sessions end.\n${common}`;
const grantUsage = `Usage: ocm user grant --login LOGIN [--instances NAME,NAME…] [--revoke | --replace]
                     [--role viewer|operator|admin] [--config FILE]

Grants instances to a user (by name or id); --revoke withdraws them, --replace makes them the whole
list. --role changes the user's role.
${common}`;

/** Opens the team server's store for a command (no engine). Tests pass their own. */
export type OpenTeamServices = (io: CliIo, configFile: string | undefined) => Promise<RunningServices>;

const openTeam: OpenTeamServices = (io, configFile) => {
  const location = loadDataLocation(configFile, io.env);
  return createServices({ dataDir: location.dataDir, database: location.database, engine: 'none', autoStart: false });
};

function required(args: ParsedArgs, name: string, usage: string): string {
  const value = option(args, name);
  if (!value) usageError(`Missing --${name}.`, usage);
  return value;
}

function roleOf(value: string, usage: string): TeamRole {
  if (!(TEAM_ROLES as readonly string[]).includes(value)) usageError(`--role must be one of ${TEAM_ROLES.join(', ')}, not "${value}".`, usage);
  return value as TeamRole;
}

function passwordOf(args: ParsedArgs, io: CliIo, usage: string): string {
  const variable = required(args, 'password-env', usage);
  const password = io.env[variable];
  if (!password) usageError(`The environment variable ${variable} named by --password-env is not set.`, usage);
  return password;
}

/** Instance ids from `--instances a,b` (names or ids). */
function instancesOf(args: ParsedArgs, all: readonly InstanceConfig[]): string[] {
  const text = option(args, 'instances');
  if (!text) return [];
  const lookup = instanceLookup(all);
  return text.split(',').map((word) => word.trim()).filter(Boolean).map((word) => {
    const id = lookup.idOf(word);
    if (!id) throw new OcmError('not-found', `No instance named "${word}".`, { hint: 'See `ocm instance list`.' });
    return id;
  });
}

/** One line per user; granted instances in the order `ocm instance list` shows them. */
function describe(user: TeamUser, all: readonly InstanceConfig[]): string {
  const instances = user.role === 'admin' ? 'all instances' : all.filter((instance) => user.instanceIds.includes(instance.id)).map((instance) => instance.name).join(', ') || 'no instance';
  return `${user.login}${user.displayName ? ` (${user.displayName})` : ''}  ${user.role}  ${instances}  ${user.sessions} session${user.sessions === 1 ? '' : 's'}${user.lastLoginAt ? `, last sign-in ${user.lastLoginAt}` : ''}`;
}

/** Creates the user commands over the store `open` gives (default: the team server's). */
export function createUserCommands(open: OpenTeamServices = openTeam): CliCommand[] {
  const withUsers = async <T>(args: ParsedArgs, io: CliIo, work: (context: { running: RunningServices; users: ReturnType<typeof teamAccounts>['users']; instances: InstanceConfig[] }) => Promise<T>): Promise<T> => {
    const running = await open(io, option(args, 'config'));
    try {
      const instances = await running.services.instances.list({ includeRemoved: true });
      return await work({ running, users: teamAccounts(running).users, instances });
    } finally {
      await running.close();
    }
  };

  return [
    {
      path: ['user', 'add'],
      summary: 'Add a user of the team server',
      usage: addUsage,
    options: { config: VALUE, login: VALUE, role: choice(TEAM_ROLES), 'password-env': VALUE, name: VALUE, instances: VALUE },
      async run(args, io) {
        const login = required(args, 'login', addUsage);
        const role = roleOf(required(args, 'role', addUsage), addUsage);
        const password = passwordOf(args, io, addUsage);
        return withUsers(args, io, async ({ users, instances }) => {
          const user = await users.add({ login, role, password, displayName: option(args, 'name'), instanceIds: instancesOf(args, instances) });
          io.out(`Added ${describe(user, instances)}`);
          return 0;
        });
      },
    },
    {
      path: ['user', 'list'],
      summary: 'List the users of the team server',
      usage: listUsage,
    options: { config: VALUE, json: FLAG },
      async run(args, io) {
        return withUsers(args, io, async ({ users, instances }) => {
          const list = await users.list();
          if (flag(args, 'json')) io.out(JSON.stringify(list, null, 2));
          else if (list.length === 0) io.out('No users yet. Add the first admin with `ocm user add --login NAME --role admin --password-env VAR`.');
          else for (const user of list) io.out(describe(user, instances));
          return 0;
        });
      },
    },
    {
      path: ['user', 'remove'],
      summary: 'Remove a user of the team server',
      usage: removeUsage,
    options: { config: VALUE, login: VALUE },
      async run(args, io) {
        const login = required(args, 'login', removeUsage);
        return withUsers(args, io, async ({ users }) => {
          await users.remove(login);
          io.out(`Removed ${login}; their sessions ended.`);
          return 0;
        });
      },
    },
    {
      path: ['user', 'passwd'],
      summary: 'Set a user’s password (their sessions end)',
      usage: passwdUsage,
    options: { config: VALUE, login: VALUE, 'password-env': VALUE },
      async run(args, io) {
        const login = required(args, 'login', passwdUsage);
        const password = passwordOf(args, io, passwdUsage);
        return withUsers(args, io, async ({ users }) => {
          await users.setPassword(login, password);
          io.out(`Set a new password for ${login}; their sessions ended.`);
          return 0;
        });
      },
    },
    {
      path: ['user', 'grant'],
      summary: 'Grant instances to a user, or change their role',
      usage: grantUsage,
    options: { config: VALUE, login: VALUE, role: choice(TEAM_ROLES), instances: VALUE, revoke: FLAG, replace: FLAG },
      async run(args, io) {
        const login = required(args, 'login', grantUsage);
        const role = option(args, 'role') === undefined ? undefined : roleOf(option(args, 'role')!, grantUsage);
        if (flag(args, 'revoke') && flag(args, 'replace')) usageError('Give --revoke or --replace, not both.', grantUsage);
        if (!option(args, 'instances') && role === undefined && !flag(args, 'replace')) usageError('Nothing to change: give --instances or --role.', grantUsage);
        return withUsers(args, io, async ({ users, instances }) => {
          let user: TeamUser | undefined;
          if (role !== undefined) user = await users.update(login, { role });
          if (option(args, 'instances') || flag(args, 'replace')) user = await users.grant(login, instancesOf(args, instances), { revoke: flag(args, 'revoke'), replace: flag(args, 'replace') });
          io.out(`Saved ${describe(user!, instances)}`);
          return 0;
        });
      },
    },
  ];
}
