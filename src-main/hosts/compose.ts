/**
 * Builds the admin and report services over an open mirror. The workbench's composition root and the
 * CLI's admin and export commands wire them the same way, so they share this.
 */
import { join } from 'node:path';
import { OcmError } from '../common/errors';
import { AdminService } from '../admin/admin-service';
import { JournalStore } from '../admin/journal-store';
import { storeAdminSettings, storeClientProvider, storeInstanceDirectory, storeRowMarker, storeRowSource } from '../admin/store-adapters';
import type { PdfRenderer } from '../reports/pdf';
import { ReportService } from '../reports/report-service';
import { storeReportData } from '../reports/store-data-source';
import type { MirrorServices } from '../sync';

/** The admin service, its journal, and the Odoo clients it logged in (closed by `close`). */
export function composeAdmin(mirror: Pick<MirrorServices, 'store' | 'vault'>): { admin: AdminService; journal: JournalStore; close(): void } {
  const { store, vault } = mirror;
  const instances = storeInstanceDirectory(store);
  const clients = storeClientProvider(instances, (id) => {
    const record = store.instances.get(id);
    if (!record) throw new OcmError('not-found', `No instance with id ${id}.`);
    return vault.decrypt(record.secret);
  });
  const journal = new JournalStore(store.db);
  const admin = new AdminService({
    instances,
    clients,
    rows: storeRowSource(store.db),
    marker: storeRowMarker(store),
    journal,
    settings: storeAdminSettings(store),
  });
  return { admin, journal, close: () => clients.close() };
}

/** The report service; exports without an output path land in `<dataDir>/downloads`. */
export function composeReports(
  mirror: Pick<MirrorServices, 'store'>,
  options: { dataDir: string; pdf?: PdfRenderer; downloadUrlFor?(filePath: string): string | undefined },
): ReportService {
  return new ReportService({
    data: storeReportData(mirror.store.db),
    definitions: mirror.store.db,
    downloadsDirectory: join(options.dataDir, 'downloads'),
    pdf: options.pdf,
    downloadUrlFor: options.downloadUrlFor,
  });
}
