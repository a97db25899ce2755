/**
 * End-to-end (Debian Chromium at 1440×900, the real services and sync worker, the Odoo simulator over
 * loopback): the rest of what the issue-14 trial found untrue or rough, met the way a user meets it.
 * Saving a failing instance asks first and a refused login waits for its password (item 11), one
 * verdict for a test with a warning (item 8), search by the labels shown and a live record id (item 12),
 * the record's name and honest links in the details drawer (item 13), the app's own deletions reaching
 * the open timeline (item 2), a first mirror's progress (item 7), and a removed instance leaving no
 * debris (item 5). Every wait is on something the app emits (ocm:* events, data-* attributes, service
 * events), never a sleep.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSimulator, type RunningSimulator, type SimulatedDatabase } from '../../src-main/simulator/index';
import { startApp, type RunningApp } from './support/app';
import { armAppEvent, issueScreenshot, openWorkbench, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';
import { waitForMirror } from './support/mirror';

const INSTANCE = 'Riyadh ERP';

let simulator: RunningSimulator;
let db: SimulatedDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let instanceId: string;
/** The partners created on the server before the mirror: "Contact" finds them. */
let partners: number[];

const activeTab = () => page.locator('[data-active-tab="true"]');
const treeItem = (name: string) => page.locator(`[data-testid="instance-tree"] [data-instance="${name}"]`);

/** The issue's screenshots, named after their items. */
const screenshot = (name: string) => issueScreenshot(page, name);

/** Waits until the active timeline is ready for a filter matching `wanted` (a part of it, compared by JSON) and returns its total. */
async function waitForTimeline(wanted: Record<string, unknown>, total?: number): Promise<number> {
  const handle = await page.waitForFunction(
    ([part, count]) => {
      const view = document.querySelector<HTMLElement>('[data-active-tab="true"] [data-testid="timeline-view"]');
      if (!view || (view.dataset.state !== 'ready' && view.dataset.state !== 'empty') || !view.dataset.filter) return false;
      const filter = JSON.parse(view.dataset.filter) as Record<string, unknown>;
      if (!Object.entries(part).every(([key, value]) => JSON.stringify(filter[key]) === JSON.stringify(value))) return false;
      const shown = Number(view.dataset.total);
      return count === null || shown === count ? shown + 1 : false;
    },
    [wanted, total ?? null] as const,
    { timeout: 30_000 },
  );
  return ((await handle.jsonValue()) as number) - 1;
}

/** Opens (or focuses) the all-instances timeline, its filters cleared, with the Changes side bar shown. */
async function openAllInstances(): Promise<void> {
  const changes = page.getByTestId('activity-changes');
  if ((await changes.getAttribute('aria-selected')) !== 'true' || (await changes.getAttribute('aria-expanded')) !== 'true') await changes.click();
  await page.keyboard.press('Alt+1'); // view.timelineAll
  await activeTab().getByTestId('timeline-view').waitFor();
  const clear = activeTab().getByRole('button', { name: 'Clear filters' });
  if (await clear.count()) await clear.click();
  await waitForTimeline({});
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  ensureRendererBuilt();
  // Odoo 18 with the original module (its error log is not readable: the test passes with a warning), and
  // a second database, so links into Odoo must name theirs.
  simulator = await startSimulator({ databases: [{ name: 'seed', module: true, demo: false }, { name: 'plain', module: false, demo: false }] });
  db = simulator.database('seed');
  // One create per record: the original module logs only the first record of a batch.
  partners = ['Al Noor Trading', 'Gulf Tiles', 'Desert Rose'].flatMap((name) => db.create('res.partner', [{ name }]));
  for (let order = 0; order < 2; order++) db.create('sale.order', [{ partner_id: partners[0] }]);
  app = await startApp({ pass: { pageSize: 1000 } });
  browser = await openWorkbench(app.server.url);
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await simulator?.close();
});

