/**
 * PDF rendering of the HTML report. The renderer is an interface so each host picks its engine:
 * Electron's `webContents.printToPDF` on the desktop, headless Chromium (playwright-core) in browser
 * mode and the CLI.
 */
import { OcmError, toOcmError } from '../common/errors';

/** Turns a self-contained HTML document into PDF bytes. */
export interface PdfRenderer {
  /** Renders `html` as A4 pages with backgrounds. May reject 'cancelled' when the signal fires. */
  render(html: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
}

/** Options of {@link ChromiumPdfRenderer}. */
export interface ChromiumPdfOptions {
  /** Chromium binary; default `$OCM_CHROMIUM` or Debian's `/usr/bin/chromium`. */
  executablePath?: string;
  /** Milliseconds to wait for the browser and the page (default 60,000). */
  timeoutMs?: number;
}

/** Flags for a headless Chromium that makes no network requests of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Renders with a headless Chromium launched for each document (nothing lingers between exports). */
export class ChromiumPdfRenderer implements PdfRenderer {
  constructor(private readonly options: ChromiumPdfOptions = {}) {}

  async render(html: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const executablePath = this.options.executablePath ?? process.env.OCM_CHROMIUM ?? '/usr/bin/chromium';
    const timeout = this.options.timeoutMs ?? 60_000;
    const { chromium } = await import('playwright-core');
    let browser: Awaited<ReturnType<typeof chromium.launch>>;
    try {
      browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], timeout });
    } catch (error) {
      throw new OcmError('internal', `Could not start Chromium (${executablePath}) to render the PDF.`, {
        hint: 'Install Chromium or set OCM_CHROMIUM to its path; HTML export works without it.',
        detail: toOcmError(error).message,
        cause: error,
      });
    }
    const abort = (): void => void browser.close();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      const page = await browser.newPage();
      // The report is self-contained: refuse any request it might make.
      await page.route(/^(https?|wss?|ftp):/, (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load', timeout });
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      if (options.signal?.aborted) throw new OcmError('cancelled', 'The export was cancelled.');
      return pdf;
    } catch (error) {
      if (options.signal?.aborted) throw new OcmError('cancelled', 'The export was cancelled.');
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', abort);
      await browser.close().catch(() => undefined);
    }
  }
}
