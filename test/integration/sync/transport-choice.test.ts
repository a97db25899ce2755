/**
 * A new instance's transport is chosen from the server's version (issue 11 item 2, issue 10 item 4),
 * through the real composition root against simulated Odoo 18 and 19: with an API key on 19 the
 * instance mirrors over JSON-2 and the server logs no deprecated call at all; with a password on 19 it
 * uses JSON-RPC meanwhile (and says an API key is needed); on 18 JSON-RPC. Existing instances keep
 * what they have, and an edit does not ask the server again unless something that decides changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { createInstanceTestCommand } from '../../../src-main/hosts/cli/commands/instance-test';
import { instanceCommands } from '../../../src-main/hosts/cli/commands/instance';
import { runCli } from '../../../src-main/hosts/cli/run-cli';

let sim18: RunningSimulator;
let sim19: RunningSimulator;
let dir: string;
let app: RunningServices;

beforeAll(async () => {
  [sim18, sim19] = await Promise.all([startSimulator({ odoo: 18, seed: 5 }), startSimulator({ odoo: 19, seed: 5, databases: [{ name: 'seed' }, { name: 'big', syntheticRows: 2500 }] })]);
  dir = mkdtempSync(join(tmpdir(), 'ocm-transport-choice-'));
  app = await createServices({ dataDir: dir, engine: 'in-thread', keychain: null, autoStart: false });
});
afterAll(async () => {
  await app?.close();
  await Promise.all([sim18?.close(), sim19?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The mirror's present server ids of an instance, in id order. */
async function mirroredIds(instanceId: string): Promise<number[]> {
  const page = await app.services.changes.timeline({ filter: { instanceIds: [instanceId], presence: 'present' }, limit: 100_000 });
  return page.rows.map((row) => row.serverId).sort((a, b) => a - b);
}

describe('the transport of a new instance', () => {
  it('is JSON-2 on Odoo 19 with an API key: the instance mirrors with no deprecated call', async () => {
    const big = sim19.database('big');
    const added = await app.services.instances.add({ name: 'Nineteen', url: sim19.url, db: 'big', login: 'admin', password: big.apiKey('admin') });
    expect(added.transport).toBe('json2');
    expect(added.transportChoice).toEqual({ reason: 'json2', serverSerie: '19.0', major: 19 });

    const first = await app.syncOnce([added.id]);
    expect(first.results.get(added.id)).toMatchObject({ snapshot: true });
    expect(await mirroredIds(added.id)).toEqual(big.webhookRows().map((row) => row.id));

    // New rows and scattered deletions: the deletion check groups with formatted_read_group.
    big.deleteRandomWebhookRows(20);
    big.seedWebhookRows(30);
    const second = await app.syncOnce([added.id]);
    expect(second.results.get(added.id)).toMatchObject({ added: 30, removed: 20 });
    expect(await mirroredIds(added.id)).toEqual(big.webhookRows().map((row) => row.id));

    expect(sim19.deprecatedCalls()).toBe(0);
    expect(sim19.logLines().filter((line) => / WARNING /.test(line))).toEqual([]);
  });

  it('is JSON-RPC on Odoo 19 with a password, until an API key is entered; then JSON-2', async () => {
    const added = await app.services.instances.add({ name: 'Password on 19', url: sim19.url, db: 'seed', login: 'admin', password: 'admin' });
    expect(added).toMatchObject({ transport: 'jsonrpc', transportChoice: { reason: 'json2-needs-key', major: 19 } });
    // An edit that changes nothing deciding keeps the choice without asking the server.
    const renamed = await app.services.instances.update(added.id, { name: 'Still a password on 19' });
    expect(renamed).toMatchObject({ transport: 'jsonrpc', transportChoice: { reason: 'json2-needs-key' } });
    // Asking for auto chooses again (the same here); so does entering the API key.
    expect(await app.services.instances.update(added.id, { transport: 'auto' })).toMatchObject({ transport: 'jsonrpc', transportChoice: { reason: 'json2-needs-key' } });
    const keyed = await app.services.instances.update(added.id, { password: sim19.database('seed').apiKey('admin') });
    expect(keyed).toMatchObject({ transport: 'json2', transportChoice: { reason: 'json2' } });
  });

  it('is JSON-RPC on Odoo 18, and what the user forces is kept as forced', async () => {
    const auto = await app.services.instances.add({ name: 'Eighteen', url: sim18.url, db: 'seed', login: 'admin', password: 'admin' });
    expect(auto).toMatchObject({ transport: 'jsonrpc', transportChoice: { reason: 'jsonrpc', serverSerie: '18.0', major: 18 } });
    const synced = await app.syncOnce([auto.id]);
    expect(synced.results.get(auto.id)).toMatchObject({ snapshot: true });

    const forced = await app.services.instances.add({ name: 'Eighteen over XML-RPC', url: sim18.url, db: 'seed', login: 'admin', password: 'admin', transport: 'xmlrpc' });
    expect(forced).toMatchObject({ transport: 'xmlrpc', transportChoice: { reason: 'forced' } });
    const back = await app.services.instances.update(forced.id, { transport: 'auto' });
    expect(back).toMatchObject({ transport: 'jsonrpc', transportChoice: { reason: 'jsonrpc' } });
  });

  it('falls back to XML-RPC when the server cannot be asked, and chooses on a later save once it answers', async () => {
    const offline = await app.services.instances.add({ name: 'Offline', url: 'http://127.0.0.1:9', db: 'seed', login: 'admin', password: 'admin' });
    expect(offline).toMatchObject({ transport: 'xmlrpc', transportChoice: { reason: 'unreachable' } });
    const moved = await app.services.instances.update(offline.id, { url: sim18.url, password: 'admin' });
    expect(moved).toMatchObject({ transport: 'jsonrpc', transportChoice: { reason: 'jsonrpc' } });
    // The server down during a later save: the earlier choice for it stays.
    await sim18.faults.stopListening();
    try {
      expect(await app.services.instances.update(offline.id, { transport: 'auto' })).toMatchObject({ transport: 'jsonrpc', transportChoice: { reason: 'jsonrpc' } });
    } finally {
      await sim18.faults.resumeListening();
    }
  });
});

