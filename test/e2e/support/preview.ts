/**
 * Manual preview: starts the simulator (with traffic), the app and Chromium, adds the simulator as an
 * instance, and saves screenshots. `npx tsx test/e2e/support/preview.ts [outDir]`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../../src-main/simulator/index';
import { startApp } from './app';
import { launchBrowser } from './browser';
import { ensureRendererBuilt } from './build';

const out = process.argv[2] ?? join(tmpdir(), 'ocm-ui');
ensureRendererBuilt();
const simulator = await startSimulator({ trafficRate: 5, flavour: 'fixed' });
const app = await startApp();
const browser = await launchBrowser();
try {
  await app.services.instances.add({ name: 'Riyadh ERP', url: simulator.url, db: 'seed', login: 'admin', password: 'admin', production: true });
  const page = browser.page;
  page.on('console', (message) => console.log('[console]', message.type(), message.text()));
  page.on('pageerror', (error) => console.log('[pageerror]', error.message));
  await page.goto(app.server.url);
  await page.waitForSelector('[data-ready="true"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline-view"]')?.getAttribute('data-total') || 0) > 0, undefined, { timeout: 30000 });
  await page.waitForSelector('.timeline-row:not(.loading)');
  await page.screenshot({ path: `${out}/en.png` });
  await page.locator('.timeline-row:not(.loading)').first().click();
  await page.waitForSelector('[data-testid="details-drawer"]');
  await page.screenshot({ path: `${out}/details.png` });
  await app.services.settings.update({ language: 'ar' });
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await page.waitForSelector('.timeline-row:not(.loading)');
  await page.screenshot({ path: `${out}/ar.png` });
  await app.services.settings.update({ language: 'en', theme: 'light' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  await page.screenshot({ path: `${out}/light.png` });
} finally {
  await browser.close();
  await app.close();
  await simulator.close();
}
