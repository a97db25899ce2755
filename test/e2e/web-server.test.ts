/** The browser-mode server: loopback only, token-guarded WebSocket and downloads, strict headers. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ChannelClient, type ChannelMessage } from '../../src-main/common/channel';
import { Emitter } from '../../src-main/common/event';
import type { ISettingsService, Services } from '../../src-main/common/services';
import type { Settings } from '../../src-main/common/model';
import { CONTENT_SECURITY_POLICY, startWebServer, type WebServer } from '../../src-main/hosts/web/server';

let server: WebServer;
let staticDir: string;
const settings: Settings = { language: 'en', theme: 'system', savedFilters: [], deleteConfirmThreshold: 100 };
const changed = new Emitter<Settings>();
const settingsService: ISettingsService = {
  get: async () => settings,
  update: async (patch) => {
    Object.assign(settings, patch);
    changed.fire(settings);
    return settings;
  },
  onDidChangeSettings: changed.event,
};

function connect(path: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, origin ? { origin } : {});
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(String(response.statusCode))));
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'ocm-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  server = await startWebServer({ services: { settings: settingsService } as unknown as Services, host: '127.0.0.1', port: 0, staticDir });
});

afterAll(async () => {
  await server?.close();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('web server', () => {
  it('serves the workbench on 127.0.0.1 with a strict CSP and nosniff', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=.{20,}$`));
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses paths outside the static folder and foreign Host headers', async () => {
    const traversal = await fetch(`http://127.0.0.1:${server.port}/..%2F..%2Fetc%2Fpasswd`);
    expect([403, 404]).toContain(traversal.status);
    // fetch() may not set Host, so a raw request plays the DNS-rebinding page.
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'evil.example:80' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });

  it('requires the token and a same-origin Origin for the channel', async () => {
    await expect(connect('/channel')).rejects.toThrow('401');
    await expect(connect('/channel?token=wrong')).rejects.toThrow('401');
    await expect(connect(`/channel?token=${server.token}`, 'http://evil.example')).rejects.toThrow('403');
  });

  it('serves the services over the channel, events included', async () => {
    const socket = await connect(`/channel?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    const listeners = new Set<(message: ChannelMessage) => void>();
    socket.on('message', (data) => {
      for (const listener of listeners) listener(JSON.parse(String(data)) as ChannelMessage);
    });
    const client = new ChannelClient({
      send: (message) => socket.send(JSON.stringify(message)),
      onMessage: (listener) => {
        listeners.add(listener);
        return { dispose: () => listeners.delete(listener) };
      },
    });
    const proxy = client.proxy<ISettingsService>('settings');
    expect((await proxy.get()).language).toBe('en');
    const seen = new Promise<Settings>((resolve) => proxy.onDidChangeSettings(resolve));
    await proxy.update({ language: 'ar' });
    expect((await seen).language).toBe('ar');
    client.dispose();
    socket.close();
  });

  it('serves a registered download once, and only with the token', async () => {
    const file = join(staticDir, 'report.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const link = server.downloads.register(file);
    const withoutToken = await fetch(`http://127.0.0.1:${server.port}${link.replace(/\?token=.*/, '')}`);
    expect(withoutToken.status).toBe(403);
    const first = await fetch(`http://127.0.0.1:${server.port}${link}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toContain('report.csv');
    expect(await first.text()).toBe('a,b\n1,2\n');
    const second = await fetch(`http://127.0.0.1:${server.port}${link}`);
    expect(second.status).toBe(404);
  });
});
