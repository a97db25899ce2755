/**
 * `ocm serve`'s exposure rules: loopback only without TLS; TLS from a real certificate pair (made here
 * with openssl) or a named reverse proxy beyond it; X-Forwarded-* believed from that proxy only; and the
 * cookie Secure (and `__Host-`) whenever the page is HTTPS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LoginThrottle } from '../../../src-main/accounts/login-throttle';
import { loadServeConfig } from '../../../src-main/hosts/serve/config';
import { startTeam, USERS, type TeamHarness } from './harness';

let dir: string;
let cert: string;
let key: string;
let otherKey: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-tls-'));
  cert = join(dir, 'cert.pem');
  key = join(dir, 'key.pem');
  otherKey = join(dir, 'other-key.pem');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', otherKey);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ OCM_HOME: join(dir, 'home') });

describe('refusal rules', () => {
  it('serves loopback as is, and refuses any other address without TLS or a named proxy', () => {
    expect(loadServeConfig({}, env())).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(loadServeConfig({ host: '::1' }, env()).host).toBe('::1');
    expect(() => loadServeConfig({ host: '0.0.0.0' }, env())).toThrow(/Refusing to serve on 0\.0\.0\.0 without TLS/);
    expect(() => loadServeConfig({}, { ...env(), OCM_HOST: '10.1.2.3' })).toThrow(/without TLS/);
    expect(loadServeConfig({ host: '0.0.0.0', tlsCert: cert, tlsKey: key }, env()).tls?.certPath).toBe(cert);
    expect(loadServeConfig({ host: '0.0.0.0', behindProxy: '10.0.0.5' }, env()).behindProxy).toBe('10.0.0.5');
  });

  it('says what is wrong with a certificate pair, a proxy, a database or a config file', () => {
    expect(() => loadServeConfig({ host: '0.0.0.0', tlsCert: cert }, env())).toThrow(/both a certificate and its private key; only the certificate/);
    expect(() => loadServeConfig({ tlsCert: join(dir, 'missing.pem'), tlsKey: key }, env())).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => loadServeConfig({ tlsCert: cert, tlsKey: otherKey }, env())).toThrow(/cannot be used together/);
    expect(() => loadServeConfig({ behindProxy: 'proxy.example' }, env())).toThrow(/the reverse proxy's IP address/);
    expect(loadServeConfig({}, { ...env(), OCM_DATABASE_URL: 'postgres://ocm:secret@db/ocm' }).database).toEqual({ kind: 'postgres', url: 'postgres://ocm:secret@db/ocm' });
    expect(() => loadServeConfig({}, { ...env(), OCM_DATABASE_URL: 'postgres://ocm:secret@db/' })).toThrow(/"postgres:\/\/ocm:\*\*\*@db\/" names no database/);
    expect(() => loadServeConfig({}, { ...env(), OCM_DATABASE_URL: 'mysql://ocm:secret@db/ocm' })).toThrow(/Unknown database URL "mysql:\/\/ocm:\*\*\*@db\/ocm"/);
    expect(loadServeConfig({}, { ...env(), OCM_DATABASE_URL: 'sqlite:///srv/ocm/mirror.sqlite' }).database).toEqual({ kind: 'sqlite', file: '/srv/ocm/mirror.sqlite' });
    expect(() => loadServeConfig({ publicUrl: 'http://ocm.example', tlsCert: cert, tlsKey: key }, env())).toThrow(/publicUrl .* is http while the server speaks TLS/);
    const file = join(dir, 'serve.json');
    writeFileSync(file, JSON.stringify({ listen: { host: '0.0.0.0', port: 9443 }, tls: { cert: 'cert.pem', key: 'key.pem' }, collector: { id: 'ocm-a', leaseSeconds: 10 }, sessions: { hours: 8 } }));
    expect(loadServeConfig({ config: file }, env())).toMatchObject({ host: '0.0.0.0', port: 9443, collector: { enabled: true, id: 'ocm-a', leaseSeconds: 10 }, sessions: { lifetimeSeconds: 8 * 3600 } });
    expect(loadServeConfig({ config: file, port: '9444', noCollector: true }, env())).toMatchObject({ port: 9444, collector: { enabled: false } });
    writeFileSync(file, JSON.stringify({ listen: {}, tsl: {} }));
    expect(() => loadServeConfig({ config: file }, env())).toThrow(/unknown keys: tsl/);
    writeFileSync(file, '{ "listen": ');
    expect(() => loadServeConfig({ config: file }, env())).toThrow(/is not valid JSON/);
  });
});

/** One HTTPS/HTTP request with full control of headers (fetch cannot set Host or trust a CA). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; ca?: Buffer }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send({ host: target.hostname, port: target.port, path: target.pathname, method: options.method ?? 'GET', headers: options.headers, ca: options.ca }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const loginBody = JSON.stringify({ login: 'vera', password: USERS.vera.password });

describe('TLS', () => {
  let team: TeamHarness;
  beforeAll(async () => {
    const config = loadServeConfig({ tlsCert: cert, tlsKey: key }, env());
    team = await startTeam({ tls: config.tls });
  });
  afterAll(() => team?.close());

  it('speaks HTTPS with HSTS and a Secure, __Host- session cookie', async () => {
    expect(team.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const origin = `https://localhost:${team.server.port}`;
    const response = await raw(`${origin}/api/login`, { method: 'POST', ca: readFileSync(cert), headers: { 'Content-Type': 'application/json', Origin: origin, Host: `localhost:${team.server.port}` }, body: loginBody });
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(String(response.headers['set-cookie'])).toMatch(/^__Host-ocm-session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure$/);
    // The WebSocket takes the cookie over wss:// from the same origin.
    const cookie = String(response.headers['set-cookie']).split(';')[0];
    const socket = new WebSocket(`wss://localhost:${team.server.port}/channel`, { origin, headers: { Cookie: cookie }, ca: readFileSync(cert) });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.close();
  });
});

describe('behind a reverse proxy', () => {
  it('believes X-Forwarded-* from the named proxy: HTTPS cookie, forwarded origin, and throttling by the forwarded client', async () => {
    const team = await startTeam({ behindProxy: '127.0.0.1' }, { throttle: new LoginThrottle({ perLogin: 2 }) });
    try {
      const forwarded = (client: string) => ({ 'Content-Type': 'application/json', Origin: 'https://ocm.example.com', Host: `127.0.0.1:${team.server.port}`, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'ocm.example.com', 'X-Forwarded-For': `203.0.113.9, ${client}` });
      const ok = await raw(`${team.origin}/api/login`, { method: 'POST', headers: forwarded('198.51.100.1'), body: loginBody });
      expect(ok.status).toBe(200);
      expect(String(ok.headers['set-cookie'])).toMatch(/^__Host-ocm-session=.*; Secure$/);
      // The origin is the one the proxy serves, not the address it reached us on.
      const direct = await raw(`${team.origin}/api/login`, { method: 'POST', headers: { ...forwarded('198.51.100.1'), Origin: team.origin }, body: loginBody });
      expect(direct.status).toBe(403);
      // Failures count per forwarded client: one address locked out, another still signs in.
      const wrong = JSON.stringify({ login: 'vera', password: 'wrong-password' });
      for (let attempt = 0; attempt < 2; attempt++) expect((await raw(`${team.origin}/api/login`, { method: 'POST', headers: forwarded('198.51.100.66'), body: wrong })).status).toBe(401);
      const locked = await raw(`${team.origin}/api/login`, { method: 'POST', headers: forwarded('198.51.100.66'), body: loginBody });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await raw(`${team.origin}/api/login`, { method: 'POST', headers: forwarded('198.51.100.1'), body: loginBody })).status).toBe(200);
    } finally {
      await team.close();
    }
  });

  it('refuses everybody but the proxy (the health check of this machine excepted)', async () => {
    const team = await startTeam({ behindProxy: '10.9.9.9' });
    try {
      const response = await raw(`${team.origin}/`, { headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '10.9.9.9' } });
      expect(response.status).toBe(403);
      expect(response.body).toBe('Only the reverse proxy may connect to this server.');
      expect((await raw(`${team.origin}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: loginBody })).status).toBe(403);
      const health = await raw(`${team.origin}/healthz`, {});
      expect([health.status, JSON.parse(health.body).status]).toEqual([200, 'ok']);
    } finally {
      await team.close();
    }
  });
});

describe('plain HTTP on loopback', () => {
  it('answers only this machine’s host names (DNS rebinding)', async () => {
    const team = await startTeam();
    try {
      expect((await raw(`${team.origin}/api/session`, { headers: { Host: 'evil.example' } })).status).toBe(421);
      expect((await raw(`${team.origin}/api/session`, {})).status).toBe(401);
    } finally {
      await team.close();
    }
  });
});
