/**
 * Starts the real app for end-to-end tests: services over a fresh data directory, the browser-mode
 * server, and (optionally) the Odoo simulator, all through the same composition root the hosts use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Services } from '../../../src-main/common/services';
import { createServices } from '../../../src-main/hosts/services';
import type { PdfRenderer } from '../../../src-main/reports/pdf';
import type { SyncPassOptions } from '../../../src-main/sync/source';
import { DownloadRegistry } from '../../../src-main/hosts/web/downloads';
import { startWebServer, type WebServer } from '../../../src-main/hosts/web/server';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');
/** Where the built renderer lives. */
export const STATIC_DIR = join(ROOT, 'out/renderer');

/** A running app. */
export interface RunningApp {
  services: Services;
  server: WebServer;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts services and the web server on `dataDir` (default: a fresh temporary one, removed on close), with the given PDF engine (default: the workstation's browser). */
export async function startApp(options: { dataDir?: string; pdfRenderer?: PdfRenderer; pass?: Partial<SyncPassOptions> } = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ocm-e2e-'));
  const downloads = new DownloadRegistry();
  // The real composition root; the sync engine runs in its worker thread, polling fast for the tests.
  const app = await createServices({ dataDir, pdfRenderer: options.pdfRenderer, downloadUrlFor: (filePath) => downloads.register(filePath), timing: { fastMs: 500, backoffBaseMs: 500 }, teamServers: true, pass: options.pass });
  const server = await startWebServer({ services: app.services, teams: app.teams, host: '127.0.0.1', port: 0, staticDir: STATIC_DIR, downloads });
  return {
    services: app.services,
    server,
    dataDir,
    async close() {
      await server.close();
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
