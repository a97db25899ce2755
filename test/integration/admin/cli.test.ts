import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { createDeleteCommand } from '../../../src-main/hosts/cli/commands/delete';
import { createServices } from '../../../src-main/hosts/services';
import { createJournalCommand } from '../../../src-main/hosts/cli/commands/journal';
import { createOrphansCommand } from '../../../src-main/hosts/cli/commands/orphans';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { adminFixture, type AdminFixture } from './harness';

let sim: RunningSimulator;
let f: AdminFixture;

beforeAll(async () => {
  sim = await startSimulator({ flavour: 'original' });
  const seed = sim.database('seed');
  const ids = seed.create('res.partner', [{ name: 'Gone A' }]).concat(seed.create('res.partner', { name: 'Gone B' }), seed.create('sale.order', { partner_id: 1 }));
  seed.unlink('res.partner', ids.slice(0, 2));
  seed.unlink('sale.order', ids.slice(2));
  f = await adminFixture(sim);
  f.mirror();
});
afterAll(async () => {
  f.close();
  await sim.close();
});

/** The commands' own services over the fixture's data directory, as `ocm` opens them. */
const open = () => createServices({ dataDir: f.dir, engine: 'none', keychain: null });

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text), env: {}, interrupted: new AbortController().signal, isTty: false };
}

const typed = (answer: string | undefined) => async () => answer;

describe('ocm orphans / delete / journal', () => {
  it('prints the orphan preview and deletes nothing without --apply', async () => {
    const command = createOrphansCommand({ open, readLine: typed(undefined) });
    const out = io();
    const before = sim.database('seed').webhookRows().length;
    expect(await runCli([command], ['orphans', '--instance', 'Simulator', '--include-unlink'], out)).toBe(0);
    const text = out.stdout.join('\n');
    expect(text).toMatch(/^Orphan scan of Simulator: \d+ log rows checked in \d+ requests\./);
    expect(text).toMatch(/MODEL\s+RECORD\s+EVENTS\s+WHY/);
    expect(text).toMatch(/res\.partner\s+\d+\s+create, unlink\s+record no longer exists; deletion record \(included on request\)/);
    expect(text).toContain('Run again with --apply');
    expect(sim.database('seed').webhookRows()).toHaveLength(before);
    // The preview as the artifact.
    const folder = path.join('test-results', 'artifacts', 'admin');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'orphan-preview.txt'), `$ ocm orphans --instance Simulator --include-unlink\n${text}\n`);
  });

  it('refuses --apply when the typed name does not match', async () => {
    const command = createOrphansCommand({ open, readLine: typed('simulator') });
    const out = io();
    expect(await runCli([command], ['orphans', '--instance', 'Simulator', '--apply'], out)).toBe(64);
    expect(out.stderr.join('\n')).toContain('does not match the instance name "Simulator"');
  });

  it('deletes the orphans with --apply after the typed name', async () => {
    const command = createOrphansCommand({ open, readLine: typed('Simulator') });
    const out = io();
    expect(await runCli([command], ['orphans', '--instance', 'Simulator', '--apply'], out)).toBe(0);
    expect(out.stdout.at(-1)).toMatch(/^Deleted \d+ of \d+ rows on Simulator \(journal entry \d+\)\.$/);
    const again = io();
    await runCli([command], ['orphans', '--instance', 'Simulator'], again);
    expect(again.stdout.join('\n')).toContain('0 orphaned rows (0 records).');
  });

  it('deletes rows by server id with --yes-i-typed, and keeps them locally', async () => {
    const command = createDeleteCommand({ open, readLine: typed(undefined) });
    const [first, second] = sim.database('seed').webhookRows().map((row) => row.id);
    const dry = io();
    expect(await runCli([command], ['delete', '--instance', 'Simulator', '--id', `${first},${second}`], dry)).toBe(0);
    expect(dry.stdout[0]).toBe('2 rows on Simulator would be deleted on the server.');
    const out = io();
    expect(await runCli([command], ['delete', '--instance', 'Simulator', '--id', `${first},${second}`, '--apply', '--yes-i-typed', 'Simulator'], out)).toBe(0);
    expect(out.stdout.at(-1)).toMatch(/^Deleted 2 of 2 rows on Simulator/);
    expect(sim.database('seed').webhookRows().some((row) => row.id === first || row.id === second)).toBe(false);
    expect(f.store.db.prepare("SELECT COUNT(*) FROM changes WHERE server_id IN (?, ?) AND removed_by = 'user'").pluck().get(first, second)).toBe(2);
  });

  it('deletes by filter', async () => {
    const command = createDeleteCommand({ open, readLine: typed('Simulator') });
    const out = io();
    expect(await runCli([command], ['delete', '--instance', 'Simulator', '--model', 'hr.employee', '--apply'], out)).toBe(0);
    expect(sim.database('seed').webhookRows().some((row) => row.model === 'hr.employee')).toBe(false);
  });

  it('lists and exports the journal', async () => {
    const command = createJournalCommand(open);
    const table = io();
    expect(await runCli([command], ['journal'], table)).toBe(0);
    expect(table.stdout[0]).toMatch(/#\d+\s+OK\s+Simulator: delete-rows \d+ rows? matching model=hr\.employee/);
    const csv = io();
    await runCli([command], ['journal', '--csv'], csv);
    const lines = csv.stdout.join('\n').split('\r\n');
    expect(lines[0]).toBe('id,at,actor,instance_id,instance_name,action,description,requested,succeeded,result,error');
    expect(lines).toHaveLength(4); // three admin actions
    const json = io();
    await runCli([command], ['journal', '--json', '--limit', '1'], json);
    expect(JSON.parse(json.stdout.join('\n'))).toHaveLength(1);
  });
});
