/**
 * End-to-end: the instance editor shows the transport the app chose and why, and warns about a
 * deprecated one, in English and Arabic, against simulated Odoo 19 servers (browser mode, Chromium).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../../src-main/simulator/index';
import { startApp, type RunningApp } from './support/app';
import { armAppEvent, openWorkbench, screenshot, type Browser } from './support/browser';
import { ensureRendererBuilt } from './support/build';

let simulator: RunningSimulator;
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureRendererBuilt();
  simulator = await startSimulator({ odoo: 19 });
  app = await startApp();
  browser = await openWorkbench(app.server.url);
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await simulator?.close();
});

/** Switches the workbench's language and waits until it re-rendered. */
async function language(value: 'en' | 'ar'): Promise<void> {
  const changed = await armAppEvent(page, 'language-changed', { language: value });
  await app.services.settings.update({ language: value });
  await changed();
}

describe('the protocol in the instance editor', () => {
  it('chooses JSON-2 for a new instance on Odoo 19 with an API key, and says why', async () => {
    await page.getByTestId('add-instance').click();
    const editor = page.locator('[data-active-tab="true"]').getByTestId('instance-editor');
    expect(await editor.getByTestId('instance-transport').inputValue()).toBe('auto');
    expect(await editor.getByTestId('instance-transport-note').textContent()).toContain('JSON-2 on Odoo 19 and later with an API key');
    await editor.getByTestId('instance-name').fill('Jeddah 19');
    await editor.getByTestId('instance-url').fill(simulator.url);
    await editor.getByTestId('instance-db').fill('seed');
    await editor.getByTestId('instance-login').fill('admin');
    await editor.getByTestId('instance-password').fill(simulator.database('seed').apiKey('admin'));

    const tested = await armAppEvent(page, 'connection-tested');
    await editor.getByTestId('instance-test').click();
    expect(((await tested()) as { ok: boolean }).ok).toBe(true);
    const step = editor.locator('[data-check="transport"]');
    expect(await step.getAttribute('data-status')).toBe('ok');
    expect(await step.locator('.check-message').textContent()).toBe('JSON-2, chosen automatically: Odoo 19.0 offers it and an API key was given.');

    const saved = await armAppEvent(page, 'instance-saved');
    await editor.getByTestId('instance-save').click();
    await saved();
    const savedEditor = page.locator('[data-active-tab="true"]').getByTestId('instance-editor');
    const note = savedEditor.getByTestId('instance-transport-note');
    await page.waitForFunction(() => document.querySelector('[data-active-tab="true"] [data-testid="instance-transport-note"]')?.textContent?.includes('JSON-2, chosen'));
    expect(await note.getAttribute('data-status')).toBe('ok');
    expect(await savedEditor.getByTestId('instance-transport').inputValue()).toBe('auto');
    expect((await app.services.instances.list()).find((instance) => instance.name === 'Jeddah 19')).toMatchObject({ transport: 'json2', transportChoice: { reason: 'json2' } });

    await language('ar');
    await page.waitForFunction(() => document.querySelector('[data-active-tab="true"] [data-testid="instance-transport-note"]')?.textContent?.includes('تلقائيًا: أودو'));
    expect(await note.textContent()).toBe('اختير JSON-2 تلقائيًا: أودو 19.0 يوفّره وأُدخل مفتاح API.');
    await screenshot(page, 'instance-transport-json2-ar');
    await language('en');
  });

  it('warns, under the protocol, about XML-RPC on a server that offers JSON-2', async () => {
    const added = await app.services.instances.add({ name: 'Legacy XML-RPC', url: simulator.url, db: 'seed', login: 'admin', password: 'admin', transport: 'xmlrpc' });
    const row = page.locator(`[data-testid="instance-tree"] [data-instance="Legacy XML-RPC"][data-state="up-to-date"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.hover();
    await page.getByRole('button', { name: 'Edit: Legacy XML-RPC' }).click();
    const editor = page.locator('[data-active-tab="true"]').getByTestId('instance-editor');
    const note = editor.getByTestId('instance-transport-note');
    await note.waitFor();
    expect(await note.getAttribute('data-status')).toBe('warning');
    expect(await note.textContent()).toContain('XML-RPC is deprecated on Odoo 19.0, which offers JSON-2; Odoo 22 removes it.');
    expect(await note.textContent()).toContain('Preferences → Account Security → New API Key');
    expect(await editor.getByTestId('instance-transport').inputValue()).toBe('xmlrpc');

    await language('ar');
    await page.waitForFunction(() => document.querySelector('[data-active-tab="true"] [data-testid="instance-transport-note"]')?.textContent?.includes('مُهمَل'));
    expect(await note.textContent()).toContain('وسيلة النقل XML-RPC مُهمَلة على أودو 19.0 الذي يوفّر JSON-2؛ ويزيلها أودو ٢٢.');
    await screenshot(page, 'instance-transport-deprecated-ar');
    await language('en');
    await app.services.instances.remove(added.id, { keepHistory: false });
  });
});
