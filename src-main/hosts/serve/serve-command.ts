/**
 * `ocm serve`: the team server. One process runs a collector (the sync engine, syncing only the
 * instances whose lease it holds, so several collectors can share one database) and the workbench for
 * signed-in people, until interrupted (SIGINT or SIGTERM stop it cleanly: leases are released at once).
 */
import { randomBytes } from 'node:crypto';
import { actingUser, teamActor } from '../../accounts/acting-user';
import { LoginThrottle } from '../../accounts/login-throttle';
import { OcmError } from '../../common/errors';
import { redactUrl } from '../../store/postgres/connection';
import { createServices } from '../services';
import { FLAG, flag, option, VALUE, type CliCommand } from '../cli/command';
import { DownloadRegistry } from '../web/downloads';
import { rendererBuilt } from '../web/server';
import { defaultStaticDir } from '../web/ui-command';
import { loadServeConfig, type ServeConfig } from './config';
import { ensureFirstAdmin, teamAccounts } from './team-accounts';
import { startTeamServer } from './team-server';

const usage = `Usage: ocm serve [--config FILE] [--host ADDRESS] [--port PORT] [--tls-cert FILE --tls-key FILE]
                 [--behind-proxy PROXY_IP] [--public-url URL] [--no-collector] [--collector-id ID]
                 [--lease-seconds N]

Runs the team server: a collector that mirrors the configured instances, and the workbench for
signed-in users (create the first with \`ocm user add --role admin\`). Settings come from the JSON file
named by --config or OCM_CONFIG, then the environment (OCM_HOME, OCM_DATABASE_URL, OCM_HOST, OCM_PORT,
OCM_TLS_CERT, OCM_TLS_KEY, OCM_BEHIND_PROXY, OCM_PUBLIC_URL, OCM_COLLECTOR_ID), then these options.
Beyond 127.0.0.1 it needs TLS (a certificate pair) or --behind-proxy with the proxy's address.
  --no-collector     serve the workbench only (another process collects)
  --collector-id     this collector's name in the leases (default: the host name)
  --lease-seconds    how long a lease lasts unrenewed (default 15); another collector takes over
                     an instance within 4/3 of it when this one dies
See docs/team-mode.md.`;

/** The `ocm serve` command. */
export function createServeCommand(staticDir: string = defaultStaticDir()): CliCommand {
  return {
    path: ['serve'],
    summary: 'Run the team server: a collector and the workbench for signed-in users',
    usage,
    options: { config: VALUE, host: VALUE, port: VALUE, 'tls-cert': VALUE, 'tls-key': VALUE, 'behind-proxy': VALUE, 'public-url': VALUE, 'collector-id': VALUE, 'lease-seconds': VALUE, 'no-collector': FLAG },
    async run(args, io) {
      const config = loadServeConfig(
        {
          config: option(args, 'config'),
          host: option(args, 'host'),
          port: option(args, 'port'),
          tlsCert: option(args, 'tls-cert'),
          tlsKey: option(args, 'tls-key'),
          behindProxy: option(args, 'behind-proxy'),
          publicUrl: option(args, 'public-url'),
          collectorId: option(args, 'collector-id'),
          leaseSeconds: option(args, 'lease-seconds'),
          noCollector: flag(args, 'no-collector'),
        },
        io.env,
      );
      if (!(await rendererBuilt(staticDir))) {
        throw new OcmError('not-found', `The workbench is not built (${staticDir}/index.html is missing).`, { hint: 'Run: npx vite build -c vite.renderer.config.ts' });
      }
      const downloads = new DownloadRegistry();
      // Unique per process, so two processes given the same --collector-id never both believe they hold a lease.
      const holder = `${config.collector.id}/${process.pid}/${randomBytes(3).toString('hex')}`;
      const running = await createServices({
        dataDir: config.dataDir,
        database: config.database,
        engine: config.collector.enabled ? 'worker' : 'none',
        collector: config.collector.enabled ? { holder, leaseSeconds: config.collector.leaseSeconds } : undefined,
        actor: (instance) => teamActor(instance),
        downloadUrlFor: (filePath) => downloads.register(filePath, undefined, actingUser()?.userId ?? ''),
        host: { kind: 'browser', version: '0.1.0' },
      });
      let server;
      try {
        const { sessions, users } = teamAccounts(running, config.sessions);
        const firstAdmin = await ensureFirstAdmin(running, users, config.firstAdmin);
        server = await startTeamServer({
          services: running.services,
          accounts: running.accounts,
          journal: running.journal,
          sessions,
          users,
          throttle: new LoginThrottle(),
          downloads,
          staticDir,
          config,
          health: () => (running.leases ? { collector: { id: config.collector.id, holding: running.leases.held().size } } : { collector: null }),
        });
        io.out(summary(config, server.url, holder, firstAdmin));
      } catch (error) {
        await running.close();
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new OcmError('conflict', `Port ${config.port} is already in use.`, { hint: 'Pick another with --port or OCM_PORT.' });
        if ((error as NodeJS.ErrnoException).code === 'EACCES') throw new OcmError('conflict', `This user may not listen on port ${config.port}.`, { hint: 'Use a port above 1023, or let a reverse proxy listen on 443.' });
        throw error;
      }
      await new Promise<void>((done) => {
        if (io.interrupted.aborted) done();
        else io.interrupted.addEventListener('abort', () => done(), { once: true });
      });
      await server.close();
      await running.close();
      io.out('Stopped.');
      return 0;
    },
  };
}

function summary(config: ServeConfig, url: string, holder: string, firstAdmin: Awaited<ReturnType<typeof ensureFirstAdmin>>): string {
  const lines = [`Odoo Change Monitor team server at ${config.publicOrigin ?? url}`];
  lines.push(`  listening   ${url}${config.tls ? ' (TLS)' : ''}${config.behindProxy ? ` behind the proxy at ${config.behindProxy}` : ''}`);
  lines.push(`  mirror      ${config.database.kind === 'sqlite' ? config.database.file : redactUrl(config.database.url)}`);
  lines.push(`  collector   ${config.collector.enabled ? `${holder} (lease ${config.collector.leaseSeconds} s)` : 'off (--no-collector)'}`);
  if (firstAdmin === 'created') lines.push(`  created the first admin, ${config.firstAdmin?.login}`);
  if (firstAdmin === 'none') lines.push('  NOTE: nobody can sign in yet. Create the first admin: ocm user add --login NAME --role admin --password-env VAR');
  lines.push('Press Ctrl+C to stop.');
  return lines.join('\n');
}
