/** The instance, sync and status commands in-process against the simulator. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliCommand, CliIo } from '../../../src-main/hosts/cli/command';
import { instanceCommands } from '../../../src-main/hosts/cli/commands/instance';
import { statusCommand } from '../../../src-main/hosts/cli/commands/status';
import { syncCommand } from '../../../src-main/hosts/cli/commands/sync';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';

const SECRET = 'Sup3r-S3cret-XYZ';
let sim: RunningSimulator;
let home: string;
const commands: CliCommand[] = [...instanceCommands, syncCommand, statusCommand];

beforeAll(async () => {
  sim = await startSimulator({ seed: 3 });
  sim.database('seed').setPassword('admin', SECRET);
  home = mkdtempSync(join(tmpdir(), 'ocm-cli-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

async function ocm(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return ocmUntil(undefined, ...argv);
}

/** Runs a command; `stopWhen` interrupts it (Ctrl+C) once an output line matches. */
async function ocmUntil(stopWhen: RegExp | undefined, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const interrupt = new AbortController();
  const io: CliIo = {
    out: (text) => {
      out.push(text);
      if (stopWhen?.test(text)) interrupt.abort();
    },
    err: (text) => err.push(text),
    env: { OCM_HOME: home, SEED_PASSWORD: SECRET, WRONG_PASSWORD: 'nope' },
    interrupted: interrupt.signal,
    isTty: false,
  };
  const code = await runCli(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ocm instance / sync / status', () => {
  it('refuses to save an instance whose connection test fails, unless --force', async () => {
    const refused = await ocm('instance', 'add', '--name', 'Bad', '--url', sim.url, '--db', 'seed', '--login', 'admin', '--password-env', 'WRONG_PASSWORD');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Not saved');
    expect((await ocm('instance', 'list')).out).toContain('No instances');
  });

  it('adds, lists, syncs, shows status, edits and removes', async () => {
    const added = await ocm('instance', 'add', '--name', 'Seed', '--url', sim.url, '--db', 'seed', '--login', 'admin', '--password-env', 'SEED_PASSWORD', '--transport', 'jsonrpc');
    expect(added.code).toBe(0);
    expect(added.out).toContain('Added Seed');
    // The password is not stored in plain text.
    for (const file of ['mirror.sqlite', 'mirror.sqlite-wal']) {
      if (existsSync(join(home, file))) expect(readFileSync(join(home, file)).includes(Buffer.from(SECRET))).toBe(false);
    }

    const duplicate = await ocm('instance', 'add', '--name', 'Seed', '--url', sim.url, '--db', 'seed', '--login', 'admin', '--password-env', 'SEED_PASSWORD');
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toContain('already exists');

    expect((await ocm('instance', 'list')).out).toMatch(/Seed\s+admin@seed/);

    const synced = await ocm('sync', '--once');
    expect(synced.code).toBe(0);
    const rows = sim.database('seed').webhookRows().length;
    expect(synced.out).toContain(`Seed: ${rows} new, 0 removed on the server`);
    expect(synced.out).toMatch(/rows \([\d,]+ rows\/s\)/);

    sim.database('seed').deleteWebhookRows([sim.database('seed').webhookRows()[0].id]);
    const again = await ocm('sync', '--instance', 'Seed');
    expect(again.out).toContain('Seed: 0 new, 1 removed on the server');

    const status = await ocm('status');
    expect(status.out).toContain(`rows ${rows} (removed on the server 1)`);
    expect(status.out).toContain('error log unreadable');

    expect((await ocm('instance', 'edit', '--name', 'Seed', '--new-name', 'Demo', '--poll-interval', '10')).code).toBe(0);
    expect((await ocm('instance', 'list')).out).toContain('Demo');

    const removed = await ocm('instance', 'remove', '--name', 'Demo', '--keep-history');
    expect(removed.out).toContain('history stays');
    expect((await ocm('instance', 'list')).out).toContain('No instances');
  });

  it('keeps watching until interrupted', async () => {
    await ocm('instance', 'add', '--name', 'Watched', '--url', sim.url, '--db', 'seed', '--login', 'admin', '--password-env', 'SEED_PASSWORD');
    const watched = await ocmUntil(/Watched: up to date/, 'sync', '--watch', '--instance', 'Watched');
    expect(watched.code).toBe(0);
    expect(watched.out).toContain('Stopping.');
    await ocm('instance', 'remove', '--name', 'Watched');
  });

  it('reports an unreachable server without failing the others', async () => {
    await ocm('instance', 'add', '--name', 'Gone', '--url', 'http://127.0.0.1:9', '--db', 'seed', '--login', 'admin', '--password-env', 'SEED_PASSWORD', '--force');
    await ocm('instance', 'add', '--name', 'Live', '--url', sim.url, '--db', 'seed', '--login', 'admin', '--password-env', 'SEED_PASSWORD');
    const synced = await ocm('sync', '--once');
    expect(synced.code).toBe(1);
    expect(synced.err).toContain('Gone: failed');
    expect(synced.out).toMatch(/Live: \d+ new/);
  });
});
