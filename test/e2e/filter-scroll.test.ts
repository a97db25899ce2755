/**
 * End-to-end: a new filter shows its newest rows at the top, wherever the previous result was scrolled
 * (the list used to keep a far scroll position, so a smaller result showed its oldest rows, or none
 * until they loaded). Rows refetched for the same filter keep their place (issue14-round2, item 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../../src-main/simulator/index';
import { startApp, type RunningApp } from './support/app';
import { armAppEvent, openWorkbench, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';
import { waitForMirror } from './support/mirror';

let simulator: RunningSimulator;
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureRendererBuilt();
  simulator = await startSimulator({ flavour: 'fixed', trafficDatabases: [] });
  const db = simulator.database('seed');
  // Far more rows than the list shows at once; a few sale orders to filter down to.
  const partners = Array.from({ length: 300 }, (_, index) => db.create('res.partner', [{ name: `Partner ${index}` }])[0]);
  for (let index = 0; index < 5; index++) db.create('sale.order', [{ partner_id: partners[index] }]);
  app = await startApp();
  const instanceId = (await app.services.instances.add({ name: 'Seed', url: simulator.url, db: 'seed', login: 'admin', password: 'admin' })).id;
  await waitForMirror(app.services, {}, (rows) => rows.length >= db.webhookRows().length, { instanceId });
  browser = await openWorkbench(app.server.url);
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await simulator?.close();
});

describe('the timeline list and a new filter', () => {
  it('starts the new result at its newest row, not at the old scroll position', async () => {
    const list = page.locator('[data-active-tab="true"] [data-testid="timeline-list"]');
    await page.locator('[data-active-tab="true"] .timeline-row:not(.loading)').first().waitFor();
    await list.evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    expect(await list.evaluate((element) => element.scrollTop)).toBeGreaterThan(1000);

    const newest = (await app.services.changes.timeline({ filter: { models: ['sale.order'] }, limit: 1 })).rows[0];
    const filterKey = JSON.stringify({ text: 'sale.order' });
    const rendered = await armAppEvent(page, 'rows-rendered', { filterKey });
    await page.locator('[data-active-tab="true"]').getByTestId('filter-text').fill('sale.order');
    await rendered();
    expect(await list.evaluate((element) => element.scrollTop)).toBe(0);
    expect(await page.locator('[data-active-tab="true"] .timeline-row:not(.loading)').first().getAttribute('data-key')).toBe(newest.key);
  });
});
