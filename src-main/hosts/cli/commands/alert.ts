/**
 * `ocm alert add | list | remove | test | log | smtp`: alert rules from the command line, through the same
 * alert service the workbench's rule editor uses (it checks every rule once). Secrets (a webhook's
 * signing secret, the SMTP password) are read from environment variables, never from the command line.
 */
import { randomBytes } from 'node:crypto';
import type { AlertChannelInput, AlertCondition, AlertRule, AlertRuleInput, AlertTiming } from '../../../common/alerts';
import { OcmError } from '../../../common/errors';
import type { ChangeEvent } from '../../../common/model';
import { instanceLookup, openServices, type InstanceLookup, type OpenServices } from '../cli-services';
import { FLAG, VALUE, flag, option, type CliCommand, type CliIo, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';
import { instanceOption, listOption } from './changes';

const addUsage = `Usage: ocm alert add --name NAME [what] [where] [pacing]

what (a change rule unless --error-new, --error-rate, --unreachable or --behind is given):
  --instance NAME[,NAME…]   only these instances (default: all)
  --model MODEL[,MODEL…]    only these models, e.g. account.move
  --event create,write,unlink
  --field NAME              only changes of this field, e.g. list_price
  --user NAME               only changes made by this user
  --value TEXT              only when the field's old or new value contains TEXT
  --error-new               the first error of a kind (same message but numbers and ids) per instance
  --error-rate N/WINDOW     N errors of one kind within WINDOW, e.g. 10/5m or 50/1h
  --unreachable MINUTES     an instance failing to sync for that long
  --behind MINUTES          an instance not synced for that long
where (at least one):
  --desktop                 a desktop notification (the app shows it)
  --webhook URL             a POST of a JSON payload signed with HMAC-SHA256 (X-OCM-Signature)
  --secret-env VAR          the webhook's signing secret, read from this environment variable;
                            without it a secret is made and printed once
  --email ADDR[,ADDR…]      an e-mail through the server set with \`ocm alert smtp\`
pacing:
  --group SECONDS           wait this long after a burst's first event: one message per burst (default 30)
  --throttle SECONDS        at least this long between two messages (default 0)
  --quiet-hours HH:MM-HH:MM hold messages in this daily window, send them when it ends
  --time-zone ZONE          the quiet hours' time zone, e.g. Asia/Riyadh (default: this machine's)
  --disabled                save the rule switched off

Saves the rule and says how often it would have fired in the last 7 days.`;

const listUsage = `Usage: ocm alert list [--json]

Lists the alert rules: what they watch, where they deliver, and how they are paced.`;

const removeUsage = `Usage: ocm alert remove --name NAME

Removes a rule; its waiting events are dropped, its delivery log is kept.`;

const testUsage = `Usage: ocm alert test --name NAME

Sends a test message to each of the rule's deliveries now and says how each went (exit code 1 when one failed).`;

const logUsage = `Usage: ocm alert log [--name NAME] [--limit N] [--json]

The delivery log, newest first: each message to each delivery, sent, failed (and why) or pending.`;

const smtpUsage = `Usage: ocm alert smtp --host HOST --port PORT --from ADDRESS [--user USER --password-env VAR] [--secure]
       ocm alert smtp            show the e-mail server
       ocm alert smtp --remove   forget it

The SMTP server e-mail alerts go through. --secure: TLS from the start (port 465); otherwise STARTTLS
is used when the server offers it. The password is read from the environment variable --password-env
names and kept encrypted.`;

function requireName(args: ParsedArgs, usage: string): string {
  const name = option(args, 'name');
  if (!name) usageError('Missing --name.', usage);
  return name;
}

function wholeMinutes(args: ParsedArgs, name: string): number {
  const text = option(args, name);
  const value = Number(text);
  if (text === undefined || !Number.isSafeInteger(value) || value < 1) usageError(`--${name} needs a whole number of minutes, not "${text ?? ''}".`, addUsage);
  return value;
}

const WINDOW = /^(\d+)\s*\/\s*(\d+)\s*(m|min|h)?$/i;

/** The condition the options describe. */
function conditionOf(args: ParsedArgs, lookup: InstanceLookup): AlertCondition {
  const chosen = ['error-new', 'error-rate', 'unreachable', 'behind'].filter((name) => args.options.has(name));
  if (chosen.length > 1) usageError(`Choose one of ${chosen.map((name) => `--${name}`).join(', ')}.`, addUsage);
  const instanceIds = instanceOption(args, lookup);
  const scope = instanceIds ? { instanceIds } : {};
  const models = listOption(args, 'model');
  switch (chosen[0]) {
    case 'error-new':
      return { kind: 'error-new', ...scope, ...(models ? { models } : {}) };
    case 'error-rate': {
      const text = option(args, 'error-rate') ?? '';
      const match = WINDOW.exec(text);
      if (!match) usageError(`--error-rate needs COUNT/WINDOW, e.g. 10/5m or 50/1h, not "${text}".`, addUsage);
      const windowMinutes = Number(match[2]) * (match[3]?.toLowerCase() === 'h' ? 60 : 1);
      return { kind: 'error-rate', ...scope, ...(models ? { models } : {}), count: Number(match[1]), windowMinutes };
    }
    case 'unreachable':
      return { kind: 'instance-unreachable', ...scope, minutes: wholeMinutes(args, 'unreachable') };
    case 'behind':
      return { kind: 'instance-behind', ...scope, minutes: wholeMinutes(args, 'behind') };
  }
  const condition: AlertCondition = { kind: 'change', ...scope };
  if (models) condition.models = models;
  const events = listOption(args, 'event') as ChangeEvent[] | undefined;
  if (events) condition.events = events;
  const field = option(args, 'field');
  if (field) condition.field = field;
  const user = option(args, 'user');
  if (user) condition.users = [user];
  const value = option(args, 'value');
  if (value) condition.value = { text: value };
  return condition;
}

/** The deliveries the options describe; a webhook without --secret-env gets a new secret (returned to print once). */
function channelsOf(args: ParsedArgs, io: CliIo): { channels: AlertChannelInput[]; madeSecret?: string } {
  const channels: AlertChannelInput[] = [];
  let madeSecret: string | undefined;
  if (flag(args, 'desktop')) channels.push({ kind: 'desktop' });
  const url = option(args, 'webhook');
  if (args.options.has('webhook') && !url) usageError('--webhook needs the receiver’s address.', addUsage);
  if (url) {
    const variable = option(args, 'secret-env');
    let secret: string;
    if (variable !== undefined) {
      const value = io.env[variable];
      if (!value) usageError(`The environment variable ${variable} named by --secret-env is not set.`, addUsage);
      secret = value;
    } else {
      secret = madeSecret = randomBytes(32).toString('hex');
    }
    channels.push({ kind: 'webhook', url, secret });
  } else if (args.options.has('secret-env')) {
    usageError('--secret-env goes with --webhook.', addUsage);
  }
  const emails = listOption(args, 'email');
  if (emails) channels.push({ kind: 'email', to: emails });
  if (channels.length === 0) usageError('Say where the alert goes: --desktop, --webhook URL or --email ADDR.', addUsage);
  return { channels, madeSecret };
}

function seconds(args: ParsedArgs, name: string): number | undefined {
  const text = option(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) usageError(`--${name} needs a whole number of seconds, not "${text}".`, addUsage);
  return value;
}

function timingOf(args: ParsedArgs): Partial<AlertTiming> {
  const timing: Partial<AlertTiming> = {};
  const group = seconds(args, 'group');
  if (group !== undefined) timing.groupSeconds = group;
  const throttle = seconds(args, 'throttle');
  if (throttle !== undefined) timing.throttleSeconds = throttle;
  const quiet = option(args, 'quiet-hours');
  if (quiet !== undefined) {
    const [start, end] = quiet.split('-').map((part) => part.trim());
    if (!start || !end) usageError(`--quiet-hours needs HH:MM-HH:MM, e.g. 22:00-07:00, not "${quiet}".`, addUsage);
    timing.quietHours = { start, end };
    const zone = option(args, 'time-zone');
    if (zone) timing.quietHours.timeZone = zone;
  } else if (args.options.has('time-zone')) {
    usageError('--time-zone goes with --quiet-hours.', addUsage);
  }
  return timing;
}

/** A rule's condition in words. */
export function describeCondition(condition: AlertCondition, lookup: Pick<InstanceLookup, 'nameOf'>): string {
  const instances = condition.instanceIds?.length ? ` on ${condition.instanceIds.map((id) => lookup.nameOf(id)).join(', ')}` : '';
  switch (condition.kind) {
    case 'change': {
      const parts = [condition.events?.length ? condition.events.join('/') : 'any change', condition.models?.length ? `of ${condition.models.join(', ')}` : ''];
      if (condition.field) parts.push(`changing ${condition.field}`);
      if (condition.value) parts.push(`with a value containing "${condition.value.text}"`);
      if (condition.users?.length) parts.push(`by ${condition.users.join(', ')}`);
      return parts.filter(Boolean).join(' ') + instances;
    }
    case 'error-new':
      return `a new kind of error${condition.models?.length ? ` on ${condition.models.join(', ')}` : ''}${instances}`;
    case 'error-rate':
      return `${condition.count} errors of one kind within ${condition.windowMinutes} min${instances}`;
    case 'instance-unreachable':
      return `unreachable for ${condition.minutes} min${instances}`;
    case 'instance-behind':
      return `not synced for ${condition.minutes} min${instances}`;
  }
}

function describeRule(rule: AlertRule, lookup: InstanceLookup): string {
  const channels = rule.channels.map((channel) => (channel.kind === 'webhook' ? `webhook ${channel.url}` : channel.kind === 'email' ? `e-mail ${channel.to.join(', ')}` : 'desktop')).join('; ');
  const pacing = [`group ${rule.timing.groupSeconds} s`];
  if (rule.timing.throttleSeconds) pacing.push(`throttle ${rule.timing.throttleSeconds} s`);
  if (rule.timing.quietHours) pacing.push(`quiet ${rule.timing.quietHours.start}-${rule.timing.quietHours.end}${rule.timing.quietHours.timeZone ? ` ${rule.timing.quietHours.timeZone}` : ''}`);
  return `${rule.name}${rule.enabled ? '' : ' (disabled)'}: ${describeCondition(rule.condition, lookup)} → ${channels} (${pacing.join(', ')})`;
}

async function ruleByName(rules: readonly AlertRule[], name: string): Promise<AlertRule> {
  const found = rules.find((rule) => rule.name === name) ?? rules.find((rule) => rule.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new OcmError('not-found', `No alert rule named "${name}".`, { hint: 'See `ocm alert list`.' });
  return found;
}

/** Creates the alert commands over the services `open` gives (default: the mirror in $OCM_HOME). */
export function createAlertCommands(open: OpenServices = openServices): CliCommand[] {
  const add: CliCommand = {
    path: ['alert', 'add'],
    summary: 'Add an alert rule (desktop, signed webhook, e-mail)',
    usage: addUsage,
    options: { name: VALUE, instance: VALUE, model: VALUE, event: VALUE, field: VALUE, user: VALUE, value: VALUE, 'error-new': FLAG, 'error-rate': VALUE, unreachable: VALUE, behind: VALUE, desktop: FLAG, webhook: VALUE, 'secret-env': VALUE, email: VALUE, group: VALUE, throttle: VALUE, 'quiet-hours': VALUE, 'time-zone': VALUE, disabled: FLAG },
    async run(args, io) {
      const name = requireName(args, addUsage);
      const app = await open(io);
      try {
        const { alerts, instances } = app.services;
        const lookup = instanceLookup(await instances.list({ includeRemoved: true }));
        const { channels, madeSecret } = channelsOf(args, io);
        const input: AlertRuleInput = { name, enabled: !flag(args, 'disabled'), condition: conditionOf(args, lookup), channels, timing: timingOf(args) };
        const rule = await alerts.save(input);
        io.out(`Added ${describeRule(rule, lookup)}`);
        if (madeSecret) io.out(`Webhook signing secret (shown once; give it to the receiver): ${madeSecret}`);
        const preview = await alerts.preview(rule.condition);
        io.out(`It would have fired ${preview.events.toLocaleString('en-US')} time${preview.events === 1 ? '' : 's'} in the last ${preview.days} days${preview.estimated ? ' (estimated from the sync log)' : ''}.`);
        if (channels.some((channel) => channel.kind === 'email') && !(await alerts.smtp())) io.err('No e-mail server is set yet: e-mails wait until `ocm alert smtp` sets one.');
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  const list: CliCommand = {
    path: ['alert', 'list'],
    summary: 'List the alert rules',
    usage: listUsage,
    options: { json: FLAG },
    async run(args, io) {
      const app = await open(io, { readonly: true });
      try {
        const rules = await app.services.alerts.list();
        const lookup = instanceLookup(await app.services.instances.list({ includeRemoved: true }));
        if (flag(args, 'json')) io.out(JSON.stringify(rules, null, 2));
        else if (rules.length === 0) io.out('No alert rules yet. Add one with `ocm alert add`.');
        else for (const rule of rules) io.out(describeRule(rule, lookup));
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  const remove: CliCommand = {
    path: ['alert', 'remove'],
    summary: 'Remove an alert rule',
    usage: removeUsage,
    options: { name: VALUE },
    async run(args, io) {
      const name = requireName(args, removeUsage);
      const app = await open(io);
      try {
        const { alerts } = app.services;
        const rule = await ruleByName(await alerts.list(), name);
        await alerts.remove(rule.id);
        io.out(`Removed the alert rule ${rule.name}.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  const test: CliCommand = {
    path: ['alert', 'test'],
    summary: "Send a test message to each of a rule's deliveries",
    usage: testUsage,
    options: { name: VALUE },
    async run(args, io) {
      const name = requireName(args, testUsage);
      const app = await open(io);
      try {
        const { alerts } = app.services;
        const rule = await ruleByName(await alerts.list(), name);
        const results = await alerts.test(rule.id);
        for (const result of results) (result.ok ? io.out : io.err)(`${result.channel}${result.target ? ` ${result.target}` : ''}: ${result.ok ? 'sent' : `failed: ${result.error}`}`);
        return results.every((result) => result.ok) ? 0 : 1;
      } finally {
        await app.close();
      }
    },
  };

  const log: CliCommand = {
    path: ['alert', 'log'],
    summary: 'Show the alert delivery log (sent, failed and why, pending)',
    usage: logUsage,
    options: { name: VALUE, limit: VALUE, json: FLAG },
    async run(args, io) {
      const app = await open(io, { readonly: true });
      try {
        const { alerts } = app.services;
        const name = option(args, 'name');
        const ruleId = name === undefined ? undefined : (await ruleByName(await alerts.list(), name)).id;
        const limitText = option(args, 'limit');
        const limit = limitText === undefined ? 50 : Number(limitText);
        if (!Number.isSafeInteger(limit) || limit < 1) usageError('--limit needs a whole number of at least 1.', logUsage);
        const lines = await alerts.deliveries({ ruleId, limit });
        if (flag(args, 'json')) io.out(JSON.stringify(lines, null, 2));
        else if (lines.length === 0) io.out('Nothing delivered yet.');
        for (const line of flag(args, 'json') ? [] : lines) {
          const when = line.sentAt ?? line.updatedAt;
          const state = line.state === 'pending' && line.nextAttemptAt ? `pending (next attempt ${line.nextAttemptAt})` : line.state;
          io.out(`${when}  ${line.ruleName}  ${line.channel}${line.target ? ` ${line.target}` : ''}  ${line.events} event${line.events === 1 ? '' : 's'}  ${state}, ${line.attempts} attempt${line.attempts === 1 ? '' : 's'}${line.error ? `: ${line.error}` : ''}`);
        }
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  const smtp: CliCommand = {
    path: ['alert', 'smtp'],
    summary: 'Set the SMTP server e-mail alerts go through',
    usage: smtpUsage,
    options: { host: VALUE, port: VALUE, from: VALUE, user: VALUE, 'password-env': VALUE, secure: FLAG, remove: FLAG },
    async run(args, io) {
      const app = await open(io);
      try {
        const { alerts } = app.services;
        if (flag(args, 'remove')) {
          await alerts.setSmtp(null);
          io.out('The e-mail server was forgotten.');
          return 0;
        }
        if (!args.options.has('host')) {
          const current = await alerts.smtp();
          io.out(current ? `${current.host}:${current.port}${current.secure ? ' (TLS)' : ''} from ${current.from}${current.user ? ` as ${current.user}${current.hasPassword ? ' (password saved)' : ''}` : ''}` : 'No e-mail server is set. Set one with `ocm alert smtp --host HOST --port PORT --from ADDRESS`.');
          return 0;
        }
        const host = option(args, 'host');
        const port = Number(option(args, 'port') ?? '587');
        const from = option(args, 'from');
        if (!host || !from) usageError('--host and --from are needed.', smtpUsage);
        const variable = option(args, 'password-env');
        const password = variable === undefined ? undefined : io.env[variable];
        if (variable !== undefined && !password) usageError(`The environment variable ${variable} named by --password-env is not set.`, smtpUsage);
        const saved = await alerts.setSmtp({ host, port, from, secure: flag(args, 'secure') || undefined, user: option(args, 'user'), password });
        io.out(`E-mail alerts go through ${saved?.host}:${saved?.port} from ${saved?.from}.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  };

  return [add, list, remove, test, log, smtp];
}
