/**
 * The channel serves exactly the declared surface of the real services, over each transport: the
 * in-memory ports, the browser mode's WebSocket, and the Electron IPC port (with a stand-in for
 * `ipcMain`, since Electron itself cannot run here). Private helpers, inherited members, unknown events
 * and malformed arguments are refused with a coded error, and the services never see them.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createInMemoryPorts, serveChannel, type ChannelMessage, type MessagePort } from '../../../src-main/common/channel';
import type { Disposable } from '../../../src-main/common/event';
import { SERVICE_SURFACES } from '../../../src-main/common/services';
import { CHANNEL, createIpcPort } from '../../../src-main/hosts/electron/ipc-port';
import { createServices, type RunningServices } from '../../../src-main/hosts/services';
import { startWebServer, type WebServer } from '../../../src-main/hosts/web/server';

/** One side of a channel that sends raw messages and collects the replies by id. */
interface RawPeer {
  send(message: unknown): void;
  reply(id: number): Promise<Extract<ChannelMessage, { type: 'reply' }>>;
  close(): void;
}

function peerOver(send: (message: unknown) => void, onMessage: (listener: (message: ChannelMessage) => void) => void, close: () => void): RawPeer {
  const replies = new Map<number, Extract<ChannelMessage, { type: 'reply' }>>();
  const waiting = new Map<number, (reply: Extract<ChannelMessage, { type: 'reply' }>) => void>();
  onMessage((message) => {
    if (message.type !== 'reply') return;
    const waiter = waiting.get(message.id);
    if (waiter) waiter(message);
    else replies.set(message.id, message);
  });
  return {
    send,
    reply: (id) => (replies.has(id) ? Promise.resolve(replies.get(id)!) : new Promise((resolve) => waiting.set(id, resolve))),
    close,
  };
}

let dataDir: string;
let staticDir: string;
let app: RunningServices;
let web: WebServer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ocm-surface-'));
  staticDir = mkdtempSync(join(tmpdir(), 'ocm-surface-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  app = await createServices({ dataDir, engine: 'none', keychain: null });
  await app.services.instances.add({ name: 'Kept', url: 'https://erp.example.com', db: 'prod', login: 'admin', password: 'pw' });
  web = await startWebServer({ services: app.services, port: 0, staticDir });
});
afterAll(async () => {
  await web?.close();
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

const transports: Record<string, () => Promise<RawPeer>> = {
  'in-memory': async () => {
    const [server, client] = createInMemoryPorts();
    const served = serveChannel(server, app.services, SERVICE_SURFACES);
    return peerOver((message) => client.send(message as ChannelMessage), (listener) => client.onMessage(listener), () => served.dispose());
  },
  WebSocket: async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${web.port}/channel?token=${encodeURIComponent(web.token)}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return peerOver(
      (message) => socket.send(JSON.stringify(message)),
      (listener) => socket.on('message', (data) => listener(JSON.parse(String(data)) as ChannelMessage)),
      () => socket.close(),
    );
  },
  'Electron IPC': async () => {
    // Stand-ins for ipcMain and one window's webContents: the port itself is the code under test.
    const ipcMain = new EventEmitter();
    const toRenderer = new EventEmitter();
    const contents = { isDestroyed: () => false, send: (channel: string, message: unknown) => toRenderer.emit(channel, message) };
    const port: MessagePort = createIpcPort(contents as never, ipcMain as never);
    const served: Disposable = serveChannel(port, app.services, SERVICE_SURFACES);
    return peerOver(
      (message) => ipcMain.emit(CHANNEL, { sender: contents }, JSON.parse(JSON.stringify(message))),
      (listener) => toRenderer.on(CHANNEL, listener),
      () => served.dispose(),
    );
  },
};

describe.each(Object.keys(transports))('the channel over %s', (kind) => {
  let peer: RawPeer;
  let nextId = 1;
  beforeAll(async () => {
    peer = await transports[kind]();
  });
  afterAll(() => peer.close());

  const call = async (service: string, method: string, args: unknown) => {
    const id = nextId++;
    peer.send({ type: 'call', id, service, method, args });
    return peer.reply(id);
  };
  const listen = async (service: string, event: string) => {
    const id = nextId++;
    peer.send({ type: 'listen', id, service, event });
    return peer.reply(id);
  };

  it('serves a declared method', async () => {
    expect(await call('instances', 'list', [])).toMatchObject({ ok: true, value: [expect.objectContaining({ name: 'Kept' })] });
  });

  it("refuses the services' private helpers", async () => {
    for (const [service, method] of [['instances', 'fields'], ['instances', 'get'], ['instances', 'fire'], ['instances', 'assertNameFree'], ['sync', 'assertKnown'], ['admin', 'options'], ['reports', 'options']]) {
      expect(await call(service, method, []), `${service}.${method}`).toMatchObject({ ok: false, error: { code: 'not-found', message: `Unknown call ${service}.${method}.` } });
    }
  });

  it('refuses inherited members: toString, constructor, __proto__ and the rest of Object.prototype', async () => {
    for (const method of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(await call('instances', method, []), method).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
    expect(await call('__proto__', 'toString', [])).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await call('constructor', 'call', [])).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses to listen to an unknown event, a method, or an inherited member', async () => {
    for (const event of ['onDidNothing', 'list', 'constructor', '__proto__']) {
      expect(await listen('instances', event), event).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
    expect(await listen('host', 'onDidChangeSettings')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it("refuses malformed arguments with 'invalid-input' before the service sees them", async () => {
    const refused = [
      ['instances', 'add', [{ name: 5, url: 'https://x', db: 'd', login: 'l', password: 'p' }], 'instances.add argument 1.name must be text'],
      ['instances', 'add', [{ name: 'Smuggled', url: 'https://x', db: 'd', login: 'l', password: 'p', demo: true }], 'instances.add argument 1.demo is not a known field'],
      ['instances', 'add', [{ name: 'x'.repeat(201), url: 'https://x', db: 'd', login: 'l', password: 'p' }], 'longer than 200 characters'],
      ['instances', 'remove', ['some-id', { keepHistory: 'yes' }], 'keepHistory must be true or false'],
      ['instances', 'list', [{}, 'extra'], 'takes at most 1 argument'],
      ['changes', 'timeline', [{ filter: {}, limit: 'all' }], 'limit must be a number'],
      ['changes', 'count', [{ events: ['drop'] }], 'must be one of create, write, unlink'],
      ['admin', 'deleteRows', ['i', { keys: ['1'], filter: {} }, {}], 'must have exactly one of keys, serverIds, filter'],
      ['settings', 'update', [{ deleteConfirmThreshold: -1 }], 'must be at least 0'],
    ] as const;
    for (const [service, method, args, problem] of refused) {
      expect(await call(service, method, args), `${service}.${method}`).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining(problem) } });
    }
    expect(await call('instances', 'add', 'not a list')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((await app.services.instances.list()).map((instance) => instance.name)).toEqual(['Kept']);
    expect(await app.services.settings.get()).toMatchObject({ deleteConfirmThreshold: 100 });
  });
});
