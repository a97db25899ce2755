/** Launches the workstation's Chromium-based browser through playwright-core with a fresh profile, and saves screenshots. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { describeSearch, findBrowser } from '../../../src-main/reports/browser-finder';
import { ROOT } from './app';

/** Chromium flags for a quiet, headless, sandbox-less run in CI containers. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where screenshots go. */
export const ARTIFACTS = join(ROOT, 'test-results/artifacts/e2e');

/** A browser context over a temporary profile. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** The browser the tests drive: `$CHROMIUM_PATH`, else the one the app's PDF export would find (`$OCM_CHROMIUM` first). */
export function browserExecutable(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const search = findBrowser();
  if (search.found) return search.found.path;
  throw new Error(`No Chromium-based browser for the end-to-end tests. Looked for:\n  ${describeSearch(search.searched).join('\n  ')}\nRun \`npm test\`: it prints the install command for this platform.`);
}

/** Opens Chromium at 1440×900 with a new user-data dir. */
export async function launchBrowser(options: { colorScheme?: 'dark' | 'light' } = {}): Promise<Browser> {
  const executablePath = browserExecutable();
  const profile = mkdtempSync(join(tmpdir(), 'ocm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'dark',
    locale: 'en-US',
    timezoneId: 'Asia/Riyadh',
  });
  // tsx/esbuild keep function names through a `__name` helper, which code sent to page.evaluate needs too.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-window screenshot under test-results/artifacts/e2e. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Saves a full-window screenshot named after an issue item (`issue14-item2-…`) under test-results/artifacts. */
export async function issueScreenshot(page: Page, name: string): Promise<string> {
  const directory = join(ROOT, 'test-results/artifacts');
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Starts listening for the next `ocm:<name>` event whose detail contains `match` (partial, by equality);
 * returns a function that resolves with its detail. Arm before the action that triggers the event.
 */
export async function armAppEvent(page: Page, name: string, match: Record<string, unknown> = {}): Promise<() => Promise<unknown>> {
  const handle = await page.evaluateHandle(
    // Wrapped in an object: evaluateHandle would otherwise wait for the promise itself.
    ([eventName, expected]) => ({
      promise: new Promise((resolve) => {
        const listener = (event: Event) => {
          const detail = (event as CustomEvent).detail as Record<string, unknown>;
          if (Object.entries(expected).every(([key, value]) => JSON.stringify(detail?.[key]) === JSON.stringify(value))) {
            window.removeEventListener(`ocm:${eventName}`, listener);
            resolve(detail);
          }
        };
        window.addEventListener(`ocm:${eventName}`, listener);
      }),
    }),
    [name, match] as const,
  );
  return () => handle.evaluate((armed) => armed.promise);
}

/** Launches the browser on the workbench at `url` and waits until it is ready. */
export async function openWorkbench(url: string): Promise<Browser> {
  const browser = await launchBrowser();
  await browser.page.goto(url);
  await browser.page.waitForSelector('[data-testid="workbench"][data-ready="true"]');
  return browser;
}

/** Fills the instance editor's connection fields. */
export async function fillInstanceForm(editor: Locator, fields: { name: string; url: string; db: string; login: string; password: string }): Promise<void> {
  for (const [key, value] of Object.entries(fields)) await editor.getByTestId(`instance-${key}`).fill(value);
}
