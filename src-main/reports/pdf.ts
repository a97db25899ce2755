/**
 * PDF rendering of the HTML report. The renderer is an interface so each host picks its engine:
 * Electron's `webContents.printToPDF` on the desktop, the workstation's own Chromium-based browser
 * (found by browser-finder, driven by playwright-core) in browser mode and the CLI.
 */
import { OcmError, toOcmError } from '../common/errors';
import type { PdfEngineStatus } from '../common/model';
import { BROWSER_VARIABLE, describeSearch, findBrowser, type BrowserSearchOptions } from './browser-finder';

/** Turns a self-contained HTML document into PDF bytes. */
export interface PdfRenderer {
  /** Renders `html` as A4 pages with backgrounds. May reject 'cancelled' when the signal fires, 'browser-missing' when it cannot print. */
  render(html: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** What prints the PDF and whether it can, without printing anything. */
  status(): Promise<PdfEngineStatus>;
}

/** Options of {@link ChromiumPdfRenderer}. */
export interface ChromiumPdfOptions {
  /** Browser executable; default: the one {@link findBrowser} finds (`$OCM_CHROMIUM` first). */
  executablePath?: string;
  /** Where to search when no executable is given (tests: a fake install tree). */
  search?: BrowserSearchOptions;
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

/** Renders with a headless browser launched for each document (nothing lingers between exports). */
export class ChromiumPdfRenderer implements PdfRenderer {
  constructor(private readonly options: ChromiumPdfOptions = {}) {}

  async status(): Promise<PdfEngineStatus> {
    const given = this.options.executablePath;
    const result = given
      ? { found: { name: 'Chromium', path: given }, searched: [{ browser: 'Chromium', locations: [{ kind: 'file' as const, path: given }] }] }
      : findBrowser(this.options.search);
    return result.found
      ? { engine: 'browser', available: true, browser: result.found, searched: result.searched }
      : { engine: 'browser', available: false, searched: result.searched };
  }

  async render(html: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const status = await this.status();
    if (!status.browser) throw browserMissingError(status);
    const executablePath = status.browser.path;
    const timeout = this.options.timeoutMs ?? 60_000;
    const { chromium } = await import('playwright-core');
    let browser: Awaited<ReturnType<typeof chromium.launch>>;
    try {
      browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], timeout });
    } catch (error) {
      throw new OcmError('internal', `Could not start ${status.browser.name} (${executablePath}) to render the PDF.`, {
        hint: `Check that this browser opens, or set ${BROWSER_VARIABLE} to another Chromium-based browser; HTML export works without one.`,
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

/** The 'browser-missing' error for a failed search: which browsers were looked for, and where. */
export function browserMissingError(status: PdfEngineStatus): OcmError {
  const configured = status.searched.length === 1 && status.searched[0].browser === BROWSER_VARIABLE;
  const places = describeSearch(status.searched).map((line) => `  ${line}`).join('\n');
  const message = configured
    ? `${BROWSER_VARIABLE} names a browser that is not there (${firstPath(status)}), so the PDF cannot be printed.`
    : `No Chromium-based browser was found to print the PDF. Looked for:\n${places}`;
  const hint = configured
    ? `Point ${BROWSER_VARIABLE} at a Chrome, Chromium, Edge or Brave executable, or unset it to use an installed one; or export HTML instead.`
    : `Install Google Chrome, Chromium, Microsoft Edge or Brave, or set ${BROWSER_VARIABLE} to a browser's executable; or export HTML instead (any browser prints it to PDF).`;
  return new OcmError('browser-missing', message, { hint });
}

function firstPath(status: PdfEngineStatus): string {
  const location = status.searched[0]?.locations[0];
  return location?.kind === 'file' ? location.path : '';
}
