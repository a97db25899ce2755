import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { createExportCommand } from '../../../src-main/hosts/cli/commands/export';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { ChromiumPdfRenderer } from '../../../src-main/reports/pdf';
import { createServices } from '../../../src-main/hosts/services';
import { ReportService } from '../../../src-main/reports/report-service';
import { storeReportData } from '../../../src-main/reports/store-data-source';
import { seededStore, type SeededStore } from './seed-store';

let seeded: SeededStore;
let service: ReportService;

beforeAll(() => {
  seeded = seededStore(3000);
  service = new ReportService({ data: storeReportData(seeded.store), definitions: seeded.store.reportDefinitions, downloadsDirectory: path.join(seeded.dir, 'downloads') });
});
afterAll(() => seeded.close());

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text), env: {}, interrupted: new AbortController().signal, isTty: false };
}

describe('exports from the mirror', () => {
  it('streams every matching row in time order to CSV, with instance names', async () => {
    const outPath = path.join(seeded.dir, 'main-partners.csv');
    const result = await service.export({ format: 'csv', filter: { instanceIds: ['branch'], models: ['res.partner'] }, outPath, bom: true });
    const lines = readFileSync(outPath, 'utf8').trimEnd().split('\r\n');
    expect(result.rows).toBe(300);
    expect(lines).toHaveLength(301);
    expect(lines[1].startsWith('فرع الرياض,branch,')).toBe(true);
    const stamps = lines.slice(1).map((line) => line.split(',')[2]);
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('writes XLSX with the summary from the store aggregates', async () => {
    const outPath = path.join(seeded.dir, 'all.xlsx');
    const result = await service.export({ format: 'xlsx', filter: {}, outPath });
    expect(result.rows).toBe(6000);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(outPath);
    const summary = workbook.getWorksheet('Summary')!;
    expect(summary.getRow(summary.rowCount).getCell(4).value).toBe(6000);
    expect(workbook.getWorksheet('Changes')!.rowCount).toBe(6001);
  });

  it('includes the error groups in the HTML report', async () => {
    const outPath = path.join(seeded.dir, 'report.html');
    await service.export({ format: 'html', filter: { instanceIds: ['main'] }, outPath, title: 'Main ERP, November' });
    const html = readFileSync(outPath, 'utf8');
    expect(html).toContain('Timeout calling');
    expect(html).toContain('<bdi>#42</bdi>');
  });

  it('ocm export writes the file and saved reports re-run', async () => {
    // The command's own services over the seeded mirror, as `ocm export` opens them.
    const command = createExportCommand(() => createServices({ dataDir: seeded.dir, engine: 'none', keychain: null, exportsAnywhere: true }));
    const outPath = path.join(seeded.dir, 'cli.ndjson');
    const out = io();
    expect(await runCli([command], ['export', '--format', 'ndjson', '--instance', 'Main ERP', '--event', 'unlink', '--out', outPath, '--save', 'Main deletions'], out)).toBe(0);
    expect(out.stdout[0]).toMatch(/^Saved report "Main deletions"/);
    expect(out.stdout[1]).toBe(`Exported 750 rows to ${outPath} (${readFileSync(outPath).length.toLocaleString('en-US')} bytes).`);
    const rows = readFileSync(outPath, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { instanceId: string; event: string });
    expect(rows.every((row) => row.instanceId === 'main' && row.event === 'unlink')).toBe(true);

    const rerun = io();
    expect(await runCli([command], ['export', '--report', 'main deletions'], rerun)).toBe(0);
    expect(rerun.stdout[0]).toMatch(new RegExp(`^Exported 750 rows to ${path.join(seeded.dir, 'downloads').replaceAll('/', '\\/')}\\/Main-deletions-.*\\.ndjson`));

    const list = io();
    await runCli([command], ['export', '--list-reports'], list);
    expect(list.stdout[0]).toMatch(/^Main deletions {2}\(ndjson, id /);

    const bad = io();
    expect(await runCli([command], ['export', '--format', 'docx', '--out', outPath], bad)).toBe(64);
    expect(bad.stderr[0]).toContain('Unknown value "docx" for --format: use csv, json, ndjson, xlsx, html or pdf.');
  });

  it('ocm export --format pdf without a browser says which browsers it looked for and where, and offers HTML', async () => {
    // A macOS workstation with nothing in /Applications or ~/Applications.
    const search = { platform: 'darwin' as const, root: path.join(seeded.dir, 'mac'), homeDir: path.join(seeded.dir, 'mac', 'Users', 'admin'), env: {} };
    const command = createExportCommand(() => createServices({ dataDir: seeded.dir, engine: 'none', keychain: null, exportsAnywhere: true, pdfRenderer: new ChromiumPdfRenderer({ search }) }));
    const outPath = path.join(seeded.dir, 'report.pdf');
    const out = io();
    expect(await runCli([command], ['export', '--format', 'pdf', '--out', outPath], out)).toBe(1);
    const text = out.stderr.join('\n');
    expect(text).toContain('error: No Chromium-based browser was found to print the PDF. Looked for:');
    expect(text).toContain(`  Google Chrome: ${path.join(search.root, 'Applications', 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome')}, ${path.join(search.homeDir, 'Applications', 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome')}`);
    expect(text).toContain(`  Brave: ${path.join(search.root, 'Applications', 'Brave Browser.app', 'Contents', 'MacOS', 'Brave Browser')}`);
    expect(text).toContain('run the same command with --format html');
    expect(existsSync(outPath)).toBe(false);
  });
});