describe('issue 14, round 2: the workbench tells the truth', () => {
  it('item 11: saving an instance whose test fails asks first; a refused login is not retried and says "password needed"', async () => {
    await page.getByTestId('add-instance').click();
    const editor = activeTab().getByTestId('instance-editor');
    await editor.getByTestId('instance-name').fill(INSTANCE);
    await editor.getByTestId('instance-url').fill(simulator.url);
    await editor.getByTestId('instance-db').fill('seed');
    await editor.getByTestId('instance-login').fill('admin');
    await editor.getByTestId('instance-password').fill('wrong-password');

    // Save without testing: the test runs first, fails at the login, and the save waits for the answer.
    const asked = await armAppEvent(page, 'save-confirmation');
    await editor.getByTestId('instance-save').click();
    expect(await asked()).toEqual({ failed: ['login'] });
    const dialog = page.getByTestId('save-failing-dialog');
    expect(await dialog.textContent()).toContain('Failed: Login.');
    expect(await app.services.instances.list()).toEqual([]);

    const saved = await armAppEvent(page, 'instance-saved');
    await dialog.getByTestId('save-anyway').click();
    instanceId = ((await saved()) as { id: string }).id;
    // The engine logs in once, is refused, and waits for the password instead of retrying with backoff.
    await treeItem(INSTANCE).and(page.locator('[data-password-needed="true"]')).waitFor({ timeout: 30_000 });
    expect(await treeItem(INSTANCE).getByTestId('password-needed').textContent()).toContain('Password needed');
    await page.locator('[data-testid="activity-panel"] [data-message-key="sync.passwordNeeded"]').first().waitFor();
    await screenshot('issue14-item11-password-needed');
  });

  it('item 8: a test with a warning reads "Passed with 1 warning", as the CLI says it; the right password syncs', async () => {
    const editor = activeTab().getByTestId('instance-editor');
    await editor.getByTestId('instance-password').fill('admin');
    const tested = await armAppEvent(page, 'connection-tested');
    await editor.getByTestId('instance-test').click();
    expect(((await tested()) as { ok: boolean }).ok).toBe(true);
    const verdict = editor.getByTestId('checks-verdict');
    expect(await verdict.getAttribute('data-outcome')).toBe('warnings');
    expect(await verdict.textContent()).toBe('Connection test: Passed with 1 warning: Error log (webhook.errors).');
    await screenshot('issue14-item8-passed-with-warning');

    // While the password was wrong, the refused login was tried once: nothing retried it meanwhile.
    const refusals = (await app.services.sync.activity({ instanceId })).filter((entry) => entry.messageKey === 'sync.passwordNeeded');
    expect(refusals).toHaveLength(1);

    const saved = await armAppEvent(page, 'instance-saved');
    await editor.getByTestId('instance-save').click(); // the test on screen was run with this input: no second test, no question
    await saved();
    await treeItem(INSTANCE).and(page.locator('[data-state="up-to-date"]')).waitFor({ timeout: 30_000 });
    expect(await treeItem(INSTANCE).getAttribute('data-password-needed')).toBeNull();
    await waitForMirror(app.services, { instanceIds: [instanceId] }, (rows) => rows.length === db.webhookRows().length, { instanceId });
  });

  it('item 12: free text finds the labels shown ("Contact"), and the record id applies as it is typed', async () => {
    await openAllInstances();
    const partnerRows = await app.services.changes.count({ models: ['res.partner'] });
    expect(partnerRows).toBeGreaterThan(0);
    const rendered = await armAppEvent(page, 'rows-rendered', { filterKey: JSON.stringify({ text: 'Contact' }) });
    await activeTab().getByTestId('filter-text').fill('Contact');
    expect(await waitForTimeline({ text: 'Contact' }, partnerRows)).toBe(partnerRows);
    await rendered();
    const models = await activeTab().locator('.timeline-row:not(.loading) .cell-model').allTextContents();
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect(model).toContain('Contact');

    // No Enter, no leaving the field: the record id applies like the text.
    await activeTab().getByTestId('filter-record').fill(String(partners[1]));
    await waitForTimeline({ text: 'Contact', recordId: partners[1] }, 1);
    await activeTab().getByRole('button', { name: 'Clear filters' }).click();
    await waitForTimeline({});
  });

  it('item 13: the drawer names the record, links into its database, and offers no link for a deleted record', async () => {
    await activeTab().getByTestId('filter-record').fill(String(partners[0]));
    await waitForTimeline({ recordId: partners[0] });
    const described = await armAppEvent(page, 'record-described');
    await activeTab().locator('.timeline-row:not(.loading)').filter({ hasText: 'Contact' }).first().click();
    expect(await described()).toMatchObject({ name: 'Al Noor Trading', exists: true });
    const drawer = page.getByTestId('details-drawer');
    expect(await drawer.getByTestId('record-name').textContent()).toContain('Al Noor Trading');
    // Two databases on that server: the link names its own, by Odoo 18's route.
    expect(await drawer.getByTestId('open-in-odoo').getAttribute('href')).toBe(`${simulator.url}/odoo/res.partner/${partners[0]}?db=seed`);
    await screenshot('issue14-item13-record-name');

    // Deleted in Odoo: the log says so, and there is nothing to open.
    db.unlink('res.partner', [partners[2]]);
    await waitForMirror(app.services, { recordId: partners[2], events: ['unlink'] }, (rows) => rows.length === 1, { instanceId });
    await activeTab().getByTestId('filter-record').fill(String(partners[2]));
    await waitForTimeline({ recordId: partners[2] });
    const gone = await armAppEvent(page, 'record-described');
    await activeTab().locator('.timeline-row:not(.loading)').filter({ hasText: 'Contact' }).last().click();
    expect(await gone()).toMatchObject({ exists: false });
    await drawer.getByTestId('record-deleted').waitFor();
    expect(await drawer.getByTestId('open-in-odoo').count()).toBe(0);
    await page.keyboard.press('Escape');
    await activeTab().getByRole('button', { name: 'Clear filters' }).click();
    await waitForTimeline({});
  });

  it('item 2: a row deleted from the workbench shows as removed at once, live tail off, without a reload', async () => {
    await activeTab().getByRole('checkbox', { name: 'Live tail' }).uncheck();
    const row = activeTab().locator('.timeline-row:not(.loading):not(.removed)').filter({ hasText: 'Sales Order' }).first();
    const key = (await row.getAttribute('data-key'))!;
    await row.click();
    const drawer = page.getByTestId('details-drawer');
    await drawer.getByRole('button', { name: 'Delete on server…' }).click();
    const dialog = page.getByTestId('delete-dialog');
    await dialog.getByTestId('delete-summary').waitFor();
    const deleted = await armAppEvent(page, 'rows-deleted');
    await dialog.getByTestId('delete-confirm').click();
    expect(await deleted()).toEqual({ deleted: 1 });
    // The open timeline hears of it: the row is marked removed by the user where it is, the drawer too.
    await activeTab().locator(`.timeline-row.removed[data-key="${key}"]`).waitFor({ timeout: 10_000 });
    await drawer.getByRole('button', { name: 'Delete on server…' }).waitFor({ state: 'detached' });
    const [local] = (await app.services.changes.timeline({ filter: { instanceIds: [instanceId] }, limit: 1000 })).rows.filter((candidate) => candidate.key === key);
    expect(local.removedBy).toBe('user');
    await dialog.locator('.dialog-footer button').click();
    await dialog.waitFor({ state: 'detached' });
    await screenshot('issue14-item2-deleted-row-shown-removed');
    await drawer.getByRole('button', { name: 'Close details' }).click();
    await activeTab().getByRole('checkbox', { name: 'Live tail' }).check();
  });

  it('item 7: a first mirror shows rows, rate and time left in the side bar and the status bar, and rows land in the timeline as pages arrive', async () => {
    // A big log behind a slow link, so the first mirror takes seconds, page after page.
    const big = await startSimulator({ databases: [{ name: 'big', module: true, demo: false, syntheticRows: 30_000 }] });
    try {
      big.faults.setLatency(250);
      await openAllInstances();
      const added = await app.services.instances.add({ name: 'Jeddah Archive', url: big.url, db: 'big', login: 'admin', password: 'admin' });
      const progress = page.locator(`[data-testid="side-bar"] [data-testid="sync-progress"][data-instance-id="${added.id}"]`);
      await progress.waitFor({ timeout: 30_000 });
      await treeItem('Jeddah Archive').locator('.tree-row').click();
      // Mid-mirror: the rate and time left are known, rows are done but not all, and the instance's
      // timeline already holds rows.
      const seen = await page.waitForFunction(
        (id) => {
          const bar = document.querySelector<HTMLElement>(`[data-testid="side-bar"] [data-testid="sync-progress"][data-instance-id="${id}"]`);
          const view = document.querySelector<HTMLElement>('[data-active-tab="true"] [data-testid="timeline-view"]');
          if (!bar || !view || view.dataset.state !== 'ready') return false;
          const done = Number(bar.dataset.done);
          const total = Number(bar.dataset.total);
          if (!(done > 0 && done < total) || !bar.dataset.rate || !bar.dataset.secondsLeft) return false;
          return { done, total, rate: Number(bar.dataset.rate), timeline: Number(view.dataset.total), words: bar.textContent };
        },
        added.id,
        { timeout: 60_000 },
      );
      const state = (await seen.jsonValue()) as { done: number; total: number; rate: number; timeline: number; words: string };
      expect(state.total).toBe(30_000);
      expect(state.rate).toBeGreaterThan(0);
      expect(state.timeline).toBeGreaterThan(0);
      expect(state.words).toMatch(/of 30,000 rows · [\d,]+ rows\/s · .+ left/);
      expect(await page.locator('[data-testid="status-bar"] [data-testid="sync-progress"]').count()).toBe(1);
      await screenshot('issue14-item7-first-mirror-progress');
      big.faults.clear();
      await treeItem('Jeddah Archive').and(page.locator('[data-state="up-to-date"]')).waitFor({ timeout: 120_000 });
      expect(await progress.count()).toBe(0);
      await app.services.instances.remove(added.id, { keepHistory: false });
      await treeItem('Jeddah Archive').waitFor({ state: 'detached' });
    } finally {
      await big.close();
    }
  });

  it('item 5: removing an instance leaves no debris: no badge, history kept only when asked, under its name marked removed', async () => {
    // A failing instance puts a badge on the Instances icon; removing it (history not kept, the default) clears it.
    const broken = await app.services.instances.add({ name: 'Broken Link', url: `http://127.0.0.1:${await closedPort()}`, db: 'seed', login: 'admin', password: 'admin' });
    const badge = page.getByTestId('activity-instances').locator('.activity-badge');
    await badge.waitFor({ timeout: 30_000 });
    await treeItem('Broken Link').hover();
    await page.getByRole('button', { name: 'Edit: Broken Link' }).click();
    await activeTab().getByRole('button', { name: 'Remove…' }).click();
    let dialog = page.getByTestId('remove-instance-dialog');
    expect(await dialog.getByTestId('keep-history').isChecked()).toBe(false);
    expect(await dialog.textContent()).toContain('marked “removed instance”');
    await dialog.locator('.dialog-footer .button.danger').click();
    await treeItem('Broken Link').waitFor({ state: 'detached' });
    await badge.waitFor({ state: 'detached' });
    expect((await app.services.instances.list({ includeRemoved: true })).some((instance) => instance.id === broken.id)).toBe(false);

    // Keeping the history, asked for: the rows stay, under the instance's name, marked removed.
    await treeItem(INSTANCE).hover();
    await page.getByRole('button', { name: `Edit: ${INSTANCE}` }).click();
    await activeTab().getByRole('button', { name: 'Remove…' }).click();
    dialog = page.getByTestId('remove-instance-dialog');
    await dialog.getByTestId('keep-history').check();
    await dialog.locator('.dialog-footer .button.danger').click();
    await treeItem(INSTANCE).waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+1'); // the all-instances timeline: with no instance left, only the kept history
    const timeline = await app.services.changes.count({ instanceIds: [instanceId] });
    expect(timeline).toBeGreaterThan(0);
    await page.waitForFunction(
      (name) => {
        const cells = [...document.querySelectorAll('[data-active-tab="true"] .timeline-row:not(.loading) .cell-instance')].map((cell) => cell.textContent ?? '');
        return cells.length > 0 && cells.every((text) => text === `${name} (removed instance)`);
      },
      INSTANCE,
      { timeout: 30_000 },
    );
    const activity = await page.locator('[data-testid="activity-panel"] .log-instance').allTextContents();
    expect(activity).toContain(`${INSTANCE} (removed instance)`);
    expect(activity.some((text) => /^[0-9a-f]{8}-/.test(text))).toBe(false);
    expect(await badge.count()).toBe(0);
    // No tab is left of an instance removed without its history (Jeddah Archive, removed in item 7 by
    // the service, not the dialog), and none is titled by an internal id.
    const titles = await page.getByTestId('tab-strip').locator('[role="tab"]').allTextContents();
    expect(titles.some((title) => title.includes('Jeddah Archive') || /[0-9a-f]{8}-[0-9a-f]{4}-/.test(title)), titles.join(' | ')).toBe(false);
    await screenshot('issue14-item5-removed-instance-history');
  });
});
