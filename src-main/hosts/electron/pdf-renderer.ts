import { BrowserWindow } from 'electron';
import type { PdfRenderer } from '../../reports/pdf';

/**
 * Renders report HTML to PDF with Electron's own Chromium (printToPDF) in a hidden, sandboxed window
 * that runs no scripts, so desktop PDF export needs no separate browser.
 */
export function createElectronPdfRenderer(): PdfRenderer {
  return {
    async status() {
      return { engine: 'electron', available: true, searched: [] };
    },
    async render(html: string): Promise<Buffer> {
      const window = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
      });
      try {
        await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
        return await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
      } finally {
        window.destroy();
      }
    },
  };
}
