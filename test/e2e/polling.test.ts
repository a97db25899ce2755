/**
 * End-to-end: watching an Odoo without the module from the workbench (browser mode, Debian Chromium,
 * the real services with the sync engine in its worker, the simulator's `plain` database). The
 * connection test offers to watch without the module, the model picker adds a model, and the timeline
 * shows creates, tracked writes with their values and a deletion, each with its origin; server deletes
 * are not offered. Every wait is on something the app emits, never a sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../../src-main/simulator/index';
import { startApp, type RunningApp } from './support/app';
import { armAppEvent, fillInstanceForm, openWorkbench, screenshot, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';

let simulator: RunningSimulator;
let app: RunningApp;
let browser: Browser;
let page: Page;
const NAME = 'Odoo Online shop';

/** Waits until the active timeline shows at least `total` rows. */
async function waitForTotal(total: number): Promise<void> {
  await page.waitForFunction(
    (wanted: number) => {
      const view = document.querySelector<HTMLElement>('[data-active-tab="true"] [data-testid="timeline-view"]');
      return !!view && view.dataset.state === 'ready' && Number(view.dataset.total) >= wanted && view.querySelectorAll('.timeline-row:not(.loading)').length >= Math.min(wanted, 10);
    },
    total,
    { timeout: 30_000 },
  );
}

beforeAll(async () => {
  ensureRendererBuilt();
  simulator = await startSimulator({ trafficDatabases: [] });
  app = await startApp();
  browser = await openWorkbench(app.server.url);
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await simulator?.close();
});

describe('watching an Odoo without the module', () => {
  it('is offered by the connection test, and saved with a model picked from the server', async () => {
    await page.getByTestId('add-instance').click();
    const editor = page.getByTestId('instance-editor');
    await fillInstanceForm(editor, { name: NAME, url: simulator.url, db: 'plain', login: 'admin', password: 'admin' });

    let tested = await armAppEvent(page, 'connection-tested');
    await editor.getByTestId('instance-test').click();
    expect(((await tested()) as { failed: string[] }).failed).toEqual(['change-log']);
    tested = await armAppEvent(page, 'connection-tested');
    await editor.getByTestId('offer-polling').click(); // switches the source and tests again
    expect(((await tested()) as { ok: boolean }).ok).toBe(true);
    expect(await editor.locator('[data-check="watch"]').getAttribute('data-status')).toBe('ok');
    expect(await editor.getByTestId('source-polling').isChecked()).toBe(true);
    expect(await editor.getByTestId('polling-note').textContent()).toContain('several writes between two polls merge into one event');

    await editor.getByTestId('load-models').click();
    await editor.getByTestId('model-search').fill('currency');
    await editor.locator('[data-testid="model-picker"] [data-model="res.currency"]').click();
    await editor.locator('[data-testid="watched-models"] [data-model="res.currency"]').waitFor();
    expect(await editor.locator('[data-testid="watched-models"] li').count()).toBe(11);
    await screenshot(page, 'instance-editor-polling');

    const saved = await armAppEvent(page, 'instance-saved');
    await editor.getByTestId('instance-save').click();
    await saved();
    await page.locator(`[data-testid="instance-tree"] [data-instance="${NAME}"][data-state="up-to-date"]`).waitFor({ timeout: 30_000 });
    const [instance] = await app.services.instances.list();
    expect(instance).toMatchObject({ source: 'polling', watchedModels: expect.arrayContaining(['res.partner', 'res.currency']) });
  });

  it('shows creates, tracked writes with their values and a deletion, each with its origin', async () => {
    const db = simulator.database('plain');
    const [instance] = await app.services.instances.list();
    // The first pass took the baseline: history starts now.
    const [partner] = db.create('res.partner', { name: 'Online Customer', email: 'online@example.com' });
    const [product] = db.recordIds('product.template');
    db.write('product.template', [product], { list_price: 77 }, 'demo');
    await app.services.sync.syncNow(instance.id);
    await page.locator(`[data-testid="instance-tree"] [data-instance="${NAME}"] .tree-row`).click();
    await waitForTotal(2);
    db.write('res.partner', [partner], { email: 'changed@example.com' });
    await app.services.sync.syncNow(instance.id);
    await waitForTotal(3);
    db.unlink('res.partner', [partner]);
    await app.services.sync.syncNow(instance.id);
    await waitForTotal(4);

    const view = page.locator('[data-active-tab="true"] [data-testid="timeline-view"]');
    const rows = view.locator('.timeline-row:not(.loading)');
    const origins = await rows.evaluateAll((elements) =>
      elements.map((row) => `${row.querySelector('.cell-model .technical')?.textContent} ${row.querySelector('.cell-event')?.textContent} ${row.querySelector('.origin-badge')?.getAttribute('data-origin')}`),
    );
    expect(origins).toEqual(
      expect.arrayContaining(['res.partner Created polling', 'product.template Updated tracking', 'res.partner Updated tracking', 'res.partner Deleted polling']),
    );
    expect(await view.getByTestId('delete-matching').count()).toBe(0);

    // The tracked price: its values travel with the row; the drawer names its origin and offers no server delete.
    const { rows: mirrored } = await app.services.changes.timeline({ filter: { instanceIds: [instance.id], models: ['product.template'] }, limit: 10 });
    expect(mirrored[0]).toMatchObject({ origin: 'tracking', userName: 'Marc Demo', changedFields: ['list_price'] });
    expect(mirrored[0].values).toEqual([expect.objectContaining({ field: 'list_price', label: 'Sales Price', new: '77.0' })]);
    await view.locator(`.timeline-row[data-key="${mirrored[0].key}"]`).click();
    const drawer = page.getByTestId('details-drawer');
    await drawer.locator('.origin-badge[data-origin="tracking"]').waitFor();
    expect(await drawer.getByRole('button', { name: 'Delete on server…' }).count()).toBe(0);
    await screenshot(page, 'timeline-polling-en');

    const arabic = await armAppEvent(page, 'language-changed', { language: 'ar' });
    await app.services.settings.update({ language: 'ar' });
    await arabic();
    expect(await page.locator('[data-active-tab="true"] .origin-badge[data-origin="tracking"]').first().textContent()).toContain('تتبع أودو');
    await screenshot(page, 'timeline-polling-ar');
    const english = await armAppEvent(page, 'language-changed', { language: 'en' });
    await app.services.settings.update({ language: 'en' });
    await english();
  });
});
