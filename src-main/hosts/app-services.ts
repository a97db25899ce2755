/**
 * The composition root: builds every service the workbench uses from one data directory. Electron,
 * browser mode and the end-to-end tests call this; each host adds only what is its own (the secret
 * vault, the PDF engine, how a link is opened, how a file is downloaded).
 */
import { Emitter } from '../common/event';
import type { ChangesNotice } from '../common/model';
import type { HostInfo, IHostService, IReportService, Services } from '../common/services';
import type { PdfRenderer } from '../reports/pdf';
import { ChangeService } from '../store/queries/change-service';
import type { SecretVault } from '../store/secret-vault';
import { createMirrorServices, type MirrorServicesOptions } from '../sync';
import { composeAdmin, composeReports } from './compose';
import { startDemoInstance } from './demo-instance';

/** Options of {@link createAppServices}. */
export interface AppServicesOptions {
  dataDir: string;
  /** The OS keychain vault (Electron); absent = the key-file vault, reported as such in Settings. */
  vault?: SecretVault;
  /** Add and run the built-in demo instance when nothing is configured (default true). */
  demo?: boolean;
  /** PDF engine; default the workstation's Chromium-based browser. */
  pdfRenderer?: PdfRenderer;
  /** Browser mode: turns an exported file into a one-time download URL. */
  downloadUrlFor?(filePath: string): string | undefined;
  /** What the host is and how it opens links (default: browser mode, links opened by the browser). */
  host?: { kind: HostInfo['kind']; version: string; openExternal?(url: string): Promise<unknown> };
  /** Engine placement and timings (tests). */
  engine?: MirrorServicesOptions['engine'];
  timing?: MirrorServicesOptions['timing'];
}

/** The running services and how to stop them. */
export interface AppServices {
  services: Services;
  close(): Promise<void>;
}

/** Opens the store, starts sync (and the demo instance when due) and wires every service. */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const mirror = await createMirrorServices({
    dataDir: options.dataDir,
    vault: options.vault,
    engine: options.engine,
    timing: options.timing,
    autoStart: false,
  });
  const closers: (() => Promise<void> | void)[] = [() => mirror.close()];
  try {
    const demo = options.demo === false ? undefined : await startDemoInstance(mirror);
    if (demo) closers.unshift(() => demo.close());

    const dataNotices = new Emitter<ChangesNotice>();
    const forward = mirror.backend?.onDidChangeData((notice) => dataNotices.fire(notice));
    closers.unshift(() => forward?.dispose());

    const { admin, close: closeClients } = composeAdmin(mirror);
    closers.unshift(closeClients);
    const reports = composeReports(mirror, { dataDir: options.dataDir, pdf: options.pdfRenderer, downloadUrlFor: options.downloadUrlFor });
    const host: IHostService = {
      info: async () => ({
        kind: options.host?.kind ?? 'browser',
        version: options.host?.version ?? '0.1.0',
        platform: process.platform,
        secretStorage: mirror.vault.kind,
        dataDirectory: options.dataDir,
      }),
      openExternal: async (url) => {
        // Only web links leave the app (Open in Odoo); anything else is refused.
        if (!/^https?:\/\//i.test(url)) return;
        await options.host?.openExternal?.(url);
      },
    };

    mirror.startSync();
    const services: Services = {
      instances: mirror.instances,
      changes: new ChangeService(mirror.store.db, dataNotices.event),
      sync: mirror.sync,
      admin,
      reports: withoutChosenPaths(reports),
      settings: mirror.settings,
      host,
    };
    return {
      services,
      async close() {
        for (const close of closers.splice(0)) await close();
      },
    };
  } catch (error) {
    for (const close of closers) await close();
    throw error;
  }
}

/**
 * The report service as the workbench may use it: the renderer is not trusted to name files on disk,
 * so its exports always land in the downloads folder (offered as a download in browser mode).
 */
function withoutChosenPaths(reports: IReportService): IReportService {
  return {
    export: (request) => reports.export({ ...request, outPath: undefined }),
    cancel: (jobId) => reports.cancel(jobId),
    listDefinitions: () => reports.listDefinitions(),
    saveDefinition: (definition) => reports.saveDefinition(definition),
    deleteDefinition: (id) => reports.deleteDefinition(id),
    pdfEngine: () => reports.pdfEngine(),
    onDidProgress: reports.onDidProgress,
  };
}
