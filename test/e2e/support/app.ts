/**
 * Starts the real app for end-to-end tests: services over a fresh data directory, the browser-mode
 * server, and (optionally) the Odoo simulator. Uses the lead's `createAppServices` when it exists;
 * until then it composes the same real services directly (this fallback goes once it lands).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Emitter } from '../../../src-main/common/event';
import type { Services } from '../../../src-main/common/services';
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

type AppServicesFactory = (options: { dataDir: string; demo?: boolean; downloadUrlFor?(filePath: string): string }) => Promise<{ services: Services; close(): Promise<void> }>;

async function composeServices(dataDir: string, downloads: DownloadRegistry): Promise<{ services: Services; close(): Promise<void> }> {
  const appServicesPath = join(ROOT, 'src-main/hosts/app-services.ts');
  if (existsSync(appServicesPath)) {
    const module = (await import(appServicesPath)) as { createAppServices: AppServicesFactory };
    return module.createAppServices({ dataDir, demo: false, downloadUrlFor: (filePath) => downloads.register(filePath) });
  }
  // Fallback: the same real services, wired here until the composition root exists.
  const { createMirrorServices } = await import('../../../src-main/sync/index');
  const { ChangeService } = await import('../../../src-main/store/queries/index');
  const { ReportService } = await import('../../../src-main/reports/report-service');
  const { storeReportData } = await import('../../../src-main/reports/store-data-source');
  const { AdminService } = await import('../../../src-main/admin/admin-service');
  const { JournalStore } = await import('../../../src-main/admin/journal-store');
  const adapters = await import('../../../src-main/admin/store-adapters');
  const mirror = await createMirrorServices({ dataDir, engine: 'in-thread', timing: { fastMs: 500, backoffBaseMs: 500 } });
  const data = new Emitter<import('../../../src-main/common/model').ChangesNotice>();
  const backend = mirror.backend as unknown as { onDidChangeData?: import('../../../src-main/common/event').Event<import('../../../src-main/common/model').ChangesNotice> } | undefined;
  const forward = backend?.onDidChangeData?.((notice) => data.fire(notice));
  const changes = new ChangeService(mirror.store.db as never, data.event);
  const directory = adapters.storeInstanceDirectory(mirror.store as never);
  const clients = adapters.storeClientProvider(directory, (id) => {
    const record = mirror.store.instances.get(id);
    if (!record) throw new Error(`no instance ${id}`);
    return mirror.vault.decrypt(record.secret);
  });
  const admin = new AdminService({
    instances: directory,
    clients,
    rows: adapters.storeRowSource(mirror.store.db as never),
    marker: adapters.storeRowMarker(mirror.store as never),
    journal: new JournalStore(mirror.store.db as never),
    settings: adapters.storeAdminSettings(mirror.store as never),
  });
  const reports = new ReportService({
    data: storeReportData(mirror.store.db as never),
    definitions: mirror.store.db as never,
    downloadsDirectory: join(dataDir, 'downloads'),
    downloadUrlFor: (filePath) => downloads.register(filePath),
  });
  const host = {
    info: async () => ({ kind: 'browser' as const, version: '0.1.0', platform: process.platform, secretStorage: mirror.vault.kind, dataDirectory: dataDir }),
    openExternal: async () => undefined,
  };
  const services = { instances: mirror.instances, changes, sync: mirror.sync, admin, reports, settings: mirror.settings, host } as unknown as Services;
  return {
    services,
    async close() {
      forward?.dispose();
      clients.close();
      await mirror.close();
    },
  };
}

/** Starts services and the web server on `dataDir` (default: a fresh temporary one, removed on close). */
export async function startApp(options: { dataDir?: string } = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ocm-e2e-'));
  const downloads = new DownloadRegistry();
  const app = await composeServices(dataDir, downloads);
  const server = await startWebServer({ services: app.services, host: '127.0.0.1', port: 0, staticDir: STATIC_DIR, downloads });
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
