import { app, type BrowserWindow } from 'electron';
import { DEMO_INSTANCE_NAME } from '../demo-instance';

/** Set to 1 to make the app check that it opens the demo instance, print one line and exit. */
export const SMOKE_TEST_VARIABLE = 'OCM_SMOKE_TEST';

/**
 * The packaged app's smoke test (the release workflow runs it on every platform's build, against a fresh
 * data folder): passes when the workbench shows the demo instance mirrored ("up to date"), which needs
 * the window, the preload channel, the renderer, the sync worker and better-sqlite3 built for Electron.
 * Prints `smoke: ok …` and exits 0, or `smoke: failed …` and exits 1.
 */
export async function runSmokeTest(window: BrowserWindow, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  const selector = `[data-testid="instance-tree"] [data-instance=${JSON.stringify(DEMO_INSTANCE_NAME)}][data-state="up-to-date"]`;
  while (Date.now() - started < timeoutMs) {
    // A separate process cannot wait on the renderer's events: poll its DOM, twice a second.
    const shown = await window.webContents.executeJavaScript(`Boolean(document.querySelector(${JSON.stringify(selector)}))`).catch(() => false);
    if (shown) {
      process.stdout.write(`smoke: ok, the demo instance is mirrored and shown (${Date.now() - started} ms, Electron ${process.versions.electron})\n`);
      app.exit(0);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const text = await window.webContents.executeJavaScript('document.body.innerText.slice(0, 500)').catch(() => '(renderer unreachable)');
  process.stdout.write(`smoke: failed, the demo instance was not shown within ${timeoutMs / 1000} s. The window showed:\n${String(text)}\n`);
  app.exit(1);
}
