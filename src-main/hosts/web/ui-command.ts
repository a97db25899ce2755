/**
 * `ocm ui [--port P] [--no-open]`: browser mode. Starts the services, serves the workbench on
 * 127.0.0.1 with a per-start token, prints the address, opens a browser when there is one, and
 * runs until interrupted.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Services } from '../../common/services';
import type { ITeamServerService } from '../../common/team';
import { OcmError } from '../../common/errors';
import { FLAG, flag, option, VALUE, type CliCommand } from '../cli/command';
import { DownloadRegistry } from './downloads';
import { openBrowser } from './open-browser';
import { rendererBuilt, startWebServer } from './server';

/** What the command needs from the composition root. */
export interface UiServicesOptions {
  /** Turns an exported file into a one-time download URL (pass to the report service). */
  downloadUrlFor(filePath: string): string;
}

/** Starts the app's services for browser mode (`createServices`, bound by the CLI). */
export type StartServices = (options: UiServicesOptions) => Promise<{ services: Services; teams?: ITeamServerService; close(): Promise<void> }>;

const usage = `Usage: ocm ui [--port P] [--no-open]

Runs the workbench in your browser (browser mode), on 127.0.0.1 only.
  --port      TCP port (default: a free one)
  --no-open   print the address but do not open a browser
The address includes a token that changes at every start; only the browser you give it to can connect.`;

/** The default location of the built renderer: beside out/cli in a built CLI, else out/ of the checkout. */
export function defaultStaticDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const besideBuild = resolve(here, '../renderer');
  return existsSync(join(besideBuild, 'index.html')) ? besideBuild : resolve(here, '../../../out/renderer');
}

/** Creates `ocm ui` bound to a service factory. */
export function createUiCommand(startServices: StartServices, staticDir: string = defaultStaticDir()): CliCommand {
  return {
    path: ['ui'],
    summary: 'Open the workbench in a browser (browser mode, 127.0.0.1 only)',
    usage,
    options: { port: VALUE, 'no-open': FLAG },
    async run(args, io) {
      const portText = option(args, 'port');
      const port = portText === undefined ? 0 : Number(portText);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new OcmError('invalid-input', `--port must be a port number, not "${portText}".`, { hint: usage.split('\n')[0] });
      }
      if (!(await rendererBuilt(staticDir))) {
        throw new OcmError('not-found', `The workbench is not built (${staticDir}/index.html is missing).`, {
          hint: 'Run: npx vite build -c vite.renderer.config.ts',
        });
      }
      const downloads = new DownloadRegistry();
      const app = await startServices({ downloadUrlFor: (filePath) => downloads.register(filePath) });
      let server;
      try {
        server = await startWebServer({ services: app.services, teams: app.teams, host: '127.0.0.1', port, staticDir, downloads });
      } catch (error) {
        await app.close();
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new OcmError('conflict', `Port ${port} is already in use.`, { hint: 'Pick another with --port, or omit it to use a free one.' });
        }
        throw error;
      }
      io.out(`Odoo Change Monitor is running at:\n  ${server.url}\nPress Ctrl+C to stop.`);
      if (!flag(args, 'no-open')) {
        const opened = await openBrowser(server.url);
        if (!opened) io.out('(No browser could be opened here; open the address above yourself.)');
      }
      await new Promise<void>((done) => {
        if (io.interrupted.aborted) done();
        else io.interrupted.addEventListener('abort', () => done(), { once: true });
      });
      await server.close();
      await app.close();
      io.out('Stopped.');
      return 0;
    },
  };
}
