/**
 * `ocm simulate`: runs a simulated Odoo (17, 18, 19 or 20) on 127.0.0.1 until interrupted, printing its
 * URL, databases, logins and API keys, and the server's log, so `ocm instance test` and the app can be
 * tried without a real Odoo server. With `--pace cpu` it spends CPU per row like a real server, in this
 * process, competing for the cores as a local Odoo does. Self-contained: it reads and checks its own
 * options.
 */
import { OcmError } from '../../../common/errors';
import { flavourFor, ODOO_VERSIONS, startSimulator, versionProfile, type ModuleFlavour, type OdooVersion, type PaceOptions } from '../../../simulator/index';
import { choice, FLAG, option, VALUE, type CliCommand, type ParsedArgs } from '../command';
import { usageError } from '../run-cli';

const usage = `Usage: ocm simulate [--odoo 18] [--flavour original|fixed] [--port 8069] [--rate 5] [--big-rows N] [--seed N]
                    [--pace cpu [--workers N] [--per-row-us 38] [--xmlrpc-per-row-us 74] [--per-request-us 0]] [--quiet]

Runs a simulated Odoo server with the auto_webhook module on 127.0.0.1 until Ctrl+C.
  --odoo                Odoo version to play: 17, 18 (default), 19 or 20. 19 and 20 serve JSON-2 with API keys
                        and log a deprecation WARNING for every XML-RPC and JSON-RPC call; 20 has no db service.
  --flavour             original (the module as published; 17 and 18 only, their default) or fixed (our addon,
                        protocol 2; the default on 19 and 20)
  --port                TCP port (default 8069; 0 picks a free one)
  --rate                synthetic changes per second on each of the databases "seed" and "plain" (default 0: none)
  --big-rows            also create database "big" with N synthetic change-log rows
  --seed                seed of the synthetic data and traffic (default 1)
  --pace cpu            charge each answer CPU time per row, like a real server; one request at a time
                        (threaded Odoo) unless --workers is given
  --workers             with --pace cpu: serve N requests at once, like prefork Odoo (default 0: threaded)
  --per-row-us          with --pace cpu: CPU microseconds per row over JSON-RPC and JSON-2 (default 38)
  --xmlrpc-per-row-us   with --pace cpu: CPU microseconds per row over XML-RPC (default 74)
  --per-request-us      with --pace cpu: CPU microseconds every answer costs on top (default 0)
  --quiet               do not print the server log (deprecation warnings) on stderr`;

const PACE_OPTIONS = ['workers', 'per-row-us', 'xmlrpc-per-row-us', 'per-request-us'];

/** A number option: whole unless `fraction`, at least `min`. */
function numberOption(args: ParsedArgs, name: string, fallback: number, min: number, fraction = false): number {
  const value = option(args, name);
  if (args.options.get(name) === true) usageError(`--${name} needs a value.`, usage);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || (!fraction && !Number.isInteger(number))) {
    usageError(`--${name} must be a ${fraction ? 'number' : 'whole number'}${min > 0 ? ` of at least ${min}` : ' (0 or more)'}, not "${value}".`, usage);
  }
  return number;
}

function odooOption(args: ParsedArgs): OdooVersion {
  const text = option(args, 'odoo') ?? '18';
  const version = ODOO_VERSIONS.find((candidate) => String(candidate) === text);
  if (!version) usageError(`--odoo must be one of ${ODOO_VERSIONS.join(', ')}, not "${text}".`, usage);
  return version;
}

