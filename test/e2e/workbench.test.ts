/**
 * End-to-end: the workbench in browser mode (Debian Chromium) against the real services and the Odoo
 * simulator. Every wait is on something the app emits (ocm:* events, data-* attributes), never a sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../../src-main/simulator/index';
import { startApp, type RunningApp } from './support/app';
import { armAppEvent, openWorkbench, screenshot, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';
import { waitForMirror } from './support/mirror';

let simulator: RunningSimulator;
let app: RunningApp;
let browser: Browser;
let page: Page;

const timelineTotal = () => page.locator('[data-active-tab="true"] [data-testid="timeline-view"]').getAttribute('data-total').then(Number);

/** What the active timeline must show; every given part must hold. */
interface TimelineCondition {
  minTotal?: number;
  minRows?: number;
  /** Filter keys that must be set, or must be absent. */
  has?: string[];
  lacks?: string[];
  /** Filter members that must equal these values (compared as JSON). */
  equals?: Record<string, unknown>;
}

/** Waits until the active timeline is ready and meets `condition` (read from its data-* attributes). */
async function waitForActiveTimeline(condition: TimelineCondition): Promise<void> {
  await page.waitForFunction(
    (wanted: TimelineCondition) => {
      const view = document.querySelector<HTMLElement>('[data-active-tab="true"] [data-testid="timeline-view"]');
      if (!view || view.dataset.state !== 'ready') return false;
      const total = Number(view.dataset.total);
      const filter = JSON.parse(view.dataset.filter || '{}') as Record<string, unknown>;
      const rows = view.querySelectorAll('.timeline-row:not(.loading)').length;
      if (wanted.minTotal !== undefined && total < wanted.minTotal) return false;
      if (wanted.minRows !== undefined && rows < wanted.minRows) return false;
      if (wanted.has?.some((key) => filter[key] === undefined)) return false;
      if (wanted.lacks?.some((key) => filter[key] !== undefined)) return false;
      return Object.entries(wanted.equals ?? {}).every(([key, value]) => JSON.stringify(filter[key]) === JSON.stringify(value));
    },
    condition,
    { timeout: 30_000 },
  );
}

beforeAll(async () => {
  ensureRendererBuilt();
  simulator = await startSimulator({ flavour: 'fixed' });
  app = await startApp();
  browser = await openWorkbench(app.server.url);
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await simulator?.close();
});

