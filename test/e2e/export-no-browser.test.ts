/**
 * End-to-end: PDF export on a workstation without a Chromium-based browser (an empty Windows install
 * tree), in browser mode against the real services. Choosing PDF says, before exporting, which browsers
 * were looked for and where, in English and in Arabic, and one click exports HTML instead. Every wait is
 * on an app event or a DOM condition, never a sleep.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromiumPdfRenderer } from '../../src-main/reports/pdf';
import { startApp, type RunningApp } from './support/app';
import { armAppEvent, openWorkbench, screenshot, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';

let tree: string;
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureRendererBuilt();
  tree = mkdtempSync(join(tmpdir(), 'ocm-empty-workstation-'));
  const search = { platform: 'win32' as const, env: { LOCALAPPDATA: join(tree, 'AppData', 'Local'), PROGRAMFILES: join(tree, 'Program Files') } };
  app = await startApp({ pdfRenderer: new ChromiumPdfRenderer({ search }) });
  browser = await openWorkbench(app.server.url);
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (tree) rmSync(tree, { recursive: true, force: true });
});

/** Opens the export dialog from the Reports view and chooses PDF; returns the dialog. */
async function choosePdf() {
  await page.getByTestId('activity-reports').click();
  await page.getByTestId('reports-view').locator('.view-header button').first().click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByTestId('export-format').selectOption('pdf');
  await dialog.getByTestId('export-no-browser').waitFor();
  return dialog;
}

describe('PDF export without a browser', () => {
  it('says which browsers were looked for and where, and exports HTML instead', async () => {
    const dialog = await choosePdf();
    const panel = dialog.getByTestId('export-no-browser');
    expect(await panel.locator('li[data-browser]').evaluateAll((items) => items.map((item) => item.getAttribute('data-browser')))).toEqual(['Google Chrome', 'Chromium', 'Microsoft Edge', 'Brave']);
    const text = await panel.innerText();
    expect(text).toContain('No browser to print the PDF with');
    expect(text).toContain(join(tree, 'Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe'));
    expect(text).toContain(join(tree, 'AppData', 'Local', 'Microsoft', 'Edge', 'Application', 'msedge.exe'));
    expect(await dialog.getByTestId('export-start').isDisabled()).toBe(true);
    await screenshot(page, 'export-no-browser-en');

    const finished = await armAppEvent(page, 'export-finished', { format: 'html' });
    await panel.getByTestId('export-use-html').click();
    await finished();
    expect(await dialog.getByTestId('export-format').inputValue()).toBe('html');
    expect(await dialog.getByTestId('export-no-browser').count()).toBe(0);
    // The HTML report itself, through its one-time download link, as the browser would fetch it.
    const href = await dialog.getByTestId('export-result').getByRole('link').getAttribute('href');
    const response = await fetch(new URL(href!, app.server.url));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^<!doctype html>/i);
    await dialog.getByRole('button').filter({ hasText: 'Close' }).last().click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('says the same in Arabic', async () => {
    const changed = await armAppEvent(page, 'language-changed', { language: 'ar' });
    await app.services.settings.update({ language: 'ar' });
    await changed();
    const dialog = await choosePdf();
    const text = await dialog.getByTestId('export-no-browser').innerText();
    expect(text).toContain('لا يوجد متصفح لطباعة ملف PDF');
    expect(text).toContain('ولم يُعثر على أيٍّ منها في هذه المواضع');
    expect(text).toContain(join(tree, 'Program Files', 'BraveSoftware', 'Brave-Browser', 'Application', 'brave.exe'));
    expect(await dialog.getByTestId('export-use-html').innerText()).toBe('التصدير بصيغة HTML بدلًا من ذلك');
    await screenshot(page, 'export-no-browser-ar');
    const back = await armAppEvent(page, 'language-changed', { language: 'en' });
    await app.services.settings.update({ language: 'en' });
    await back();
  });
});
