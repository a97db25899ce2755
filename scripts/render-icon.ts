// Renders resources/icon.svg to resources/icon.png (1024×1024, transparent corners) with the
// workstation's browser: electron-builder makes the Windows .ico, the macOS .icns and the Linux icons
// from that PNG. Run after editing the SVG: `npx tsx scripts/render-icon.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findBrowser } from '../src-main/reports/browser-finder';
import { CHROMIUM_ARGS } from '../src-main/reports/pdf';

const resources = join(import.meta.dirname, '..', 'resources');
const browser = findBrowser().found;
if (!browser) throw new Error('No Chromium-based browser found to render the icon (set OCM_CHROMIUM).');
const instance = await chromium.launch({ executablePath: browser.path, args: [...CHROMIUM_ARGS] });
try {
  const page = await instance.newPage({ viewport: { width: 1024, height: 1024 } });
  const svg = readFileSync(join(resources, 'icon.svg'), 'utf8');
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  writeFileSync(join(resources, 'icon.png'), await page.locator('svg').screenshot({ omitBackground: true }));
  console.log(`resources/icon.png rendered with ${browser.name}`);
} finally {
  await instance.close();
}