describe('workbench in browser mode', () => {
  it('adds an instance: a wrong password gets its own message, the right one passes every check', async () => {
    await page.getByTestId('add-instance').click();
    const editor = page.getByTestId('instance-editor');
    await editor.getByTestId('instance-name').fill('Riyadh ERP');
    await editor.getByTestId('instance-url').fill(simulator.url);
    await editor.getByTestId('instance-db').fill('seed');
    await editor.getByTestId('instance-login').fill('admin');
    await editor.getByTestId('instance-password').fill('wrong-password');

    let tested = await armAppEvent(page, 'connection-tested');
    await editor.getByTestId('instance-test').click();
    const failedRun = (await tested()) as { ok: boolean; failed: string[] };
    expect(failedRun.ok).toBe(false);
    expect(failedRun.failed).toContain('login');
    const loginCheck = editor.locator('[data-check="login"]');
    await expect(loginCheck.getAttribute('data-status')).resolves.toBe('failed');
    expect((await loginCheck.locator('.check-message').textContent())?.length).toBeGreaterThan(5);
    expect(await editor.locator('[data-check="reach"]').getAttribute('data-status')).toBe('ok');

    await editor.getByTestId('instance-password').fill('admin');
    tested = await armAppEvent(page, 'connection-tested');
    await editor.getByTestId('instance-test').click();
    expect(((await tested()) as { ok: boolean }).ok).toBe(true);

    const saved = await armAppEvent(page, 'instance-saved');
    await page.getByTestId('instance-save').click();
    await saved();
    await page.locator('[data-testid="instance-tree"] [data-instance="Riyadh ERP"][data-state="up-to-date"]').waitFor({ timeout: 30_000 });
  });

  it("asks for the password again when the saved instance is pointed at another server, in English and Arabic", async () => {
    const editor = page.locator('[data-active-tab="true"]').getByTestId('instance-editor');
    const note = editor.getByTestId('instance-password-again');
    await editor.getByTestId('instance-url').fill(`${simulator.url}/odoo`); // same server: the saved password stays
    expect(await note.count()).toBe(0);
    await editor.getByTestId('instance-url').fill('https://elsewhere.example.com');
    await note.waitFor();
    expect(await note.textContent()).toContain('enter the password again');
    expect(await editor.getByTestId('instance-password').getAttribute('required')).not.toBeNull();
    // The workbench re-renders in the new language, the editor with the saved values: point it away again.
    const arabic = await armAppEvent(page, 'language-changed', { language: 'ar' });
    await app.services.settings.update({ language: 'ar' });
    await arabic();
    await editor.getByTestId('instance-url').fill('https://elsewhere.example.com');
    expect(await note.textContent()).toContain('أدخل كلمة المرور مرة أخرى');
    await screenshot(page, 'instance-password-again-ar');
    const english = await armAppEvent(page, 'language-changed', { language: 'en' });
    await app.services.settings.update({ language: 'en' });
    await english();
    await editor.getByTestId('instance-url').fill(simulator.url);
    await note.waitFor({ state: 'detached' });
  });

  it('shows live events arriving from the server', async () => {
    await page.locator('[data-testid="instance-tree"] .tree-row').first().click(); // All instances
    await waitForActiveTimeline({ minTotal: 1, minRows: 1 });
    const before = await timelineTotal();
    simulator.traffic.start(8);
    try {
      await waitForActiveTimeline({ minTotal: before + 5 });
    } finally {
      simulator.traffic.stop();
    }
    expect(await timelineTotal()).toBeGreaterThanOrEqual(before + 5);
    await screenshot(page, 'workbench-en');
  });

  it('filters by model through the facet', async () => {
    await page.locator('[data-active-tab="true"]').getByTestId('facet-model').click();
    const option = page.locator('[data-active-tab="true"] .facet-option').filter({ hasText: 'res.partner' });
    await option.locator('input').check();
    await page.keyboard.press('Escape');
    await waitForActiveTimeline({ equals: { models: ['res.partner'] }, minRows: 1 });
    const models = await page.locator('[data-active-tab="true"] .timeline-row:not(.loading) .cell-model .technical').allTextContents();
    expect(models.length).toBeGreaterThan(0);
    expect(new Set(models)).toEqual(new Set(['res.partner']));
    await page.locator('[data-active-tab="true"]').getByRole('button', { name: 'Clear filters' }).click();
    await waitForActiveTimeline({ lacks: ['models'] });
  });

  it('filters by a time range dragged on the histogram', async () => {
    simulator.database('seed').seedWebhookRows(400, { spanHours: 6 });
    const instance = page.locator('[data-testid="instance-tree"] [data-instance="Riyadh ERP"]');
    await instance.hover();
    await instance.getByRole('button', { name: 'Sync now: Riyadh ERP' }).click();
    await waitForActiveTimeline({ minTotal: 401 });
    const plot = page.locator('[data-active-tab="true"] [data-testid="histogram"] .u-over');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await waitForActiveTimeline({ has: ['from', 'to'] });
    const view = page.locator('[data-active-tab="true"] [data-testid="timeline-view"]');
    const filter = JSON.parse((await view.getAttribute('data-filter'))!) as { from: string; to: string };
    const total = Number(await view.getAttribute('data-total'));
    const full = await app.services.changes.count({});
    expect(total).toBeLessThan(full);
    expect(total).toBe(await app.services.changes.count({ from: filter.from, to: filter.to }));
    if (total > 0) {
      const stamps = await view.locator('.timeline-row:not(.loading) .cell-time').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('title')!.replace(' UTC', '').replace(' ', 'T') + 'Z'));
      for (const stamp of stamps) {
        expect(stamp >= filter.from && stamp < filter.to, `${stamp} in [${filter.from}, ${filter.to})`).toBe(true);
      }
    }
    await page.locator('[data-active-tab="true"]').getByTestId('preset-all').click();
    await waitForActiveTimeline({ lacks: ['from'] });
  });

  it('opens the details of a change, with Open in Odoo and the record history', async () => {
    // A record that exists on the server (synthetic log rows name records that do not): it has a link.
    const [partner] = simulator.database('seed').create('res.partner', [{ name: 'Details Test' }]);
    const [created] = await waitForMirror(app.services, { models: ['res.partner'], recordId: partner, events: ['create'] }, (rows) => rows.length === 1);
    const row = page.locator(`[data-active-tab="true"] .timeline-row[data-key="${created.key}"]`);
    await row.waitFor();
    const opened = await armAppEvent(page, 'details-opened');
    await row.click();
    const { key } = (await opened()) as { key: string };
    expect(key).toBe(created.key);
    const drawer = page.getByTestId('details-drawer');
    const link = drawer.getByRole('link', { name: 'Open in Odoo' });
    // The simulator hosts two databases: the link names its own.
    expect(await link.getAttribute('href')).toBe(`${simulator.url}/odoo/res.partner/${partner}?db=seed`);
    await drawer.getByRole('button', { name: 'Close details' }).click();
  });

  it('filters on the richer fields of our addon: the user and a changed field', async () => {
    // The fixed flavour logs who changed what; pick a logged write that names its changed fields.
    const [write] = (await app.services.changes.timeline({ filter: { events: ['write'] }, limit: 500 })).rows.filter((row) => row.userName && row.changedFields?.length);
    expect(write, 'the simulator logged a write with user and changed fields').toBeDefined();
    await page.locator('[data-active-tab="true"]').getByTestId('filter-record').fill(String(write.recordId));
    await page.keyboard.press('Enter');
    await waitForActiveTimeline({ equals: { recordId: write.recordId }, minRows: 1 });
    await page.locator(`[data-active-tab="true"] .timeline-row[data-key="${write.key}"]`).click();
    const drawer = page.getByTestId('details-drawer');
    await drawer.getByTestId('filter-by-user').click();
    await waitForActiveTimeline({ equals: { users: [write.userName] }, minRows: 1 });
    await page.locator('[data-active-tab="true"]').getByTestId('chip-user').waitFor();
    await drawer.getByTestId('filter-by-field').first().click();
    await waitForActiveTimeline({ equals: { changedField: write.changedFields![0] }, minRows: 1 });
    const view = page.locator('[data-active-tab="true"] [data-testid="timeline-view"]');
    const expected = await app.services.changes.count({ recordId: write.recordId, users: [write.userName!], changedField: write.changedFields![0] });
    expect(Number(await view.getAttribute('data-total'))).toBe(expected);
    const users = await view.locator('.timeline-row:not(.loading) .cell-extra .user').allTextContents();
    expect(new Set(users)).toEqual(new Set([write.userName]));
    await drawer.getByRole('button', { name: 'Close details' }).click();
    await page.locator('[data-active-tab="true"]').getByRole('button', { name: 'Clear filters' }).click();
    await waitForActiveTimeline({ lacks: ['users', 'changedField', 'recordId'] });
  });

  it('runs commands from the command palette', async () => {
    await page.keyboard.press('Control+Shift+P');
    const palette = page.getByTestId('command-palette');
    await palette.waitFor();
    await palette.locator('input').fill('open errors');
    await page.keyboard.press('Enter');
    await page.locator('[data-active-tab="true"] [data-testid="errors-view"]').waitFor();
    await page.keyboard.press('Control+Shift+P');
    await palette.locator('input').fill('timeline of all');
    await page.keyboard.press('Enter');
    await waitForActiveTimeline({ minRows: 1 });
  });

  it('deletes a row on the server after a confirmation naming the instance and the count', async () => {
    const row = page.locator('[data-active-tab="true"] .timeline-row:not(.loading):not(.removed)').first();
    const key = (await row.getAttribute('data-key'))!;
    await row.click();
    await page.getByTestId('details-drawer').getByRole('button', { name: 'Delete on server…' }).click();
    const dialog = page.getByTestId('delete-dialog');
    await dialog.getByTestId('delete-summary').waitFor();
    const summary = await dialog.getByTestId('delete-summary').textContent();
    expect(summary).toContain('Riyadh ERP');
    expect(summary).toContain('1 row');
    const deleted = await armAppEvent(page, 'rows-deleted');
    await dialog.getByTestId('delete-confirm').click();
    expect(((await deleted()) as { deleted: number }).deleted).toBe(1);
    await dialog.getByTestId('delete-result').waitFor();
    const serverIds = new Set(simulator.database('seed').webhookRows().map((entry) => entry.id));
    const history = await app.services.changes.timeline({ filter: {}, limit: 5000 });
    const mirrored = history.rows.find((candidate) => candidate.key === key)!;
    expect(serverIds.has(mirrored.serverId)).toBe(false);
    expect(mirrored.removedBy).toBe('user');
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it('previews orphaned rows before deleting anything', async () => {
    await page.getByTestId('activity-instances').click();
    await page.getByTestId('open-orphans').click();
    const view = page.locator('[data-active-tab="true"] [data-testid="orphans-view"]');
    const scanned = await armAppEvent(page, 'orphans-scanned');
    await view.getByTestId('orphans-scan').click();
    const { orphans } = (await scanned()) as { orphans: number };
    await view.getByTestId('orphans-preview').waitFor();
    expect(await view.getByTestId('orphans-summary').textContent()).toMatch(/orphan/);
    if (orphans > 0) expect(await view.locator('tbody tr').count()).toBe(Math.min(orphans, 2000));
    await screenshot(page, 'orphan-preview');
  });

  it('switches to Arabic: right-to-left, translated labels, localized digits', async () => {
    await page.getByTestId('activity-settings').click();
    const changed = await armAppEvent(page, 'language-changed', { language: 'ar' });
    await page.locator('[data-active-tab="true"]').getByTestId('settings-language').selectOption('ar');
    await changed();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
    expect(await page.getByTestId('activity-changes').getAttribute('aria-label')).toBe('التغييرات');
    await page.getByTestId('activity-changes').click();
    await page.locator('[data-testid="instance-tree"] .tree-row').first().click();
    await waitForActiveTimeline({ minRows: 1 });
    const count = await page.locator('[data-active-tab="true"] [data-testid="timeline-count"]').textContent();
    expect(count).toMatch(/[٠-٩]/);
    await screenshot(page, 'workbench-ar');
    const back = await armAppEvent(page, 'language-changed', { language: 'en' });
    await app.services.settings.update({ language: 'en' });
    await back();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
  });
});