function flavourOption(args: ParsedArgs, odoo: OdooVersion): ModuleFlavour {
  const text = option(args, 'flavour');
  if (text !== undefined && text !== 'original' && text !== 'fixed') usageError(`--flavour must be "original" or "fixed", not "${text}".`, usage);
  try {
    return flavourFor(versionProfile(odoo), text);
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
}

function paceOption(args: ParsedArgs): PaceOptions | undefined {
  const mode = option(args, 'pace');
  if (mode === undefined) {
    const stray = PACE_OPTIONS.find((name) => args.options.has(name));
    if (stray) usageError(`--${stray} applies to CPU pacing: add --pace cpu.`, usage);
    return undefined;
  }
  if (mode !== 'cpu') usageError(`--pace must be "cpu", not "${mode}".`, usage);
  return {
    mode: 'cpu',
    workers: numberOption(args, 'workers', 0, 0),
    jsonPerRowUs: numberOption(args, 'per-row-us', 38, 0, true),
    xmlrpcPerRowUs: numberOption(args, 'xmlrpc-per-row-us', 74, 0, true),
    perRequestUs: numberOption(args, 'per-request-us', 0, 0, true),
  };
}

/** `ocm simulate`. */
export const simulateCommand: CliCommand = {
  path: ['simulate'],
  summary: 'Run a simulated Odoo 17, 18, 19 or 20 server (auto_webhook installed) until interrupted',
  usage,
  options: {
    odoo: choice(ODOO_VERSIONS.map(String)),
    flavour: choice(['original', 'fixed']),
    port: VALUE,
    rate: VALUE,
    'big-rows': VALUE,
    seed: VALUE,
    pace: choice(['cpu']),
    workers: VALUE,
    'per-row-us': VALUE,
    'xmlrpc-per-row-us': VALUE,
    'per-request-us': VALUE,
    quiet: FLAG,
  },
  async run(args, io) {
    const odoo = odooOption(args);
    const flavour = flavourOption(args, odoo);
    const pace = paceOption(args);
    const port = numberOption(args, 'port', 8069, 0);
    const rate = numberOption(args, 'rate', 0, 0, true);
    const bigRows = numberOption(args, 'big-rows', 0, 0);
    const seed = numberOption(args, 'seed', 1, 0);
    const quiet = args.options.has('quiet');

    let simulator;
    try {
      simulator = await startSimulator({ odoo, port, flavour, trafficRate: rate, bigRows, seed, pace, onLog: quiet ? undefined : (line) => io.err(line) });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        throw new OcmError('conflict', `Port ${port} is already in use on 127.0.0.1.`, { hint: 'Stop what uses it, or pick another port with --port.' });
      }
      throw error;
    }
    const seedDb = simulator.database(simulator.databases.includes('seed') ? 'seed' : simulator.databases[0]);
    const profile = versionProfile(odoo);
    io.out(`Simulated Odoo ${profile.serie} (${profile.serverVersion}; auto_webhook, ${flavour} flavour) listening on ${simulator.url}\n`);
    io.out(`Databases: ${simulator.databases.map((name) => (name === 'plain' ? 'plain (module not installed)' : name)).join(', ')}\n`);
    io.out('Logins (password = login; API keys work as passwords too):\n');
    io.out(`  admin   uid ${seedDb.uid('admin')}   API key ${seedDb.apiKey('admin')}\n`);
    io.out(`  demo    uid ${seedDb.uid('demo')}   API key ${seedDb.apiKey('demo')}   (internal user: may read and delete change-log rows)\n`);
    io.out(`  portal  uid ${seedDb.uid('portal')}   (portal user: no access to the change log)\n`);
    if (profile.json2) {
      io.out(`JSON-2: POST ${simulator.url}/json/2/<model>/<method> with "Authorization: bearer <API key>" and "X-Odoo-Database: seed".\n`);
    }
    if (profile.rpcDeprecated) io.out('XML-RPC and JSON-RPC answer, each call logging a deprecation WARNING.\n');
    if (!profile.dbService) io.out('No db service (removed in Odoo 20): /xmlrpc/2/db answers a KeyError.\n');
    io.out(
      pace
        ? `Pacing: ${pace.jsonPerRowUs} µs per row (JSON-RPC, JSON-2), ${pace.xmlrpcPerRowUs} µs per row (XML-RPC)${pace.perRequestUs ? ` + ${pace.perRequestUs} µs per answer` : ''}, ${pace.workers ? `${pace.workers} worker${pace.workers > 1 ? 's' : ''} (prefork)` : 'one request at a time (threaded)'}.\n`
        : 'Pacing: none (use --pace cpu to charge CPU per row like a real server).\n',
    );
    io.out(rate > 0 ? `Traffic: ${rate} changes/s on each of "seed" and "plain".\n` : 'Traffic: none (use --rate N to generate changes).\n');
    io.out('Press Ctrl+C to stop.\n');

    await new Promise<void>((resolve) => {
      if (io.interrupted.aborted) resolve();
      else io.interrupted.addEventListener('abort', () => resolve(), { once: true });
    });
    await simulator.close();
    const deprecated = simulator.deprecatedCalls();
    io.out(`Stopped after ${simulator.traffic.operations} synthetic changes${profile.rpcDeprecated ? ` and ${deprecated} deprecated call${deprecated === 1 ? '' : 's'}` : ''}.\n`);
    return 0;
  },
};
