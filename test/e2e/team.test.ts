/**
 * End-to-end, team mode: one team server (the real composition root and server, the built workbench),
 * two browser contexts of one Chromium (separate cookie jars) signed in as a viewer of Riyadh and an
 * operator of Jeddah. Each sees only their instance; the viewer's delete actions are replaced by a lock
 * that says why; the sign-in page works in Arabic; signing out and an admin's revocation both lead back
 * to the sign-in page. The same on a SQLite mirror and on PostgreSQL. Waits are on DOM conditions, never sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTeam, USERS, type TeamHarness } from '../integration/team/harness';
import { STATIC_DIR } from './support/app';
import { browserExecutable, CHROMIUM_ARGS, screenshot } from './support/browser';
import { ensureRendererBuilt } from './support/build';
import { MIRROR_KINDS } from '../support/mirror-kinds';
import { waitForTimelineTotal } from './support/timeline';

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ensureRendererBuilt();
  browser = await chromium.launch({ executablePath: browserExecutable(), args: CHROMIUM_ARGS, headless: true });
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

/** A fresh browser context (its own cookies) on the team server's sign-in page. */
async function openSignIn(team: TeamHarness): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', colorScheme: 'dark' });
  contexts.push(context);
  await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
  const page = await context.newPage();
  await page.goto(team.origin);
  await page.waitForSelector('[data-testid="sign-in"]');
  return page;
}

async function signInAs(page: Page, login: keyof typeof USERS): Promise<void> {
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', USERS[login].password);
  await page.click('[data-testid="sign-in-submit"]');
  await page.waitForSelector('[data-testid="workbench"][data-ready="true"]');
}

describe.each(MIRROR_KINDS)('team mode in the browser, on a $name mirror', (kind) => {
  let team: TeamHarness;
  let stopStore: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const store = await kind.start();
    stopStore = store.stop;
    team = await startTeam({}, { staticDir: STATIC_DIR, revalidateMs: 500, database: store.database });
  });
  afterAll(async () => {
    await team?.close();
    await stopStore?.();
  });

  let viewer: Page;
  let operator: Page;

  it('signs two people in, in two contexts, the sign-in page in Arabic for one', async () => {
    viewer = await openSignIn(team);
    operator = await openSignIn(team);
    await operator.getByRole('button', { name: 'العربية' }).click();
    await operator.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await operator.textContent('#sign-in-title')).toBe('تسجيل الدخول');
    await screenshot(operator, `team-sign-in-ar-${kind.name}`);
    await operator.fill('input[name="login"]', 'otto');
    await operator.fill('input[name="password"]', 'not-his-password');
    await operator.click('[data-testid="sign-in-submit"]');
    await operator.waitForSelector('[data-testid="sign-in-message"]');
    expect(await operator.textContent('[data-testid="sign-in-message"]')).toBe('اسم الدخول أو كلمة المرور غير صحيحة.');
    await signInAs(viewer, 'vera');
    await signInAs(operator, 'otto');
    expect(await viewer.getAttribute('[data-testid="team-account"]', 'data-role')).toBe('viewer');
    expect(await operator.getAttribute('[data-testid="team-account"]', 'data-role')).toBe('operator');
  });

  it('shows each person only the instances granted to them', async () => {
    const tree = (page: Page) => page.locator('[data-testid="instance-tree"] [data-instance]').evaluateAll((items) => items.map((item) => item.getAttribute('data-instance')));
    expect(await tree(viewer)).toEqual(['Riyadh ERP']);
    expect(await tree(operator)).toEqual(['Jeddah ERP']);
    await waitForTimelineTotal(viewer, 40);
    await waitForTimelineTotal(operator, 40);
    const models = (page: Page) => page.locator('[data-active-tab="true"] .timeline-row:not(.loading)').first().textContent();
    expect(await models(viewer)).toMatch(/res\.partner|Contact/);
    expect(await models(operator)).toMatch(/sale\.order|Sales Order/);
  });

  it('replaces the viewer’s delete actions by a lock that says why, and offers them to the operator', async () => {
    await viewer.locator('[data-instance="Riyadh ERP"] .tree-row').click();
    await waitForTimelineTotal(viewer, 40);
    const lock = viewer.locator('[data-active-tab="true"] [data-testid="locked-delete"]');
    await lock.waitFor();
    expect(await lock.getAttribute('title')).toBe('Your role on this team server (viewer) cannot delete rows; an operator or an admin can.');
    expect(await viewer.locator('[data-active-tab="true"] [data-testid="delete-matching"]').count()).toBe(0);
    await viewer.locator('[data-active-tab="true"] .timeline-row:not(.loading)').first().click();
    await viewer.waitForSelector('[data-testid="details-drawer"] [data-testid="locked-delete"]');
    expect(await viewer.locator('[data-testid="locked-add-instance"]').count()).toBe(1);
    await screenshot(viewer, `team-viewer-${kind.name}`);

    await operator.locator('[data-instance="Jeddah ERP"] .tree-row').click();
    await waitForTimelineTotal(operator, 40);
    await operator.locator('[data-active-tab="true"] [data-testid="delete-matching"]').waitFor();
    expect(await operator.locator('[data-active-tab="true"] [data-testid="locked-delete"]').count()).toBe(0);
    await screenshot(operator, `team-operator-${kind.name}`);
  });

  it('goes back to the sign-in page after signing out, and when an admin ends a session', async () => {
    await operator.click('[data-testid="sign-out"]');
    await operator.waitForSelector('[data-testid="sign-in"]');
    expect(await operator.locator('[data-testid="sign-in-message"]').count()).toBe(0);
    await team.accounts.users.revokeSessions('vera');
    await viewer.waitForSelector('[data-testid="sign-in-message"]', { timeout: 20_000 });
    expect(await viewer.textContent('[data-testid="sign-in-message"]')).toBe('Your session ended. Sign in again.');
  });
});
