/**
 * `ocm simulate`: runs the Odoo 18 simulator on 127.0.0.1 until interrupted, printing its URL, databases
 * and logins, so `ocm instance test` and the app can be tried without a real Odoo server.
 */
import { OcmError } from '../../../common/errors';
import { startSimulator, type ModuleFlavour } from '../../../simulator/index';
import { option, type CliCommand } from '../command';
import { usageError } from '../run-cli';

const usage = `Usage: ocm simulate [--port 8069] [--flavour original|fixed] [--rate 5] [--big-rows N] [--seed N]

Runs a simulated Odoo 18 server with the auto_webhook module on 127.0.0.1 until Ctrl+C.
  --port       TCP port (default 8069; 0 picks a free one)
  --flavour    original (the module as published: coalescing log, unreadable error log) or fixed
  --rate       synthetic changes per second applied to database "seed" (default 0: none)
  --big-rows   also create database "big" with N synthetic change-log rows
  --seed       seed of the synthetic data and traffic (default 1)`;

function integerOption(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || (name !== 'rate' && !Number.isInteger(number))) {
    usageError(`--${name} must be a number${min > 0 ? ` of at least ${min}` : ' (0 or more)'}, not "${value}".`, usage);
  }
  return number;
}

/** `ocm simulate`. */
export const simulateCommand: CliCommand = {
  path: ['simulate'],
  summary: 'Run a simulated Odoo 18 server (auto_webhook installed) until interrupted',
  usage,
  async run(args, io) {
    const flavourText = option(args, 'flavour') ?? 'original';
    if (flavourText !== 'original' && flavourText !== 'fixed') usageError(`--flavour must be "original" or "fixed", not "${flavourText}".`, usage);
    const flavour: ModuleFlavour = flavourText;
    const port = integerOption(option(args, 'port'), 'port', 8069, 0);
    const rate = integerOption(option(args, 'rate'), 'rate', 0, 0);
    const bigRows = integerOption(option(args, 'big-rows'), 'big-rows', 0, 0);
    const seed = integerOption(option(args, 'seed'), 'seed', 1, 0);

    let simulator;
    try {
      simulator = await startSimulator({ port, flavour, trafficRate: rate, bigRows, seed });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        throw new OcmError('conflict', `Port ${port} is already in use on 127.0.0.1.`, { hint: 'Stop what uses it, or pick another port with --port.' });
      }
      throw error;
    }
    const seedDb = simulator.database(simulator.databases.includes('seed') ? 'seed' : simulator.databases[0]);
    io.out(`Simulated Odoo 18 (auto_webhook, ${flavour} flavour) listening on ${simulator.url}\n`);
    io.out(`Databases: ${simulator.databases.map((name) => (name === 'plain' ? 'plain (module not installed)' : name)).join(', ')}\n`);
    io.out('Logins (password = login):\n');
    io.out(`  admin   uid ${seedDb.uid('admin')}   API key ${seedDb.apiKey('admin')}\n`);
    io.out(`  demo    uid ${seedDb.uid('demo')}   (internal user: may read and delete change-log rows)\n`);
    io.out(`  portal  uid ${seedDb.uid('portal')}   (portal user: no access to the change log)\n`);
    io.out(rate > 0 ? `Traffic: ${rate} changes/s on database "seed".\n` : 'Traffic: none (use --rate N to generate changes).\n');
    io.out('Press Ctrl+C to stop.\n');

    await new Promise<void>((resolve) => {
      if (io.interrupted.aborted) resolve();
      else io.interrupted.addEventListener('abort', () => resolve(), { once: true });
    });
    await simulator.close();
    io.out(`Stopped after ${simulator.traffic.operations} synthetic changes.\n`);
    return 0;
  },
};
