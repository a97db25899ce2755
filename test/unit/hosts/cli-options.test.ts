/**
 * Issue 14, item 6: every `ocm` command refuses what it does not know, before it touches anything, and
 * names the nearest valid option or value; the CLI and the instance editor use one word for the transport.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FLAG, option, parseArgs, VALUE, type CliCommand, type CliIo } from '../../../src-main/hosts/cli/command';
import { changesCommand } from '../../../src-main/hosts/cli/commands/changes';
import { createInstanceCommands } from '../../../src-main/hosts/cli/commands/instance';
import { instanceTestCommand } from '../../../src-main/hosts/cli/commands/instance-test';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { createServices } from '../../../src-main/hosts/services';
import { en } from '../../../src-renderer/i18n/en';

const dataDir = mkdtempSync(join(tmpdir(), 'ocm-cli-options-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
let opened = 0;
// Counts how often a command got as far as opening the mirror: a refused option must never get there.
const open = () => {
  opened++;
  return createServices({ dataDir, engine: 'none', keychain: null, checker: async () => [] });
};
const commands: CliCommand[] = [...createInstanceCommands(open), instanceTestCommand, changesCommand];

async function run(...argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const io: CliIo = { out: () => undefined, err: (text) => err.push(text), env: { PW: 'secret' }, interrupted: new AbortController().signal, isTty: false };
  return { code: await runCli(commands, argv, io), err: err.join('\n') };
}

const add = ['instance', 'add', '--name', 'ERP', '--url', 'http://127.0.0.1:1', '--db', 'seed', '--login', 'admin', '--password-env', 'PW'];

describe('ocm refuses what it does not know (issue 14, item 6)', () => {
  it('refuses --protocol, the word the editor used to show, and points to --transport', async () => {
    const result = await run(...add, '--protocol', 'jsonrpc');
    expect(result.code).toBe(64);
    expect(result.err).toContain('Unknown option --protocol for ocm instance add (did you mean --transport?).');
    expect(opened).toBe(0);
  });

  it('refuses an unknown flag, a misspelt option and a misspelt value, each with the nearest valid one', async () => {
    expect((await run(...add, '--bogus-flag')).err).toContain('Unknown option --bogus-flag for ocm instance add.');
    expect((await run(...add, '--trasnport', 'jsonrpc')).err).toContain('Unknown option --trasnport for ocm instance add (did you mean --transport?).');
    expect((await run(...add, '--transport', 'jsonrcp')).err).toContain('Unknown value "jsonrcp" for --transport (did you mean jsonrpc?): use auto, xmlrpc, jsonrpc or json2.');
    expect((await run('changes', '--event', 'create,wirte')).err).toContain('Unknown value "wirte" for --event (did you mean write?)');
    expect((await run('instanse', 'list')).err).toContain('Unknown command: ocm instanse list (did you mean ocm instance list?)');
    expect(opened).toBe(0);
  });

  it('refuses a value given to a flag, a missing value, a repeated option and a stray word', async () => {
    expect((await run('instance', 'list', '--json=yes')).err).toContain('--json takes no value.');
    expect((await run(...add, '--force', '--login')).err).toContain('--login needs a value.');
    expect((await run('changes', '--model', 'res.partner', '--model', 'sale.order')).err).toContain('--model is given twice; to give several values, separate them with commas: --model A,B.');
    // `--json out.txt` used to drop out.txt silently.
    expect((await run('changes', '--json', 'out.txt')).err).toContain('ocm changes takes no arguments without an option name, but got "out.txt".');
    expect((await run('instance', 'edit', '--name', 'ERP', '--production', 'maybe')).err).toContain('Unknown value "maybe" for --production: use true or false.');
    expect(opened).toBe(0);
  });

  it('still reads every declared form: --a b, --a=b and flags', () => {
    const args = parseArgs(['--url=http://x', '--db', 'seed', '--json', '--transport', 'jsonrpc'], instanceTestCommand);
    expect(option(args, 'url')).toBe('http://x');
    expect(option(args, 'db')).toBe('seed');
    expect(args.options.get('json')).toBe(true);
    expect(option(args, 'transport')).toBe('jsonrpc');
  });

  it('makes reading an undeclared option a bug said at once, so a new flag cannot be forgotten in the declaration', () => {
    const command = { path: ['demo'], usage: 'Usage: ocm demo', options: { known: VALUE, quiet: FLAG } };
    const args = parseArgs(['--known', 'x'], command);
    expect(() => option(args, 'unknown')).toThrow(/ocm demo reads --unknown but does not declare it/);
  });

  it('names the transport "Transport" in the instance editor, as the CLI does', () => {
    expect(en['instances.transport']).toBe('Transport');
  });
});
