/** `ocm instance add|test|edit` and `ocm sync` against a simulated Odoo without the module: the polling source. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliCommand, CliIo } from '../../../src-main/hosts/cli/command';
import { instanceCommands } from '../../../src-main/hosts/cli/commands/instance';
import { instanceTestCommand } from '../../../src-main/hosts/cli/commands/instance-test';
import { syncCommand } from '../../../src-main/hosts/cli/commands/sync';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { openStore } from '../../../src-main/store/store';
import { databasePath } from '../../../src-main/store/data-directory';

let sim: RunningSimulator;
let home: string;
const commands: CliCommand[] = [...instanceCommands, instanceTestCommand, syncCommand];

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, trafficDatabases: [] });
  home = mkdtempSync(join(tmpdir(), 'ocm-cli-polling-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

async function ocm(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text), env: { OCM_HOME: home, PASSWORD: 'admin' }, interrupted: new AbortController().signal, isTty: false };
  const code = await runCli(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const plain = () => ['--url', sim.url, '--db', 'plain', '--login', 'admin', '--password-env', 'PASSWORD'];

it('offers to watch a database without the module, adds it with --source polling and mirrors its changes', async () => {
  const refused = await ocm('instance', 'add', '--name', 'Plain', ...plain());
  expect(refused.code).toBe(2);
  expect(refused.out).toMatch(/✗ change-log\s+The auto_webhook module is not installed/);
  expect(refused.err).toContain('add --source polling to watch it without the module');

  const tested = await ocm('instance', 'test', ...plain(), '--source', 'polling', '--watch', 'res.partner,product.template');
  expect(tested.code).toBe(0);
  expect(tested.out).toMatch(/✓ watch\s+admin may read the 2 watched models and Odoo's tracking values/);

  const added = await ocm('instance', 'add', '--name', 'Plain', ...plain(), '--source', 'polling', '--watch', 'res.partner,product.template');
  expect(added.code).toBe(0);
  expect(added.out).toContain('Added Plain');
  expect(added.out).toContain('watching 2 models without the module');

  const baseline = await ocm('sync', '--once');
  expect(baseline.code).toBe(0);
  expect(baseline.out).toMatch(/Plain: Watching 2 models without the module: \d+ records known/);

  const db = sim.database('plain');
  const [partner] = db.create('res.partner', { name: 'Cli Polly' });
  const [product] = db.recordIds('product.template');
  db.write('product.template', [product], { list_price: 321 });
  db.unlink('res.partner', [partner]);
  const [kept] = db.create('res.partner', { name: 'Cli Kept' });
  const synced = await ocm('sync', '--once');
  expect(synced.code).toBe(0);
  expect(synced.out).toContain('Plain: 2 new'); // the kept create and the tracked price; the other partner came and went

  const store = openStore(databasePath(home), { readonly: true });
  try {
    const rows = store.db.prepare('SELECT model, record_id, event, origin FROM changes ORDER BY id').all();
    expect(rows).toEqual(
      expect.arrayContaining([
        { model: 'res.partner', record_id: kept, event: 'create', origin: 'polling' },
        { model: 'product.template', record_id: product, event: 'write', origin: 'tracking' },
      ]),
    );
    expect(rows).toHaveLength(2);
  } finally {
    store.close();
  }

  const edited = await ocm('instance', 'edit', '--name', 'Plain', '--watch', 'res.partner');
  expect(edited.code).toBe(0);
  expect(edited.out).toContain('watching 1 models without the module');
  const list = await ocm('instance', 'list', '--json');
  expect(JSON.parse(list.out)[0]).toMatchObject({ source: 'polling', watchedModels: ['res.partner'] });
});
