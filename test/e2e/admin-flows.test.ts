/**
 * End-to-end: the admin flows in browser mode (Debian Chromium) against the real services and the Odoo
 * simulator: orphan cleanup applied and journaled, a CSV export downloaded through its one-time link,
 * and the "N new events" pill with live tail off. Every wait is on an app event (ocm:*), a DOM condition
 * or a service promise/event, never a sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHANGE_EXPORT_COLUMNS } from '../../src-main/reports/csv';
import { startSimulator, type RunningSimulator, type SimulatedDatabase, type WebhookRow } from '../../src-main/simulator/index';
import { startApp, type RunningApp } from './support/app';
import { armAppEvent, openWorkbench, screenshot, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';
import { mirroredRows, waitForMirror } from './support/mirror';
import { waitForTimelineTotal as waitForTotal } from './support/timeline';

const INSTANCE = 'Riyadh ERP';

let simulator: RunningSimulator;
let db: SimulatedDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let instanceId: string;

/** The active tab's container (every editor-area query goes through it). */
const activeTab = () => page.locator('[data-active-tab="true"]');
const activeTimeline = () => activeTab().getByTestId('timeline-view');

/** Waits until every log row the server holds now is in the local mirror. */
async function waitForServerMirrored(): Promise<void> {
  const serverIds = db.webhookRows().map((row) => row.id);
  await waitForMirror(app.services, { instanceIds: [instanceId] }, (rows) => {
    const local = new Set(rows.map((row) => row.serverId));
    return serverIds.every((id) => local.has(id));
  }, { instanceId });
}

/** Waits until the active timeline shows `total` rows, one loaded. */
const waitForTimelineTotal = (total: number) => waitForTotal(page, total);

beforeAll(async () => {
  ensureRendererBuilt();
  simulator = await startSimulator({ flavour: 'fixed' });
  db = simulator.database('seed');
  app = await startApp();
  // A production instance: every destructive action on it needs the instance name typed.
  instanceId = (await app.services.instances.add({ name: INSTANCE, url: simulator.url, db: 'seed', login: 'admin', password: 'admin', production: true })).id;
  browser = await openWorkbench(app.server.url);
  page = browser.page;
  await page.locator(`[data-testid="instance-tree"] [data-instance="${INSTANCE}"][data-state="up-to-date"]`).waitFor({ timeout: 20_000 });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await simulator?.close();
});

