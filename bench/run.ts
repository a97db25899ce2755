/**
 * `npm run bench [-- --quick] [--only transport,sync] [--json FILE]`: runs every benchmark suite in one
 * process, one after the other (so figures compared side by side share the same machine state), and
 * prints each table as Markdown, ready for docs/benchmarks.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite, BenchTable } from './types';

const SUITES: Record<string, () => Promise<{ run: BenchSuite }>> = {
  transport: () => import('./transport.bench'),
  decode: () => import('./decode.bench'),
  sync: () => import('./sync.bench'),
  polling: () => import('./polling.bench'),
  query: () => import('./query.bench'),
  export: () => import('./export.bench'),
  ui: () => import('./ui.bench'),
  team: () => import('./team.bench'),
  postgres: () => import('./postgres.bench'),
};

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** A table as GitHub Markdown, with its targets and notes under it. */
export function formatTable(table: BenchTable): string {
  const lines = [`### ${table.title}`, '', `| ${table.columns.join(' | ')} |`, `|${table.columns.map(() => '---').join('|')}|`];
  for (const row of table.rows) lines.push(`| ${row.map(formatCell).join(' | ')} |`);
  for (const target of table.targets ?? []) lines.push('', `- target ${target.name}: ${formatCell(target.value)} — ${target.met ? 'met' : 'NOT met'}`);
  for (const note of table.notes ?? []) lines.push('', `> ${note}`);
  return lines.join('\n');
}

function formatCell(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 2 : 1 });
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = argument('only')?.split(',');
  const jsonFile = argument('json');
  const results: { suite: string; tables: BenchTable[]; error?: string }[] = [];
  console.log(`# Benchmarks (${quick ? 'quick' : 'full'}) — ${new Date().toISOString()}`);
  console.log(`Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB\n`);

  for (const [name, load] of Object.entries(SUITES)) {
    if (only && !only.includes(name)) continue;
    const scratchDir = mkdtempSync(join(tmpdir(), `ocm-bench-${name}-`));
    const started = performance.now();
    try {
      const { run } = await load();
      const tables = await run({ quick, scratchDir, log: (message) => console.error(`[${name}] ${message}`) });
      for (const table of tables) console.log(`${formatTable(table)}\n`);
      results.push({ suite: name, tables });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.log(`### ${name}: FAILED\n\n\`\`\`\n${message}\n\`\`\`\n`);
      results.push({ suite: name, tables: [], error: message });
    } finally {
      rmSync(scratchDir, { recursive: true, force: true });
      console.error(`[${name}] done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ at: new Date().toISOString(), quick, results }, null, 2));
  process.exitCode = results.some((result) => result.error) ? 1 : 0;
}

await main();
