/**
 * End-to-end in Chromium against the real services and the simulator: a price change shows old → new in
 * the details drawer (and in the record's values over time), is found by the value filter, and leaves a
 * line per field change in a CSV export and a "value changes" section in the PDF report; the alert rule
 * editor previews "would have fired N times in the last 7 days" from the mirror, saves the rule, and the
 * next unlink on account.move shows a desktop notification through the browser's Notification API.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src-main/simulator/index';
import { startApp, type RunningApp } from './support/app';
import { ARTIFACTS, armAppEvent, launchBrowser, screenshot, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';
import { waitForMirror } from './support/mirror';

let simulator: RunningSimulator;
let app: RunningApp;
let browser: Browser;
let page: Page;
let instanceId: string;
let product: number;

const active = () => page.locator('[data-active-tab="true"]');

beforeAll(async () => {
  ensureRendererBuilt();
  simulator = await startSimulator({ flavour: 'fixed', seed: 17, databases: [{ name: 'shop' }] });
  app = await startApp();
  browser = await launchBrowser();
  page = browser.page;
  await browser.context.grantPermissions(['notifications'], { origin: new URL(app.server.url).origin });
  // Records each notification the page shows (the browser's own Notification still shows it).
  await browser.context.addInitScript(() => {
    const Native = window.Notification;
    const shown: { title: string; body?: string; tag?: string }[] = [];
    (window as unknown as { __notices: typeof shown }).__notices = shown;
    class Recorded extends Native {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body, tag: options?.tag });
      }
    }
    window.Notification = Recorded as typeof Notification;
  });
  instanceId = (await app.services.instances.add({ name: 'Shop', url: simulator.url, db: 'shop', login: 'admin', password: 'admin' })).id;
  await waitForMirror(app.services, {}, (rows) => rows.length > 0, { instanceId });
  const db = simulator.database('shop');
  product = db.recordIds('product.template')[0];
  db.write('product.template', [product], { list_price: 12.5 });
  await waitForMirror(app.services, { models: ['product.template'], changedField: 'list_price' }, (rows) => rows.some((row) => row.recordId === product && row.values?.length), { instanceId });
  await page.goto(app.server.url);
  await page.waitForSelector('[data-testid="workbench"][data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await simulator?.close();
});

describe('old → new values', () => {
  it('finds the price change with the value filter and shows old → new in the drawer', async () => {
    await active().getByTestId('filter-value').fill('12.5');
    await page.waitForFunction(() => {
      const view = document.querySelector<HTMLElement>('[data-active-tab="true"] [data-testid="timeline-view"]');
      return view?.dataset.state === 'ready' && JSON.parse(view.dataset.filter || '{}').value?.text === '12.5' && Number(view.dataset.total) >= 1;
    });
    const opened = await armAppEvent(page, 'details-opened');
    await active().locator(`.timeline-row:not(.loading)`).first().click();
    await opened();
    const drawer = page.getByTestId('details-drawer');
    const price = drawer.getByTestId('value-changes').locator('[data-field="list_price"]');
    await price.waitFor();
    const [oldText, newText] = await Promise.all([price.locator('[data-side="old"]').textContent(), price.locator('[data-side="new"]').textContent()]);
    expect(newText).toContain('12.5');
    expect(oldText).not.toContain('12.5');
    await screenshot(page, 'values-drawer');
    const history = drawer.getByTestId('value-history').locator('[data-field="list_price"]');
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, 'values-history');
  });

  it('exports one CSV line per field change, with the old and new price', async () => {
    await active().getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format').selectOption('csv');
    await dialog.getByTestId('export-field-changes').check();
    const finished = await armAppEvent(page, 'export-finished');
    await dialog.getByTestId('export-start').click();
    await finished();
    const href = await dialog.getByTestId('export-result').getByRole('link', { name: 'Download' }).getAttribute('href');
    const text = await (await fetch(new URL(href!, app.server.url))).text();
    const [header, ...lines] = text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(header.endsWith('field,field_label,field_type,old_value,new_value')).toBe(true);
    const priceLine = lines.find((line) => line.includes(',list_price,'));
    expect(priceLine).toMatch(/,list_price,[^,]*,float,[^,]+,12\.5/);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it('puts the price change in the PDF report', async () => {
    // The workbench's exports land in the downloads folder; the copy under test-results is for people.
    const result = await app.services.reports.export({ format: 'pdf', filter: { instanceIds: [instanceId], models: ['product.template'] }, language: 'en' });
    expect(result.rows).toBeGreaterThan(0);
    mkdirSync(join(ARTIFACTS, '..', 'reports'), { recursive: true });
    copyFileSync(result.path!, join(ARTIFACTS, '..', 'reports', 'values-report.pdf'));
    const text = execFileSync('pdftotext', ['-layout', result.path!, '-'], { encoding: 'utf8' });
    expect(text).toContain('Value changes');
    expect(text).toContain('list_price');
    expect(text).toMatch(/Sales Price\s+\S+\s+12\.5/); // label, old value, new value in one row
  });
});

describe('alert rule editor', () => {
  it('previews against the mirror, saves, and shows a desktop notification for the next unlink', async () => {
    const db = simulator.database('shop');
    const [first, second] = db.recordIds('account.move');
    db.unlink('account.move', [first]);
    await waitForMirror(app.services, { models: ['account.move'], events: ['unlink'] }, (rows) => rows.length >= 1, { instanceId });
    const expected = await app.services.changes.count({ models: ['account.move'], events: ['unlink'], from: new Date(Date.now() - 7 * 86400_000).toISOString() });
    expect(expected).toBeGreaterThanOrEqual(1);

    await page.getByTestId('activity-alerts').click();
    const view = active().getByTestId('alerts-view');
    await view.getByTestId('new-rule').click();
    const editor = view.getByTestId('rule-editor');
    await editor.getByTestId('rule-name').fill('gone');
    let preview = await armAppEvent(page, 'alert-preview', { kind: 'change' });
    await editor.getByTestId('rule-models').fill('account.move');
    await preview();
    preview = await armAppEvent(page, 'alert-preview', { events: expected });
    await editor.getByTestId('rule-event-unlink').check();
    await preview();
    const shown = editor.getByTestId('rule-preview');
    expect(await shown.getAttribute('data-events')).toBe(String(expected));
    expect(await shown.textContent()).toContain(expected === 1 ? 'Would have fired once in the last 7 days.' : `Would have fired ${expected} times in the last 7 days.`);
    await screenshot(page, 'alert-rule-editor');
    await editor.getByTestId('rule-group').fill('0');
    const saved = await armAppEvent(page, 'alert-saved', { name: 'gone' });
    await editor.getByTestId('rule-save').click();
    await saved();
    await view.locator('[data-testid="rule-list"] [data-rule="gone"]').waitFor();

    const notified = await armAppEvent(page, 'alert-notified');
    db.unlink('account.move', [second]);
    void app.services.sync.syncNow(instanceId);
    expect(((await notified()) as { shown: boolean }).shown).toBe(true);
    const notices = await page.evaluate(() => (window as unknown as { __notices: { title: string; body: string }[] }).__notices);
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toBe('gone');
    expect(notices[0].body).toMatch(/Journal Entry \(account\.move\) #\d+ deleted on Shop/);
    await view.locator('[data-testid="delivery-log"] tr[data-channel="desktop"][data-state="sent"]').waitFor();
    await screenshot(page, 'alerts-view');

    // The same view in Arabic, right to left.
    const arabic = await armAppEvent(page, 'language-changed', { language: 'ar' });
    await app.services.settings.update({ language: 'ar' });
    await arabic();
    expect(await view.locator('.view-header h2').textContent()).toBe('قواعد التنبيه');
    expect(await view.locator('[data-testid="delivery-log"] tr[data-channel="desktop"] td').nth(4).textContent()).toContain('أُرسل');
    await screenshot(page, 'alerts-view-ar');
    const english = await armAppEvent(page, 'language-changed', { language: 'en' });
    await app.services.settings.update({ language: 'en' });
    await english();
  });
});
