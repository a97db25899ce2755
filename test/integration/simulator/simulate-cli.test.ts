/**
 * `ocm simulate` with its version, flavour and pacing options: in-process (answers, log, option errors)
 * and once as a real process (`bin/ocm.js`), the way a benchmark runs it beside the app.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { simulateCommand } from '../../../src-main/hosts/cli/commands/simulate';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { formatCall } from '../../../src-main/simulator/codec/xmlrpc';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Starts `ocm simulate` in-process; resolves once it listens, with a way to stop it. */
async function simulate(...argv: string[]): Promise<{ out: string[]; err: string[]; url: string; stop(): Promise<number> }> {
  const out: string[] = [];
  const err: string[] = [];
  const interrupt = new AbortController();
  let ready: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const io: CliIo = {
    out: (text) => {
      out.push(text);
      if (text.startsWith('Press Ctrl+C')) ready();
    },
    err: (text) => err.push(text),
    env: {},
    interrupted: interrupt.signal,
    isTty: false,
  };
  const running = runCli([simulateCommand], ['simulate', '--port', '0', ...argv], io);
  await Promise.race([listening, running]);
  const url = /listening on (http:\/\/\S+)/.exec(out.join(''))?.[1] ?? '';
  return {
    out,
    err,
    url,
    stop: async () => {
      interrupt.abort();
      return running;
    },
  };
}

async function failure(...argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const io: CliIo = { out: () => undefined, err: (text) => err.push(text), env: {}, interrupted: new AbortController().signal, isTty: false };
  const code = await runCli([simulateCommand], ['simulate', ...argv], io);
  return { code, err: err.join('\n') };
}

describe('ocm simulate', () => {
  it('plays Odoo 19 with JSON-2, paced by two workers, printing the deprecation WARNING of an XML-RPC call', async () => {
    const run = await simulate('--odoo', '19', '--pace', 'cpu', '--workers', '2', '--per-row-us', '10');
    const banner = run.out.join('');
    expect(banner).toContain('Simulated Odoo 19.0');
    expect(banner).toContain('fixed flavour');
    expect(banner).toContain('2 workers (prefork)');
    const key = /admin {3}uid 2 {3}API key (\w+)/.exec(banner)![1];
    const json2 = await fetch(`${run.url}/json/2/res.users/context_get`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `bearer ${key}`, 'X-Odoo-Database': 'seed' },
      body: '{}',
    });
    expect(await json2.json()).toEqual({ lang: 'en_US', tz: 'Europe/Brussels', uid: 2 });
    await (await fetch(`${run.url}/xmlrpc/2/common`, { method: 'POST', body: formatCall('version', []) })).text();
    expect(await run.stop()).toBe(0);
    expect(run.err.some((line) => line.includes('WARNING ? odoo.addons.rpc.controllers.xmlrpc: The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated'))).toBe(true);
    expect(run.out.at(-1)).toBe('Stopped after 0 synthetic changes and 1 deprecated call.\n');
  });

  it('says what is wrong with its options', async () => {
    expect(await failure('--odoo', '21')).toEqual({ code: 64, err: expect.stringContaining('Unknown value "21" for --odoo (did you mean 20?): use 17, 18, 19 or 20.') });
    expect((await failure('--odoo', '19', '--flavour', 'original')).err).toContain('does not install on Odoo 19');
    expect((await failure('--workers', '2')).err).toContain('--workers applies to CPU pacing: add --pace cpu');
    expect((await failure('--pase', 'cpu')).err).toContain('Unknown option --pase for ocm simulate (did you mean --pace?)');
    expect((await failure('--pace', 'wall')).err).toContain('Unknown value "wall" for --pace: use cpu.');
    expect((await failure('--pace', 'cpu', '--workers', '1.5')).err).toContain('--workers must be a whole number (0 or more), not "1.5"');
  });

  it('documents every option in --help', async () => {
    const out: string[] = [];
    const io: CliIo = { out: (text) => out.push(text), err: () => undefined, env: {}, interrupted: new AbortController().signal, isTty: false };
    expect(await runCli([simulateCommand], ['simulate', '--help'], io)).toBe(0);
    for (const name of ['--odoo', '--flavour', '--pace cpu', '--workers', '--per-row-us', '--xmlrpc-per-row-us', '--per-request-us', '--quiet']) expect(out.join('')).toContain(name);
  });

  it('runs as its own process, stopping cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/ocm.js'), 'simulate', '--odoo', '20', '--port', '0', '--pace', 'cpu', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match && output.includes('Press Ctrl+C')) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`ocm simulate exited with ${code}: ${output}`)));
    });
    expect(output).toContain('No db service (removed in Odoo 20)');
    const version = await fetch(`${url}/web/version`);
    expect(((await version.json()) as { version_info: number[] }).version_info[0]).toBe(20);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