describe('ocm instance add | list | test', () => {
  it('prints the protocol chosen and why, and tests a saved instance over it with the same words', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ocm-transport-cli-'));
    const ocm = async (...argv: string[]) => {
      const out: string[] = [];
      const io: CliIo = { out: (text) => out.push(text), err: (text) => out.push(text), env: { OCM_HOME: home, KEY: sim19.database('seed').apiKey('admin'), PW: 'admin' }, interrupted: new AbortController().signal, isTty: false };
      return { code: await runCli([...instanceCommands, createInstanceTestCommand()], argv, io), text: out.join('\n') };
    };
    try {
      const keyed = await ocm('instance', 'add', '--name', 'keyed', '--url', sim19.url, '--db', 'seed', '--login', 'admin', '--password-env', 'KEY');
      expect(keyed.code).toBe(0);
      expect(keyed.text).toMatch(/✓ transport +JSON-2, chosen automatically: Odoo 19\.0 offers it and an API key was given\./);
      expect(keyed.text).toContain('Transport: JSON-2, chosen automatically: Odoo 19.0 offers it and an API key was given.');

      const password = await ocm('instance', 'add', '--name', 'password', '--url', sim19.url, '--db', 'seed', '--login', 'admin', '--password-env', 'PW');
      expect(password.code).toBe(0);
      expect(password.text).toContain('Transport: JSON-RPC for now: Odoo 19.0 offers JSON-2, which needs an API key, and a password was given.');
      expect(password.text).toContain('→ Create an API key in Odoo (your avatar → Preferences → Account Security → New API Key)');

      expect((await ocm('instance', 'list')).text).toMatch(/keyed .*\(json2 \(auto\), poll 30 s\)[\s\S]*password .*\(jsonrpc \(auto\), poll 30 s\)/);
      const saved = await ocm('instance', 'test', '--name', 'password');
      expect(saved.code).toBe(0);
      expect(saved.text).toContain('Testing admin on database seed at ' + sim19.url + ' (JSON-RPC)');
      expect(saved.text).toMatch(/! transport +JSON-RPC for now: Odoo 19\.0 offers JSON-2, which needs an API key/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