describe('admin flows in browser mode', () => {
  it('cleans orphaned log rows: exact preview, typed confirmation, server rows gone, history and journal kept', async () => {
    // Records whose log rows become orphans once the records themselves are deleted through the ORM.
    const [alpha, beta, kept, archived] = db.create('res.partner', [{ name: 'Orphan Alpha' }, { name: 'Orphan Beta' }, { name: 'Kept Gamma' }, { name: 'Archived Delta' }]);
    db.write('res.partner', [alpha, kept], { city: 'Riyadh' });
    db.write('res.partner', [archived], { active: false });
    const [category] = db.create('product.category', [{ name: 'Orphan Category' }]);
    await waitForServerMirrored();
    db.unlink('res.partner', [alpha, beta]);
    db.unlink('product.category', [category]);
    await waitForServerMirrored();

    // The simulator's own view: rows whose record is gone, deletion rows excepted (archived records exist).
    const before = db.webhookRows();
    const expected = before.filter((row) => row.event !== 'unlink' && !db.recordExists(row.model, row.record_id));
    const expectedIds = expected.map((row) => row.id).sort((a, b) => a - b);
    const ours = (model: string, id: number) => (row: WebhookRow) => row.model === model && row.record_id === id;
    expect(expected.filter(ours('res.partner', alpha)).map((row) => row.event).sort()).toEqual(['create', 'write']);
    expect(expected.some(ours('res.partner', beta))).toBe(true);
    expect(expected.some(ours('product.category', category))).toBe(true);
    expect(expected.some((row) => row.record_id === kept || row.record_id === archived)).toBe(false);
    const keptRows = before.filter((row) => !expectedIds.includes(row.id));
    expect(keptRows.some((row) => row.event === 'unlink' && row.record_id === alpha)).toBe(true);

    await page.getByTestId('activity-instances').click();
    await page.getByTestId('open-orphans').click();
    const view = activeTab().getByTestId('orphans-view');
    const scanned = await armAppEvent(page, 'orphans-scanned');
    await view.getByTestId('orphans-scan').click();
    expect(((await scanned()) as { orphans: number }).orphans).toBe(expected.length);
    await view.getByTestId('orphans-preview').waitFor();
    const previewed = await view.locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => {
        const cells = row.querySelectorAll('td');
        return { model: cells[0].querySelector('.technical')!.textContent, recordId: Number(cells[1].textContent), serverId: Number(row.getAttribute('data-server-id')) };
      }),
    );
    expect(previewed.map((row) => row.serverId).sort((a, b) => a - b)).toEqual(expectedIds);
    for (const row of previewed) {
      const server = expected.find((candidate) => candidate.id === row.serverId)!;
      expect(row).toEqual({ model: server.model, recordId: server.record_id, serverId: server.id });
    }
    await screenshot(page, 'orphan-cleanup-preview');

    // A confirmation names the instance and the count; on a production instance the delete stays
    // disabled until the instance name is typed.
    await view.getByTestId('orphans-apply').click();
    const confirm = page.getByTestId('orphans-confirm'); // a modal dialog over the whole window
    expect(await confirm.textContent()).toContain(`Delete ${expected.length} orphaned log rows on ${INSTANCE}?`);
    const apply = confirm.getByTestId('orphans-confirm-apply');
    expect(await apply.isDisabled()).toBe(true);
    await confirm.getByTestId('orphans-typed-name').fill(INSTANCE.slice(0, 5));
    expect(await apply.isDisabled()).toBe(true);
    await confirm.getByTestId('orphans-typed-name').fill(INSTANCE);
    const cleaned = await armAppEvent(page, 'orphans-cleaned');
    await apply.click();
    expect(await cleaned()).toEqual({ requested: expected.length, deleted: expected.length, result: 'ok' });
    expect(await view.getByTestId('orphans-result').textContent()).toContain(`${expected.length} of ${expected.length} rows deleted on ${INSTANCE}`);
    await screenshot(page, 'orphan-cleanup-result');

    // The server lost exactly the orphans; every other row is untouched.
    const after = db.webhookRows();
    expect(after.filter((row) => expectedIds.includes(row.id))).toEqual([]);
    expect(after).toEqual(keptRows);

    // Local history keeps the rows, marked as removed by the user; kept rows are not marked.
    const history = await mirroredRows(app.services, { instanceIds: [instanceId] });
    for (const id of expectedIds) {
      const row = history.find((candidate) => candidate.serverId === id);
      expect(row, `log row ${id} in the local history`).toBeDefined();
      expect(row!.removedBy).toBe('user');
      expect(row!.removedAt).toBeTruthy();
    }
    for (const row of history.filter((candidate) => keptRows.some((server) => server.id === candidate.serverId))) expect(row.removedAt).toBeUndefined();

    // The journal lists the action with its count and result.
    await page.getByTestId('side-bar').getByRole('button', { name: 'Admin journal' }).click();
    const entry = activeTab().getByTestId('journal-view').locator('tbody tr').filter({ hasText: 'Clean orphans' });
    await entry.waitFor();
    expect(await entry.count()).toBe(1);
    const cells = await entry.locator('td').allTextContents();
    expect(cells[2]).toBe(INSTANCE);
    expect(cells[5]).toBe(`${expected.length} / ${expected.length}`);
    expect(cells[6]).toBe('Done');
    await screenshot(page, 'orphan-cleanup-journal');
  });

  it('exports CSV with a BOM through a one-time, token-guarded download link', async () => {
    await page.getByTestId('activity-changes').click();
    await page.locator(`[data-testid="instance-tree"] [data-instance="${INSTANCE}"] .tree-row`).click();
    const filter = { instanceIds: [instanceId] };
    const expectedRows = await app.services.changes.count(filter);
    await waitForTimelineTotal(expectedRows);
    expect(JSON.parse((await activeTimeline().getAttribute('data-filter'))!)).toEqual(filter);

    await activeTab().getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format').selectOption('csv');
    await dialog.getByLabel('Add a UTF-8 BOM').check();
    const finished = await armAppEvent(page, 'export-finished');
    await dialog.getByTestId('export-start').click();
    expect(((await finished()) as { rows: number }).rows).toBe(expectedRows);

    const href = await dialog.getByTestId('export-result').getByRole('link', { name: 'Download' }).getAttribute('href');
    const link = new URL(href!, app.server.url);
    expect(link.searchParams.get('token')).toBeTruthy();
    // Without the token, or with a wrong one, the link is refused (and not used up).
    const bare = new URL(link);
    bare.searchParams.delete('token');
    expect((await fetch(bare)).status).toBe(403);
    const forged = new URL(link);
    forged.searchParams.set('token', 'not-the-token');
    expect((await fetch(forged)).status).toBe(403);

    const response = await fetch(link);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter((line) => line !== '');
    expect(lines[0]).toBe(CHANGE_EXPORT_COLUMNS.join(','));
    expect(lines.length - 1).toBe(expectedRows);
    // Same rows as the service holds for that filter: compare the server ids column.
    const serverIdColumn = CHANGE_EXPORT_COLUMNS.indexOf('server_id');
    const exported = lines.slice(1).map((line) => Number(line.split(',')[serverIdColumn])).sort((a, b) => a - b);
    const local = (await mirroredRows(app.services, filter)).map((row) => row.serverId).sort((a, b) => a - b);
    expect(exported).toEqual(local);

    // One-time: the second fetch finds nothing.
    expect([404, 410]).toContain((await fetch(link)).status);
    await screenshot(page, 'export-csv-done');
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('offers the new-events pill when live tail is off and the list is scrolled, and shows the rows on click', async () => {
    // Enough older rows to scroll through.
    db.seedWebhookRows(200, { spanHours: 6, unlinkShare: 1 });
    await waitForServerMirrored();
    await page.locator('[data-testid="instance-tree"] .tree-row').first().click(); // All instances
    const startTotal = await app.services.changes.count({});
    await waitForTimelineTotal(startTotal);
    expect(JSON.parse((await activeTimeline().getAttribute('data-filter'))!)).toEqual({});

    await activeTab().getByLabel('Live tail').uncheck();
    const list = activeTimeline().getByTestId('timeline-list');
    await list.evaluate((element) => {
      element.scrollTop = 40 * 24;
      element.dispatchEvent(new Event('scroll'));
    });
    await page.waitForFunction(() => {
      const scroller = document.querySelector('[data-active-tab="true"] [data-testid="timeline-list"]');
      return !!scroller && scroller.scrollTop > 24 && !!scroller.querySelector('.timeline-row[aria-rowindex="45"]:not(.loading)');
    });

    // Traffic on the server: new records, each logged as a create.
    const created = db.create('res.partner', [{ name: 'Tail One' }, { name: 'Tail Two' }, { name: 'Tail Three' }, { name: 'Tail Four' }]);
    const newRows = await waitForMirror(app.services, { instanceIds: [instanceId], models: ['res.partner'], events: ['create'] }, (rows) =>
      created.every((id) => rows.some((row) => row.recordId === id)),
    ).then((rows) => rows.filter((row) => created.includes(row.recordId)));
    const pill = activeTab().getByTestId('new-events-pill');
    await pill.waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      (count) => document.querySelector('[data-active-tab="true"] [data-testid="new-events-pill"]')?.textContent?.includes(`${count} new events`),
      created.length,
    );
    // Live tail is off: the list itself has not moved on.
    expect(Number(await activeTimeline().getAttribute('data-total'))).toBe(startTotal);
    await screenshot(page, 'new-events-pill');

    await pill.click();
    await pill.waitFor({ state: 'detached' });
    await waitForTimelineTotal(startTotal + created.length);
    // The new rows are the newest: the pill brings the list back to the top, where they are shown.
    await page.waitForFunction(
      (keys) => {
        const scroller = document.querySelector<HTMLElement>('[data-active-tab="true"] [data-testid="timeline-list"]');
        if (!scroller) return false;
        const shown = new Set([...scroller.querySelectorAll<HTMLElement>('.timeline-row[data-key]')].map((row) => row.dataset.key));
        return keys.every((key) => shown.has(key));
      },
      newRows.map((row) => row.key),
      { timeout: 10_000 },
    );
    const firstKeys = await activeTimeline()
      .locator('.timeline-row[data-key]')
      .evaluateAll((rows) => rows.sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex'))).slice(0, 4).map((row) => row.getAttribute('data-key')));
    expect(new Set(firstKeys)).toEqual(new Set(newRows.map((row) => row.key)));
    await screenshot(page, 'new-events-shown');
  });
});
