/**
 * Renders the PDF report in English and Arabic with the browser the workstation has (found like the app
 * finds it), rasterises the pages with pdftoppm (poppler-utils) and checks the page count and that the
 * pages are not blank. The page images are kept under test-results/artifacts/reports/. Then prints again
 * with a browser found only in a fake Windows or macOS install tree, as on an admin's workstation.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../../src-main/reports/browser-finder';
import { ChromiumPdfRenderer } from '../../../src-main/reports/pdf';
import { ReportService } from '../../../src-main/reports/report-service';
import { storeReportData } from '../../../src-main/reports/store-data-source';
import { seededStore, type SeededStore } from './seed-store';

const browser = findBrowser().found;
const missing = ['pdftoppm', 'pdfinfo'].filter((tool) => {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ENOENT';
  }
});
const skipReason = missing.length
  ? `${missing.join(' and ')} not installed (package poppler-utils; \`npm test\` prints the install command)`
  : !browser
    ? 'no Chromium-based browser found (set OCM_CHROMIUM)'
    : undefined;
if (skipReason) console.warn(`PDF report test skipped: ${skipReason}`);

const ARTIFACTS = path.join('test-results', 'artifacts', 'reports');
let seeded: SeededStore;
let service: ReportService;

beforeAll(() => {
  if (skipReason) return;
  seeded = seededStore(4000);
  service = new ReportService({ data: storeReportData(seeded.store), definitions: seeded.store.reportDefinitions, downloadsDirectory: seeded.dir });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(() => seeded?.close());

/** Share of pixels that are not near-white in a binary PPM (P6) image. */
function inkShare(ppm: Buffer): number {
  // Header: "P6\n<width> <height>\n<max>\n", tokens separated by whitespace.
  let offset = 0;
  const tokens: string[] = [];
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(ppm[offset]))) offset++;
    let token = '';
    while (!/\s/.test(String.fromCharCode(ppm[offset]))) token += String.fromCharCode(ppm[offset++]);
    tokens.push(token);
  }
  offset++;
  const [magic, width, height] = [tokens[0], Number(tokens[1]), Number(tokens[2])];
  expect(magic).toBe('P6');
  let ink = 0;
  for (let pixel = 0; pixel < width * height; pixel++) {
    const at = offset + pixel * 3;
    if (ppm[at] + ppm[at + 1] + ppm[at + 2] < 3 * 235) ink++;
  }
  return ink / (width * height);
}

describe.skipIf(skipReason !== undefined)('PDF report', () => {
  for (const language of ['en', 'ar'] as const) {
    it(`renders the ${language === 'en' ? 'English' : 'Arabic'} report to pages that are not blank`, async () => {
      const pdfPath = path.join(ARTIFACTS, `report-${language}.pdf`);
      const result = await service.export({ format: 'pdf', filter: {}, outPath: pdfPath, language });
      expect(result.rows).toBe(8000);
      expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');

      const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
      // Summary, chart, most-changed records and error groups of two instances do not fit on one A4 page.
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(pages).toBeLessThanOrEqual(6);

      for (const file of readdirSync(ARTIFACTS).filter((name) => name.startsWith(`report-${language}-page`))) rmSync(path.join(ARTIFACTS, file));
      execFileSync('pdftoppm', ['-png', '-r', '80', pdfPath, path.join(ARTIFACTS, `report-${language}-page`)]);
      const images = readdirSync(ARTIFACTS).filter((name) => name.startsWith(`report-${language}-page`) && name.endsWith('.png')).sort();
      expect(images).toHaveLength(pages);
      for (const image of images) expect(statSync(path.join(ARTIFACTS, image)).size).toBeGreaterThan(8_000);

      // Every page carries ink: text, tables or the chart.
      for (let page = 1; page <= pages; page++) {
        const ppm = execFileSync('pdftoppm', ['-r', '30', '-f', String(page), '-l', String(page), pdfPath]);
        expect(inkShare(ppm)).toBeGreaterThan(0.005);
      }
    });
  }
});

/** A fake install tree whose browser executable (at `relative`) starts the real one, as a vendor's installer would have put it. */
function fakeInstall(tree: string, relative: string[]): string {
  const executable = path.join(tree, ...relative);
  mkdirSync(path.dirname(executable), { recursive: true });
  writeFileSync(executable, `#!/bin/sh\nexec '${browser!.path.replace(/'/g, `'\\''`)}' "$@"\n`);
  chmodSync(executable, 0o755);
  return executable;
}

// A wrapper script stands in for the vendor's executable; Windows cannot run one as an .exe.
describe.skipIf(skipReason !== undefined || process.platform === 'win32')('PDF report with a browser from a workstation install tree', () => {
  const layouts = [
    { name: 'Windows: Chrome under Program Files', platform: 'win32' as const, relative: ['Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe'], expected: 'Google Chrome' },
    { name: 'macOS: Edge in /Applications', platform: 'darwin' as const, relative: ['Applications', 'Microsoft Edge.app', 'Contents', 'MacOS', 'Microsoft Edge'], expected: 'Microsoft Edge' },
  ];
  for (const layout of layouts) {
    it(`finds and prints with it (${layout.name})`, async () => {
      const tree = mkdtempSync(path.join(tmpdir(), 'ocm-install-tree-'));
      try {
        const executable = fakeInstall(tree, layout.relative);
        const search = { platform: layout.platform, root: tree, homeDir: path.join(tree, 'home'), env: { PROGRAMFILES: path.join(tree, 'Program Files'), LOCALAPPDATA: path.join(tree, 'AppData', 'Local') } };
        const renderer = new ChromiumPdfRenderer({ search });
        expect(await renderer.status()).toMatchObject({ available: true, browser: { name: layout.expected, path: executable } });
        const treeService = new ReportService({ data: storeReportData(seeded.store), definitions: seeded.store.reportDefinitions, downloadsDirectory: tree, pdf: renderer });
        const pdfPath = path.join(tree, 'report.pdf');
        await treeService.export({ format: 'pdf', filter: { models: ['res.partner'] }, outPath: pdfPath, language: 'ar' });
        expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
        expect(Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' }))?.[1])).toBeGreaterThanOrEqual(1);
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
    });
  }
});
